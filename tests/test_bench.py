"""The bench's figures per process: a child's own peak memory (not what rusage reports for
children) and CPU seconds by kind of process."""
from __future__ import annotations

import subprocess
import sys
import time

from flows.bench import ChildPeaks, cpu_seconds


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


def test_cpu_seconds_are_counted_per_kind_of_process():
    before = cpu_seconds()
    # The child spends 0.3 s of CPU, then waits (its CPU read while it lives) until its stdin closes.
    child = subprocess.Popen([sys.executable, "-c", "import sys, time\nend = time.process_time() + 0.3\n"
                              "while time.process_time() < end: pass\nprint('spent', flush=True); sys.stdin.read()"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "spent"
    after = cpu_seconds()
    child.communicate("")
    assert after["others"] - before.get("others", 0.0) >= 0.3  # the child's, counted under its kind
    assert after["main"] - before["main"] < 0.3  # not this process's: it only waited
