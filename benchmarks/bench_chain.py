"""Reverse mode on the n-layer sigmoid chain, against sympy.diff in the same run.

The chain: z_i = w_i·h_{i−1} + b_i, h_i = σ(z_i), C = (h_n − y)²/2.  For each
n the script times ``g.grad(C, every parameter)`` (best of 3, GC collected
before each run) and reports the program's size as ``count_ops``; it times
``sympy.diff`` of the nested closed form with respect to every parameter
while that still finishes (it raises RecursionError for deep chains).  At
n = 256 it checks the compiled gradient against central finite differences
to a norm-wise relative tolerance of 1e-6.

    python benchmarks/bench_chain.py            # n = 32, 256, 1024, 4096
    python benchmarks/bench_chain.py 32 64      # other sizes
"""
from __future__ import annotations

import gc
import sys
import time

import numpy as np
import sympy as sp

from derive import sigmoid
from derive.graph import Graph

DIFF_LIMIT_SECONDS = 20.0


def chain(n):
    g = Graph()
    h, y = g.input("x"), g.input("y")
    params = []
    for i in range(1, n + 1):
        w, b = g.param(f"w_{i}"), g.param(f"b_{i}")
        params += [w, b]
        z = g.let(f"z_{i}", w * h + b)
        h = g.let(f"h_{i}", sigmoid(z))
    return g, g.let("C", (h - y) ** 2 / 2), params


def time_grad(n):
    """(first run, best of 3) seconds for g.grad(C, every parameter), each on a fresh graph.

    The first run is the honest cold figure; later runs of the same sizes
    profit from SymPy's global cache of expressions.
    """
    def run():
        g, C, params = chain(n)
        gc.collect()
        start = time.perf_counter()
        d = g.grad(C, params)
        return time.perf_counter() - start, d
    results = [run() for _ in range(3)]
    return results[0][0], min(r[0] for r in results), results[0][1]


def time_sympy_diff(n):
    g, C, params = chain(n)
    closed = g.closed_form(C)
    start = time.perf_counter()
    try:
        for p in params:
            sp.diff(closed, p)
            if time.perf_counter() - start > DIFF_LIMIT_SECONDS:
                return f"> {DIFF_LIMIT_SECONDS:.0f} s (stopped)"
    except RecursionError:
        return "RecursionError"
    return time.perf_counter() - start


def finite_difference_check(n=256, points=5, seed=0):
    """Norm-wise relative error max|g − fd| / max|fd| of the compiled gradient.

    Deep in the chain the gradient is far below what a finite difference of C
    can resolve (about (1/4)^n), so the error is measured against the largest
    component, as gradcheck's atol + rtol·|fd| does, not component by component.
    """
    g, C, params = chain(n)
    d = g.grad(C, params)
    run = d.numeric()
    rng = np.random.default_rng(seed)
    worst = 0.0
    chosen = params[::8] + params[-8:]
    for _ in range(points):
        base = {s: np.array([rng.normal()]) for s in run.arguments}
        _, grads = run(base)
        errors, scale = [], 0.0
        for p in chosen:
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(base[p][0]))
            up, down = dict(base), dict(base)
            up[p], down[p] = base[p] + h, base[p] - h
            fd = (run(up)[0][0] - run(down)[0][0]) / (2 * h)
            if not (np.isfinite(fd) and np.isfinite(grads[p][0])):
                return float("inf")
            errors.append(abs(grads[p][0] - fd))
            scale = max(scale, abs(fd))
        worst = max(worst, max(errors) / scale)
    return worst


def main(sizes):
    print(f"{'n':>6} {'grad cold (s)':>14} {'grad best (s)':>14} {'program ops':>12} {'ops/n':>6}"
          f" {'sympy.diff (s)':>16} {'diff/grad':>10}")
    for n in sizes:
        cold, best, d = time_grad(n)
        ops = sum(sp.count_ops(a.expr) for a in d.program)
        theirs = time_sympy_diff(n) if n <= 64 else "not run"
        ratio = f"{theirs / cold:10.0f}" if isinstance(theirs, float) else f"{'—':>10}"
        shown = f"{theirs:16.3f}" if isinstance(theirs, float) else f"{theirs:>16}"
        print(f"{n:>6} {cold:14.3f} {best:14.3f} {ops:12d} {ops / n:6.1f} {shown} {ratio}")
    err = finite_difference_check()
    print(f"n = 256: norm-wise relative error against central finite differences = {err:.2e}"
          f" ({'within' if err <= 1e-6 else 'OUTSIDE'} 1e-6)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [32, 64, 256, 1024, 4096])
