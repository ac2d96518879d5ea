"""The matrix table: each operation's shape rule, vector-Jacobian product, kernels and printing, in one entry.

An entry (:class:`MatOp`) holds, for one operation:

- ``shape(args, attr)``: the result's shape, or a :class:`ShapeError` naming both operands and their shapes;
- ``vjp(e, ans, adj)``: the adjoint of each operand given the adjoint ``adj`` of the result, as matrix
  expressions (``ans`` stands for the result itself: the node's name when ``e`` is a node's definition);
- ``numpy(values, attr, shape)``: a float64 kernel on 2-D arrays;
- ``entries(values, attr, shape)``: the same on SymPy matrices of scalar entries (the expansion the
  reverse pass is checked against, entry by entry);
- ``text`` and ``latex``: ``(e, operands printed) → str``, with ``prec`` and ``kind`` for parentheses;
- ``simplify(args, attr, shape)``: an equal, simpler expression of that shape (1·x → x, (xᵀ)ᵀ → x), or None.

The rules for z = W·x + b are the textbook's: W̄ = z̄·xᵀ, x̄ = Wᵀ·z̄, b̄ = z̄, and b̄ = 𝟏ᵀ·Z̄
when a row bias is broadcast over a batch; for h = φ(z), z̄ = h̄ ⊙ φ′(z).

>>> from derive.matrix.expr import TABLE, node_ref, adjoint_ref
>>> W, x = node_ref('W', ('m', 'n')), node_ref('x', ('n', 1))
>>> z = W @ x
>>> [str(a) for a in TABLE['matmul'].vjp(z, z, adjoint_ref('z', z.shape))]
['z̄·xᵀ', 'Wᵀ·z̄']
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .expr import broadcast, const, make, scale, total
from .functions import fn_kernel
from .table import ADD, MUL, POSTFIX, defmat
from .shapes import ShapeError, broadcast_shape, shape_text

def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting stretched to reach it from ``shape``."""
    if g.shape[0] != shape[0]:
        g = total(g, 0)
    if g.shape[1] != shape[1]:
        g = total(g, 1)
    return g


def _entrywise(function):
    """A kernel on SymPy matrices from one on scalar entries (with broadcasting of 1 × 1, rows and columns)."""
    def run(values, attr, shape):
        m, n = shape
        pick = lambda v, i, j: v[i if v.shape[0] > 1 else 0, j if v.shape[1] > 1 else 0]
        return sp.Matrix(m, n, lambda i, j: function(*(pick(v, i, j) for v in values)))
    return run


def _is_one(e):
    return e.op == "const" and e.attr == 1


def _scalar_kind(e):
    return "scalar" if any(a.is_scalar for a in e.args) else e.op


# -- leaves ----------------------------------------------------------------------------

def _leaf_text(e, _):
    from ..render.printing import text
    from ..symbols import adjoint, symbol
    if e.op == "const":
        return text(e.attr) if e.attr.is_Atom else f"({text(e.attr)})"
    s = symbol(e.attr.name)
    return text(adjoint(s) if e.op == "adjoint" else s)


def _leaf_latex(e, _):
    from ..render.printing import latex
    from ..symbols import adjoint, symbol
    if e.op == "const":
        return latex(e.attr)
    s = symbol(e.attr.name)
    return latex(adjoint(s) if e.op == "adjoint" else s)


for _leaf in ("node", "adjoint", "const"):
    defmat(_leaf, shape=None, vjp=None, numpy=None, entries=None, text=_leaf_text, latex=_leaf_latex)
defmat("zeros", shape=None, vjp=None,
       numpy=lambda v, attr, shape: np.zeros(shape), entries=lambda v, attr, shape: sp.zeros(*shape),
       text=lambda e, p: "0", latex=lambda e, p: "0")
defmat("identity", shape=None, vjp=None,
       numpy=lambda v, attr, shape: np.eye(shape[0]), entries=lambda v, attr, shape: sp.eye(shape[0]),
       text=lambda e, p: "I", latex=lambda e, p: "I")


# -- products and sums -------------------------------------------------------------------

def _matmul_shape(args, attr):
    from .printing import mat_text
    from .shapes import dim_text
    a, b = args
    if a.shape[1] != b.shape[0]:
        raise ShapeError(f"matrix product {mat_text(a)}·{mat_text(b)}: {mat_text(a)} is {shape_text(a.shape)} and "
                         f"{mat_text(b)} is {shape_text(b.shape)}, so {dim_text(a.shape[1])} ≠ {dim_text(b.shape[0])}")
    return (a.shape[0], b.shape[1])


defmat("matmul", shape=_matmul_shape,
       vjp=lambda e, ans, g: (g @ e.args[1].T, e.args[0].T @ g),
       numpy=lambda v, attr, shape: v[0] @ v[1], entries=lambda v, attr, shape: v[0] * v[1],
       text=lambda e, p: f"{p[0]}·{p[1]}", latex=lambda e, p: rf"{p[0]} {p[1]}", prec=MUL,
       kind=lambda e: "matmul",
       says="Z = A·B: Ā = Z̄·Bᵀ, B̄ = Aᵀ·Z̄")


def _elementwise_shape(what):
    return lambda args, attr: broadcast_shape(args[0].shape, args[1].shape,
                                              lambda: f"{what} {_pair_text(args, what)}")


def _pair_text(args, what):
    from .printing import mat_text
    sign = {"sum": "+", "difference": "−", "elementwise product": "⊙", "quotient": "/"}[what]
    return f"{mat_text(args[0])} {sign} {mat_text(args[1])}"


defmat("add", shape=_elementwise_shape("sum"),
       vjp=lambda e, ans, g: (unbroadcast(g, e.args[0].shape), unbroadcast(g, e.args[1].shape)),
       numpy=lambda v, attr, shape: v[0] + v[1], entries=_entrywise(lambda a, b: a + b),
       text=lambda e, p: f"{p[0]} + {p[1]}", latex=lambda e, p: f"{p[0]} + {p[1]}", prec=ADD,
       says="Z = A + B: Ā = Z̄, B̄ = Z̄, summed over a broadcast axis")
defmat("sub", shape=_elementwise_shape("difference"),
       vjp=lambda e, ans, g: (unbroadcast(g, e.args[0].shape), unbroadcast(-g, e.args[1].shape)),
       numpy=lambda v, attr, shape: v[0] - v[1], entries=_entrywise(lambda a, b: a - b),
       text=lambda e, p: f"{p[0]} − {p[1]}", latex=lambda e, p: f"{p[0]} - {p[1]}", prec=ADD,
       says="Z = A − B: Ā = Z̄, B̄ = −Z̄, summed over a broadcast axis")


def _hadamard_simplify(args, attr, full):
    """1·x → x, c·x for a constant c, and s ⊙ (s repeated) written as the scalar multiple s·x."""
    a, b = args
    if a.op == "broadcast" and a.args[0].is_scalar and b.shape == full:
        a = a.args[0]
    if b.op == "broadcast" and b.args[0].is_scalar and a.shape == full:
        b = b.args[0]
    for s, x in ((a, b), (b, a)):
        if s.is_scalar and x.shape == full:
            if s.op == "const":
                return scale(s.attr, x)
            if s.op == "scale":  # (c·s)·x = c·(s·x), so that constants meet and cancel
                return scale(s.attr, make("hadamard", *((s.args[0], x) if s is a else (x, s.args[0]))))
            if (a, b) != tuple(args):
                return make("hadamard", a, b)
    return None


def _product_text(e, p, dot, odot):
    return f"{p[0]}{dot}{p[1]}" if _scalar_kind(e) == "scalar" else f"{p[0]}{odot}{p[1]}"


defmat("hadamard", shape=_elementwise_shape("elementwise product"),
       vjp=lambda e, ans, g: (unbroadcast(g * e.args[1], e.args[0].shape),
                              unbroadcast(g * e.args[0], e.args[1].shape)),
       numpy=lambda v, attr, shape: v[0] * v[1], entries=_entrywise(lambda a, b: a * b),
       text=lambda e, p: _product_text(e, p, "·", " ⊙ "), latex=lambda e, p: _product_text(e, p, r" \, ", r" \odot "),
       prec=MUL, kind=_scalar_kind, simplify=_hadamard_simplify,
       says="Z = A ⊙ B: Ā = Z̄ ⊙ B, B̄ = Z̄ ⊙ A")
defmat("div", shape=_elementwise_shape("quotient"),
       vjp=lambda e, ans, g: (unbroadcast(g / e.args[1], e.args[0].shape),
                              unbroadcast(-(g * ans) / e.args[1], e.args[1].shape)),
       numpy=lambda v, attr, shape: v[0] / v[1], entries=_entrywise(lambda a, b: a / b),
       text=lambda e, p: f"{p[0]}/{p[1]}", latex=lambda e, p: rf"\frac{{{p[0]}}}{{{p[1]}}}", prec=MUL,
       kind=lambda e: "div",
       says="Z = A/B: Ā = Z̄/B, B̄ = −Z̄ ⊙ Z/B")


def _scale_simplify(args, attr, shape):
    x = args[0]
    if attr == 1:
        return x
    if x.op == "scale":
        return scale(attr * x.attr, x.args[0])
    if x.op == "const":
        return const(attr * x.attr)
    return None


def _scale_text(e, p):
    from ..render.printing import text
    c = e.attr
    if c == -1:
        return f"−{p[0]}"
    num, den = c.as_numer_denom()
    if num == 1 and den != 1:  # 1/B, 1/(m·n): a mean's factor
        return f"(1/{text(den) if den.is_Atom else '(%s)' % text(den)})·{p[0]}"
    shown = text(c)
    return f"({shown})·{p[0]}" if c.is_Add or shown.startswith("−") else f"{shown}·{p[0]}"


def _scale_latex(e, p):
    from ..render.printing import latex
    c = e.attr
    if c == -1:
        return f"-{p[0]}"
    shown = latex(c)
    return rf"\left({shown}\right) {p[0]}" if c.is_Add or shown.startswith("-") else rf"{shown} \, {p[0]}"


defmat("scale", shape=lambda args, attr: args[0].shape,
       vjp=lambda e, ans, g: (scale(e.attr, g),),
       numpy=lambda v, attr, shape: float(attr) * v[0], entries=lambda v, attr, shape: attr * v[0],
       text=_scale_text, latex=_scale_latex, prec=MUL, kind=lambda e: "scalar" if e.attr != -1 else "neg",
       simplify=_scale_simplify,
       says="Z = c·A: Ā = c·Z̄")


def _transpose_simplify(args, attr, shape):
    x = args[0]
    if x.op == "transpose":
        return x.args[0]
    if x.op in ("const", "identity"):
        return x
    return None


defmat("transpose", shape=lambda args, attr: (args[0].shape[1], args[0].shape[0]),
       vjp=lambda e, ans, g: (g.T,),
       numpy=lambda v, attr, shape: v[0].T, entries=lambda v, attr, shape: v[0].T,
       text=lambda e, p: f"{p[0]}ᵀ", latex=lambda e, p: rf"{p[0]}^{{\top}}", prec=POSTFIX,
       simplify=_transpose_simplify,
       says="Z = Aᵀ: Ā = Z̄ᵀ")


def _sum_shape(args, attr):
    m, n = args[0].shape
    return {None: (1, 1), 0: (1, n), 1: (m, 1)}[attr]


def _sum_simplify(args, attr, shape):
    x = args[0]
    if attr is None and x.is_scalar or attr is not None and x.shape[attr] == 1:
        return x
    if attr is None and x.shape[1] == 1:
        return total(x, 0)
    if attr is None and x.shape[0] == 1:
        return total(x, 1)
    return None


def _sum_numpy(v, attr, shape):
    return v[0].sum(axis=attr, keepdims=True) if attr is not None else np.array([[v[0].sum()]])


def _sum_entries(v, attr, shape):
    x = v[0]
    if attr == 0:
        return sp.Matrix(1, x.shape[1], lambda i, j: sp.Add(*x[:, j]))
    if attr == 1:
        return sp.Matrix(x.shape[0], 1, lambda i, j: sp.Add(*x[i, :]))
    return sp.Matrix([[sp.Add(*x)]])


ONE_TEXT, ONE_LATEX = "𝟏", r"\mathbf{1}"
defmat("sum", shape=_sum_shape, vjp=lambda e, ans, g: (broadcast(g, e.args[0].shape),),
       numpy=_sum_numpy, entries=_sum_entries,
       text=lambda e, p: {0: f"{ONE_TEXT}ᵀ·{p[0]}", 1: f"{p[0]}·{ONE_TEXT}", None: f"{ONE_TEXT}ᵀ·{p[0]}·{ONE_TEXT}"}[e.attr],
       latex=lambda e, p: {0: rf"{ONE_LATEX}^{{\top}} {p[0]}", 1: rf"{p[0]} \, {ONE_LATEX}",
                           None: rf"{ONE_LATEX}^{{\top}} {p[0]} \, {ONE_LATEX}"}[e.attr],
       prec=MUL, kind=lambda e: "matmul", simplify=_sum_simplify,
       says="z = 𝟏ᵀ·A: Ā = 𝟏·z̄ (the adjoint repeated)")


def _broadcast_shape(args, attr):
    x = args[0]
    if broadcast_shape(x.shape, attr, "broadcast") != tuple(attr):
        raise ShapeError(f"broadcast: cannot stretch {shape_text(x.shape)} to {shape_text(attr)}")
    return tuple(attr)


def _broadcast_text(e, p, one, top, dot):
    (m, n), (r, c) = e.args[0].shape, e.shape
    if _is_one(e.args[0]):  # 𝟏, 𝟏ᵀ or 𝟏𝟏ᵀ alone
        return one if c == 1 else f"{one}{top}" if r == 1 else f"{one}{one}{top}"
    if m == r:  # a column repeated along the rows: x·𝟏ᵀ
        return f"{p[0]}{dot}{one}{top}"
    if n == c:  # a row repeated down the columns: 𝟏·x
        return f"{one}{dot}{p[0]}"
    return f"{p[0]}{dot}{one}{one}{top}"


defmat("broadcast", shape=_broadcast_shape, vjp=lambda e, ans, g: (unbroadcast(g, e.args[0].shape),),
       numpy=lambda v, attr, shape: np.broadcast_to(v[0], shape).copy(),
       entries=lambda v, attr, shape: _entrywise(lambda a: a)(v, attr, shape),
       text=lambda e, p: _broadcast_text(e, p, ONE_TEXT, "ᵀ", "·"),
       latex=lambda e, p: _broadcast_text(e, p, ONE_LATEX, r"^{\top}", r" \, "),
       prec=MUL, kind=lambda e: "matmul",
       simplify=lambda args, attr, shape: args[0] if args[0].shape == shape else None,
       says="a repeated: ā = the sum of the adjoint over the copies")


# -- elementwise functions of the op table ---------------------------------------------------------

def _fn_entries(v, fn, shape):
    from ..symbols import symbol
    s = symbol("s")
    value = fn.scalar(s)
    return v[0].applyfunc(lambda a: value.xreplace({s: a}))


defmat("elementwise", shape=lambda args, attr: args[0].shape,
       vjp=lambda e, ans, g: (g * make("elementwise", e.args[0], attr=e.attr.derivative()),),
       numpy=lambda v, fn, shape: fn_kernel(fn)(v[0]), entries=_fn_entries,
       text=lambda e, p: e.attr.text(p[0]), latex=lambda e, p: e.attr.latex(p[0]),
       says="H = φ(Z): Z̄ = H̄ ⊙ φ′(Z)")

from . import rules_nn  # noqa: E402,F401  the entries for softmax, cross-entropy, norms and the trace
