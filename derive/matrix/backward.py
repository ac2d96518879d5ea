"""The reverse pass over matrix nodes: one adjoint per node, each from the table's VJP rules.

:class:`MatrixGradient` mirrors :class:`derive.grad.Gradient`: ``program``
(the adjoint assignments, output first), ``factors`` (each adjoint written out
in node names, the textbook's δ form), ``expr`` (the closed form in inputs and
parameters), ``explain()``, ``latex()``, ``check()``.  Every adjoint has the
shape of its node, checked as it is built.

>>> from derive.graph import Graph
>>> from derive.matrix import elementwise, sqnorm
>>> g = Graph()
>>> x, y = g.input('x', shape=('n', 1)), g.input('y', shape=('q', 1))
>>> W1, b1 = g.param('W_1', shape=('m', 'n')), g.param('b_1', shape=('m', 1))
>>> W2, b2 = g.param('W_2', shape=('q', 'm')), g.param('b_2', shape=('q', 1))
>>> z = g.let('z', W1 @ x + b1); h = g.let('h', elementwise('sigmoid', z))
>>> o = g.let('o', W2 @ h + b2); C = g.let('C', sqnorm(o - y) / 2)
>>> d = g.grad(C, [W1, W2])
>>> for a in d.program: print(a)
C̄ = 1 : (1 × 1)
ō = C̄·(o − y) : (q × 1)
W̄₂ = ō·hᵀ : (q × m)
h̄ = W₂ᵀ·ō : (m × 1)
z̄ = h̄ ⊙ σ′(z) : (m × 1)
W̄₁ = z̄·xᵀ : (m × n)
>>> print(d.factors[W1])
((W₂ᵀ·(o − y)) ⊙ σ′(z))·xᵀ
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .expr import Mat, adjoint_ref, const, make, node_ref, zeros
from .shapes import shape_text


class MatrixGradientError(ValueError):
    """A gradient asked of a node that is not a 1 × 1 matrix node, or with respect to a non-node."""


@dataclass(frozen=True)
class MatAssignment:
    """One line of the reverse pass: x̄ = expr, with the node's shape.

    ``sources``: for each child the adjoint came from, ``(child name, the table entries its VJP used)``.
    """

    node: str
    expr: Mat
    sources: tuple = ()

    @property
    def shape(self):
        return self.expr.shape

    def __str__(self):
        from ..render.matrices import assignment_text
        return assignment_text(self)

    def latex(self):
        from ..render.matrices import assignment_latex
        return assignment_latex(self)


def _sum(terms):
    out = terms[0]
    for t in terms[1:]:
        out = make("add", out, t)
    return out


def local_vjps(expr, ans, adj, wanted):
    """The adjoint of each node leaf of ``expr`` in ``wanted``, given the adjoint ``adj`` of ``expr``.

    Returns ``{name: (adjoint, rules)}``: the VJP rules are applied from the
    root of the expression down to the leaves (``ans`` stands for the root's value).
    """
    order = expr.walk()
    needed = {}
    for e in order:  # which subexpressions lead to a wanted leaf
        needed[e] = (e.op == "node" and e.attr.name in wanted) or any(needed[a] for a in e.args)
    adjoints, rules, out = {expr: [adj]}, {expr: ()}, {}
    for e in reversed(order):
        if e not in adjoints or not needed[e]:
            continue
        g = _sum(adjoints[e])
        if e.op == "node":
            out[e.attr.name] = (g, rules[e])
            continue
        parts = e.rule.vjp(e, ans if e is expr else e, g)
        for a, ga in zip(e.args, parts):
            if ga is None or not needed[a]:
                continue
            if ga.shape != a.shape:
                raise AssertionError(f"rule {e.op!r} gave an adjoint of shape {shape_text(ga.shape)} "
                                     f"for an operand of shape {shape_text(a.shape)}")
            adjoints.setdefault(a, []).append(ga)
            rules[a] = tuple(dict.fromkeys(rules.get(a, ()) + rules[e] + (e.op,)))
    return out


def edge_flow(graph, child, parent) -> str:
    """The adjoint that flows from matrix node ``child`` back to ``parent``, as one line of text."""
    from .printing import mat_text
    node, parent = graph.node(child), graph.node(parent)
    found = local_vjps(node.expr, node_ref(node.name, node.shape), adjoint_ref(node.name, node.shape), {parent.name})
    return mat_text(found[parent.name][0])


class MatrixGradient:
    """∂output/∂wrt over matrix nodes: ``.program``, ``.factors``, ``.expr``, ``.explain()``, ``.check()``."""

    def __init__(self, graph, output, wrt):
        self.graph = graph
        out = graph.node(output.attr.name if isinstance(output, Mat) else output)
        if out.shape != (1, 1):
            what = "a scalar node" if out.shape is None else f"{shape_text(out.shape)}"
            raise MatrixGradientError(f"the output {out.name} is {what}: the output of a matrix gradient is a "
                                      f"1 × 1 node (sum or average a vector or a batch first)")
        self.output = out.name
        self.single = not isinstance(wrt, (list, tuple))
        self.wrt = tuple(self._name(w) for w in ((wrt,) if self.single else wrt))
        self.program = self._reverse_pass()

    def _name(self, w):
        node = self.graph.node(w.attr.name if isinstance(w, Mat) and w.op == "node" else w)
        if node.shape is None:
            raise MatrixGradientError(f"{node.name} is a scalar node; a matrix gradient is taken with respect "
                                      f"to matrix nodes")
        return node.name

    def _reverse_pass(self):
        g = self.graph
        ancestors = {s.name for s in g.ancestors(g[self.output])}
        reached = set(self.wrt)
        for node in g.nodes:
            if any(p.name in reached for p in node.parents):
                reached.add(node.name)
        relevant = [n for n in g.nodes if n.name in ancestors and n.name in reached]
        on_path = {n.name for n in relevant}
        pending = {}  # node name -> [(contribution, rules, child)]
        waiting = {n.name: sum(1 for c in g.children(n.symbol) if c.name in on_path) for n in relevant}
        program = [MatAssignment(self.output, const(1))]

        def assign(node):
            terms = pending.get(node.name, [])
            program.append(MatAssignment(node.name, _sum([t for t, _, _ in terms]),
                                         tuple((child, rules) for _, rules, child in terms)))

        for node in reversed(relevant):
            if node.kind != "let":
                continue
            if node.name != self.output:
                assign(node)
            adj = adjoint_ref(node.name, node.shape)
            ans = node_ref(node.name, node.shape)
            for name, (found, rules) in local_vjps(node.expr, ans, adj, on_path).items():
                pending.setdefault(name, []).append((found, rules, node.name))
                waiting[name] -= 1
            for p in node.parents:  # a leaf's adjoint as soon as its last use is done: W̄₂ right after ō
                leaf = g.node(p)
                if leaf.kind != "let" and p.name in on_path and waiting[p.name] == 0:
                    waiting[p.name] = -1
                    assign(leaf)
        for w in self.wrt:
            if w not in on_path:
                program.append(MatAssignment(w, zeros(g.node(w).shape)))
        self.on_path = on_path
        return tuple(program)

    def of(self, w):
        return MatrixGradient(self.graph, self.output, w)

    @cached_property
    def adjoint_values(self):
        """Each adjoint written out in node names (no adjoints left)."""
        values = {}
        for a in self.program:
            values[a.node] = a.expr.xreplace({adjoint_ref(n, v.shape): v for n, v in values.items()})
        return values

    @cached_property
    def factors(self):
        """The backward pass written out for each wrt: ``((W₂ᵀ·(o − y)) ⊙ σ′(z))·xᵀ`` (a dict for several)."""
        forms = {w: self.adjoint_values[w] for w in self.wrt}
        return forms[self.wrt[0]] if self.single else {node_ref(w, f.shape): f for w, f in forms.items()}

    @cached_property
    def closed_forms(self):
        """Each node's definition in inputs and parameters only."""
        forms = {}
        for node in self.graph.nodes:
            if node.kind == "let" and node.shape is not None:
                forms[node_ref(node.name, node.shape)] = node.expr.xreplace(forms)
        return forms

    @cached_property
    def expr(self):
        """The closed form in inputs and parameters (a tuple when there are several wrt)."""
        forms = tuple(self.adjoint_values[w].xreplace(self.closed_forms) for w in self.wrt)
        return forms[0] if self.single else forms

    def shape(self, w=None):
        return self.graph.node(w or self.wrt[0]).shape

    # -- printing: delegates to derive.render.matrices -------------------------------------
    def __str__(self):
        from ..render.matrices import gradient_text
        return gradient_text(self)

    def __repr__(self):
        return "<MatrixGradient of %s with respect to %s: %d assignments>" % (
            self.output, ", ".join(self.wrt), len(self.program))

    def explanation(self) -> str:
        """The backward pass as a textbook writes it: each adjoint, the rule that gave it, its shape."""
        from ..render.matrices import gradient_explained
        return gradient_explained(self)

    def explain(self, file=None):
        print(self.explanation(), file=file)

    def latex(self):
        from ..render.matrices import gradient_latex
        return gradient_latex(self)

    def _repr_latex_(self):
        return "$$%s$$" % self.latex()

    # -- numbers ------------------------------------------------------------------------
    def numeric(self, sizes=None):
        """A float64 function ``{leaf name: array} -> (loss, {wrt name: gradient array})``."""
        from .checks import numeric_program
        return numeric_program(self, sizes)

    def check(self, sizes=None, n=20, seed=0):
        """Compare with central finite differences in float64 at ``n`` seeded points, shapes made small."""
        from .checks import finite_difference_check
        return finite_difference_check(self, sizes=sizes, n=n, seed=seed)
