"""Wall-clock and CPU time of the work a benchmark measures (shared by the scripts here)."""

from __future__ import annotations

import time

import numpy as np


def timed(fn):
    """Run ``fn``; return its output, the wall seconds and the CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def repeated(fn, repeats: int):
    """Run ``fn`` ``repeats`` times; return its last output and the wall and CPU seconds of each."""
    runs = [timed(fn) for _ in range(repeats)]
    return runs[-1][0], np.array([r[1] for r in runs]), np.array([r[2] for r in runs])
