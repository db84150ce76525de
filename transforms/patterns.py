"""Regular expressions built from word lists."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator


def alternation(words, not_after: str | None = None) -> str:
    """A regex matching any of words, longest first, written as a trie ("C(?:hina|hinese)");
    with not_after (a character class), only where the character before is not in it.

    Python's engine tries every branch of an alternation at every position; sharing prefixes
    leaves it one branch per character, which makes long lists (places, company names) cheap."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    if not_after is None:
        return _pattern(trie)
    # The check follows each first letter ("C(?<![\w.].)hina"), so that the pattern still opens
    # with letters, which the engine can skip to.
    return "(?:" + "|".join(f"{re.escape(char)}(?<!{not_after}.){_pattern(child)}"
                            for char, child in sorted(trie.items())) + ")"


def _pattern(node: dict) -> str:
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy: the longer word is tried first, the shorter one only if the rest fails.
    return f"(?:{body})?" if "" in node else body


_KEEP = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


class CaselessPattern:
    """A case-insensitive pattern that runs case-sensitively over lower-cased text.

    Python's engine is several times slower with re.IGNORECASE than without, and news text is
    scanned by dozens of such patterns. Positions are the text's own; matched strings come back
    in lower case, so read original spellings from the text by position."""

    def __init__(self, pattern: str):
        self.pattern = _lower(pattern)
        self.regex = re.compile(keywords_first(self.pattern))  # to run over lower-cased text

    def search(self, text: str, *bounds: int) -> re.Match | None:
        """Like re.Pattern.search, ignoring case."""
        return self.regex.search(lowered(text), *bounds)

    def match(self, text: str, *bounds: int) -> re.Match | None:
        """Like re.Pattern.match, ignoring case."""
        return self.regex.match(lowered(text), *bounds)

    def fullmatch(self, text: str, *bounds: int) -> re.Match | None:
        """Like re.Pattern.fullmatch, ignoring case."""
        return self.regex.fullmatch(lowered(text), *bounds)

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match]:
        """Like re.Pattern.finditer, ignoring case."""
        return self.regex.finditer(lowered(text), *bounds)

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        """Like re.Pattern.split, ignoring case; the pieces keep the text's spelling."""
        pieces, start = [], 0
        for n, m in enumerate(self.finditer(text)):
            if maxsplit and n >= maxsplit:
                break
            pieces.append(text[start:m.start()])
            start = m.end()
        return pieces + [text[start:]]


def keywords_first(pattern: str) -> str:
    r"""A pattern rewritten to match the same but open with letters where it opened with a word
    boundary, so that the engine can skip to them: `\b(?:word|other...)rest` becomes
    "(?:w(?<!\w.)(?:ord)|o(?<!\w.)(?:ther))rest", and each top-level alternative `\bword...`
    becomes "w(?<!\w.)ord..." (the boundary checked after the first letter)."""
    whole = _group(pattern + ")", 0)
    if whole is None or whole[1] != len(pattern):
        return pattern
    return "|".join(_branch_keywords_first(branch) for branch in whole[0])


def _branch_keywords_first(pattern: str) -> str:
    if re.match(r"\\b[^\W\d_](?![?*+{])", pattern):
        return f"{pattern[2]}(?<!\\w.){pattern[3:]}"
    opening = re.match(r"\\b\(\?:", pattern)
    group = _group(pattern, opening.end()) if opening else None
    if group is None:
        return pattern
    words, close = group
    if not all(w[:1].isalpha() and w[1:2] not in ("?", "*", "+", "{") for w in words):
        return pattern
    tails: dict[str, list[str]] = {}
    for word in words:  # alternatives keep their order among those with the same first letter
        tails.setdefault(word[0], []).append(word[1:])
    branches = [f"{first}(?<!\\w.)(?:{'|'.join(rest)})" for first, rest in tails.items()]
    return "(?:" + "|".join(branches) + ")" + pattern[close + 1:]


def _group(pattern: str, start: int) -> tuple[list[str], int] | None:
    """(alternatives split at the group's own "|", index of its closing bracket) of the group
    whose body starts at start; None when it never closes."""
    parts, depth, begin, i = [], 0, start, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")" and depth == 0:
            return parts + [pattern[begin:i]], i
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[begin:i])
            begin = i + 1
        i += 1
    return None


def _class_end(pattern: str, start: int) -> int:
    """Index of the "]" closing the character class opened at start ("[^]a\\]]" included)."""
    i = start + 1 + (pattern[start + 1:start + 2] == "^")
    i += pattern[i:i + 1] == "]"  # a "]" first in a class is a literal
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _lower(pattern: str) -> str:
    """Literal letters in lower case; escapes (\\W, \\S) and group names untouched."""
    out, start = [], 0
    for m in _KEEP.finditer(pattern):
        out += [pattern[start:m.start()].lower(), m.group(0)]
        start = m.end()
    return "".join(out) + pattern[start:].lower()


@lru_cache(maxsize=128)  # a sentence or clause is lowered once for all the patterns that read it
def lowered(text: str) -> str:
    """text in lower case, with every character kept in its place."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def finditer_near(pattern, key: re.Pattern, text: str, reach: int) -> Iterator[re.Match]:
    """Like pattern.finditer(text) for a pattern whose every match holds a match of key within
    `reach` characters of its start: the costly pattern is tried only near the cheap key."""
    position = 0
    while (found := key.search(text, position)) is not None:
        match = pattern.search(text, max(position, found.start() - reach))
        if match is None:
            return
        yield match
        position = max(match.end(), match.start() + 1)


def finditer_anchored(pattern, key: re.Pattern, text: str, before: int,
                      lead: re.Pattern | None = None) -> Iterator[re.Match]:
    """Like pattern.finditer(text) for a pattern whose every (non-empty) match starts at most
    `before` characters before a match of key within it: the pattern is tried only at those
    few positions, which suits patterns whose opening the engine cannot skip to ("US$5bn").
    With lead, a pattern that a match starting before the key's must have end right at the key
    ("US$ "), the earlier positions are tried only where it does: most keys then take one try."""
    position = 0
    while (found := key.search(text, position)) is not None:
        at = found.start()
        low = max(position, at - before)
        if lead is not None and low < at and not lead.search(text, low, at):
            low = at
        for start in range(low, at + 1):
            if (match := pattern.match(text, start)) is not None:
                yield match
                position = max(match.end(), start + 1)
                break
        else:
            position = at + 1
