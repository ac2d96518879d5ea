"""Every VJP rule of the matrix table against the expanded scalar gradient and finite differences.

For each case an operation of ``derive.matrix.expr.TABLE`` is applied to leaf
parameters of random small shapes (seeded; 1–4, with at least 2 along an axis
that the operation reduces, broadcasts or normalises), and the loss is
L = total(R ⊙ op(…)) with R a random-valued input of the result's shape, so
that every entry of the result reaches the loss with its own weight and no
error can cancel.  Each case comes twice: with concrete sizes and the
operation inside the loss's expression, and with symbolic sizes (m, n, k,
instantiated at the drawn values) and the operation as a node of its own (so
that the rules that use the result, for div, softmax and the norm, get the
node's name).  Each is checked exactly, entry by entry, against ``sympy.diff``
and the scalar engine (``entry_check``), and against central finite
differences (``grad.check``).

A coverage test walks the cases' graphs and fails when an entry of the table
with a VJP (or an elementwise function, an axis, a broadcasting pattern) is
not exercised, so a new entry cannot arrive untested.
"""
from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import pytest
import sympy as sp

from derive.graph import Graph
from derive.matrix import (ShapeError, broadcast, cross_entropy, dim, elementwise, log_softmax, mean, norm, scale,
                           softmax, sqnorm, total, trace)
from derive.matrix.expand import entry_check
from derive.matrix.expr import TABLE
from derive.matrix.functions import Fn
from derive.matrix.shapes import shape_text
from derive.ops import OPS
from derive.symbols import symbol

FD_POINTS = 3
MAX_DIM = 4
ELEMENTWISE = sorted(k for k, op in OPS.items() if op.notation)  # what Fn.of accepts
VARIANTS = ("int-inline", "sym-node")


@dataclasses.dataclass(frozen=True)
class Case:
    """``build(g, d) -> (result, wrt)``; ``d('m')`` is m's size (or its name), ``dims`` the least sizes."""

    name: str
    build: object
    dims: dict
    variant: str

    @property
    def id(self):
        return f"{self.name}-{self.variant}"

    def sizes(self):
        rng = np.random.default_rng(zlib.crc32(self.id.encode()))
        return {k: int(rng.integers(low, MAX_DIM + 1)) for k, low in sorted(self.dims.items())}

    def graph(self):
        """``(grad, sizes)``: L = total(R ⊙ op(…)) and its gradient with respect to the case's leaves."""
        drawn = self.sizes()
        symbolic = self.variant.startswith("sym")
        d = (lambda k: k) if symbolic else (lambda k: drawn[k])
        g = Graph()
        result, wrt = self.build(g, d)
        if self.variant.endswith("node"):
            result = g.let("Z", result)
        R = g.input("R", shape=result.shape)
        L = g.let("L", total(R * result))
        return g.grad(L, wrt), (drawn if symbolic else {})


CASES = []


def case(name, **dims):
    def register(build):
        CASES.extend(Case(name, build, dims, v) for v in VARIANTS)
        return build
    return register


def params(g, d, **shapes):
    """Parameters by shape spec: ``A="mn"`` is (m × n), ``"1n"`` a row."""
    return [g.param(name, shape=tuple(1 if k == "1" else d(k) for k in spec)) for name, spec in shapes.items()]


# -- broadcasting arithmetic: each side full, a row, a column or 1 × 1 ---------------------------

PATTERNS = {"full": "mn", "row": "1n", "col": "m1", "one": "11"}
PAIRS = [("full", "full"), ("full", "row"), ("full", "col"), ("full", "one"),
         ("row", "full"), ("col", "full"), ("one", "full"), ("row", "col")]
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "hadamard": lambda a, b: a * b,
          "div": lambda a, b: a / elementwise("exp", b)}  # a positive denominator


def _binary(op, left, right):
    def build(g, d):
        A, B = params(g, d, A=PATTERNS[left], B=PATTERNS[right])
        return BINARY[op](A, B), [A, B]
    return build


for _op in BINARY:
    for _left, _right in PAIRS:
        case(f"{_op}-{_left}-{_right}", m=2, n=2)(_binary(_op, _left, _right))


# -- products, transpose, scalar multiples -------------------------------------------------------

@case("matmul", m=1, k=1, n=1)
def _(g, d):
    A, B = params(g, d, A="mk", B="kn")
    return A @ B, [A, B]


@case("matmul-transposed", m=1, k=1, n=1)
def _(g, d):
    A, B = params(g, d, A="km", B="kn")
    return A.T @ B, [A, B]


@case("transpose", m=1, n=2)
def _(g, d):
    A, = params(g, d, A="mn")
    return A.T, [A]


@case("scale-number", m=1, n=1)
def _(g, d):
    A, = params(g, d, A="mn")
    return scale(sp.Rational(-3, 2), A), [A]


@case("scale-negate", m=1, n=1)
def _(g, d):
    A, = params(g, d, A="mn")
    return -A, [A]


@case("scale-dimension", m=1, n=1)
def _(g, d):
    A, = params(g, d, A="mn")
    return scale(dim(d("n")), A), [A]


LAMBDA = symbol("lambda")


def _scale_lambda(g, d):
    A, = params(g, d, A="mn")
    return scale(LAMBDA, A), [A]


LAMBDA_CASES = [Case("scale-lambda", _scale_lambda, {"m": 1, "n": 1}, v) for v in VARIANTS]


# -- sums, means, broadcasting ----------------------------------------------------------------

for _axis in (0, 1, None):
    case(f"sum-axis-{_axis}", m=2, n=2)(lambda g, d, axis=_axis: (total(params(g, d, A="mn")[0], axis), [g["A"]]))
    case(f"mean-axis-{_axis}", m=2, n=2)(lambda g, d, axis=_axis: (mean(params(g, d, A="mn")[0], axis), [g["A"]]))

for _pattern in ("row", "col", "one"):
    case(f"broadcast-{_pattern}", m=2, n=2)(
        lambda g, d, p=_pattern: (broadcast(params(g, d, A=PATTERNS[p])[0],
                                            (dim(d("m")), dim(d("n")))), [g["A"]]))


def test_broadcast_accepts_dimension_names_like_a_shape():
    g = Graph()
    x = g.param("x", shape=(1, "n"))
    assert broadcast(x, ("m", "n")) == broadcast(x, (dim("m"), dim("n")))


# -- elementwise functions of the op table ------------------------------------------------------

def _elementwise(key):
    def build(g, d):
        A, = params(g, d, A="mn")
        arg = A * A + 1 if key == "log" else A  # log on a positive argument
        return elementwise(key, arg), [A]
    return build


for _key in ELEMENTWISE:
    case(f"elementwise-{_key}", m=1, n=1)(_elementwise(_key))


# -- softmax, log-softmax, cross-entropy, norms, trace ----------------------------------------------

for _axis in (0, 1):
    _dims = {"m": 2, "n": 1} if _axis == 0 else {"m": 1, "n": 2}
    case(f"softmax-axis-{_axis}", **_dims)(lambda g, d, a=_axis: (softmax(params(g, d, A="mn")[0], a), [g["A"]]))
    case(f"log_softmax-axis-{_axis}", **_dims)(
        lambda g, d, a=_axis: (log_softmax(params(g, d, A="mn")[0], a), [g["A"]]))

    @case(f"cross_entropy-axis-{_axis}", **_dims)
    def _(g, d, a=_axis):
        o, y = params(g, d, o="mn", y="mn")  # labels of any sign and sum: ō = softmax(o)·Σy − y
        return cross_entropy(o, y, a), [o, y]


@case("cross_entropy-distribution-vector", m=2)
def _(g, d):
    o, = params(g, d, o="m1")
    y = g.input("y", shape=(d("m"), 1), distribution=True)  # sums to 1 down the column: ō = softmax(o) − y
    return cross_entropy(o, y), [o, y]


@case("cross_entropy-distribution-batch", m=1, n=2)
def _(g, d):
    o, = params(g, d, o="mn")
    y = g.input("y", shape=(d("m"), d("n")), distribution=True)  # each row sums to 1
    return cross_entropy(o, y), [o, y]


@case("cross_entropy-distribution-other-axis", m=2, n=2)
def _(g, d):
    o, = params(g, d, o="mn")
    y = g.input("y", shape=(d("m"), d("n")), distribution=True)  # rows sum to 1, the classes run down columns
    return cross_entropy(o, y, axis=0), [o, y]


@case("norm", m=1, n=1)
def _(g, d):
    A, = params(g, d, A="mn")
    return norm(A), [A]


@case("sqnorm", m=1, n=1)
def _(g, d):
    A, = params(g, d, A="mn")
    return sqnorm(A), [A]


@case("trace", n=1)
def _(g, d):
    A, = params(g, d, A="nn")
    return trace(A), [A]


# -- the checks ------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES + LAMBDA_CASES,
                         ids=lambda c: c.id)
def test_rule_agrees_entry_by_entry_with_sympy_diff_and_the_scalar_engine(case):
    grad, sizes = case.graph()
    evidence = entry_check(grad, sizes)
    assert evidence.passed and evidence.points > 0, f"{case.id}: {evidence.detail}"


@pytest.mark.parametrize("case", CASES + LAMBDA_CASES, ids=lambda c: c.id)
def test_rule_agrees_with_finite_differences(case):
    grad, sizes = case.graph()
    evidence = grad.check(sizes, n=FD_POINTS, seed=zlib.crc32(case.id.encode()))
    assert evidence.passed and evidence.points == FD_POINTS, f"{case.id}: {evidence.detail}"


def _doubled(rule):
    """The table entry with every operand's adjoint doubled: a wrong rule of the right shape."""
    wrong = lambda e, ans, g: tuple(p if p is None else scale(2, p) for p in rule.vjp(e, ans, g))
    return dataclasses.replace(rule, vjp=wrong)


@pytest.mark.parametrize("name", ["matmul-int-inline", "softmax-axis-1-sym-node", "cross_entropy-axis-0-int-inline"])
def test_a_wrong_rule_fails_both_checks(name, monkeypatch):
    found = next(c for c in CASES if c.id == name)
    op = name.split("-")[0]
    monkeypatch.setitem(TABLE, op, _doubled(TABLE[op]))
    grad, sizes = found.graph()
    assert not entry_check(grad, sizes).passed
    assert not grad.check(sizes, n=FD_POINTS).passed


# -- coverage: every entry of the table, every function, axis and broadcasting pattern ----------------------

def _pattern(shape, result):
    if shape == result:
        return "full"
    return {(True, True): "one", (True, False): "row", (False, True): "col"}[(shape[0] == 1, shape[1] == 1)]


def _feature(e):
    if e.op == "elementwise":
        return ("elementwise", e.attr.key)
    if e.op in ("softmax", "log_softmax", "sum"):
        return (e.op, e.attr)
    if e.op == "cross_entropy":
        y = e.args[1]
        return (e.op, e.attr, y.op == "node" and y.attr.distribution == e.attr)
    if e.op in ("add", "sub", "hadamard", "div", "broadcast"):
        return (e.op,) + tuple(_pattern(a.shape, e.shape) for a in e.args)
    if e.op == "scale":
        free = e.attr.free_symbols
        kind = "negate" if e.attr == -1 else "number" if not free else \
            "dimension" if all(s.is_integer and s.is_positive for s in free) else "constant"
        return ("scale", kind)
    return (e.op,)


def covered():
    found = set()
    for c in CASES + LAMBDA_CASES:
        grad, _ = c.graph()
        for node in grad.graph.nodes:
            if node.kind == "let" and node.shape is not None:
                found |= {_feature(e) for e in node.expr.walk()}
    return found


def test_every_table_entry_with_a_vjp_is_covered():
    found = covered()
    with_vjp = sorted(name for name, rule in TABLE.items() if rule.vjp is not None)
    assert with_vjp, "the matrix table has no VJP rules"
    missing = [name for name in with_vjp if not any(f[0] == name for f in found)]
    assert not missing, f"table entries with a VJP rule and no test case: {missing}"


def test_every_function_axis_and_broadcasting_pattern_is_covered():
    required = {("elementwise", key) for key in ELEMENTWISE}
    required |= {(op, axis) for op in ("softmax", "log_softmax") for axis in (0, 1)}
    required |= {("sum", axis) for axis in (0, 1, None)}
    required |= {("cross_entropy", axis, labels) for axis in (0, 1) for labels in (True, False)}
    required |= {(op, "full", side) for op in BINARY for side in ("row", "col", "one")}
    required |= {(op, side, "full") for op in BINARY for side in ("row", "col", "one")}
    required |= {(op, "row", "col") for op in BINARY}
    required |= {("broadcast", side) for side in ("row", "col", "one")}
    required |= {("scale", kind) for kind in ("number", "negate", "dimension", "constant")}
    required |= {("matmul",), ("transpose",), ("norm",), ("sqnorm",), ("trace",)}
    missing = required - covered()
    assert not missing, f"not exercised by any case: {sorted(missing, key=str)}"
    for key in ELEMENTWISE:
        assert Fn.of(key).key == key


def test_case_ids_are_unique_and_shapes_small():
    ids = [c.id for c in CASES + LAMBDA_CASES]
    assert len(ids) == len(set(ids))
    for c in CASES:
        assert all(1 <= v <= MAX_DIM for v in c.sizes().values())
    assert any(c.variant.startswith("sym") for c in CASES)


# -- shape errors name both shapes ---------------------------------------------------------------------------

def _raises_naming(build, *shapes, names=()):
    with pytest.raises(ShapeError) as error:
        build()
    message = str(error.value)
    for s in shapes:
        assert shape_text(s) in message, message
    for n in names:
        assert n in message, message
    return message


@pytest.mark.parametrize("symbolic", [False, True])
def test_a_mismatched_matmul_names_both_shapes(symbolic):
    g = Graph()
    a, b = (("m", "n"), ("m", "n")) if symbolic else ((2, 3), (2, 3))
    A, B = g.param("A", shape=a), g.param("B", shape=b)
    _raises_naming(lambda: A @ B, A.shape, B.shape, names=("A", "B"))


@pytest.mark.parametrize("op", ["add", "sub", "hadamard", "div"])
def test_a_mismatched_elementwise_operation_names_both_shapes(op):
    g = Graph()
    A, B = g.param("A", shape=(2, 3)), g.param("B", shape=(3, 2))
    build = {"add": lambda: A + B, "sub": lambda: A - B, "hadamard": lambda: A * B, "div": lambda: A / B}[op]
    _raises_naming(build, (2, 3), (3, 2), names=("A", "B"))


def test_a_mismatched_cross_entropy_names_both_shapes():
    g = Graph()
    o, y = g.param("o", shape=(3, 1)), g.input("y", shape=(2, 1), distribution=True)
    _raises_naming(lambda: cross_entropy(o, y), (3, 1), (2, 1), names=("o", "y"))


def test_the_trace_of_a_non_square_matrix_names_its_shape():
    g = Graph()
    A = g.param("A", shape=(2, 3))
    _raises_naming(lambda: trace(A), (2, 3), names=("A", "square"))
