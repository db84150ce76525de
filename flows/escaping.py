"""Control characters made visible, so that no name or title can forge a log line or drive a terminal."""
from __future__ import annotations

import unicodedata

# C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional overrides
# that reorder what a terminal shows.
_CONTROLS = [c for c in range(0x2070) if unicodedata.category(chr(c)) in ("Cc", "Zl", "Zp")]
_CONTROLS += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = str.maketrans({c: chr(c).encode("unicode_escape").decode("ascii") for c in _CONTROLS})


def escape_controls(text: str) -> str:
    r"""The text with every control character written as its escape (a newline as \n, ESC as
    \x1b); printable text, accents and CJK included, is unchanged."""
    return str(text).translate(_ESCAPES)
