"""Memory freed by a step is handed back to the system before the next."""
from __future__ import annotations

import os

import pytest

from ai_race_tables import memory


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(memory._libc() is None or not os.path.exists("/proc/self/statm"), reason="glibc on Linux")
def test_memory_freed_among_live_objects_goes_back_to_the_system():
    held = [bytearray(2000) for _ in range(100_000)]  # 200 MB of small blocks on the C heap
    held = held[::50]  # freed but for every 50th block: the heap cannot shrink from its end
    before = _resident_mb()
    memory.hand_back()
    assert before - _resident_mb() > 100
    assert len(held) == 2000
