"""Matrix backpropagation at MNIST size, beside the scalar-node graph and SymPy's MatrixSymbol calculus.

The network: ``nets.mlp((784, 256, 10), activation="sigmoid", matrix=True)``,
z₁ = W₁·x + b₁, h₁ = σ(z₁), ŷ = W₂·h₁ + b₂, C = ½‖ŷ − y‖², with concrete
dimensions.  The script times building the graph and ``g.grad(C, every
parameter)`` (best of 5, GC collected before each run; target < 0.1 s) and
reports the result's size: the program's length and, for each parameter, the
number of distinct subexpressions (``Mat.size()``) of its adjoint in node names
(``factors``) and of its closed form (``expr``).  In the same run:

- the scalar-node graph of the same network at widths (16, 16, 4)
  (``nets.mlp((16, 16, 4), activation="sigmoid")``, one node per unit), every
  parameter, best of 3;
- SymPy's ``MatrixSymbol`` differentiation of the same losses: the linear
  layer r = W·x + b − y (W : 10 × 784) and the MLP, each as
  ``(r.T*r)[0, 0].diff(W)`` and ``(r.T*r).diff(W)``, printed as the type and
  shape SymPy returns.  Each call runs in a limited worker
  (:func:`derive.limits.run_limited`) stopped after 20 s; the linear layer's
  calls are repeated with symbolic dimensions (q × n), which finish.

Every time is also given as a multiple of ``python -c "import sympy"``, run
in a subprocess three times in the same run (best).

    python benchmarks/bench_matrix.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sympy as sp  # noqa: E402
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction  # noqa: E402

from derive import nets  # noqa: E402
from derive.limits import run_limited  # noqa: E402
from timing import best_of, import_sympy_seconds  # noqa: E402

MNIST = (784, 256, 10)
SCALAR = (16, 16, 4)
TARGET_SECONDS = 0.1
SYMPY_LIMIT_SECONDS = 20.0


def matrix_gradient():
    g, C = nets.mlp(MNIST, activation="sigmoid", matrix=True)
    return g.grad(C, [n.name for n in g.nodes if n.kind == "param"])


def scalar_gradient():
    g, C = nets.mlp(SCALAR, activation="sigmoid")
    return g.grad(C, [n.symbol for n in g.nodes if n.kind == "param"])


def sympy_losses(dims):
    """{label: (loss r.T*r, W)} for the linear layer and the MLP with MatrixSymbols of ``dims`` = (n, m, q)."""
    n, m, q = dims
    x, y = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("y", q, 1)
    W, b = sp.MatrixSymbol("W", q, n), sp.MatrixSymbol("b", q, 1)
    r = W * x + b - y
    W1, b1 = sp.MatrixSymbol("W_1", m, n), sp.MatrixSymbol("b_1", m, 1)
    W2, b2 = sp.MatrixSymbol("W_2", q, m), sp.MatrixSymbol("b_2", q, 1)
    s = sp.Symbol("s")
    h = ElementwiseApplyFunction(sp.Lambda(s, 1 / (1 + sp.exp(-s))), W1 * x + b1)
    r2 = W2 * h + b2 - y
    mlp = f"MLP ({n}, {m}, {q})"
    return {f"linear, W : {q} × {n}": (r.T * r, W), f"{mlp}, wrt W_1": (r2.T * r2, W1),
            f"{mlp}, wrt W_2": (r2.T * r2, W2)}


def sympy_call(dims, name, entry):
    """Time one MatrixSymbol derivative; (seconds, what it returns) as plain data, for the worker's pipe."""
    loss, W = sympy_losses(dims)[name]  # built here: the worker returns only plain data
    start = time.perf_counter()
    out = (loss[0, 0] if entry else loss).diff(W)
    seconds = time.perf_counter() - start
    shape = "×".join(str(d) for d in getattr(out, "shape", ()))
    return seconds, f"{type(out).__name__} ({shape})" + (" = 0" if isinstance(out, sp.ZeroMatrix) else "")


def sympy_rows(dims, linear_only=False):
    rows = []
    for name in list(sympy_losses(dims))[:1 if linear_only else None]:
        for entry in (True, False):
            call = "(r.T*r)[0,0].diff(W)" if entry else "(r.T*r).diff(W)"
            outcome = run_limited(sympy_call, dims, name, entry, timeout=SYMPY_LIMIT_SECONDS, memory_mb=4096)
            if outcome.ok:
                seconds, returns = outcome.value
            else:
                seconds = None
                stopped = outcome.reason.startswith(("timed out", "CPU limit"))
                returns = f"> {SYMPY_LIMIT_SECONDS:.0f} s (stopped)" if stopped else outcome.reason.split(":")[0]
            rows.append((f"SymPy {call}, {name}", seconds, returns))
    return rows


def main():
    peer = import_sympy_seconds()
    first = time.perf_counter()
    d = matrix_gradient()
    cold = time.perf_counter() - first
    best, d = best_of(matrix_gradient, 5)
    scalar_best, s = best_of(scalar_gradient, 3)
    sizes = ", ".join(f"{w}: {f.size()}/{e.size()}" for (w, e), f in zip(zip(d.wrt, d.expr), d.factors.values()))
    rows = [(f"matrix MLP {MNIST}, build + grad, cold", cold, f"{len(d.program)} assignments"),
            (f"matrix MLP {MNIST}, build + grad, best of 5", best,
             f"{len(d.program)} assignments; size factors/expr {sizes}"),
            (f"scalar graph {SCALAR}, build + grad, best of 3", scalar_best,
             f"{len(s.program)} assignments, {sum(sp.count_ops(a.expr) for a in s.program)} ops, "
             f"{len(s.wrt)} parameters")]
    rows += sympy_rows(MNIST)
    rows += sympy_rows(tuple(sp.Symbol(c, integer=True, positive=True) for c in "nmq"), linear_only=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}} {'seconds':>9} {'× import sympy':>15}  result")
    for what, seconds, result in rows:
        shown = f"{seconds:9.4f} {seconds / peer:15.4f}" if seconds is not None else f"{'—':>9} {'—':>15}"
        print(f"{what:<{width}} {shown}  {result}")
    print(f"import sympy (subprocess, best of 3): {peer:.2f} s")
    print(f"matrix MLP {MNIST}: best {best * 1000:.1f} ms ({'within' if best < TARGET_SECONDS else 'OVER'} the "
          f"{TARGET_SECONDS * 1000:.0f} ms target); the scalar graph at {SCALAR} takes {scalar_best / best:.1f} × as long")
    print(f"closed form of ∂C/∂W₁: {d.expr[0]}")


if __name__ == "__main__":
    main()
