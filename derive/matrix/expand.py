"""The matrix graph instantiated small and written out entry by entry, and the exact entry check.

Every node of shape (r × c) becomes r·c scalar entries (``W_1`` : (3 × 2)
gives ``W_1_1_1 … W_1_3_2``; a column ``x`` gives ``x_1 … x_n``; a 1 × 1 node
keeps its name), each defined by the table's ``entries`` kernel.  The matrix
reverse pass is then compared, entry by entry and exactly, with
``sympy.diff`` of the expanded loss and with the scalar engine's reverse pass
over the expanded graph: two derivations that share no VJP rule.

>>> from derive import nets
>>> g, C = nets.mlp((2, 2), activation="tanh", matrix=True)
>>> scalar, entries = expand(g, {})
>>> entries['W_1']
Matrix([
[W_1_1_1, W_1_1_2],
[W_1_2_1, W_1_2_2]])
>>> entry_check(g.grad(C, g['W_1'])).passed
True
"""
from __future__ import annotations

import sympy as sp

from ..limits import StepTimeout, time_limit
from ..numeric import Evidence
from ..ops import to_elementary
from ..rational_zero import zero_as_rational_function
from .checks import _sizes, evaluate
from .shapes import MAX_ENTRIES, concrete, dim_text


def entry_name(name, shape, i, j):
    if shape == (1, 1):
        return name
    if shape[1] == 1:
        return f"{name}_{i + 1}"
    if shape[0] == 1:
        return f"{name}_{j + 1}"
    return f"{name}_{i + 1}_{j + 1}"


def expand(graph, sizes):
    """``(scalar graph, {node name: SymPy matrix of its entries' symbols})`` at the given sizes."""
    from ..graph import Graph
    from .checks import constants_of
    scalar, entries = Graph(), {}
    for c in constants_of(graph):  # λ in λ·‖W‖²: a constant, an input of the scalar graph
        scalar.input(c.name)
    for node in graph.nodes:
        if node.shape is None:
            continue
        shape = concrete(node.shape, sizes, MAX_ENTRIES)
        if node.kind != "let":
            declare = scalar.param if node.kind == "param" else scalar.input
            entries[node.name] = sp.Matrix(*shape, lambda i, j: declare(entry_name(node.name, shape, i, j)))
            continue
        values = evaluate(node.expr, lambda e: entries[e.attr.name], "entries", sizes)
        entries[node.name] = sp.Matrix(*shape, lambda i, j: scalar.let(entry_name(node.name, shape, i, j),
                                                                       values[i, j]))
    return scalar, entries


def _on_simplex(graph, entries):
    """Labels declared a distribution: the last entry of each sample is 1 − the others."""
    subs = {}
    for node in graph.nodes:
        if node.kind == "input" and node.distribution is not None:
            m = entries[node.name]
            vectors = [m[:, j] for j in range(m.shape[1])] if node.distribution == 0 else \
                [m[i, :] for i in range(m.shape[0])]
            for v in vectors:
                subs[v[-1]] = 1 - sp.Add(*v[:-1])
    return subs


def _is_zero(e, seconds):
    if e == 0 or zero_as_rational_function(e):
        return True
    e = sp.expand(e)
    if e == 0:
        return True
    with time_limit(seconds):
        return sp.simplify(e) == 0 or sp.simplify(to_elementary(e)) == 0


def entry_check(grad, sizes=None, seconds=60.0) -> Evidence:
    """Each entry of the matrix gradient against ``sympy.diff`` and the scalar engine, simplified to 0."""
    graph = grad.graph
    sizes = _sizes(graph, sizes)
    scalar, entries = expand(graph, sizes)
    leaves = {n.name: entries[n.name] for n in graph.nodes if n.shape is not None and n.kind != "let"}
    loss = scalar.closed_form(entries[grad.output][0, 0])
    wrt = [s for w in grad.wrt for s in entries[w]]
    engine = scalar.grad(entries[grad.output][0, 0], wrt).expr
    on_simplex = _on_simplex(graph, entries)
    checked, failures = 0, []
    try:
        for w, form in zip(grad.wrt, (grad.expr,) if grad.single else grad.expr):
            matrix = evaluate(form, lambda e: leaves[e.attr.name], "entries", sizes)
            for k, s in enumerate(entries[w]):
                ours = matrix[k].xreplace(on_simplex)
                for name, other in (("sympy.diff", sp.diff(loss, s)), ("the scalar engine", engine[wrt.index(s)])):
                    checked += 1
                    if not _is_zero(ours - other.xreplace(on_simplex), seconds):
                        failures.append(f"∂/∂{s}: {ours} ≠ {other} ({name})")
    except StepTimeout:
        failures.append(f"simplifying took more than {seconds:g} s")
    shown = ", ".join(f"{dim_text(d)} = {v}" for d, v in sizes.items()) or "concrete shapes"
    detail = f"{len(wrt)} entries at {shown}, each against sympy.diff and the scalar engine"
    if failures:
        detail += "; " + failures[0]
    return Evidence("exact, entry by entry", checked, 0.0 if not failures else float("inf"),
                    0.0 if not failures else float("inf"), "simplified difference = 0", not failures, detail)
