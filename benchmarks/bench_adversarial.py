"""Run every named adversarial input through the command line, one at a time, and time it.

The inputs are those of tests/test_adversarial.py (one list for both): the
named claims of ``derive verify``, the code-execution attempts (each would
create a marker file), hostile proof ids and names, and hostile report titles
(``derive report --pdf --title ...``).  Each run is ``python -m derive ...``
with stdin from /dev/null, as a user runs it, so the times include the
interpreter's start-up; for a claim, the table also gives the time the
library took to refuse it (``parse_claim`` in this process, start-up left
out).  Prints a table of input, exit status and seconds, then the counts of crashes (a traceback, an internal error or an unexpected
status), hangs (no exit within 120 s), leaks (a line of /etc/passwd in the
output or the PDF, a marker file, a title not printed literally) and the
worst time any input took before it was refused.

    python benchmarks/bench_adversarial.py
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG_SECONDS = 120


def _cases_module():
    sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("adversarial_cases", ROOT / "tests" / "test_adversarial.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONHASHSEED", None)  # as a user runs it: the command re-executes itself with 0
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=HANG_SECONDS, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - start
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def _library_seconds(claim):
    """Seconds ``parse_claim`` takes on ``claim`` in this process (refused or not)."""
    from derive.lang import ParseError, parse_claim
    start = time.perf_counter()
    try:
        parse_claim(claim)
    except ParseError:
        pass
    return time.perf_counter() - start


def _shown(text, width=44):
    flat = " ".join(text.split()).replace("\x00", "\\0")
    if len(text) > 200:
        return f"{flat[:20]}… ({len(text):,} chars)"[:width]
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def main():
    cases = _cases_module()
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    have_tex = shutil.which("pdflatex") and shutil.which("pdftotext")
    rows, crashes, hangs, leaks = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="derive-bench-") as tmp:
        marker = Path(tmp) / "pwned"
        runs = []  # (label, args, kind)
        for _, claim, outcome, _ in cases.NAMED + cases.MORE:
            runs.append((claim, ("verify", claim), "refuse" if outcome == cases.ERROR else "verdict"))
        for attempt in cases.EXECUTION_ATTEMPTS:
            text = attempt.format(marker=marker)
            runs.append((f"{text} = 1", ("verify", f"{text} = 1"), "refuse"))
        library = {args[1]: _library_seconds(args[1]) for _, args, kind in runs if args[0] == "verify"}
        for args, _ in cases.HOSTILE_NAMES:
            args = tuple(a.replace("{out}", str(Path(tmp) / "names")) for a in args)
            runs.append((" ".join(args), args, "refuse"))
        for i, title in enumerate(cases.HOSTILE_TITLES if have_tex else []):
            out = Path(tmp) / f"title{i}"
            runs.append((f"report --title {title}", ("report", "--pdf", "--title", title, "-o", str(out),
                                                     "sigmoid-derivative"), "report"))
        for label, args, kind in runs:
            code, out, err, seconds = _run(args)
            rows.append((label, kind, code, seconds, library.get(args[1]) if args[0] == "verify" else None))
            if code is None:
                hangs.append(label)
                continue
            if code not in (0, 1, 2, 3) or "Traceback" in out + err or "internal error" in err:
                crashes.append(label)
            if kind == "refuse" and not (code == 2 and err.startswith("derive: error:") and err.count("\n") == 1):
                crashes.append(label)
            if passwd in out + err or marker.exists():
                leaks.append(label)
            if kind == "report":
                pdf = Path(args[5]) / "derive-report.pdf"
                text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout \
                    if pdf.exists() else ""
                if code != 0 or "".join(args[3].split()) not in "".join(text.split()) or passwd in text:
                    leaks.append(label)
    width = 46
    print(f"{'input':<{width}} {'kind':<8} {'exit':>4} {'seconds':>8} {'parse s':>8}")
    for label, kind, code, seconds, parse in rows:
        shown = "" if parse is None else f"{parse:8.4f}"
        print(f"{_shown(label, width):<{width}} {kind:<8} {'hang' if code is None else code:>4} {seconds:8.2f} "
              f"{shown:>8}")
    refused = [r for r in rows if r[1] == "refuse"]
    worst = max(refused, key=lambda r: r[3])
    parsed = [r for r in refused if r[4] is not None]
    worst_parse = max(parsed, key=lambda r: r[4])
    print(f"{len(rows)} adversarial inputs: {len(refused)} refused with exit status 2, "
          f"{sum(r[1] == 'verdict' for r in rows)} verdicts, {sum(r[1] == 'report' for r in rows)} reports; "
          f"{len(set(crashes))} crashes, {len(hangs)} hangs, {len(set(leaks))} leaks")
    print(f"worst time before a refusal: {worst[3]:.2f} s ({_shown(worst[0], 40)}); "
          f"median refusal {sorted(r[3] for r in refused)[len(refused) // 2]:.2f} s; "
          f"slowest input of all {max(r[3] for r in rows):.2f} s")
    print(f"worst time the parser took to refuse a claim (start-up left out): {worst_parse[4]:.4f} s "
          f"({_shown(worst_parse[0], 40)})")
    if crashes or hangs or leaks:
        print("PROBLEMS:", sorted(set(crashes)), hangs, sorted(set(leaks)))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
