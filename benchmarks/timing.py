"""Timing helpers shared by the benchmarks: in-process best-of runs and whole processes.

Every benchmark reports ratios to a peer timed in the same run (``python -c
"import sympy"`` for whole processes), so a busy machine slows both sides.
The scripts run as ``python benchmarks/bench_x.py``, which puts this folder
first on the import path: ``from timing import best_of``.

>>> seconds, value = best_of(lambda: sum(range(10)), repeat=2)
>>> value, seconds >= 0
(45, True)
"""
from __future__ import annotations

import gc
import subprocess
import sys
import time

IMPORT_SYMPY = [sys.executable, "-c", "import sympy"]  # the peer of every whole-process row


def best_of(fn, repeat=3):
    """(best seconds, last result) of ``repeat`` calls of ``fn``, the garbage collected before each."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_timed(argv, env=None, cwd=None, ok=(0,)):
    """(seconds, stdout) of the process ``argv``; a status outside ``ok`` stops the benchmark with its stderr."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, argv))[:200]} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout


def import_sympy_seconds(repeat=3, env=None) -> float:
    """Best wall-clock time of ``python -c "import sympy"`` in a fresh interpreter."""
    return min(run_timed(IMPORT_SYMPY, env)[0] for _ in range(repeat))
