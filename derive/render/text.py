"""Text layouts of derive's results: one per result type, found by its class name.

:func:`as_text` dispatches on the class name of what it is given, SymPy's
``_print_<Class>`` convention: a layout is a function registered for a class
name (and a style) right after its definition, and the class's ``__str__``,
``explanation()`` and ``explain()`` are one-line delegates to it.  A class with
no layout falls back to its parent's, and SymPy objects to
:func:`derive.render.printing.text`.

Styles: ``"summary"`` (``__str__``: the CLI's ``derive verify`` and ``derive
show``), ``"explain"`` (the study text of ``explain()``) and, for a verdict,
``"failure"`` (the message of a failed assertion in a pytest suite).  The
layouts share their pieces: the numbered step line is written once
(:func:`numbered`), as are a point (:func:`point`) and the textbook's factor
f′(z) (:func:`prime`).  Of the engine this module imports only the op table
(for the names of the functions) and the symbols: it reads the objects it is
given, so the engine's delegates import it without a circle.

>>> import sympy as sp
>>> from derive.steps import Step
>>> x = sp.Symbol('x', real=True)
>>> print("\\n".join(numbered([Step(sp.Eq(x + x, 2 * x, evaluate=False), "collect")])))
  1. 2·x = 2·x    [collect]
"""
from __future__ import annotations

from collections import namedtuple

import sympy as sp

from ..ops import OPS
from ..symbols import adjoint
from .printing import RELATIONS_TEXT, text

LAYOUTS: dict = {}  # (class name, style) -> layout function
RELATIONS = RELATIONS_TEXT


def layout(name, style="summary"):
    """Register the decorated function as the ``style`` layout of the class called ``name``."""
    def register(fn):
        LAYOUTS[name, style] = fn
        return fn
    return register


def as_text(obj, style="summary", **settings) -> str:
    """``obj`` laid out as text in ``style``: its class's layout, a parent's, or the plain printer.

    >>> from derive.steps import Step
    >>> as_text(Step("a sentence", "a reason"))
    'a sentence    [a reason]'
    >>> as_text(sp.Symbol('w_1', real=True) ** 2)
    'w₁²'
    """
    for cls in type(obj).__mro__:
        fn = LAYOUTS.get((cls.__name__, style))
        if fn is not None:
            return fn(obj, **settings)
    if style != "summary":
        raise TypeError(f"no {style!r} text layout for {type(obj).__name__}")
    return _m(obj) if isinstance(obj, str) else text(obj)


def _m(markup) -> str:
    """The catalogue's prose (``$…$`` maths in it) as Unicode: :func:`derive.render.rich.to_text`."""
    from .rich import to_text
    return to_text(markup) if markup and "$" in str(markup) else (markup or "")


def _q(quote) -> str:
    """A source quote (Markdown) as Unicode."""
    from .passage import to_text
    return to_text(quote) if quote else ""


@layout("Phrase")
def _phrase(p):
    return p.text()


# -- the shared pieces ---------------------------------------------------------------------

def numbered(steps, indent="  ") -> list:
    """The steps as numbered lines, ``  1. relation    [why]``: the one step line of every layout.

    >>> from derive.steps import Step
    >>> numbered([Step("a", "b"), Step("c", "d")], indent="")
    ['1. a    [b]', '2. c    [d]']
    """
    return [f"{indent}{i}. {step_line(step.relation, step.why)}" for i, step in enumerate(steps, 1)]


def point(values) -> str:
    """A point ``{name: value}`` as ``w = -1/2, x = 1``.

    >>> point({'w': '-1/2', 'x': '1'})
    'w = -1/2, x = 1'
    """
    return ", ".join(f"{k} = {v}" for k, v in values.items())


def prime(rule, arg) -> str:
    """The textbook's local factor f′(z) of the table function ``rule`` at the node ``arg``.

    >>> prime('sigmoid', sp.Symbol('z_4', real=True))
    'σ′(z₄)'
    """
    return "%s′(%s)" % (OPS[rule].text, text(arg))


def section(title, lines, empty) -> list:
    """``title:`` and the indented ``lines``, or the one line ``empty`` (if any) when there are none.

    >>> section("evidence", ["  a", "  b"], "evidence: none"), section("evidence", [], "evidence: none")
    (['evidence:', '  a', '  b'], ['evidence: none'])
    """
    return [f"{title}:", *lines] if lines else ([empty] if empty else [])


def _parens(s, expr):
    """A factor in a product: a sum or a negative term in brackets, ``(y₄ − y)``, ``(−p₁·p₂)``."""
    return "(%s)" % s if expr.is_Add or expr.could_extract_minus_sign() else s


def partial(child, parent) -> str:
    """``∂child/∂parent``.

    >>> partial(sp.Symbol('C'), sp.Symbol('b_1'))
    '∂C/∂b₁'
    """
    return "∂%s/∂%s" % (text(child), text(parent))


# -- steps --------------------------------------------------------------------------------

@layout("Rel")
def _rel(r):
    return "%s %s %s" % (text(r.lhs), RELATIONS[r.op], text(r.rhs))


def relation(r) -> str:
    """A step's relation: a sentence as it is, a :class:`~derive.steps.Rel` or SymPy object printed.

    >>> relation("a sentence"), relation(sp.Symbol('x') < 1)
    ('a sentence', 'x < 1')
    """
    return as_text(r)


def step_line(shown, why) -> str:
    """A relation (or sentence) and its justification, the step line of every layout.

    >>> step_line(sp.Symbol('x') < 1, "given")
    'x < 1    [given]'
    """
    return "%s    [%s]" % (relation(shown), _m(why))


@layout("Step")
def _step(s):
    return step_line(s.relation, s.why)


# -- the reverse pass ---------------------------------------------------------------------

@layout("Assignment")
def _assignment(a):
    return "%s = %s" % (text(a.target), text(a.expr))


@layout("Factor")
def _factor(f):
    return prime(f.rule, f.parent) if f.rule else _parens(text(f.value), f.value)


def edge_label(graph, child, parent) -> str:
    """∂child/∂parent on one line: ``σ′(z₄)`` for a table function, else the local derivative.

    >>> from derive import sigmoid
    >>> from derive.graph import Graph
    >>> g = Graph(); w, x = g.param('w'), g.input('x')
    >>> z = g.let('z', w * x); h = g.let('h', sigmoid(z))
    >>> edge_label(g, z, x), edge_label(g, h, z)
    ('w', 'σ′(z)')
    """
    if graph.node(child).shape is not None:  # a matrix node: the adjoint that flows back along the edge
        return graph.flow(child, parent)
    rule = graph.unary_rule(child)
    return prime(rule, parent) if rule else text(graph.local(child, parent))


@layout("Path")
def _path(p):
    return " · ".join(as_text(f) for f in p.shown())


@layout("PathSum")
def _path_sum(p):
    return " + ".join(f"[{as_text(path)}]" for path in p)


def labels(factors) -> str:
    """The factors' names, ``∂C/∂h · ∂h/∂z``; several paths are summed.

    >>> from derive.graph import Graph
    >>> g = Graph(); x = g.input('x'); h = g.let('h', 2 * x); C = g.let('C', h**2)
    >>> labels(g.grad(C, x).factors)
    '∂C/∂h · ∂h/∂x'
    """
    if type(factors).__name__ == "PathSum":
        return " + ".join(labels(p) for p in factors)
    return " · ".join(partial(f.child, f.parent) for f in factors)


def _pad(g, w):
    """The indent that lines up a continued ``= …`` under the first ``=`` of ``∂out/∂w = …``."""
    return " " * (len(partial(g.output, w)) + 1) + "= "


def _chain(g, w, f, indent=""):
    """∂out/∂w = the labels, = the factors (when there is a path): the textbook's two lines."""
    head = "%s = " % partial(g.output, w)
    return [indent + head + labels(f), indent + _pad(g, w) + as_text(f)] if f else []


def _closed(g, w):
    return g.expr if g.single else g.expr[g.wrt.index(w)]


@layout("Gradient")
def _gradient(g):
    lines = []
    for w in g.wrt:
        chain = _chain(g, w, g.factors_of(w))
        lines += (chain or ["%s = 0" % partial(g.output, w)]) + [_pad(g, w) + text(_closed(g, w))]
    return "\n".join(lines)


Line = namedtuple("Line", "relation why")  # a step of a layout: a sentence and its justification


def _program_step(g, a) -> Line:
    """One assignment of the reverse pass: adjoint · local factor for each child, and why."""
    if a.node == g.output:
        return Line("%s = 1" % text(a.target), "the output: %s = 1" % partial(g.output, g.output))
    children = [c for c in g.graph.children(a.node) if c in g.on_path]
    if not children:
        return Line("%s = 0" % text(a.target), "no path joins %s to %s" % (text(a.node), text(g.output)))
    terms, reasons = [], []
    for c in children:
        f = g.factor(c, a.node)
        terms.append(text(adjoint(c)) + ("" if f.value == 1 and not f.rule else " · " + as_text(f)))
        local = partial(c, a.node) + (" = %s" % as_text(f) if f.rule else "")
        rules = ", ".join(g.graph.rules(c, a.node)) or "none"
        reasons.append("node %s = %s: rule %s, local factor %s = %s" % (
            text(c), text(g.graph.node(c).expr), rules, local, text(f.value)))
    return Line("%s = %s" % (text(a.target), " + ".join(terms)), "; ".join(reasons))


@layout("Gradient", "explain")
def _gradient_explained(g):
    wrt = ", ".join(text(w) for w in g.wrt)
    lines = ["∂%s/∂%s by the chain rule in reverse mode (x̄ = ∂%s/∂x, from the output back):" % (
        text(g.output), wrt if g.single else "{%s}" % wrt, text(g.output))]
    lines += numbered([_program_step(g, a) for a in g.program])
    closed = []
    for w in g.wrt:
        head = "%s = " % partial(g.output, w)
        try:
            f = g.factors_of(w)
        except ValueError as exc:  # too many paths to list: the program above is the derivation
            lines.append("the local factors: %s" % exc)
        else:
            kind = "each path (summed over the paths)" if type(f).__name__ == "PathSum" else "the path"
            lines.append("the product of the local factors along %s from %s to %s:" % (
                kind, text(w), text(g.output)))
            lines += _chain(g, w, f, "  ") or ["  no path: " + head + "0"]
        closed.append("  " + head + text(_closed(g, w)))
    lines.append("closed form (each node replaced by its definition):")
    return "\n".join(lines + closed)


# -- graphs -------------------------------------------------------------------------------

def definitions(graph) -> list:
    """One line ``  z₁ = w₁·x₁ + 1`` for each node defined by ``let``, in definition order.

    >>> from derive.graph import Graph
    >>> g = Graph(); w, x = g.param('w_1'), g.input('x_1'); _ = g.let('z_1', w * x + 1)
    >>> definitions(g)
    ['  z₁ = w₁·x₁ + 1']
    """
    return ["  %s = %s%s" % (text(n.symbol), text(n.expr), _shape(n)) for n in graph.nodes if n.kind == "let"]


def _shape(node):
    """`` : (m × n)`` after a matrix node (derive.matrix), nothing after a scalar one."""
    from ..matrix.shapes import shape_text
    return "" if node.shape is None else " : " + shape_text(node.shape)


@layout("Graph")
def _graph(graph):
    lines = []
    for kind, label in (("input", "inputs      "), ("param", "parameters  ")):
        names = [text(n.symbol) + _shape(n) for n in graph.nodes if n.kind == kind]
        if names:
            lines.append(label + ", ".join(names))
    return "\n".join(lines + definitions(graph))




# -- verdicts -----------------------------------------------------------------------------

MEANING = {
    "proved": "a symbolic or certified argument, the steps below, cross-checked with numbers",
    "refuted": "a counterexample, its sign certified with arb ball arithmetic",
    "supported": "numeric agreement only, which is not a proof; no proof and no counterexample was found",
    "unknown": "neither proved nor refuted",
}


def _indented(items, mark="  "):
    return [f"{mark}{_m(e) if isinstance(e, str) else e}" for e in items]


def _counterexample(v):
    return point(v.counterexample) or "(no variables)"


@layout("Verdict")
def _verdict(v):
    """What ``derive verify`` prints."""
    lines = [f"claim     {v.claim}"]
    if v.assumptions:
        lines.append("assuming  " + "; ".join(v.assumptions))
    lines.append(f"verdict   {v.status.upper()}" + (f" ({v.reason})" if v.reason else ""))
    if v.steps:
        lines += ["steps", *numbered(v.steps)]
    if v.counterexample is not None:
        lines.append(f"counterexample  {_counterexample(v)}")
        if v.sides:
            lines.append(f"  lhs = {v.sides[0]}\n  rhs = {v.sides[1]}   (50 digits; the sign certified with arb)")
    lines += [f"evidence  {e}" for e in v.evidence]
    return "\n".join(lines)


def _gap(v):
    """The sentence saying how the sides at the counterexample break the relation, or None."""
    import mpmath
    shown = RELATIONS.get(v.rel)
    try:
        with mpmath.workdps(60):
            gap = mpmath.nstr(mpmath.mpf(v.sides[0]) - mpmath.mpf(v.sides[1]), 12)
    except (ValueError, TypeError):
        return None
    return shown and (f"  the claim needs lhs {shown} rhs, but lhs − rhs = {gap} "
                      "(both sides to 50 digits, the sign certified with arb)")


@layout("Verdict", "explain")
def _verdict_explained(v):
    """The study text of ``Verdict.explain()``: what the verdict means and rests on."""
    meaning = MEANING.get(v.status, "")
    lines = [f"claim: {v.claim}"]
    if v.assumptions:
        lines.append("assuming: " + "; ".join(v.assumptions))
    lines.append(f"verdict: {v.status.upper()}" + (f" — {meaning}" if meaning else ""))
    if v.reason:
        lines.append(f"  why: {v.reason}")
    lines += section("derivation (each step with its justification)", numbered(v.steps),
                     "derivation: no symbolic step was found")
    if v.counterexample is not None:
        lines.append(f"counterexample: {_counterexample(v)}")
        if v.sides:
            lines += [f"  lhs = {v.sides[0]}", f"  rhs = {v.sides[1]}"]
            gap = _gap(v)
            if gap:
                lines.append(gap)
    lines += section("numeric evidence", _indented(v.evidence), "numeric evidence: none")
    return "\n".join(lines)


def _short(value: str) -> str:
    """A 30-digit side shown with 12 significant digits."""
    import mpmath
    return mpmath.nstr(mpmath.mpf(value), 12)


@layout("Verdict", "failure")
def _verdict_failed(v, expect="proved"):
    """The message of a failed assertion (:func:`derive.testing.explain`): what was found, and what was tried."""
    head = f"claim {v.claim} is {v.status.upper()}" + (f" ({v.reason})" if v.reason else "")
    if expect == "refuted" and v.status != "refuted":
        head += ", but it was expected to be refuted"
    elif v.status == "supported":
        head += "; pass allow_numeric=True to accept numeric support"
    lines = [head]
    if v.counterexample is not None:
        sides = f"lhs = {_short(v.sides[0])}, rhs = {_short(v.sides[1])}" if v.sides else ""
        at = point(v.counterexample)
        lines.append(f"  counterexample at {at}: {sides}" if at else f"  counterexample: constant sides, {sides}")
    if v.assumptions:
        lines.append("  assuming " + "; ".join(v.assumptions))
    lines += section("steps tried", numbered(v.steps), "steps tried: none recorded")
    lines += section("evidence", _indented(v.evidence), None)
    return "\n".join(lines)


# -- catalogue results --------------------------------------------------------------------

def _erratum_kind(r):
    return "wrong" if r.status == "refuted" else "imprecise"


@layout("Result")
def _result(r):
    """What ``derive show ID`` prints: the seed's words, the derivation, the evidence, the verdict."""
    lines = [f"{r.id} — {_m(r.title)}", f"seed section  {r.section}", f"the seed says {_q(r.quote)}",
             f"statement     {_m(r.statement)}", "derivation", *numbered(r.steps), "evidence", *_indented(r.evidence)]
    if r.erratum:
        lines.append(f"erratum       the seed's statement is {_erratum_kind(r)}")
        lines.append(f"correction    {_m(r.correction)}")
    expected = "as expected" if r.as_expected else f"EXPECTED {r.expected.upper()}"
    lines.append(f"verdict       {r.status.upper()} ({expected}){' — ' + _m(r.reason) if r.reason else ''}")
    return "\n".join(lines)


def because(r) -> str:
    """Why a result's verdict is what it is, by the rule of :func:`derive.catalogue.verdict_of`.

    >>> from derive.catalogue import Result
    >>> because(Result("demo", "1", "A demo", "x = x", "q", "proved", "proved", False, None, obligations=2))
    'every symbolic obligation (2) was discharged by SymPy and the 0 numeric checks agree'
    """
    checks = f"{len(r.evidence)} numeric check{'s' if len(r.evidence) != 1 else ''}"
    return {
        "proved": f"every symbolic obligation ({r.obligations}) was discharged by SymPy and the {checks} agree",
        "refuted": "the seed's statement was refuted (see above) and the " + checks + " agree",
        "demonstrated": f"a numeric experiment: the {checks} pass",
        "supported": f"numeric agreement only: the {checks} agree, with no symbolic proof",
    }.get(r.status, r.reason or "undecided")


@layout("Result", "explain")
def _result_explained(r):
    """The study text of ``Result.explain()``: each step with its reason, and why the verdict follows."""
    lines = [f"{r.id} — {_m(r.title)}  (seed section {r.section})", f"the seed says: {_q(r.quote)}",
             f"checked: {_m(r.statement)}"]
    lines += section("derivation (each step with its justification)", numbered(r.steps),
                     "derivation: none (" + (r.reason or "no steps were recorded") + ")")
    lines += section("how the seed's statement was refuted", _indented(r.refutations, "  - "), None)
    lines += section("numeric evidence", _indented(r.evidence, "  - "), "numeric evidence: none")
    lines.append(f"verdict: {r.status.upper()}, because {because(r)}")
    if r.status != r.expected:
        lines.append(f"  the catalogue expects {r.expected.upper()}")
    if r.erratum:
        lines.append(f"erratum: the seed's statement is {_erratum_kind(r)}; correction: {_m(r.correction)}")
    return "\n".join(lines)


# -- numeric evidence ---------------------------------------------------------------------

@layout("Evidence")
def _evidence(e):
    """One line: the method, the sample size, the worst errors, the tolerance, and whether it agrees."""
    unit = "samples" if e.method == "Monte Carlo" else "points"
    errors = f"max abs err {e.max_abs_err:.2g}, max rel err {e.max_rel_err:.2g}"
    verdict = "agrees" if e.passed else "disagrees"
    worst = "; worst at " + ", ".join(f"{k}={v:.6g}" for k, v in e.worst.items()) if not e.passed and e.worst else ""
    return f"{_m(e.method)}: {e.points} {unit}, {errors} ({_m(e.tolerance)}) — {verdict}{worst}"
