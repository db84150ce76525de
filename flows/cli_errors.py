"""How the command line fails: one escaped line on stderr and an exit status, never a traceback
unless --debug asks for it; a closed pipe (`show ... | head`) is no failure."""
from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

EXPECTED = (ValueError, LookupError, OSError)  # their messages are written for users
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters and escape codes shown as \\xNN, never run."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def one_line(exc: BaseException) -> str:
    """An exception as one printable line; unexpected kinds are named, with where the trace is."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > 400:
        text = text[:397] + "..."
    if not isinstance(exc, EXPECTED) or isinstance(exc, KeyError):  # a KeyError's text is just the key
        text = f"{type(exc).__name__}: {text} (--debug shows the traceback)"
    return printable(text)


@dataclass
class Outcome:
    status: int = 1


@contextmanager
def reported(debug: bool = False):
    """Run a command: its failures become one line on stderr and the exit status in the outcome."""
    outcome = Outcome()
    try:
        yield outcome
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, less) has what it wanted
        _discard_stdout()
        outcome.status = 0
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        outcome.status = 130
    except Exception as exc:  # noqa: BLE001 - every failure of a command ends here, as one line
        if debug:
            traceback.print_exc()
        print(f"error: {one_line(exc)}", file=sys.stderr)
        outcome.status = 1


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        pass


class _WithoutTraceback(logging.Formatter):
    """Formats a record as the wrapped formatter would, minus its traceback."""

    def __init__(self, inner: logging.Formatter | None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info = plain.exc_text = plain.stack_info = None
        return self.inner.format(plain)


def quiet_tracebacks() -> None:
    """Prefect's console log shows a failed run's traceback; the command's own error line says
    what failed, so the console drops it (Prefect's API and UI keep it)."""
    import prefect.main  # noqa: F401 - configures Prefect's logging: its handlers must exist first

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler.formatter, _WithoutTraceback):
            handler.setFormatter(_WithoutTraceback(handler.formatter))
