"""The reverse-mode chain rule over a :class:`~derive.graph.Graph`.

:class:`Gradient` holds the adjoint program (one assignment per node, in the
order a reverse pass computes them: size and time linear in the number of
nodes), the local factors along each path from ``wrt`` to the output (the
textbook's product), the closed form, and a numeric cross-check against
finite differences through :mod:`derive.numeric`.

>>> from derive.graph import Graph
>>> from derive import sigmoid
>>> g = Graph(); x, y, w, b = g.input('x'), g.input('y'), g.param('w'), g.param('b')
>>> z = g.let('z', w * x + b); h = g.let('h', sigmoid(z)); C = g.let('C', (h - y)**2 / 2)
>>> d = g.grad(C, b)
>>> print(d)
∂C/∂b = ∂C/∂h · ∂h/∂z · ∂z/∂b
      = (h − y) · σ′(z)
      = (1 − σ(b + w·x))·(σ(b + w·x) − y)·σ(b + w·x)
>>> for step in d.program: print(step)
C̄ = 1
h̄ = C̄·(h − y)
z̄ = h̄·(1 − σ(z))·σ(z)
b̄ = z̄
>>> d.check().passed
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .ops import unevaluated_product
from .symbols import adjoint

MAX_PATHS = 256  # more paths than this are shown as the program, not enumerated


@dataclass(frozen=True)
class Assignment:
    """One line of the reverse pass: ``target = expr`` with ``target`` = x̄ of ``node``."""

    target: sp.Symbol
    node: sp.Symbol
    expr: sp.Expr

    def __str__(self):
        from .render.text import as_text
        return as_text(self)

    def latex(self):
        from .render.latex import as_latex
        return as_latex(self)


@dataclass(frozen=True)
class Factor:
    """The local derivative ∂child/∂parent on one edge, with the rule that made it."""

    child: sp.Symbol
    parent: sp.Symbol
    value: sp.Expr
    rule: str | None = None  # set when child = f(parent) for a table function f

    def label(self):
        from .render.text import partial
        return partial(self.child, self.parent)

    def __str__(self):
        from .render.text import as_text
        return as_text(self)

    def latex(self):
        from .render.latex import as_latex
        return as_latex(self)


class Path(tuple):
    """The ordered factors along one path, output first (the textbook's order)."""

    @property
    def value(self):
        return sp.Mul(*(f.value for f in self))

    def shown(self):
        """The factors a product shows: those that are not 1 (the first one if all are)."""
        shown = [f for f in self if f.value != 1]
        return shown or list(self[:1])

    def __str__(self):
        from .render.text import as_text
        return as_text(self)

    def labels(self):
        """The factors' names, ``∂C/∂h · ∂h/∂z``."""
        from .render.text import labels
        return labels(self)

    def latex(self):
        from .render.latex import as_latex
        return as_latex(self)

    def latex_labels(self):
        from .render.latex import labels
        return labels(self)


class PathSum(tuple):
    """Several paths join ``wrt`` to the output: the gradient is the sum over paths."""

    @property
    def value(self):
        return sp.Add(*(p.value for p in self))

    __str__, labels, latex, latex_labels = Path.__str__, Path.labels, Path.latex, Path.latex_labels


def _term(adj, local):
    """adj·local, kept unevaluated: the factor stays as the rule wrote it, and it is cheap."""
    if local is sp.S.One:
        return adj
    return unevaluated_product(adj, *(local.args if local.is_Mul else (local,)))


def reverse_pass(graph, output, wrt):
    """The adjoint assignments for ∂output/∂w, w ∈ wrt, in reverse order.

    Only nodes on a path from some ``w`` to ``output`` get an assignment, so
    the program's size is linear in the number of nodes.
    """
    nodes = graph.nodes
    ancestors = graph.ancestors(output)
    reached = set(wrt)
    for node in nodes:
        if any(p in reached for p in node.parents):
            reached.add(node.symbol)
    relevant = [n.symbol for n in nodes if n.symbol in ancestors and n.symbol in reached]
    on_path = set(relevant)
    program = [Assignment(adjoint(output), output, sp.S.One)]
    for sym in reversed(relevant):
        if sym == output:
            continue
        terms = [_term(adjoint(c), graph.local(c, sym)) for c in graph.children(sym) if c in on_path]
        program.append(Assignment(adjoint(sym), sym, terms[0] if len(terms) == 1 else sp.Add(*terms)))
    for w in wrt:
        if w not in on_path:
            program.append(Assignment(adjoint(w), w, sp.S.Zero))
    return tuple(program), relevant


class Gradient:
    """∂output/∂wrt by reverse mode: ``.program``, ``.factors``, ``.expr``, ``.check()``."""

    def __init__(self, graph, output, wrt):
        self.graph = graph
        if isinstance(output, (list, tuple)):
            raise ValueError("the output of grad must be one scalar node")
        self.output = graph.node(output).symbol  # a node's symbol or its name
        self.single = not isinstance(wrt, (list, tuple))  # a graph's Vector is a tuple
        self.wrt = tuple(graph.node(w).symbol for w in ((wrt,) if self.single else wrt))
        self.program, self._relevant = reverse_pass(graph, self.output, self.wrt)

    def of(self, w):
        """The gradient with respect to one of the variables."""
        return Gradient(self.graph, self.output, w)

    @cached_property
    def adjoint_values(self):
        """Each adjoint as an expression in node symbols (no adjoints left)."""
        values = {}
        for a in self.program:
            values[a.target] = a.expr.xreplace(values)
        return values

    @cached_property
    def expr(self):
        """The closed form in inputs and parameters (a tuple when there are several wrt)."""
        forms = tuple(self._closed(self.adjoint_values[adjoint(w)]) for w in self.wrt)
        return forms[0] if self.single else forms

    def _closed(self, expr):
        """Substitute every node defined by ``let`` (family rules may name siblings off the path)."""
        lets = {s: self.graph.closed_form(s) for s in expr.free_symbols
                if s in self.graph and self.graph.node(s).kind == "let"}
        return expr.xreplace(lets)

    def paths(self, w=None):
        """Every path from ``w`` to the output as a list of node symbols, output first."""
        w = self._one(w)
        on_path = set(self._relevant)
        count = {w: 1}
        for s in self._relevant:
            if s != w:
                count[s] = sum(count.get(p, 0) for p in self.graph.node(s).parents if p in on_path)
        total = count.get(self.output, 0)
        if total > MAX_PATHS:
            raise ValueError(f"{total} paths join {w} to the output; read .program instead")
        found = []

        def walk(sym, trail):
            if sym == w:
                found.append(trail)
                return
            for p in self.graph.node(sym).parents:
                if count.get(p, 0):
                    walk(p, trail + [p])
        if total:
            walk(self.output, [self.output])
        return found

    def _one(self, w):
        if w is None:
            if not self.single:
                raise ValueError("several variables: name one, e.g. .factors_of(w) or .of(w)")
            return self.wrt[0]
        return w

    def factors_of(self, w=None):
        """The local factors along each path: a :class:`Path`, or a :class:`PathSum`."""
        paths = [Path(self.factor(c, p) for c, p in zip(trail, trail[1:])) for trail in self.paths(w)]
        if len(paths) == 1:
            return paths[0]
        return PathSum(paths)

    @cached_property
    def factors(self):
        """The textbook's product of local derivatives (one wrt), or a dict of them."""
        if self.single:
            return self.factors_of()
        return {w: self.factors_of(w) for w in self.wrt}

    def factor(self, child, parent) -> Factor:
        """The local factor ∂child/∂parent of one edge, with the rule that made it."""
        return Factor(child, parent, self.graph.local(child, parent), self.graph.unary_rule(child))

    @cached_property
    def on_path(self):
        """The nodes on a path from a variable of ``wrt`` to the output."""
        return set(self._relevant)

    # -- printing: one-line delegates to derive.render ------------------------------------

    def __str__(self):
        from .render.text import as_text
        return as_text(self)

    def __repr__(self):
        return "<Gradient of %s with respect to %s: %d assignments>" % (
            self.output, ", ".join(map(str, self.wrt)), len(self.program))

    def explanation(self) -> str:
        """The text :meth:`explain` prints: the numbered reverse pass, the factors, the closed form.

        >>> from derive.graph import Graph
        >>> g = Graph(); w, x = g.param('w'), g.input('x')
        >>> print(g.grad(g.let('f', g.let('z', w * x)**2), w).explanation())
        ∂f/∂w by the chain rule in reverse mode (x̄ = ∂f/∂x, from the output back):
          1. f̄ = 1    [the output: ∂f/∂f = 1]
          2. z̄ = f̄ · 2·z    [node f = z²: rule pow, local factor ∂f/∂z = 2·z]
          3. w̄ = z̄ · x    [node z = w·x: rule mul, local factor ∂z/∂w = x]
        the product of the local factors along the path from w to f:
          ∂f/∂w = ∂f/∂z · ∂z/∂w
                = 2·z · x
        closed form (each node replaced by its definition):
          ∂f/∂w = 2·w·x²
        """
        from .render.text import as_text
        return as_text(self, "explain")

    def explain(self, file=None):
        """Print the derivation: which rule at which node, the local factor it gave, their product, the closed form.

        It prints (to ``file``, default stdout) and returns None; :meth:`explanation` gives the text.
        """
        print(self.explanation(), file=file)

    def latex(self):
        """An ``aligned`` block: labels, the product of factors, the closed form."""
        from .render.latex import as_latex
        return as_latex(self)

    def _repr_latex_(self):
        from .render.latex import jupyter
        return jupyter(self)

    # -- numbers --------------------------------------------------------------------

    def numeric(self):
        """Compile the forward and reverse programs to one float64 NumPy function.

        It takes a dict {leaf symbol: array} and returns (output, {w: ∂output/∂w}).
        """
        from .numeric import compile_program
        return compile_program(self)

    def check(self, n=100, seed=0, domains=None, tol=None):
        """Cross-check against central finite differences at ``n`` seeded points.

        Points near a kink of any node (a ReLU input at 0, say) are not sampled.
        """
        from .numeric import GRADCHECK, check_gradient
        from .ops import kinks
        run = self.numeric()
        symbols = list(run.arguments) + [w for w in self.wrt if w not in run.arguments]
        avoid, ancestors = [], self.graph.ancestors(self.output)
        for node in self.graph.nodes:
            if node.expr is not None and node.symbol in ancestors:
                for k in kinks(node.expr):
                    k = k.xreplace({p: self.graph.closed_form(p) for p in k.free_symbols if p not in run.arguments})
                    if k.free_symbols:  # a constant difference is no kink: never zero, or arguments merged
                        avoid.append(k)
        return check_gradient(
            lambda pts: run(pts)[0], lambda pts: run(pts)[1], list(self.wrt), symbols,
            n=n, seed=seed, domains=domains, tol=tol or GRADCHECK, avoid=avoid)
