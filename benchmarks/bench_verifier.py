"""The held-out claim set (tests/heldout/) three ways, in the same process: derive.verify and two peers.

1. ``derive.verify`` with its default timeout, two claims at a time (it forks a
   worker per call);
2. a SymPy baseline: ``derive.lang.prepare`` reads the claim (its domains become
   SymPy assumptions), then ``sympy.simplify(lhs - rhs) == 0`` for '=' and, for an
   inequality, ``is_nonnegative`` / ``is_positive`` of the simplified difference:
   proved if True, refuted if False, unknown otherwise.  Each claim runs in a
   forked process with the same 30 s limit, two at a time;
3. plain float sampling: NumPy, seeded, 1000 uniform points in [-10, 10] (or the
   domain), refuted if any point violates by more than 1e-9·(1 + |rhs|), else
   ``supported``.  Its counterexample is the first violating point.

For each: the counts of verdicts on true and on false claims, unsound verdicts
(a false claim proved or supported, a true claim refuted), counterexamples that
the rows' independent mpmath evaluator (tests/heldout/labels.py) finds invalid,
and the median and worst seconds per claim, with the ratios of the medians.

    python benchmarks/bench_verifier.py [--only-current] [--limit N]
"""
from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from heldout.claims import ROWS  # noqa: E402
from heldout.labels import check_counterexample, parse_domains, relation  # noqa: E402

TIMEOUT = 30.0
STATUSES = ("proved", "refuted", "supported", "unknown", "parse-error", "error")


# ---------------------------------------------------------------- derive.verify
def run_derive(row):
    from derive import verify
    from derive.lang import ParseError
    start = time.perf_counter()
    try:
        v = verify(row.claim, assume=list(row.assume))
        status, cex = v.status, (dict(v.counterexample) if v.counterexample else None)
    except ParseError:
        status, cex = "parse-error", None
    except Exception:  # noqa: BLE001
        status, cex = "error", None
    return status, cex, time.perf_counter() - start


# ---------------------------------------------------------------- the SymPy baseline
def _sympy_verdict(row):
    from derive.lang import prepare, resolve_derivatives, with_domains
    c = prepare(row.claim, list(row.assume))
    diff = with_domains(resolve_derivatives(c.lhs) - resolve_derivatives(c.rhs), c.domains)
    if c.rel in ("<", "<="):
        diff = -diff
    d = sp.simplify(diff)
    if c.rel == "=":
        if d == 0:
            return "proved"
        return "refuted" if d.is_zero is False else "unknown"
    truth = d.is_nonnegative if c.rel in (">=", "<=") else d.is_positive
    return {True: "proved", False: "refuted"}.get(truth, "unknown")


def _sympy_child(row, conn):
    try:
        conn.send(_sympy_verdict(row))
    except Exception as exc:  # noqa: BLE001
        conn.send("parse-error" if type(exc).__name__ == "ParseError" else "unknown")
    finally:
        conn.close()


def run_sympy(row):
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    start = time.perf_counter()
    proc = ctx.Process(target=_sympy_child, args=(row, child))
    proc.start()
    child.close()
    status = "unknown"
    if parent.poll(TIMEOUT):
        try:
            status = parent.recv()
        except EOFError:  # the child died (a crash in SymPy): no verdict
            status = "unknown"
    proc.kill() if proc.is_alive() else None
    proc.join()
    return status, None, time.perf_counter() - start


# ---------------------------------------------------------------- plain float sampling
def _elementary(expr):
    """derive's activations replaced by their elementary SymPy definitions, until none is left."""
    for _ in range(10):
        new = expr.replace(lambda e: isinstance(e, sp.Function) and callable(getattr(e, "elementary", None)),
                           lambda e: e.elementary())
        if new == expr:
            break
        expr = new
    return expr


def _float(q, default):
    if q is None:
        return default
    try:
        return float(q)
    except OverflowError:  # a bound past the largest float
        return float("inf") if q > 0 else float("-inf")


def _grid(doms, names, rng, n=1000):
    cols = {}
    for name in names:
        d = doms.get(name)
        lo = _float(None if d is None else d.lo, -10.0)
        hi = _float(None if d is None else d.hi, 10.0)
        if d is not None and d.hi is None:
            hi = max(lo + 20.0, 10.0) if lo > -10 else 10.0
        if d is not None and d.lo is None:
            lo = min(hi - 20.0, -10.0) if hi < 10 else -10.0
        if not (np.isfinite(lo) and np.isfinite(hi)):
            cols[name] = np.full(n, lo if np.isfinite(hi) or not np.isfinite(lo) else hi)
        elif d is not None and d.integer:
            cols[name] = rng.integers(int(np.ceil(lo)), int(np.floor(hi)) + 1, n).astype(float)
        else:
            cols[name] = rng.uniform(lo, hi, n)
    return cols


def _float_verdict(row):
    from derive.lang import Infimum, Supremum, prepare, resolve_derivatives
    c = prepare(row.claim, list(row.assume))
    lhs, rhs = (_elementary(resolve_derivatives(e)) for e in (c.lhs, c.rhs))
    if lhs.has(Supremum, Infimum) or rhs.has(Supremum, Infimum):
        return "unknown", None
    syms = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
    names = [s.name for s in syms]
    doms = parse_domains(row.assume)
    cols = _grid(doms, names, np.random.default_rng(0))
    fl = sp.lambdify(syms, lhs, modules="numpy")
    fr = sp.lambdify(syms, rhs, modules="numpy")
    with np.errstate(all="ignore"):
        args = [cols[n] for n in names]
        lv = np.broadcast_to(np.asarray(fl(*args), dtype=float), (1000,))
        rv = np.broadcast_to(np.asarray(fr(*args), dtype=float), (1000,))
        for name in names:  # keep to the open ends of the domains
            d = doms.get(name)
            if d is not None:
                ok = np.ones(1000, bool)
                if d.lo is not None:
                    lo = _float(d.lo, 0.0)
                    ok &= cols[name] > lo if d.lo_open else cols[name] >= lo
                if d.hi is not None:
                    hi = _float(d.hi, 0.0)
                    ok &= cols[name] < hi if d.hi_open else cols[name] <= hi
                lv, rv = np.where(ok, lv, np.nan), np.where(ok, rv, np.nan)
        diff = lv - rv
        tol = 1e-9 * (1 + np.abs(rv))
        bad = {"=": np.abs(diff) > tol, "<=": diff > tol, "<": diff > tol,
               ">=": -diff > tol, ">": -diff > tol}[c.rel]
    bad &= np.isfinite(diff)
    if bad.any():
        i = int(np.argmax(bad))
        return "refuted", {n: repr(float(cols[n][i])) for n in names}
    return ("supported" if np.isfinite(diff).any() else "unknown"), None


def run_float(row):
    start = time.perf_counter()
    try:
        status, cex = _float_verdict(row)
    except Exception as exc:  # noqa: BLE001 - a baseline that cannot evaluate the claim gives no verdict
        status, cex = ("parse-error" if type(exc).__name__ == "ParseError" else "unknown"), None
    return status, cex, time.perf_counter() - start


# ---------------------------------------------------------------- the table
def run(method, rows, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(method, rows))


def tally(rows, results):
    t = {"counts": {}, "unsound": [], "invalid": [], "times": [r[2] for r in results]}
    for row, (status, cex, _) in zip(rows, results):
        key = ("true" if row.label else "false", status)
        t["counts"][key] = t["counts"].get(key, 0) + 1
        if (not row.label and status in ("proved", "supported")) or (row.label and status == "refuted"):
            t["unsound"].append(row.id)
        if status == "refuted" and cex is not None and check_counterexample(row, cex)[0] is False:
            t["invalid"].append(row.id)
    return t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only-current", action="store_true", help="skip the rows in the new syntax")
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows (a quick look)")
    ap.add_argument("--show", action="store_true", help="list the unsound and invalid rows")
    args = ap.parse_args(argv)
    rows = [r for r in ROWS if r.syntax == "current" or not args.only_current]
    rows = rows[:args.limit] if args.limit else rows
    for r in rows:
        relation(r.claim)
    print(f"{len(rows)} claims ({sum(r.label for r in rows)} true, {sum(not r.label for r in rows)} false)")
    methods = {}
    for name, method, workers in (("derive.verify", run_derive, 2), ("sympy.simplify", run_sympy, 2),
                                  ("float sampling", run_float, 1)):
        start = time.perf_counter()
        methods[name] = tally(rows, run(method, rows, workers))
        print(f"  {name}: {time.perf_counter() - start:.1f} s wall clock", flush=True)
    head = f"{'method':16}{'label':>6}" + "".join(f"{s:>12}" for s in STATUSES)
    print("\n" + head)
    for name, t in methods.items():
        for label in ("true", "false"):
            print(f"{name if label == 'true' else '':16}{label:>6}"
                  + "".join(f"{t['counts'].get((label, s), 0):>12}" for s in STATUSES))
    base = statistics.median(methods["derive.verify"]["times"])
    print(f"\n{'method':16}{'unsound':>9}{'invalid cex':>13}{'median s':>10}{'worst s':>9}{'median / derive':>17}")
    for name, t in methods.items():
        med = statistics.median(t["times"])
        invalid = "—" if name == "sympy.simplify" else str(len(t["invalid"]))
        print(f"{name:16}{len(t['unsound']):>9}{invalid:>13}{med:>10.3f}{max(t['times']):>9.2f}"
              f"{med / base if base else float('nan'):>17.2f}")
    if args.show:
        for name, t in methods.items():
            print(f"{name}: unsound {t['unsound']}; invalid counterexamples {t['invalid']}")


if __name__ == "__main__":
    main()
