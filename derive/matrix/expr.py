"""Matrix expressions: an immutable tree of operations on shaped operands.

A :class:`Mat` is one operation of the matrix table (:mod:`derive.matrix.rules`)
applied to other ``Mat`` operands, with its shape computed, and checked, when it
is built.  It is not a SymPy matrix expression: SymPy 1.14 differentiates
``(r.T*r)[0, 0]`` with respect to ``W`` to 0 for r = Wx + b − y, so the reverse
pass here has its own vector-Jacobian products, one per table entry.

Python's operators build the tree as NumPy reads them: ``@`` is the matrix
product, ``*`` the elementwise (Hadamard) product or a scalar multiple, ``+``
and ``-`` broadcast a row or column, ``.T`` transposes.

>>> from derive.graph import Graph
>>> g = Graph()
>>> W, x, b = g.param('W', shape=('m', 'n')), g.input('x', shape=('n', 1)), g.param('b', shape=('m', 1))
>>> z = W @ x + b
>>> print(z, z.shape)
W·x + b (m, 1)
>>> x @ W
Traceback (most recent call last):
...
derive.matrix.shapes.ShapeError: matrix product x·W: x is (n × 1) and W is (m × n), so 1 ≠ m
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .shapes import ShapeError, as_shape
from .table import TABLE



class Mat:
    """One node of a matrix expression: ``op`` of the table applied to ``args`` (``attr`` holds the rest)."""

    __slots__ = ("op", "args", "attr", "shape", "_hash")
    __array_priority__ = 1000  # so a NumPy scalar on the left defers to Mat's operators

    def __init__(self, op, args, attr, shape):
        self.op, self.args, self.attr, self.shape = op, tuple(args), attr, shape
        self._hash = hash((op, self.args, attr, shape))

    # -- identity ------------------------------------------------------------------
    def __hash__(self):
        return self._hash

    def __eq__(self, other):
        return self is other or (isinstance(other, Mat) and self._hash == other._hash and self.op == other.op
                                 and self.attr == other.attr and self.shape == other.shape
                                 and self.args == other.args)

    @property
    def rule(self):
        return TABLE[self.op]

    @property
    def is_scalar(self):
        return self.shape == (1, 1)

    def walk(self):
        """Every distinct subexpression, operands before their users."""
        seen, order, stack = set(), [], [(self, False)]
        while stack:
            e, done = stack.pop()
            if done:
                order.append(e)
            elif e not in seen:
                seen.add(e)
                stack.append((e, True))
                stack.extend((a, False) for a in reversed(e.args) if a not in seen)
        return order

    def size(self):
        """The number of distinct subexpressions (the expression as a shared graph)."""
        return len(self.walk())

    def leaves(self, op="node"):
        """The names of the leaves of kind ``op`` (``"node"`` or ``"adjoint"``), in first-use order."""
        return list(dict.fromkeys(e.attr.name for e in self.walk() if e.op == op))

    def xreplace(self, mapping):
        """The expression with each subexpression found in ``mapping`` replaced (leaves first; shared work once)."""
        memo = {}
        for e in self.walk():
            if e in mapping:
                memo[e] = mapping[e]
            elif e.args:
                new = tuple(memo[a] for a in e.args)
                memo[e] = e if new == e.args else make(e.op, *new, attr=e.attr)
            else:
                memo[e] = e
        return memo[self]

    # -- operators, as NumPy reads them ------------------------------------------------
    def __matmul__(self, other):
        return make("matmul", self, _operand(other))

    def __rmatmul__(self, other):
        return make("matmul", _operand(other), self)

    def __add__(self, other):
        return make("add", self, _operand(other))

    def __radd__(self, other):
        return make("add", _operand(other), self)

    def __sub__(self, other):
        return make("sub", self, _operand(other))

    def __rsub__(self, other):
        return make("sub", _operand(other), self)

    def __mul__(self, other):
        if isinstance(other, Mat):
            return make("hadamard", self, other)
        return scale(other, self)

    def __rmul__(self, other):
        return scale(other, self)

    def __truediv__(self, other):
        if isinstance(other, Mat):
            return make("div", self, other)
        return scale(1 / _scalar(other), self)

    def __neg__(self):
        return scale(-1, self)

    def __pow__(self, k):
        if k == 2:
            return make("hadamard", self, self)
        raise ShapeError("only the elementwise square x**2 (x ⊙ x) is a power of a matrix expression here")

    @property
    def T(self):
        return make("transpose", self)

    # -- printing: delegates to derive.matrix.printing ------------------------------------
    def __str__(self):
        from .printing import mat_text
        return mat_text(self)

    def latex(self):
        from .printing import mat_latex
        return mat_latex(self)

    def _repr_latex_(self):
        from .shapes import shape_latex
        return "$%s \\;:\\; %s$" % (self.latex(), shape_latex(self.shape))

    def __repr__(self):
        from .shapes import shape_text
        return "Mat(%s : %s)" % (self, shape_text(self.shape))


@dataclass(frozen=True)
class Leaf:
    """What a leaf holds: a node's name, and for an input, the axis along which its entries sum to 1."""

    name: str
    distribution: int | None = None


def make(op, *args, attr=None):
    """Build ``op(*args)``: check the operands' shapes with the table entry, then apply its simplifications."""
    rule = TABLE[op]
    shape = rule.shape(args, attr)  # checked first, so a simplification never hides a mismatch
    simpler = rule.simplify(args, attr, shape) if rule.simplify else None
    return simpler if simpler is not None else Mat(op, args, attr, shape)


def _scalar(c):
    c = sp.sympify(c, strict=True)  # strict: numbers and SymPy objects only, never text
    if not isinstance(c, sp.Expr) or c.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ShapeError(f"a scalar multiple must be a finite scalar expression, got {c!r}")
    return c


def _operand(x):
    return x if isinstance(x, Mat) else const(x)


# -- constructors ---------------------------------------------------------------------

def node_ref(name, shape, distribution=None):
    """The leaf standing for a graph node ``name`` of shape ``shape``."""
    return Mat("node", (), Leaf(name, distribution), as_shape(shape))


def adjoint_ref(name, shape):
    """The leaf x̄ = ∂output/∂x of node ``name``."""
    return Mat("adjoint", (), Leaf(name), shape)


def const(c):
    """A 1 × 1 constant."""
    return Mat("const", (), _scalar(c), (1, 1))


def zeros(shape):
    """The zero matrix of ``shape``: the adjoint of a node no path joins to the output."""
    return Mat("zeros", (), None, tuple(shape))


def identity(n):
    """The n × n identity matrix I."""
    return Mat("identity", (), None, (n, n))


def scale(c, x):
    """c·x for a scalar expression c (numbers, dimensions, constants such as λ)."""
    return make("scale", x, attr=_scalar(c))


def transpose(x):
    return make("transpose", x)


def elementwise(function, x):
    """φ(x) entry by entry, φ a unary function of the op table given by name (``"sigmoid"``) or class."""
    from .functions import Fn
    return make("elementwise", x, attr=Fn.of(function))


def total(x, axis=None):
    """The sum over ``axis`` (0: down each column, giving 𝟏ᵀX; 1: along each row, X𝟏), or of every entry."""
    if axis not in (None, 0, 1):
        raise ShapeError(f"axis must be 0, 1 or None, got {axis!r}")
    return make("sum", x, attr=axis)


def mean(x, axis=None):
    """The mean over ``axis``: the sum times 1/count, so a minibatch mean shows its 1/|B|."""
    count = x.shape[0] * x.shape[1] if axis is None else x.shape[axis]
    return scale(sp.S.One / count, total(x, axis))


def broadcast(x, shape):
    """``x`` (1 × 1, a row or a column) repeated to ``shape``."""
    return make("broadcast", x, attr=as_shape(shape))


def _vector_axis(x, axis, what):
    if axis is None:
        if x.shape[1] == 1:
            return 0
        if x.shape[0] == 1:
            return 1
        from .shapes import shape_text
        raise ShapeError(f"{what} of {x} {shape_text(x.shape)}: name the axis (0: each column, 1: each row)")
    if axis not in (0, 1):
        raise ShapeError(f"axis must be 0 or 1, got {axis!r}")
    return axis


def softmax(x, axis=None):
    """softmax over a vector, or over each column (axis 0) or row (axis 1) of a matrix."""
    return make("softmax", x, attr=_vector_axis(x, axis, "softmax"))


def log_softmax(x, axis=None):
    return make("log_softmax", x, attr=_vector_axis(x, axis, "log_softmax"))


def cross_entropy(o, y, axis=None):
    """−Σ y ⊙ log softmax(o): the cross-entropy of the logits ``o`` against the labels ``y``, summed.

    When ``y`` is an input declared ``distribution=True`` (one-hot labels, or
    probabilities), its entries sum to 1 along the class axis and the rule
    gives ∂/∂o = softmax(o) − y; otherwise softmax(o)·Σy − y.
    """
    if axis is None and y.op == "node" and y.attr.distribution is not None:
        axis = y.attr.distribution  # the labels' own axis: each row of a batch
    return make("cross_entropy", o, y, attr=_vector_axis(o, axis, "cross_entropy"))


def norm(x):
    """The Euclidean (Frobenius) norm ‖x‖."""
    return make("norm", x)


def sqnorm(x):
    """‖x‖², the sum of the squared entries."""
    return make("sqnorm", x)


def trace(x):
    return make("trace", x)
