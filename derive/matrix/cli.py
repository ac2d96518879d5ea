"""``derive grad`` with declared shapes: the matrix reverse pass and its checks, as the command prints them.

:func:`derive.cli.cmd_grad` calls :func:`run_grad` when a ``--shape`` is given.
"""
from __future__ import annotations


MAX_FD_ENTRIES, MAX_EXACT_ENTRIES = 1000, 200  # parameter entries for finite differences; all entries, exactly


def run_grad(args):
    """``derive grad EXPR --shape …``: ``(report, None)``, or ``(None, reason)`` when it could not finish.

    The report holds the matrix reverse pass, finite differences, and an exact
    check when the problem is small; an exact check that does not finish in time
    is reported and not counted.  Bad input raises ValueError (one line).
    """
    from ..limits import run_limited
    from .checks import default_sizes
    from .parse import matrix_graph, parse_shape
    from .shapes import ShapeError, concrete
    if not args.shape:
        raise ValueError("--labels needs the variables' shapes: declare each one with --shape NAME=ROWS,COLS")
    shapes = {}
    for declared in args.shape:
        name, shape = parse_shape(declared)
        if name in shapes:
            raise ValueError(f"{name!r} has two --shape declarations")
        shapes[name] = shape
    wrt = list(dict.fromkeys(args.wrt))
    g, f = matrix_graph(args.expr, shapes, wrt, args.labels)
    try:  # the instantiated sizes: ShapeError past MAX_ENTRIES in a node
        sizes = {n.name: concrete(n.shape, default_sizes(g)) for n in g.nodes}
        count = sum(r * c for name, (r, c) in sizes.items() if name in wrt)
        if count > MAX_FD_ENTRIES:
            raise ShapeError(f"the parameters have {count} entries (limit {MAX_FD_ENTRIES})")
        skipped = None
    except ShapeError as exc:
        skipped = f"{exc}; name the dimensions (W=m,n) to check at small sizes"
    outcome = run_limited(_report, g, f, wrt, shapes, skipped is None, timeout=30.0)
    if not outcome.ok:
        return None, outcome.reason
    report = outcome.value
    if skipped:
        report["unfinished"].append({"method": "finite differences, matrix entries", "reason": skipped})
        report["text"] += f"\ncheck: not run: {skipped}"
    elif sum(r * c for r, c in sizes.values()) <= MAX_EXACT_ENTRIES:
        exact = run_limited(_exact, g, f, wrt, timeout=30.0)
        if exact.ok:
            report["checks"].append(exact.value.as_dict())
            report["text"] += f"\nexact check: {exact.value}\n  {exact.value.detail}"
        else:
            report["unfinished"].append({"method": "exact, entry by entry", "reason": exact.reason})
            report["text"] += f"\nexact check: not finished ({exact.reason}), not counted"
    report["passed"] = bool(report["checks"]) and all(c["passed"] for c in report["checks"])
    return report, None


def _report(g, f, wrt, shapes, check):
    from .printing import mat_text
    from .shapes import shape_text
    from ..render.printing import text
    from ..symbols import symbol
    d = g.grad(f, [g[w] for w in wrt])
    lines = ["graph (a node for each quantity a textbook names):", *("  " + s for s in str(g).splitlines())]
    for n in g.nodes:
        if n.distribution is not None:
            lines.append(f"  labels {n.name}: each {('column', 'row')[n.distribution]} sums to 1")
    out = text(symbol(d.output))
    lines.append(f"reverse pass (adjoints, x̄ = ∂{out}/∂x, each of the shape of x):")
    lines += [f"  {a}" for a in d.program]
    lines.append("gradient:")
    lines += ["  " + line for line in str(d).splitlines()]
    checks = []
    if check:
        evidence = d.check()
        checks.append(evidence.as_dict())
        lines += [f"check: {evidence}", f"  {evidence.detail}"]
    forms = dict(zip(d.wrt, (d.expr,) if d.single else d.expr))
    return {"text": "\n".join(lines), "expression": mat_text(d.closed_forms[f]), "wrt": list(wrt),
            "shapes": {name: [x if isinstance(x, int) else x.name for x in shape] for name, shape in shapes.items()},
            "labels": [n.name for n in g.nodes if n.distribution is not None],
            "graph": str(g).splitlines(), "program": [str(a) for a in d.program],
            "gradient": {w: {"expr": mat_text(forms[w]), "in_nodes": mat_text(d.adjoint_values[w]),
                             "shape": shape_text(g.node(w).shape)} for w in d.wrt},
            "checks": checks, "unfinished": []}


def _exact(g, f, wrt):
    from .expand import entry_check
    return entry_check(g.grad(f, [g[w] for w in wrt]))
