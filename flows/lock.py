"""One writer at a time per data directory: a run holds an OS file lock while it publishes."""
from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def publish_lock(data_dir: Path, on_wait=None) -> Iterator[None]:
    """Hold DIR/.publish.lock; if another run holds it, call on_wait(message) and block until free.

    The lock is released by the OS when its holder exits, even when killed, so a crashed run
    never blocks the next one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".publish.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another run"
            if on_wait:
                on_wait(f"{data_dir} is being published by {holder}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def try_lock(data_dir: Path) -> Iterator[bool]:
    """Hold DIR/.publish.lock if it is free, yielding True; yield False, holding nothing, when
    another run holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".publish.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
