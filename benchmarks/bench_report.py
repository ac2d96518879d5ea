"""Time the main job, ``derive report`` with the PDF, as a user runs it.

Runs ``python -m derive report --pdf --no-cache -o TMP`` in a subprocess,
twice, into fresh temporary folders, and reports the wall-clock times and the
PDF's size; every proof is run, none is read from the result cache.
Target: under 60 s on this 2-core machine.

    python benchmarks/bench_report.py
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(repeat=2):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "derive", "report", "--pdf", "--no-cache", "-o", out],
                                  capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise SystemExit(proc.stdout[-2000:] + proc.stderr[-2000:])
            size = (Path(out) / "derive-report.pdf").stat().st_size
            summary = proc.stdout.strip().splitlines()[-1]
    print(summary)
    print(f"PDF {size / 1e6:.2f} MB; wall clock: " + ", ".join(f"{t:.1f} s" for t in times)
          + f"; best {min(times):.1f} s (target < 60 s)")


if __name__ == "__main__":
    main()
