"""LaTeX layouts of derive's results (maths mode, for Jupyter's MathJax): one per result type.

:func:`as_latex` dispatches on the class name like :func:`derive.render.text.as_text`,
with :func:`derive.render.printing.latex` as the fallback for SymPy objects;
:func:`jupyter` wraps a layout in ``$$ … $$`` for ``_repr_latex_``.  Prose
inside the maths goes through the one escaper,
:func:`derive.render.escape.escape` with ``mathjax=True``.  The report's
document layout (text mode, for pdflatex) is :mod:`derive.render.report`; it
takes its formulas from here.

>>> import sympy as sp
>>> from derive.steps import Step, Rel
>>> x = sp.Symbol('x', real=True)
>>> as_latex(Step(Rel(x**2, "<=", 1), "why"))
'x^{2} \\\\le 1'
>>> as_latex(Step("50% of it", "why"))
'\\\\text{50％ of it}'
"""
from __future__ import annotations

from ..ops import OPS
from .escape import escape
from .printing import RELATIONS_LATEX, latex
from .text import as_text

LAYOUTS: dict = {}  # class name -> layout function
RELATIONS = RELATIONS_LATEX


def layout(name):
    """Register the decorated function as the LaTeX layout of the class called ``name``, right after it."""
    def register(fn):
        LAYOUTS[name] = fn
        return fn
    return register


def as_latex(obj) -> str:
    """``obj`` as LaTeX (maths mode, no delimiters): its class's layout, a parent's, or the printer.

    >>> as_latex("a sentence & more")
    '\\\\text{a sentence ＆ more}'
    """
    for cls in type(obj).__mro__:
        fn = LAYOUTS.get(cls.__name__)
        if fn is not None:
            return fn(obj)
    return prose(obj) if isinstance(obj, str) else latex(obj)


def jupyter(obj) -> str:
    """What ``_repr_latex_`` returns: the layout as displayed maths, ``$$ … $$``.

    >>> from derive.steps import Step
    >>> jupyter(Step("a note", "why"))
    '$$\\\\text{a note}$$'
    """
    return "$$%s$$" % as_latex(obj)


def prose(s, bold=False) -> str:
    """Text inside maths, ``\\text{…}`` (``\\textbf`` when ``bold``), its TeX specials made harmless.

    >>> prose("x_1 {y}")
    '\\\\text{x＿1 ｛y｝}'
    """
    return r"\%s{%s}" % ("textbf" if bold else "text", escape(s, mathjax=True))


def prime(rule, arg) -> str:
    """The textbook's local factor f′(z) of the table function ``rule`` at ``arg``.

    >>> import sympy as sp
    >>> prime('sigmoid', sp.Symbol('z_1', real=True))
    "\\\\sigma'\\\\left(z_{1}\\\\right)"
    """
    return r"%s'\left(%s\right)" % (OPS[rule].latex, latex(arg))


def row(step) -> str:
    """One row of an ``aligned`` block: the step's relation and, after it, its reason.

    >>> from derive.steps import Step
    >>> row(Step("a note", "50%"))
    '&\\\\text{a note} && \\\\text{(50％)}'
    """
    return r"&%s && %s" % (as_latex(step), prose("(%s)" % step.why))


def aligned(rows) -> str:
    """The rows in an ``aligned`` block, one per line.

    >>> aligned(["&a", "&b"])
    '\\\\begin{aligned}&a \\\\\\\\ &b\\\\end{aligned}'
    """
    return r"\begin{aligned}%s\end{aligned}" % r" \\ ".join(rows)


# -- steps --------------------------------------------------------------------------------

@layout("Rel")
def _rel(r):
    return "%s %s %s" % (latex(r.lhs), RELATIONS[r.op], latex(r.rhs))


@layout("Phrase")
def _phrase(p):
    return "".join(prose(part) if isinstance(part, str) else latex(part) for part in p)


@layout("Step")
def _step(s):
    return as_latex(s.relation)


# -- the reverse pass ---------------------------------------------------------------------

@layout("Assignment")
def _assignment(a):
    return "%s = %s" % (latex(a.target), latex(a.expr))


@layout("Factor")
def _factor(f):
    if f.rule:
        return prime(f.rule, f.parent)
    s = latex(f.value)
    return r"\left(%s\right)" % s if f.value.is_Add or f.value.could_extract_minus_sign() else s


@layout("Path")
def _path(p):
    return r" \cdot ".join(as_latex(f) for f in p.shown())


@layout("PathSum")
def _path_sum(p):
    return " + ".join(r"\left[%s\right]" % as_latex(path) for path in p)


def labels(factors) -> str:
    r"""The factors' names, ``\frac{\partial C}{\partial h} \frac{\partial h}{\partial z}``; paths summed.

    >>> from derive.graph import Graph
    >>> g = Graph(); x = g.input('x'); C = g.let('C', g.let('h', 2 * x)**2)
    >>> labels(g.grad(C, x).factors)
    '\\frac{\\partial C}{\\partial h} \\frac{\\partial h}{\\partial x}'
    """
    if type(factors).__name__ == "PathSum":
        return " + ".join(labels(p) for p in factors)
    return " ".join(r"\frac{\partial %s}{\partial %s}" % (latex(f.child), latex(f.parent)) for f in factors)


@layout("Gradient")
def _gradient(g):
    """An ``aligned`` block: per variable the labels, the product of factors, the closed form."""
    rows = []
    for i, w in enumerate(g.wrt):
        f = g.factors_of(w)
        closed = g.expr if g.single else g.expr[i]
        lhs = r"\frac{\partial %s}{\partial %s}" % (latex(g.output), latex(w))
        shown = [labels(f), as_latex(f)] if f else []
        rows.append(r"%s &= %s" % (lhs, r" \\ &= ".join(shown + [latex(closed)])))
    return aligned(rows)


# -- verdicts and results -----------------------------------------------------------------

@layout("Verdict")
def _verdict(v):
    return r"%s\quad%s" % (prose(v.status), aligned(row(s) for s in v.steps))


@layout("Result")
def _result(r):
    verdict = f"verdict: {r.status.upper()}" + (" (erratum in the seed)" if r.erratum else "")
    rows = ["&" + prose(f"{r.id} — {r.title}", bold=True), *(row(s) for s in r.steps), "&" + prose(verdict, bold=True)]
    return aligned(rows)


@layout("Evidence")
def _evidence(e):
    return prose(as_text(e))
