"""Printers: one-line Unicode for terminals, LaTeX for reports and Jupyter.

Both dispatch on the class name (``_print_<Class>``, SymPy's convention)
with SymPy's printers as the fallback.  The activations print with the names
of the rule table.  :func:`latex` of an expression is the only way formulas
reach LaTeX.

>>> import sympy as sp
>>> from derive.ops import sigmoid
>>> z = sp.Symbol('z_4', real=True)
>>> text(sigmoid(z) * (1 - sigmoid(z)))
'(1 − σ(z₄))·σ(z₄)'
>>> text(sp.Symbol('w', real=True)**2 / 2)
'w²/2'
>>> latex(sigmoid(z))
'\\\\sigma\\\\left(z_{4}\\\\right)'
"""
from __future__ import annotations

import re
import unicodedata

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .escape import escape
from ..memo import Memo, expression_key
from ..ops import OPS
from ..symbols import NAME_RE, is_adjoint, primal

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_REL = {"==": "=", "<=": "≤", ">=": "≥", "!=": "≠", "<": "<", ">": ">"}
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
          "eta": "η", "theta": "θ", "lambda": "λ", "lamda": "λ", "mu": "μ", "sigma": "σ",
          "tau": "τ", "phi": "φ", "omega": "ω", "rho": "ρ"}


# A name's accent suffix (the audit writes \hat y as y_hat): its combining mark and its LaTeX.
_ACCENTS = {"hat": ("\u0302", r"\hat{%s}"), "bar": ("\u0304", r"\bar{%s}"), "tilde": ("\u0303", r"\tilde{%s}"),
            "dot": ("\u0307", r"\dot{%s}"), "prime": ("′", "{%s}'"), "star": ("*", "{%s}^{*}")}
_ACCENT_RE = re.compile(r"([A-Za-z]+)_(hat|bar|tilde|dot)(?:_([A-Za-z0-9]+))?\Z|([A-Za-z]+)(?:_([A-Za-z0-9]+))?_(prime|star)\Z")


def accent_parts(name: str):
    """(base, accent, subscript) of ``y_hat``, ``x_hat_i``, ``x_i_prime``; None for any other name.

    >>> accent_parts("x_hat_i"), accent_parts("x_i_prime"), accent_parts("w_1")
    (('x', 'hat', 'i'), ('x', 'prime', 'i'), None)
    """
    m = _ACCENT_RE.match(name)
    if m is None:
        return None
    if m.group(1):
        return m.group(1), m.group(2), m.group(3) or ""
    return m.group(4), m.group(6), m.group(5) or ""


# How each claim relation is spelled: the one table of both printers (text and LaTeX layouts import it).
RELATIONS_TEXT = {"=": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}
RELATIONS_LATEX = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}

def _rule_text(expr):
    return OPS[expr.op].text


def _rule_latex(expr):
    return OPS[expr.op].latex


# The claim language's own nodes (derive.lang): printed by these printers, not by their claim-syntax ``_sympystr``.
_LANGUAGE_NODES = frozenset({"Entry", "SoftmaxEntry", "Norm", "VectorDot", "LogSumExp", "VectorMax", "Argmax",
                             "LimitAt", "Expectation", "Variance", "Sum", "Product"})


def _prefer_own(printer, expr, kwargs):
    """The printer's own ``_print_<Class>`` for a claim-language node, else None."""
    name = type(expr).__name__
    return printer.__getattribute__("_print_" + name)(expr, **kwargs) if name in _LANGUAGE_NODES else None


def _positive_first(terms):
    """Terms with a leading minus sign go last: ``y₄ − y`` rather than ``−y + y₄``."""
    return [t for t in terms if not t.could_extract_minus_sign()] + \
        [t for t in terms if t.could_extract_minus_sign()]


def _has_variable_e(expr) -> bool:
    return isinstance(expr, sp.Basic) and any(getattr(s, "name", "") == "e" for s in expr.free_symbols)


class TextPrinter(StrPrinter):
    """One-line Unicode maths: ``σ(z₄)·w₄``, ``x²``, ``√x``, ``≤``."""

    def _as_ordered_terms(self, expr, order=None):
        return _positive_first(super()._as_ordered_terms(expr, order))

    def _print_Symbol(self, expr):
        if is_adjoint(expr):
            shown = self._print_Symbol(primal(expr))
            return shown[0] + "\u0304" + shown[1:]
        name = expr.name
        if not NAME_RE.match(name):  # a display name such as "f(0)" or "n = 1": shown as it is
            if "$" in name:  # with maths in it (the catalogue's markup): the maths as Unicode
                from .rich import to_text
                return to_text(name)
            return name
        accented = accent_parts(name)
        if accented is not None:  # y_hat, x_hat_i, x_i_prime: the names the audit gives \hat y, \hat x_i, x_i′
            base, mark, sub = accented
            sub = sub.translate(_SUB) if sub.isdigit() else "_" + sub if sub else ""
            if mark in ("prime", "star"):  # after the index: xᵢ′
                return _GREEK.get(base, base) + sub + _ACCENTS[mark][0]
            return _GREEK.get(base, base) + _ACCENTS[mark][0] + sub
        base, _, sub = name.partition("_")
        base = _GREEK.get(base, base)
        if sub.isdigit():
            return base + sub.translate(_SUB)
        if not sub and name[-1].isdigit():
            stem = name.rstrip("0123456789")
            return _GREEK.get(stem, stem) + name[len(stem):].translate(_SUB)
        return base + ("_" + sub if sub else "")

    _print_Dummy = _print_Symbol

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent == sp.S.Half:
            inner = self._print(base)
            return "√" + (inner if base.is_Atom else "(" + inner + ")")
        if exponent.is_Integer and exponent > 0:
            return self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Pow"]) + \
                str(exponent).translate(_SUP)
        if exponent.is_Integer and exponent < 0 and not (exponent == -1):
            return "1/" + self._print(base ** (-exponent))
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_ActivationBase(self, expr):
        return "%s(%s)" % (_rule_text(expr), ", ".join(self._print(a) for a in expr.args))

    def _print_Abs(self, expr):
        return "|%s|" % self._print(expr.args[0])

    def _print_exp(self, expr):
        return "exp(%s)" % self._print(expr.args[0])

    def doprint(self, expr):
        self._variable_e = _has_variable_e(expr)
        return super().doprint(expr)

    def _print_Exp1(self, expr, exp=None):
        """e, or ℯ when a variable named e is in the same expression (``E*y = e*y`` reads ℯ·y = e·y)."""
        return "ℯ" if getattr(self, "_variable_e", False) else "e"

    def _print_Pi(self, expr):
        return "π"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "−∞"

    def _print_Derivative(self, expr):
        wrt = "".join("∂%s" % self._print(v) for v in expr.variables)
        return "∂/%s (%s)" % (wrt, self._print(expr.expr)) if len(expr.variables) > 1 else \
            "d/d%s (%s)" % (self._print(expr.variables[0]), self._print(expr.expr))

    def _print_KroneckerDelta(self, expr):
        i, j = expr.args
        return "δ(%s,%s)" % (self._print(i), self._print(j))

    def _print_Piecewise(self, expr):
        parts = []
        for value, cond in expr.args:
            when = "otherwise" if cond is sp.true else "if " + self._print(cond)
            parts.append("%s %s" % (self._print(value), when))
        return "{" + "; ".join(parts) + "}"

    def _print_Relational(self, expr):
        op = _REL.get(expr.rel_op, expr.rel_op)
        return "%s %s %s" % (self._print(expr.lhs), op, self._print(expr.rhs))

    def _print_Add(self, expr, order=None):
        return super()._print_Add(expr, order).replace(" - ", " − ")

    def _print(self, expr, **kwargs):
        own = _prefer_own(self, expr, kwargs)
        return super()._print(expr, **kwargs) if own is None else own

    def _sub(self, index):
        shown = self._print(index)
        if index.is_Integer and index >= 0:
            return shown.translate(_SUB)
        return "_" + (shown if index.is_Atom else "{" + shown + "}")

    def _big(self, sign, expr):
        index, low, high = expr.limits[0]
        body = self.parenthesize(expr.function, sp.printing.precedence.PRECEDENCE["Mul"], strict=True)
        return "%s_{%s=%s}^{%s} %s" % (sign, self._print(index), self._print(low), self._print(high), body)

    def _print_Sum(self, expr):
        return self._big("∑", expr)

    def _print_Product(self, expr):
        return self._big("∏", expr)

    def _print_Entry(self, expr):
        return self._print(expr.args[0]) + self._sub(expr.args[1])

    def _print_SoftmaxEntry(self, expr):
        return "softmax(%s)%s" % (self._print(expr.args[0]), self._sub(expr.args[1]))

    def _print_Norm(self, expr):
        return "‖%s‖%s" % (self._print(expr.args[0]), "₁" if expr.p == 1 else "")

    def _print_VectorDot(self, expr):
        return "⟨%s, %s⟩" % tuple(self._print(a) for a in expr.args)

    def _print_LogSumExp(self, expr):
        return "logsumexp(%s)" % self._print(expr.args[0])

    def _print_VectorMax(self, expr):
        return "max(%s)" % self._print(expr.args[0])

    def _print_Argmax(self, expr):
        return "argmax_%s (%s)" % (self._print(expr.args[1]), self._print(expr.args[0]))

    def _print_LimitAt(self, expr):
        side = {"+": "⁺", "-": "⁻"}.get(expr.direction, "")
        body = self.parenthesize(expr.args[0], sp.printing.precedence.PRECEDENCE["Mul"], strict=True)
        return "lim_{%s→%s%s} %s" % (self._print(expr.args[1]), self._print(expr.args[2]), side, body)

    def _print_Expectation(self, expr):
        specs = ", ".join("%s∼%s" % (self._print(v), self._print(d)) for v, d in expr.specs)
        return "%s_{%s}[%s]" % (expr.word, specs, self._print(expr.args[0]))

    _print_Variance = _print_Expectation

    def emptyPrinter(self, expr):
        return str(expr)


class TexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the rule table's names for the activations."""

    def doprint(self, expr):
        self._variable_e = _has_variable_e(expr)
        return super().doprint(expr)

    def _print_Exp1(self, expr, exp=None):
        """e, upright (\\mathrm{e}) when a variable named e is in the same expression."""
        return r"\mathrm{e}" if getattr(self, "_variable_e", False) else "e"

    def _print(self, expr, **kwargs):
        if expr is sp.E:  # Exp1's own _latex would win over _print_Exp1
            return self._print_Exp1(expr)
        own = _prefer_own(self, expr, kwargs) if type(expr).__name__ not in ("Sum", "Product") else None
        return super()._print(expr, **kwargs) if own is None else own

    def _print_Entry(self, expr, exp=None):
        entry = "%s_{%s}" % (self._print(expr.args[0]), self._print(expr.args[1]))
        return entry if exp is None else "%s^{%s}" % (entry, exp)  # w_i**2: SymPy's power printer passes exp

    def _print_SoftmaxEntry(self, expr):
        return r"\operatorname{softmax}\left(%s\right)_{%s}" % tuple(self._print(a) for a in expr.args)

    def _print_Norm(self, expr):
        return r"\left\lVert %s \right\rVert%s" % (self._print(expr.args[0]), "_{1}" if expr.p == 1 else "")

    def _print_VectorDot(self, expr):
        return r"\left\langle %s, %s \right\rangle" % tuple(self._print(a) for a in expr.args)

    def _print_LogSumExp(self, expr):
        return r"\operatorname{logsumexp}\left(%s\right)" % self._print(expr.args[0])

    def _print_VectorMax(self, expr):
        return r"\max\left(%s\right)" % self._print(expr.args[0])

    def _print_Argmax(self, expr):
        return r"\operatorname*{arg\,max}_{%s} \left(%s\right)" % (self._print(expr.args[1]),
                                                                    self._print(expr.args[0]))

    def _print_LimitAt(self, expr):
        side = {"+": "^{+}", "-": "^{-}"}.get(expr.direction, "")
        return r"\lim_{%s \to %s%s} \left(%s\right)" % (self._print(expr.args[1]), self._print(expr.args[2]),
                                                           side, self._print(expr.args[0]))

    def _print_Expectation(self, expr):
        specs = ", ".join(r"%s \sim \operatorname{%s}\left(%s\right)" % (
            self._print(v), type(d).__name__, ", ".join(
                r"\left[%s\right]" % ", ".join(self._print(x) for x in a) if isinstance(a, sp.Tuple)
                else self._print(a) for a in d.args)) for v, d in expr.specs)
        word = r"\mathbb{E}" if expr.word == "E" else r"\operatorname{Var}"
        return r"%s_{%s}\left[%s\right]" % (word, specs, self._print(expr.args[0]))

    _print_Variance = _print_Expectation

    def _as_ordered_terms(self, expr, order=None):
        """The terms of a sum in printing order, kept (a sum is ordered again in each larger formula printed)."""
        terms = _ORDERED.get_or_make(expression_key(expr, order or self.order),
                                     lambda: _positive_first(super(TexPrinter, self)._as_ordered_terms(expr, order)))
        return list(terms)

    def _print_Symbol(self, expr, style="plain"):
        if not (NAME_RE.match(expr.name) or is_adjoint(expr)):
            # Only validated names reach SymPy's printer; any other name is escaped text,
            # so a symbol called \input{/etc/passwd} prints literally.
            if "$" in expr.name:  # the catalogue's markup: prose as text, its $…$ maths read by the safe reader
                from .rich import to_math
                return to_math(expr.name, lambda piece: r"\text{%s}" % escape(piece))
            return r"\text{%s}" % escape(expr.name)
        if is_adjoint(expr):
            base, sep, sub = super()._print_Symbol(primal(expr)).partition("_")
            return r"\bar{%s}%s%s" % (base, sep, sub)
        accented = accent_parts(expr.name)
        if accented is not None:
            base, mark, sub = accented
            base = super()._print_Symbol(sp.Symbol(base), style)
            sub = "_{%s}" % super()._print_Symbol(sp.Symbol(sub), style) if sub else ""
            if mark in ("prime", "star"):
                return _ACCENTS[mark][1] % (base + sub)
            return _ACCENTS[mark][1] % base + sub
        return super()._print_Symbol(expr, style)

    def _print_Mul(self, expr):
        r"""A product kept unevaluated with a number after its first factor (the seed's p·0) joins its
        factors with \cdot: SymPy's "p 0" reads as p₀.  An evaluated product puts its number first.

        >>> p = sp.Symbol('p', real=True)
        >>> latex(sp.Mul(p, 0, evaluate=False)), latex(2 * p), latex(1 / p)
        ('p \\cdot 0', '2 p', '\\frac{1}{p}')
        """
        if expr.is_Mul and any(a.is_Number for a in expr.args[1:]):  # SymPy prints 1/x through here too
            return r" \cdot ".join(self.parenthesize(a, sp.printing.precedence.PRECEDENCE["Mul"]) for a in expr.args)
        return super()._print_Mul(expr)

    def _print_Mat(self, expr):
        """A matrix expression (:mod:`derive.matrix`) inside a step: the table's own LaTeX, ``W_{2}^{\\top} \\bar{o}``."""
        return expr.latex()

    def _print_ActivationBase(self, expr, exp=None):
        args = ", ".join(self._print(a) for a in expr.args)
        name = _rule_latex(expr)
        if exp is not None:
            name = "%s^{%s}" % (name, exp)
        return r"%s\left(%s\right)" % (name, args)


def text(expr) -> str:
    """One-line Unicode rendering of a SymPy object.

    >>> x = sp.Symbol('x', real=True)
    >>> text(sp.Le(sp.exp(-x) / (1 + sp.exp(-x))**2, sp.Rational(1, 4)))
    'exp(−x)/(1 + exp(−x))² ≤ 1/4'
    """
    return unicodedata.normalize("NFC", TextPrinter().doprint(expr).replace("-", "−"))


def latex(expr) -> str:
    """LaTeX for a SymPy object (maths mode, no delimiters).

    The LaTeX of an expression already printed is kept (the last 4096, by
    :func:`derive.memo.expression_key`): a report prints each step's parts
    several times while fitting it to the page.

    >>> latex(sp.Symbol('w_1', real=True)**2)
    'w_{1}^{2}'
    """
    if not isinstance(expr, sp.Basic):  # a mutable matrix, a Python number: printed each time
        return TexPrinter().doprint(expr)
    return _PRINTED.get_or_make(expression_key(expr), lambda: TexPrinter().doprint(expr))


_PRINTED = Memo(4096)
_ORDERED = Memo(4096)  # TexPrinter._as_ordered_terms
