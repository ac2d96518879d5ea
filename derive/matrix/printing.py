"""Text and LaTeX of matrix expressions: one walk, the table entry's template, parentheses by precedence.

Products follow the textbook's conventions: ``·`` is the matrix product, ``⊙``
the elementwise one, and a 1 × 1 factor is a plain scalar multiple, so
``l̄·(softmax(o) − y)`` needs no ⊙.  Matrix and elementwise products never mix
without parentheses.

>>> from derive.matrix.expr import node_ref, elementwise
>>> W, h, z = node_ref('W_2', ('q', 'm')), node_ref('h', ('m', 1)), node_ref('z', ('m', 1))
>>> g = node_ref('o', ('q', 1))
>>> print((W.T @ g) * elementwise('sigmoid', z).T.T)
(W₂ᵀ·o) ⊙ σ(z)
>>> print(mat_latex(W.T @ g))
W_{2}^{\\top} o
"""
from __future__ import annotations

from .table import ATOM, MUL, POSTFIX, TABLE

_PRODUCTS = ("matmul", "hadamard", "div", "neg")


def _needs_parens(child, parent, position):
    c, p = TABLE[child.op], TABLE[parent.op]
    if p.prec == ATOM:  # a function's arguments are delimited already: σ(W·x + b)
        return False
    if p.prec == POSTFIX:
        return c.prec < ATOM
    if c.prec < p.prec:
        return True
    if p.prec == MUL and c.prec == MUL:
        ck, pk = c.kind(child), p.kind(parent)
        if pk in ("neg", "scalar") and not (pk == "scalar" and parent.op == "hadamard" and ck == "div"):
            return ck == "neg" and position == 1
        if "div" in (ck, pk) and (position == 1 or ck == "div"):
            return pk == "div" or ck == "div"
        if ck in _PRODUCTS and pk in _PRODUCTS and ck != pk:
            return True
        return ck == "neg" and position == 1
    if p.prec == c.prec and parent.op == "sub" and position == 1:  # a − (b + c)
        return True
    return False


def _render(expr, how, wrap):
    memo = {}
    for e in expr.walk():
        rule = TABLE[e.op]
        parts = [wrap(memo[a]) if _needs_parens(a, e, i) else memo[a] for i, a in enumerate(e.args)]
        memo[e] = getattr(rule, how)(e, parts)
    return memo[expr]


def mat_text(expr) -> str:
    """One line of Unicode: ``(softmax(W₂·h + b₂) − y)·hᵀ``."""
    return _render(expr, "text", lambda s: f"({s})")


def mat_latex(expr) -> str:
    """LaTeX, maths mode, no delimiters."""
    return _render(expr, "latex", lambda s: rf"\left({s}\right)")
