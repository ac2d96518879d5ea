"""Computation graphs: straight-line programs of named SymPy nodes.

A :class:`Graph` is built with :meth:`Graph.input`, :meth:`Graph.param` and
:meth:`Graph.let`; each returns the SymPy ``Symbol`` that stands for the node
(or a :class:`Vector` of them for an indexed family).  Local derivatives come
from the rule table (:func:`derive.ops.derivative`), never from
``sympy.diff``, so the kink convention holds.  :meth:`Graph.grad` runs the
reverse pass (:mod:`derive.grad`).

The seed's network for formula (2): four sigmoid layers, ``z_i = w_i x_i + b_i``,
``x_{i+1} = σ(z_i)``, output ``y_4 = σ(z_4)`` and loss ``C = (y_4 − y)²/2``.

>>> from derive import sigmoid
>>> g = Graph()
>>> x, y = g.input('x_1'), g.input('y')
>>> for i in range(1, 5):
...     w, b = g.param(f'w_{i}'), g.param(f'b_{i}')
...     z = g.let(f'z_{i}', w * x + b)
...     x = g.let(f'x_{i + 1}' if i < 4 else 'y_4', sigmoid(z))
>>> C = g.let('C', (x - y)**2 / 2)
>>> print(g.grad(C, g['b_1']).factors)
(y₄ − y) · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .ops import OPS, derivative, merge_identical, notation_ops, op_of
from .symbols import valid_name, symbol

NOTATION_OPS = notation_ops()  # f′(z) for the unary functions of the op table


class GraphError(ValueError):
    """A graph built wrongly: an unknown or repeated node, a forward reference."""


class Vector(tuple):
    """An indexed family of node symbols ``o_1 … o_K``, named as a whole.

    >>> Graph().input('o', size=3)
    Vector('o', (o_1, o_2, o_3))
    """

    def __new__(cls, name, items):
        obj = super().__new__(cls, items)
        obj.name = name
        return obj

    def __repr__(self):
        return "Vector(%r, %s)" % (self.name, tuple.__repr__(self))


@dataclass(frozen=True)
class FamilyOp:
    """A primitive on whole families, such as ``softmax(o)``: K outputs from K inputs.

    Outside a graph it behaves as the tuple of its component expressions.

    >>> o = Graph().input('o', size=2)
    >>> softmax(o)[0]
    exp(o_1)/(exp(o_1) + exp(o_2))
    """

    op: str
    args: tuple

    def components(self):
        return OPS[self.op].forward(*self.args)

    def __iter__(self):
        return iter(self.components())

    def __getitem__(self, i):
        return self.components()[i]

    def __len__(self):
        return len(self.args)


def softmax(o):
    """softmax(o)ᵢ = e^{oᵢ}/Σₖ e^{oₖ}, a family primitive with Jacobian ŷᵢ(δᵢⱼ − ŷⱼ)."""
    return FamilyOp("softmax", tuple(o))


@dataclass
class Node:
    """One node: its symbol, kind, defining expression and parents.

    ``local`` holds the local partials a family rule supplies (softmax);
    for other nodes they come from differentiating ``expr`` with the table.
    """

    name: str
    symbol: sp.Symbol
    kind: str  # "input", "param" or "let"
    expr: sp.Expr | None = None
    parents: tuple = ()
    local: dict = field(default_factory=dict)
    family: str | None = None
    rule: str | None = None  # the family primitive (``softmax``) that made this node, if any
    shape: tuple | None = None  # (rows, cols) of a matrix node (derive.matrix); None for a scalar node
    distribution: int | None = None  # a matrix input whose entries sum to 1 along this axis (labels)


class Graph:
    """A straight-line program of named nodes whose expressions are SymPy expressions.

    >>> g = Graph()
    >>> w, x = g.param('w'), g.input('x')
    >>> h = g.let('h', w * x)
    >>> g.closed_form(g.let('f', h**2))
    w**2*x**2
    """

    def __init__(self):
        self._nodes: dict = {}  # symbol -> Node, in definition (topological) order
        self._by_name: dict = {}
        self._children: dict = {}
        self._closed: dict = {}

    # -- building ---------------------------------------------------------------

    def _add(self, name, kind, expr=None, parents=(), local=None, family=None, rule=None, shape=None):
        if name in self._by_name:
            raise GraphError(f"node {name!r} is already defined")
        node = Node(name, symbol(name), kind, expr, tuple(parents), dict(local or {}), family, rule, shape)
        self._nodes[node.symbol] = node
        self._by_name[name] = node.symbol
        self._children[node.symbol] = []
        for p in node.parents:
            self._children[p].append(node.symbol)
        return node.symbol

    def _leaf(self, name, kind, size, shape=None, distribution=False):
        valid_name(name)
        if shape is not None or distribution:
            from .matrix.nodes import matrix_leaf
            return matrix_leaf(self, name, kind, size, shape, distribution, GraphError)
        if size is None:
            return self._add(name, kind)
        return Vector(name, [self._add(f"{name}_{i}", kind, family=name) for i in range(1, size + 1)])

    def input(self, name, size=None, shape=None, distribution=False):
        """Declare an input (data) node, or a family of ``size`` of them; return its symbol(s).

        With ``shape=(rows, cols)`` the node is a matrix (:mod:`derive.matrix`):
        ``g.input('x', shape=('n', 1))``, a batch ``g.input('X', shape=('B', 'n'))``
        with one sample per row.  ``distribution=True`` declares that each
        column of a vector, or each row of a batch, sums to 1 (one-hot labels or
        probabilities), which :func:`derive.matrix.cross_entropy` uses.
        """
        return self._leaf(name, "input", size, shape, distribution)

    def param(self, name, size=None, shape=None):
        """Declare a parameter node (a weight or bias), a family, or a matrix ``shape=(rows, cols)``."""
        return self._leaf(name, "param", size, shape)

    def let(self, name, expr):
        """Define node ``name`` from earlier nodes and return its symbol.

        ``expr`` is a SymPy expression, a sequence of them (a family
        ``name_1 … name_K``), or a family primitive such as :func:`softmax`.

        >>> g = Graph(); x = g.input('x')
        >>> g.let('y', x + g.input('q') * 0 + sp.Symbol('u', real=True))
        Traceback (most recent call last):
        ...
        derive.graph.GraphError: node 'y' uses 'u', which is not an earlier node of this graph
        """
        valid_name(name)
        if type(expr).__name__ == "Mat":
            from .matrix.nodes import matrix_let
            return matrix_let(self, name, expr, GraphError)
        if isinstance(expr, FamilyOp):
            return self._let_family(name, expr)
        if isinstance(expr, (list, tuple)):
            family = Vector(name, [self.let(f"{name}_{i}", e) for i, e in enumerate(expr, 1)])
            for s in family:
                self._nodes[s].family = name
            return family
        expr = sp.sympify(expr, strict=True)  # strict: numbers and SymPy objects only, never text
        return self._add(name, "let", expr, self._parents_of(name, expr))

    def _parents_of(self, name, expr):
        parents = sorted(expr.free_symbols, key=lambda s: s.name)
        for p in parents:
            if p not in self._nodes:
                raise GraphError(f"node {name!r} uses {p.name!r}, which is not an earlier node of this graph")
            if self._nodes[p].shape is not None:
                raise GraphError(f"node {name!r} uses the matrix node {p.name!r} in a scalar expression; "
                                 f"build it from matrix expressions (derive.matrix)")
        return parents

    def _let_family(self, name, op):
        rule = OPS[op.op]
        outs = [symbol(f"{name}_{i}") for i in range(1, len(op) + 1)]
        jacobian = rule.partials(tuple(outs), *op.args)
        syms = []
        for i, component in enumerate(op.components()):
            parents = self._parents_of(name, component)
            local = {}
            for j, a in enumerate(op.args):  # a node given twice (softmax([x, x, w])) adds its partials
                local[a] = local.get(a, sp.S.Zero) + jacobian[i][j]
            syms.append(self._add(outs[i].name, "let", component, parents, local, family=name, rule=op.op))
        return Vector(name, syms)

    # -- reading ----------------------------------------------------------------

    def __getitem__(self, name):
        """The symbol of the node called ``name``."""
        try:
            return self._by_name[name]
        except KeyError:
            raise GraphError(f"no node called {name!r}") from None

    def __contains__(self, sym):
        return sym in self._nodes

    def __len__(self):
        return len(self._nodes)

    def node(self, sym) -> Node:
        """The :class:`Node` of a node's symbol, or of its name.

        >>> g = Graph(); b = g.param('b_1')
        >>> g.node('b_1').symbol == g.node(b).symbol == b
        True
        """
        if isinstance(sym, str) and sym in self._by_name:
            sym = self._by_name[sym]
        try:
            return self._nodes[sym]
        except (KeyError, TypeError):
            hint = "; name one of its nodes or pass its symbol, g['name']" if isinstance(sym, str) else ""
            raise GraphError(f"{sym!r} is not a node of this graph{hint}") from None

    @property
    def nodes(self):
        """All nodes in definition order."""
        return tuple(self._nodes.values())

    def leaves(self):
        """The input and parameter symbols, in definition order."""
        return tuple(n.symbol for n in self._nodes.values() if n.kind != "let")

    def ancestors(self, sym):
        """The set of nodes ``sym`` is computed from, ``sym`` included."""
        found = {sym}
        for node in reversed(self.nodes):
            if node.symbol in found:
                found.update(node.parents)
        return found

    def children(self, sym):
        return tuple(self._children[sym])

    def local(self, child, parent):
        """The local derivative ∂child/∂parent, from the rule table.

        >>> g = Graph(); w, x = g.param('w'), g.input('x')
        >>> g.local(g.let('z', w * x + 1), x)
        w
        """
        node = self.node(child)
        if parent in node.local:
            return node.local[parent]
        expr = node.expr
        if op_of(expr) in ("max", "min"):  # arguments equal as functions are one argument, not a tie
            expr = merge_identical(expr, self._closed_expr)
        value = derivative(expr, parent)
        node.local[parent] = value
        return value

    def flow(self, child, parent):
        """For matrix nodes, the adjoint that flows from ``child`` back to ``parent`` (``z̄·xᵀ``), as text."""
        from .matrix.backward import edge_flow
        return edge_flow(self, child, parent)

    def unary_rule(self, child):
        """The rule name when ``child`` applies one function of the table to a node (``σ(z₄)``).

        Such a local derivative is written the textbook's way, ``σ′(z₄)``.
        """
        e = self.node(child).expr
        if e is None or op_of(e) not in NOTATION_OPS:
            return None
        if e.args[0] in self._nodes and all(a.is_number for a in e.args[1:]):
            return op_of(e)
        return None

    def rules(self, child, parent):
        """The rule-table entries that make the local derivative ∂child/∂parent, outermost first.

        >>> from derive import sigmoid
        >>> g = Graph(); w, x, b = g.param('w'), g.input('x'), g.param('b')
        >>> z = g.let('z', w * x + b); h = g.let('h', sigmoid(z))
        >>> g.rules(z, x), g.rules(h, z)
        (('add', 'mul'), ('sigmoid',))
        """
        node = self.node(child)
        if node.rule:
            return (node.rule,)
        unary = self.unary_rule(child)
        if unary:
            return (unary,)
        found = []
        if node.expr is not None:
            for e in sp.preorder_traversal(node.expr):
                if not e.is_Atom and parent in e.free_symbols and op_of(e) not in found:
                    found.append(op_of(e))
        return tuple(found)

    def edge_label(self, child, parent):
        """∂child/∂parent as one line of Unicode: ``σ′(z₄)`` for a table function, else the local derivative.

        >>> from derive import sigmoid
        >>> g = Graph(); w, x = g.param('w'), g.input('x')
        >>> z = g.let('z', w * x); h = g.let('h', sigmoid(z))
        >>> g.edge_label(z, x), g.edge_label(h, z)
        ('w', 'σ′(z)')
        """
        from .render.text import edge_label
        return edge_label(self, child, parent)

    def edges(self, output=None):
        """Every edge ``(parent, child)`` of the graph (of the ancestors of ``output`` when given)."""
        keep = None if output is None else self.ancestors(output)
        return tuple((p, n.symbol) for n in self._nodes.values()
                     if n.kind == "let" and (keep is None or n.symbol in keep) for p in n.parents)

    def vector(self, name):
        """The family ``name_1 … name_K`` made by ``size=K`` or a family primitive, as a :class:`Vector`.

        >>> g = Graph(); o = g.input('o', size=3)
        >>> g.vector('o') == o
        True
        """
        members = [n.symbol for n in self._nodes.values() if n.family == name]
        if not members:
            raise GraphError(f"no family called {name!r}")
        return Vector(name, members)

    def _last(self, output):
        if output is not None:
            self.node(output)
            return output
        lets = [n.symbol for n in self._nodes.values() if n.kind == "let"]
        if not lets:
            raise GraphError("the graph has no node defined by let, so there is nothing to draw")
        return lets[-1]

    def _on_path(self, output, wrt):
        """The nodes on a path from a node of ``wrt`` to ``output``."""
        if wrt is None:
            return set()
        wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
        for w in wrt:
            self.node(w)
        reached = set(wrt)
        for node in self._nodes.values():
            if any(p in reached for p in node.parents):
                reached.add(node.symbol)
        return reached & self.ancestors(output)

    def to_dot(self, output=None, wrt=None):
        """The graph in Graphviz DOT, each edge labelled with its local derivative ∂child/∂parent.

        ``output`` (default: the last node defined) limits the drawing to its
        ancestors; the paths from ``wrt`` (a node or a list) to it are red
        (:func:`derive.render.graphs.to_dot`).  Render with ``dot -Tsvg``.

        >>> g = Graph(); w, x = g.param('w'), g.input('x')
        >>> print(g.to_dot(g.let('f', (w * x)**2 / 2), wrt=w))
        digraph derive {
          rankdir=LR;
          node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];
          edge [fontname="DejaVu Sans", fontsize=10];
          "w" [label="w", fillcolor="#dcebf7", color="#d62728", penwidth=2];
          "x" [label="x", fillcolor="white"];
          "f" [label="f", tooltip="f = w²·x²/2", fillcolor="#eeeeee", color="#d62728", penwidth=2];
          "w" -> "f" [label="w·x²", color="#d62728", penwidth=2];
          "x" -> "f" [label="w²·x"];
        }
        """
        from .render.graphs import to_dot
        return to_dot(self, output, wrt)

    def draw(self, output=None, wrt=None):
        """A matplotlib drawing of the graph with the local derivatives on the edges; returns the Figure.

        The report's drawing (:func:`derive.render.graphs.draw`): the ancestors
        of ``output`` (default: the last node defined), the paths from ``wrt``
        in red.  matplotlib is imported here, not by ``import derive``.  Save it
        with ``fig.savefig("graph.pdf")``; Jupyter shows it when it is the last
        value of a cell.
        """
        from .render.graphs import draw
        return draw(self, output, wrt)

    def closed_form(self, sym):
        """The node's expression in inputs and parameters only (built once, then cached)."""
        node = self.node(sym)
        if node.kind != "let":
            return sym
        if sym not in self._closed:
            for n in self._nodes.values():
                if n.kind == "let" and n.symbol not in self._closed:
                    self._closed[n.symbol] = n.expr.xreplace(
                        {p: self._closed.get(p, p) for p in n.parents})
                if n.symbol == sym:
                    break
        return self._closed[sym]

    def _closed_expr(self, e):
        """``e`` with every node replaced by its closed form."""
        return e.xreplace({s: self.closed_form(s) for s in e.free_symbols if s in self._nodes})

    def grad(self, output, wrt):
        """Reverse-mode gradient of ``output`` with respect to one node or a list of nodes.

        Nodes are given by their symbols or by their names.

        >>> g = Graph(); x = g.input('x'); f = g.let('f', x**3)
        >>> g.grad(f, x).expr
        3*x**2
        >>> g.grad('f', 'x').expr
        3*x**2
        """
        if self.node(output.attr.name if type(output).__name__ == "Mat" else output).shape is not None:
            from .matrix.backward import MatrixGradient
            return MatrixGradient(self, output, wrt)
        from .grad import Gradient
        return Gradient(self, output, wrt)

    @classmethod
    def from_expr(cls, expr, output="f", params=()):
        """The graph of ``expr``: one node per operation, named u₁, u₂, … in evaluation order.

        Numeric coefficients, negation and reciprocals stay inside the node
        that uses them, so ``a − b`` and ``a/b`` are one node each.  Variables
        named in ``params`` become parameters, the others inputs.

        >>> x, w = sp.symbols('x w', real=True)
        >>> g, f = Graph.from_expr((w * x - 1)**2 / 2, params=['w'])
        >>> [(n.name, n.expr) for n in g.nodes if n.kind == 'let']
        [('u1', w*x), ('u2', u1 - 1), ('u3', u2**2), ('f', u3/2)]
        """
        from .expression_graph import graph_of
        return graph_of(cls(), expr, output, params)

    def __str__(self):
        """The program: inputs, parameters, then one line per node defined by ``let``.

        >>> g = Graph(); w, x = g.param('w_1'), g.input('x_1')
        >>> print(g); _ = g.let('z_1', w * x + 1); print(g)
        inputs      x₁
        parameters  w₁
        inputs      x₁
        parameters  w₁
          z₁ = w₁·x₁ + 1
        """
        from .render.text import as_text
        return as_text(self)

    def __repr__(self):
        kinds = {k: sum(n.kind == k for n in self._nodes.values()) for k in ("input", "param", "let")}
        return "Graph(%d inputs, %d params, %d nodes defined by let)" % (
            kinds["input"], kinds["param"], kinds["let"])

