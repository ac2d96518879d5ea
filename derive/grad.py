"""The reverse-mode chain rule over a :class:`~derive.graph.Graph`.

:class:`Gradient` holds the adjoint program (one assignment per node, in the
order a reverse pass computes them: size and time linear in the number of
nodes), the local factors along each path from ``wrt`` to the output (the
textbook's product), the closed form, and a numeric cross-check against
finite differences through :mod:`derive.check`.

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

from .printing import latex, text
from .ops import OPS, unevaluated_product
from .symbols import adjoint

MAX_PATHS = 256  # more paths than this are shown as the program, not enumerated


@dataclass(frozen=True)
class Assignment:
    """One line of the reverse pass: ``target = expr`` with ``target`` = x̄ of ``node``."""

    target: sp.Symbol
    node: sp.Symbol
    expr: sp.Expr

    def __str__(self):
        return "%s = %s" % (text(self.target), text(self.expr))

    def latex(self):
        return "%s = %s" % (latex(self.target), latex(self.expr))


def _parens(s, expr):
    """A factor in a product: a sum or a negative term in brackets, ``(y₄ − y)``, ``(−p₁·p₂)``."""
    return "(%s)" % s if expr.is_Add or expr.could_extract_minus_sign() else s


@dataclass(frozen=True)
class Factor:
    """The local derivative ∂child/∂parent on one edge, with the rule that made it."""

    child: sp.Symbol
    parent: sp.Symbol
    value: sp.Expr
    rule: str | None = None  # set when child = f(parent) for a table function f

    def label(self):
        return "∂%s/∂%s" % (text(self.child), text(self.parent))

    def __str__(self):
        if self.rule:
            return "%s′(%s)" % (OPS[self.rule].text, text(self.parent))
        return _parens(text(self.value), self.value)

    def latex(self):
        if self.rule:
            return r"%s'\left(%s\right)" % (OPS[self.rule].latex, latex(self.parent))
        s = latex(self.value)
        return r"\left(%s\right)" % s if self.value.is_Add or self.value.could_extract_minus_sign() else s


class Path(tuple):
    """The ordered factors along one path, output first (the textbook's order)."""

    @property
    def value(self):
        return sp.Mul(*(f.value for f in self))

    def _shown(self):
        shown = [f for f in self if f.value != 1]
        return shown or list(self[:1])

    def __str__(self):
        return " · ".join(str(f) for f in self._shown())

    def labels(self):
        return " · ".join(f.label() for f in self)

    def latex(self):
        return r" \cdot ".join(f.latex() for f in self._shown())

    def latex_labels(self):
        return " ".join(r"\frac{\partial %s}{\partial %s}" % (latex(f.child), latex(f.parent)) for f in self)


class PathSum(tuple):
    """Several paths join ``wrt`` to the output: the gradient is the sum over paths."""

    @property
    def value(self):
        return sp.Add(*(p.value for p in self))

    def __str__(self):
        return " + ".join(f"[{p}]" for p in self)

    def labels(self):
        return " + ".join(p.labels() for p in self)

    def latex(self):
        return " + ".join(r"\left[%s\right]" % p.latex() for p in self)

    def latex_labels(self):
        return " + ".join(p.latex_labels() for p in self)


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
        from .graph import Vector
        self.graph = graph
        if isinstance(output, (list, tuple)):
            raise ValueError("the output of grad must be one scalar node")
        self.output = graph.node(output).symbol  # a node's symbol or its name
        self.single = not isinstance(wrt, (list, tuple, Vector))
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
        paths = []
        for trail in self.paths(w):
            paths.append(Path(Factor(c, p, self.graph.local(c, p), self.graph.unary_rule(c))
                              for c, p in zip(trail, trail[1:])))
        if len(paths) == 1:
            return paths[0]
        return PathSum(paths)

    @cached_property
    def factors(self):
        """The textbook's product of local derivatives (one wrt), or a dict of them."""
        if self.single:
            return self.factors_of()
        return {w: self.factors_of(w) for w in self.wrt}

    # -- printing -----------------------------------------------------------------

    def _lines(self, w):
        f = self.factors_of(w)
        head = "∂%s/∂%s = " % (text(self.output), text(w))
        pad = " " * (len(head) - 2) + "= "
        closed = self.expr if self.single else self.expr[self.wrt.index(w)]
        lines = [head + (f.labels() if f else "0")]
        if f:
            lines.append(pad + str(f))
        lines.append(pad + text(closed))
        return lines

    def __str__(self):
        return "\n".join(line for w in self.wrt for line in self._lines(w))

    def __repr__(self):
        return "<Gradient of %s with respect to %s: %d assignments>" % (
            self.output, ", ".join(map(str, self.wrt)), len(self.program))

    def _step(self, a):
        """One assignment of the program, its terms written as adjoint · local factor, and why."""
        if a.node == self.output:
            return "%s = 1" % text(a.target), "the output: ∂%s/∂%s = 1" % ((text(self.output),) * 2)
        children = [c for c in self.graph.children(a.node) if c in self._on_path]
        if not children:
            return "%s = 0" % text(a.target), "no path joins %s to %s" % (text(a.node), text(self.output))
        terms, reasons = [], []
        for c in children:
            f = Factor(c, a.node, self.graph.local(c, a.node), self.graph.unary_rule(c))
            terms.append(text(adjoint(c)) + ("" if f.value == 1 and not f.rule else " · " + str(f)))
            rules = ", ".join(self.graph.rules(c, a.node)) or "none"
            local = f.label() + (" = %s" % str(f) if f.rule else "")
            reasons.append("node %s = %s: rule %s, local factor %s = %s" % (
                text(c), text(self.graph.node(c).expr), rules, local, text(f.value)))
        return "%s = %s" % (text(a.target), " + ".join(terms)), "; ".join(reasons)

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
        wrt = ", ".join(text(w) for w in self.wrt)
        lines = ["∂%s/∂%s by the chain rule in reverse mode (x̄ = ∂%s/∂x, from the output back):" % (
            text(self.output), wrt if self.single else "{%s}" % wrt, text(self.output))]
        for i, a in enumerate(self.program, 1):
            step, why = self._step(a)
            lines.append("  %d. %s    [%s]" % (i, step, why))
        closed = []
        for k, w in enumerate(self.wrt):
            head = "∂%s/∂%s = " % (text(self.output), text(w))
            try:
                f = self.factors_of(w)
            except ValueError as exc:  # too many paths to list: the program above is the derivation
                lines.append("the local factors: %s" % exc)
                f = None
            if f is not None:
                kind = "each path (summed over the paths)" if isinstance(f, PathSum) else "the path"
                lines.append("the product of the local factors along %s from %s to %s:" % (
                    kind, text(w), text(self.output)))
                if f:
                    pad = " " * (len(head) - 2) + "= "
                    lines += ["  " + head + f.labels(), "  " + pad + str(f)]
                else:
                    lines.append("  no path: " + head + "0")
            closed.append("  " + head + text(self.expr if self.single else self.expr[k]))
        lines.append("closed form (each node replaced by its definition):")
        return "\n".join(lines + closed)

    def explain(self, file=None):
        """Print the derivation: which rule at which node, the local factor it gave, their product, the closed form.

        It prints (to ``file``, default stdout) and returns None; :meth:`explanation` gives the text.
        """
        print(self.explanation(), file=file)

    @cached_property
    def _on_path(self):
        return set(self._relevant)

    def latex(self):
        """An ``aligned`` block: labels, the product of factors, the closed form."""
        rows = []
        for i, w in enumerate(self.wrt):
            f = self.factors_of(w)
            closed = self.expr if self.single else self.expr[i]
            lhs = r"\frac{\partial %s}{\partial %s}" % (latex(self.output), latex(w))
            if f:
                rows.append(r"%s &= %s \\ &= %s \\ &= %s" % (lhs, f.latex_labels(), f.latex(), latex(closed)))
            else:
                rows.append(r"%s &= %s" % (lhs, latex(closed)))
        return r"\begin{aligned}%s\end{aligned}" % r" \\ ".join(rows)

    def _repr_latex_(self):
        return "$$%s$$" % self.latex()

    # -- numbers --------------------------------------------------------------------

    def numeric(self):
        """Compile the forward and reverse programs to one float64 NumPy function.

        It takes a dict {leaf symbol: array} and returns (output, {w: ∂output/∂w}).
        """
        from .evaluate import compile_program
        return compile_program(self)

    def check(self, n=100, seed=0, domains=None, tol=None):
        """Cross-check against central finite differences at ``n`` seeded points.

        Points near a kink of any node (a ReLU input at 0, say) are not sampled.
        """
        from .check import GRADCHECK, check_gradient, kinks
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
