"""Time the whole catalogue run, ``derive check``, as a user runs it.

Runs ``python -m derive check --no-cache`` in a subprocess (the proofs go to
two worker processes on a 2-core machine), three times, and reports each
wall-clock time and the best: every proof is run, none is read from the result
cache (``bench_startup.py`` times the warm run). Target: under 20 s for the
whole catalogue.

    python benchmarks/bench_check.py
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(repeat=3):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times, summary = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "derive", "check", "--no-cache"], capture_output=True, text=True,
                              env=env, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        summary = [line for line in proc.stdout.splitlines() if " proofs: " in line][-1]
        if proc.returncode != 0:
            print(proc.stdout[-2000:])
            raise SystemExit(f"derive check failed with status {proc.returncode}")
    print(summary)
    print("wall clock: " + ", ".join(f"{t:.1f} s" for t in times) + f"; best {min(times):.1f} s (target < 20 s)")


if __name__ == "__main__":
    main()
