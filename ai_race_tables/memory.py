"""Memory freed by one step of a large run handed back to the system before the next step."""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    """The C library when it is glibc (the one with malloc_trim), else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def hand_back() -> None:
    """Return the free pages of the C heap to the system (glibc; elsewhere nothing). glibc keeps
    memory freed among live objects, so each step of a large run (keys, companies, every table's
    commit and plain file) would otherwise add its own peak to what the steps before it freed."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
