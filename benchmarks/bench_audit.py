"""Time ``derive audit`` on a 20 KB note of 60 formulas, as a user runs it, beside ``import sympy``.

The note is built from the test notes (``tests/notes/*.md``, in a fixed order):
whole notes, one after another, until it holds at least 60 formulas, then prose
from the same notes until it is 20 KB.  ``python -m derive audit NOTE --json``
runs in a subprocess three times; the peer, ``python -c "import sympy"``, runs
in the same process right before each.  Reported: each time, the best, the
time per formula, and the ratio to the peer.  Target: under 30 s for the note.

    python benchmarks/bench_audit.py
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from timing import IMPORT_SYMPY, run_timed

ROOT = Path(__file__).resolve().parents[1]
NOTES = ["zh_losses.md", "en_backprop.md", "zh_activations.md", "en_softmax.md", "zh_regularisation.md",
         "en_optimisers.md", "mixed_cnn.md"]
FORMULAS, SIZE = 60, 20_000


def build_note() -> str:
    sys.path.insert(0, str(ROOT))
    from derive.notes.extract import extract
    parts, text = [], ""
    for name in NOTES:
        parts.append((ROOT / "tests" / "notes" / name).read_text(encoding="utf-8"))
        text = "\n\n".join(parts)
        if len(extract(text, "md")) >= FORMULAS:
            break
    filler = [line for line in text.splitlines() if line and "$" not in line and not line.startswith(("#", "<"))]
    k = 0
    while len(text.encode("utf-8")) < SIZE and filler:
        text += "\n\n" + filler[k % len(filler)]
        k += 1
    return text + "\n"


def main(repeat=3):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    note = build_note()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "benchmark-note.md"
        path.write_text(note, encoding="utf-8")
        times, peers = [], []
        for _ in range(repeat):
            peers.append(run_timed(IMPORT_SYMPY, env)[0])
            seconds, out = run_timed([sys.executable, "-m", "derive", "audit", "--json", str(path)], env, ok=(0, 1))
            times.append(seconds)
    data = json.loads(out)
    count = data["formulas"]
    best, peer = min(times), min(peers)
    print(f"note: {len(note.encode('utf-8'))} bytes, {count} formulas, {data['read']} read, "
          f"{data['checked']} checked; " + ", ".join(f"{n} {o}" for o, n in data["counts"].items() if n))
    print("derive audit: " + ", ".join(f"{t:.1f} s" for t in times) + f"; best {best:.1f} s "
          f"({best / count:.2f} s per formula; target < 30 s for the note)")
    print(f"import sympy: best {peer:.2f} s; derive audit is {best / peer:.1f} x import sympy")


if __name__ == "__main__":
    main()
