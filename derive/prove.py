"""Proof attempts: symbolic transforms, SymPy's sign rules, the exact extremum in one variable,
and the certified methods of :mod:`derive.certify`.

Every attempt either shows the claim, with its steps, or gives up; none of them
guesses.  The verifier (:mod:`derive.verifier`) runs them in this order:

1. for an identity, the named transforms of :data:`TRANSFORMS` on lhs − rhs;
2. for an inequality, SymPy's sign rules under the domains' assumptions;
3. in one variable, the exact global minimum of the margin (:func:`one_variable`),
   also after a monotone substitution such as s = σ(x) ∈ (0, 1);
4. interval branch and bound with arb balls over the domain (:func:`by_boxes`).

>>> x, steps = sp.Symbol('x', real=True), []
>>> one_variable(steps, sp.exp(x), 1 + x, ">=", {}).proved
True
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .extrema import Undecided, extremum
from .lang import with_domains
from .limits import StepTimeout, time_limit
from .ops import to_elementary
from .rational_zero import zero_as_rational_function
from .steps import Step, eq, joined, phrase

__all__ = ["TRANSFORMS", "prove_zero", "sign_rules", "one_variable", "by_boxes", "translation_reduced", "max_cases", "Attempt",
           "STEP_SECONDS"]

STEP_SECONDS = 4.0  # each symbolic transform
BOX_BUDGET = 1200     # boxes of branch and bound: the budget that decides, the same on any machine
BOX_DEADLINE = 25.0   # seconds: only a backstop far above what the box budget takes
_SHOWN = {">=": "≥ 0", ">": "> 0", "<=": "≤ 0", "<": "< 0"}


def _limited(what, fn, *args):
    """Run one symbolic transform under :data:`STEP_SECONDS`; None if it times out."""
    try:
        with time_limit(STEP_SECONDS):
            return fn(*args)
    except StepTimeout:
        return None
    except (NotImplementedError, TypeError, ValueError, RecursionError, AttributeError):
        return None


TRANSFORMS = (
    ("rewrite the activations with exp and Piecewise", to_elementary),
    ("cancel common factors", lambda e: _cancelled(e)),
    ("expand", sp.expand),
    ("rewrite exponentials, then cancel", lambda e: sp.cancel(sp.powsimp(sp.expand(e.rewrite(sp.exp))))),
    ("write |·|, max, min as Piecewise, fold, and simplify each branch",
     lambda e: _branchwise(sp.piecewise_fold(e.rewrite(sp.Piecewise)))),
    ("simplify (bounded)", sp.simplify),
)


def _cancelled(e):
    """``sympy.cancel(sympy.together(e))``, with 0 at once when ``e`` is 0 as a rational function of its
    leaves (:func:`~derive.rational_zero.zero_as_rational_function`, most are) or when the numerator
    of ``together`` expands to 0.

    The same answer either way, as ``cancel`` expands the numerator too; ``together`` on the fractions
    of a gradient and the greatest common divisor ``cancel`` then computes are the slow part.

    >>> x = sp.Symbol('x', real=True)
    >>> _cancelled(x/(x + 1) + 1/(x + 1) - 1), _cancelled((x**2 - 1)/(x - 1))
    (0, x + 1)
    """
    if zero_as_rational_function(e):
        return sp.S.Zero
    together = sp.together(e)
    if sp.expand(sp.fraction(together)[0]) == 0:
        return sp.S.Zero
    return sp.cancel(together)


def _branchwise(e):
    """Simplify each branch of a Piecewise on the region where it applies; 0 if all are 0.

    In one variable a branch that applies at finitely many points only (the
    kink x = 0, say) is evaluated at those points.
    """
    if not isinstance(e, sp.Piecewise):
        return e
    (x, *others) = e.free_symbols or {None}
    covered, values = sp.S.EmptySet, []
    for value, cond in e.args:
        value = sp.simplify(value)
        if x is not None and not others:
            region = (sp.S.Reals if cond is sp.true else _region(cond, x)) - covered
            covered = covered | region
            if value != 0 and region is sp.S.EmptySet or isinstance(region, sp.FiniteSet) and all(
                    sp.simplify(value.subs(x, p)) == 0 for p in region):
                value = sp.S.Zero  # the branch applies nowhere, or only where it is 0
        values.append(value)
    if all(v == 0 for v in values):
        return sp.S.Zero
    return sp.Piecewise(*zip(values, (c for _, c in e.args)))


def _region(cond, x):
    """``cond.as_set()`` for a condition in the one variable ``x``, without SymPy's periodicity test where
    every relational in it is a rational function of ``x``.

    ``as_set`` first asks each relational whether it is periodic in ``x``, which simplifies it (most
    of its time), and for ``And`` and ``Or`` asks again for each argument.  A rational function of
    ``x`` is periodic only when constant, and either answer leads ``as_set`` to the same place: the
    relational's own solution set, and the intersection or union of those, which is what this
    builds.  Anything else goes to ``as_set``.

    >>> t = sp.Symbol('t', real=True)
    >>> _region((t <= 1) & (1/t >= 1), t), _region((t >= 1) & (t <= 1), t)
    (Interval.Lopen(0, 1), {1})
    """
    if cond.free_symbols == {x} and x.kind is sp.core.kind.NumberKind:
        if isinstance(cond, sp.core.relational.Relational) and (cond.lhs - cond.rhs).is_rational_function(x):
            return cond._eval_as_set()
        if isinstance(cond, (sp.And, sp.Or)):
            parts = [_region(a, x) for a in cond.args]
            return sp.Intersection(*parts) if isinstance(cond, sp.And) else sp.Union(*parts)
    return cond.as_set()


def prove_zero(diff, steps: list) -> bool:
    """Try the named transforms (:data:`TRANSFORMS`) in turn on ``diff``; True when one reaches 0.

    Each transform that changes the expression appends its step to ``steps``.

    >>> from derive import sigmoid
    >>> x, steps = sp.Symbol('x', real=True), []
    >>> prove_zero(sigmoid(x) + sigmoid(-x) - 1, steps), steps[-1].why
    (True, 'cancel common factors')
    """
    current = diff
    for why, transform in TRANSFORMS:
        result = _limited(why, transform, current)
        if result is None or result == current:
            continue
        steps.append(eq(current, result, why))
        current = result
        if current == 0:
            return True
    return False


def _sign_rules(diff, rel):
    """SymPy's sign rules on lhs − rhs: True if they show the relation."""
    fact = {">=": "is_nonnegative", ">": "is_positive", "<=": "is_nonpositive", "<": "is_negative"}[rel]
    return getattr(diff, fact) is True




def sign_rules(steps, lhs, rhs, rel, domains) -> bool:
    """SymPy's sign rules on lhs − rhs, with the domains as assumptions; True (and a step) if they show it.

    >>> from derive.lang import Domain
    >>> p = sp.Symbol('p', real=True)
    >>> sign_rules([], p**2 + 1, sp.S.Zero, ">", {})
    True
    """
    assumed = with_domains(lhs - rhs, domains)
    if _limited("sign rules", _sign_rules, assumed, rel):
        steps.append(Step(phrase(lhs - rhs, " " + _SHOWN[rel]), "SymPy's sign rules under the assumptions"))
        return True
    simpler = _limited("simplify", lambda e: sp.simplify(to_elementary(e).rewrite(sp.exp)), assumed)
    if simpler is not None and simpler != assumed and _limited("sign rules", _sign_rules, simpler, rel):
        steps.append(Step(phrase(lhs - rhs, " = ", simpler), "rewrite with exp, then simplify (bounded)"))
        steps.append(Step(phrase(simpler, " " + _SHOWN[rel]), "SymPy's sign rules under the assumptions"))
        return True
    return False


@dataclass
class Attempt:
    """What a proof attempt found: ``proved``; or an exact ``point`` its argument says violates the
    claim (``why`` says how); or the ``end`` (symbol, value) where a margin below 0 is approached."""

    proved: bool = False
    point: dict | None = None
    why: str = ""
    end: tuple | None = None


def _margin(lhs, rhs, rel):
    return (lhs - rhs) if rel in (">=", ">") else (rhs - lhs)


# s = g(x) for a monotone g: the claim in x is the claim in s over g's image of x's interval
_SUBSTITUTIONS = (("s = σ(x) ∈ (0, 1)", "sigmoid"), ("t = tanh(x) ∈ (−1, 1)", "tanh"), ("u = exp(x) ∈ (0, ∞)", "exp"))


def _substitute(margin, x, interval):
    """(description, margin in a new variable, its interval) for the first monotone substitution
    that removes ``x``; None if none does."""
    from .ops import OPS
    for shown, name in _SUBSTITUTIONS:  # each increasing: the image of (a, b) is (g(a), g(b))
        s, g = sp.Dummy("s", real=True), OPS[name].forward
        new = margin.xreplace({g(x): s})
        if name == "exp":
            new = sp.powsimp(sp.expand(new)).replace(
                lambda e: isinstance(e, sp.exp) and (e.args[0] / x).is_Integer,
                lambda e: s ** int(e.args[0] / x))
        if x in new.free_symbols or s not in new.free_symbols:
            continue
        ends = [g(e) for e in (interval.inf, interval.sup)]  # σ(−∞) = 0, tanh(∞) = 1, e^(−∞) = 0
        image = sp.Interval(ends[0], ends[1], interval.left_open or interval.inf.is_infinite,
                            interval.right_open or interval.sup.is_infinite)
        head, _, tail = shown.rpartition("(x)")
        return [head + "(", x, ")" + tail], new, s, image
    return None


def _decide_minimum(steps, low, rel, x):
    """Turn the exact infimum ``low`` of the margin into an Attempt (certified sign of its value)."""
    strict = rel in ("<", ">")
    value = low.value
    from .certify import sign_at  # arb, imported when a sign is certified, not at start-up
    sign = 1 if value == sp.oo else -1 if value == -sp.oo else sign_at(value, {})
    if sign is None:
        return None
    if sign > 0 or sign == 0 and (not strict or not low.attained):
        steps.append(Step(phrase("inf m = ", value, f" {'>' if sign > 0 else '≥'} 0",
                                 "" if low.attained or not strict or sign > 0 else ", and not attained"),
                          "so the inequality holds on the whole domain"))
        return Attempt(proved=True)
    if low.attained:
        why = ("the margin reaches 0 there and the inequality is strict" if sign == 0
               else "the minimiser of the margin violates the claim")
        return Attempt(point={x: low.points[0]}, why=why)
    return Attempt(end=(x, value), why="the infimum of the margin is below 0 and approached at an end")


def one_variable(steps, lhs, rhs, rel, domains) -> Attempt | None:
    """For one variable: the exact global minimum of the margin decides the inequality.

    When SymPy cannot settle the minimum, a monotone substitution (s = σ(x),
    t = tanh(x), u = eˣ) that removes x is tried, and the minimum taken in the
    new variable over x's image.

    >>> x = sp.Symbol('x', real=True)
    >>> one_variable([], (x - 1)**2, sp.S.Zero, ">", {}).point
    {x: 1}
    """
    symbols = (lhs - rhs).free_symbols
    if len(symbols) != 1:
        return None
    (x,) = symbols
    domain = domains.get(x.name)
    if domain is not None and domain.integer:
        return None
    interval = domain.interval if domain else sp.S.Reals
    margin = _margin(lhs, rhs, rel)
    shown = phrase("margin m(", x, ") = ", margin, f" must stay {'≥' if rel in ('>=', '<=') else '>'} 0")
    try:
        with time_limit(3 * STEP_SECONDS):
            low = extremum(margin, x, interval, "min")
        steps.append(Step(shown, "the inequality as a sign condition"))
        steps.extend(low.steps)
        return _decide_minimum(steps, low, rel, x)
    except (Undecided, StepTimeout, NotImplementedError, ValueError, TypeError, AttributeError):
        pass
    try:
        with time_limit(3 * STEP_SECONDS):
            found = _substitute(margin, x, interval) or _substitute(to_elementary(margin), x, interval)
            if found is None:
                return None
            how, new, s, image = found
            low = extremum(new, s, image, "min")
    except (Undecided, StepTimeout, NotImplementedError, ValueError, TypeError, AttributeError):
        return None
    steps.append(Step(shown, "the inequality as a sign condition"))
    steps.append(Step(phrase("substitute ", how, ": m = ", new), "m depends on the variable only through a monotone function"))
    steps.extend(low.steps)
    attempt = _decide_minimum(steps, low, rel, s)
    if attempt is not None and not attempt.proved:
        return None  # a point in s is not a point in x; the search finds the counterexample
    return attempt


def _shift_out(e, t):
    """Max(x₁ + t, …, xₙ + t) → Max(x₁, …, xₙ) + t (and Min): the identity SymPy leaves unapplied."""
    def pull(node):
        inner = [a - t for a in node.args]
        return node.func(*inner) + t if not any(i.has(t) for i in inner) else node
    return e.replace(lambda n: isinstance(n, (sp.Max, sp.Min)), pull)


def translation_reduced(steps, lhs, rhs, domains):
    """(lhs, rhs) with one variable set to 0, when the claim is invariant under shifting every variable.

    log(eᵃ + eᵇ) ≤ Max(a, b) + log 2 is: adding t to a and b adds t to both
    sides.  So it holds everywhere if it holds where a = 0, a claim in one
    fewer variable.  The invariance is shown by the named transforms; every
    variable must range over the whole line.

    >>> a, b = sp.symbols('a b', real=True)
    >>> translation_reduced([], sp.log(sp.exp(a) + sp.exp(b)), sp.Max(a, b), {})
    (log(exp(b) + 1), Max(0, b))
    """
    symbols = sorted((lhs - rhs).free_symbols, key=sp.default_sort_key)
    if len(symbols) < 2 or any(domains.get(s.name) is not None and domains[s.name].interval != sp.S.Reals
                               for s in symbols):
        return None
    t = sp.Dummy("t", real=True)
    shift = {s: s + t for s in symbols}
    try:
        with time_limit(STEP_SECONDS):
            diff = _shift_out((lhs - rhs).xreplace(shift), t) - (lhs - rhs)
    except (StepTimeout, TypeError, ValueError):
        return None
    shown = []
    if not (diff == 0 or prove_zero(diff, shown)):
        return None
    first = symbols[0]
    steps.append(Step(f"shifting every variable by t leaves lhs − rhs unchanged: so it suffices to take {first} = 0",
                      "translation invariance, shown by the named transforms"))
    return lhs.xreplace({first: sp.S.Zero}), rhs.xreplace({first: sp.S.Zero})


def max_cases(steps, lhs, rhs, rel, domains) -> Attempt | None:
    """Shift-invariant claims with one Max (or Min) of variables: a case for each variable that is largest.

    Where xₖ is the largest, shift every variable by −xₖ: then xₖ = 0 and the
    others lie in (−∞, 0], a box, where Max(…) is 0 and branch and bound can
    argue.  The cases cover every point.  (log(eᵃ + eᵇ + eᶜ) ≤ Max(a, b, c) + log 3.)

    >>> a, b, c = sp.symbols('a b c', real=True)
    >>> max_cases([], sp.log(sp.exp(a) + sp.exp(b) + sp.exp(c)), sp.Max(a, b, c), ">=", {}).proved
    True
    """
    from .certify.boxes import Certificate, prove_nonnegative
    diff = lhs - rhs
    nodes = diff.atoms(sp.Max, sp.Min)
    symbols = sorted(diff.free_symbols, key=sp.default_sort_key)
    if len(nodes) != 1 or len(symbols) < 2:
        return None
    (node,) = nodes
    if not all(a.is_Symbol for a in node.args) or set(node.args) != set(symbols):
        return None
    if translation_reduced([], lhs, rhs, domains) is None:
        return None  # not shift-invariant (or a variable has a bounded domain)
    largest = isinstance(node, sp.Max)
    margin = _margin(lhs, rhs, rel)
    shown = []
    for k in node.args:
        case = margin.xreplace({node: k}).xreplace({k: sp.S.Zero})
        others = [s for s in symbols if s != k]
        box = {s: sp.Interval(-sp.oo, 0) if largest else sp.Interval(0, sp.oo) for s in others}
        result = prove_nonnegative(case, box, strict=rel in ("<", ">"), max_boxes=BOX_BUDGET // len(node.args),
                                   deadline_seconds=BOX_DEADLINE)
        if not isinstance(result, Certificate):
            return None
        shown.append(Step(phrase("where ", k, f" is the {'largest' if largest else 'smallest'}: shift it to 0; m = ",
                                 case, f" {'>' if rel in ('<', '>') else '≥'} 0 for ",
                                 joined([[s, f" {'≤' if largest else '≥'} 0"] for s in others])),
                          f"interval branch and bound, arb balls ({result.boxes} boxes)"))
    steps.append(Step("shifting every variable by t leaves lhs − rhs unchanged", "translation invariance, shown by "
                      "the named transforms"))
    steps.extend(shown)
    return Attempt(proved=True)


def _shown_interval(iv):
    left = "(" if iv.left_open or iv.inf.is_infinite else "["
    right = ")" if iv.right_open or iv.sup.is_infinite else "]"
    return [left, iv.inf, ", ", iv.sup, right]


def by_boxes(steps, lhs, rhs, rel, domains, *, max_boxes=BOX_BUDGET) -> Attempt | None:
    """An inequality proved by interval branch and bound with arb balls (:mod:`derive.certify.boxes`).

    >>> x = sp.Symbol('x', real=True)
    >>> by_boxes([], sp.exp(x), 1 + x, ">=", {}).proved
    True
    """
    from .certify.boxes import Certificate, Violation, prove_nonnegative
    margin = _margin(lhs, rhs, rel)  # relu stays relu: continuous ops keep the monotonicity argument
    symbols = sorted(margin.free_symbols, key=sp.default_sort_key)
    box, integers = {}, set()
    for s in symbols:
        d = domains.get(s.name)
        box[s] = d.interval if d is not None else sp.S.Reals  # an sp.Interval: its open ends count
        if d is not None and d.integer:
            integers.add(s)
    result = prove_nonnegative(margin, box, strict=rel in ("<", ">"), integers=frozenset(integers),
                               max_boxes=max_boxes, deadline_seconds=BOX_DEADLINE)
    if isinstance(result, Certificate):
        steps.append(Step(phrase("m = ", margin, f" must stay {'>' if rel in ('<', '>') else '≥'} 0 on ",
                                 joined([_shown_interval(iv) for iv in box.values()], " × ")),
                          "the inequality as a sign condition"))
        steps.extend(Step(line, "interval branch and bound, arb ball arithmetic") for line in result.steps())
        return Attempt(proved=True)
    if isinstance(result, Violation):
        return Attempt(point=dict(result.point), why="a box point that branch and bound certified")
    return None
