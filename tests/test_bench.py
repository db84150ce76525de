"""The bench's memory figures: a child's own peak, not what rusage reports for children."""
from __future__ import annotations

import subprocess
import sys
import time

from flows.bench import ChildPeaks


def test_child_peaks_are_each_childs_own():
    peaks = ChildPeaks(every=0.05)
    # The child holds 150 MB until this process closes its stdin: sampled while it lives.
    child = subprocess.Popen([sys.executable, "-c", "import sys; x = bytearray(150 * 2**20); x[::4096] = b'1' * "
                              "len(x[::4096]); print('ready', flush=True); sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while (child.pid not in peaks.peaks or peaks.peaks[child.pid][0] < 150) and time.monotonic() < deadline:
        pass  # the sampler reads the child's peak within a few samples
    child.communicate("")
    mb, _ = peaks.stop()
    assert 150 <= mb < 400  # its own peak: not this process's, which rusage would report for it
