"""Numbers and entries for the matrix reverse pass: float64 evaluation, finite differences, scalar expansion.

Three independent checks of :class:`~derive.matrix.backward.MatrixGradient`:

- :func:`finite_difference_check`: the compiled program against central finite
  differences of the forward pass, entry by entry, in float64 at seeded points
  (away from the kinks of ReLU-like functions; NaN or inf never agrees);
- :func:`entry_check`: the shapes made small (3 × 2), every node expanded to
  scalar entries, and each entry of the gradient compared exactly (simplified
  to 0) with ``sympy.diff`` of the expanded loss and with the scalar engine's
  reverse pass (:class:`derive.grad.Gradient`) over the expanded graph;
- the PyTorch comparison in ``tests/test_matrix_torch.py``.

>>> from derive import nets
>>> g, C = nets.mlp((2, 3, 2), activation="tanh", matrix=True)
>>> d = g.grad(C, [g['W_1'], g['b_2']])
>>> d.check().passed
True
>>> from derive.matrix.expand import entry_check
>>> entry_check(d).passed
True
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import sympy as sp

from ..numeric import Evidence, lambdify_numpy
from ..numeric.checks import GRADCHECK
from ..ops import OPS
from .table import TABLE
from .shapes import concrete, dim_text

ENTRIES_PER_POINT = 32  # finite differences at most at this many entries of each variable per point (seeded)
KINK_MARGIN = 1e-3  # no sampled argument of a kinked function lies closer than this to a kink
MAX_ROUNDS = 50


def default_sizes(graph):
    """A distinct small size for each symbolic dimension, in name order: 2, 3, 4, … (so transposes show)."""
    dims = sorted({d for n in graph.nodes if n.shape for d in n.shape if not isinstance(d, int)},
                  key=lambda d: d.name)
    return {d: 2 + i % 4 for i, d in enumerate(dims)}


def _sizes(graph, sizes):
    found = default_sizes(graph)
    for k, v in (sizes or {}).items():
        match = [d for d in found if d.name == (k if isinstance(k, str) else k.name)]
        if match:
            found[match[0]] = int(v)
    return found


def constants_of(graph):
    """The scalar constants (λ, …) that scale expressions, other than dimensions."""
    found = set()
    for n in graph.nodes:
        if n.kind == "let" and n.shape is not None:
            for e in n.expr.walk():
                if e.op == "scale":
                    found |= {s for s in e.attr.free_symbols if not (s.is_integer and s.is_positive)}
    return sorted(found, key=lambda s: s.name)


def evaluate(expr, leaf, kernel, sizes, constants=None):
    """The value of ``expr`` with the table's ``kernel`` ("numpy" or "entries"); ``leaf(e)`` gives the leaves'."""
    memo, subs = {}, {**sizes, **(constants or {})}
    for e in expr.walk():
        rule = TABLE[e.op]
        if e.op in ("node", "adjoint"):
            memo[e] = leaf(e)
        elif e.op == "const":  # a constant may hold a dimension: 1/m from a mean
            c = e.attr.xreplace(subs)
            memo[e] = np.array([[float(c)]]) if kernel == "numpy" else sp.Matrix([[c]])
        else:
            attr = e.attr
            if e.op == "scale":
                attr = attr.xreplace(subs)
            elif e.op == "broadcast":
                attr = concrete(attr, sizes)
            memo[e] = getattr(rule, kernel)([memo[a] for a in e.args], attr, concrete(e.shape, sizes))
    return memo[expr]


def numeric_program(grad, sizes=None, constants=None):
    """``run(values) -> (loss, {wrt: array})``: the forward nodes and the adjoint program in float64.

    ``run.forward(values)`` gives every node's value alone (what finite differences need), and
    ``run.forward(env, only=run.downstream(name))`` redoes only what depends on node ``name``;
    ``run.backward(env)`` gives the gradients from those values.
    """
    graph, sizes = grad.graph, _sizes(grad.graph, sizes)
    lets = [n for n in graph.nodes if n.kind == "let" and n.shape is not None]

    def forward(values, only=None):
        env = dict(values)
        with np.errstate(all="ignore"):
            for n in lets if only is None else only:
                env[n.name] = evaluate(n.expr, lambda e: env[e.attr.name], "numpy", sizes, constants)
        return env

    def downstream(name):
        """The nodes whose value depends on node ``name``, in graph order: all ``forward`` must redo
        when only ``name`` changes (the others keep their values, to the bit)."""
        hit, out = {name}, []
        for n in lets:
            if any(e.op == "node" and e.attr.name in hit for e in n.expr.walk()):
                hit.add(n.name)
                out.append(n)
        return out

    def backward(env):
        adj = {}
        with np.errstate(all="ignore"):
            for a in grad.program:
                adj[a.node] = evaluate(a.expr, lambda e: (adj if e.op == "adjoint" else env)[e.attr.name],
                                       "numpy", sizes, constants)
        return {w: adj[w] for w in grad.wrt}

    def run(values):
        env = forward(values)
        return float(env[grad.output][0, 0]), backward(env)
    run.sizes, run.forward, run.backward, run.downstream = sizes, forward, backward, downstream
    return run


@lru_cache(maxsize=None)
def _kink_kernels(key):
    """Float64 functions whose zeros are the kinks of the op table's function ``key`` (compiled once)."""
    from ..symbols import symbol
    s = symbol("s")
    return tuple(lambdify_numpy([s], k) for k in OPS[key].kinks(s))  # the table's own expressions


def _kinked(graph, env, sizes, constants):
    """Whether some argument of a kinked elementwise function lies within KINK_MARGIN of a kink."""
    for n in graph.nodes:
        if n.kind != "let" or n.shape is None:
            continue
        for e in n.expr.walk():
            if e.op == "elementwise" and OPS[e.attr.key].kinks:
                arg = evaluate(e.args[0], lambda leaf: env[leaf.attr.name], "numpy", sizes, constants)
                if any(np.any(np.abs(kink(arg)) < KINK_MARGIN) for kink in _kink_kernels(e.attr.key)):
                    return True
    return False


def sample(graph, sizes, rng):
    """Random leaf values: standard normal, and labels declared a distribution drawn from the simplex."""
    values = {}
    for n in graph.nodes:
        if n.kind != "let" and n.shape is not None:
            shape = concrete(n.shape, sizes)
            if n.distribution is None:
                values[n.name] = rng.standard_normal(shape)
            else:
                v = rng.random(shape) + 0.05
                values[n.name] = v / v.sum(axis=n.distribution, keepdims=True)
    return values


def finite_difference_check(grad, sizes=None, n=20, seed=0, tol=GRADCHECK) -> Evidence:
    """Central differences of the float64 forward pass against the reverse pass, at ``n`` seeded points.

    Each point checks every entry of each variable, or a seeded sample of
    ``ENTRIES_PER_POINT`` of them for a large one (784 × 256, say).
    """
    graph = grad.graph
    rng = np.random.default_rng(seed)
    constants = {c: float(rng.uniform(0.5, 1.5)) for c in constants_of(graph)}
    run = numeric_program(grad, sizes, constants)
    after = {w: run.downstream(w) for w in grad.wrt}  # what a change of w changes: the rest of env stays
    worst_abs = worst_rel = 0.0
    failures, points, rounds = [], 0, 0
    while points < n and rounds < n * MAX_ROUNDS:
        rounds += 1
        values = sample(graph, run.sizes, rng)
        env = run.forward(values)
        if _kinked(graph, env, run.sizes, constants) or not np.isfinite(env[grad.output]).all():
            continue  # near a kink, or outside the domain (log of a negative entry): another point
        points += 1
        claimed = run.backward(env)
        for w in grad.wrt:
            loss_at = lambda value: float(run.forward({**env, w: value}, only=after[w])[grad.output][0, 0])  # noqa: B023
            every = list(np.ndindex(values[w].shape))
            picked = every if len(every) <= ENTRIES_PER_POINT else \
                [every[k] for k in sorted(rng.choice(len(every), ENTRIES_PER_POINT, replace=False))]
            for idx in picked:
                x = values[w][idx]
                h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(x))
                up, down = values[w].copy(), values[w].copy()
                up[idx], down[idx] = x + h, x - h
                reference = (loss_at(up) - loss_at(down)) / (2 * h)
                actual = claimed[w][idx]
                err = abs(actual - reference)
                if not (math.isfinite(actual) and math.isfinite(reference)):
                    err = math.inf
                worst_abs = max(worst_abs, err)
                worst_rel = max(worst_rel, err / abs(reference) if reference else (0.0 if err == 0 else math.inf))
                if not err <= tol.atol + tol.rtol * abs(reference):
                    failures.append(f"∂/∂{w}{list(idx)}: {actual:.10g} vs finite differences {reference:.10g}")
    shown = ", ".join(f"{dim_text(d)} = {v}" for d, v in run.sizes.items())
    detail = f"shapes instantiated at {shown}" if shown else "concrete shapes"
    if points < n:
        failures.append(f"only {points} of {n} points away from kinks")
    if failures:
        detail += "; " + failures[0]
    return Evidence("finite differences, matrix entries", points, worst_abs, worst_rel, str(tol),
                    not failures, detail)
