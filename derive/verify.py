"""The claim verifier: prove, refute with a confirmed counterexample, or say so.

``verify("LHS REL RHS", assume=[...])`` parses the claim with the allow-list
parser and makes it ready with its domains (:func:`derive.lang.prepare`), then, inside a time- and memory-limited worker
(:mod:`derive.limits`):

1. replaces each ``max(f, x)`` / ``min(f, x)`` by its value, argued with
   critical points, kinks, end limits and a sign test (:mod:`derive.extrema`);
2. tries to show lhs − rhs ≡ 0 (or, for an inequality, that the difference
   keeps its sign) by named transforms: rewrite, cancel, expand, SymPy's sign
   rules, a global minimum in one variable, and a bounded ``simplify``;
3. otherwise samples the claim numerically (:mod:`derive.numeric`) and confirms
   any violation with mpmath at 30 digits before calling it a refutation.

Statuses: ``proved`` (a symbolic argument, listed), ``refuted`` (a
counterexample confirmed at ≥ 30 digits), ``supported`` (numeric agreement
only, with N and the worst error), ``unknown``.

>>> verify("diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))").status
'proved'
>>> v = verify("w**2 >= abs(w)")
>>> v.status, v.counterexample
('refuted', {'w': '-1/2'})
"""
from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from .extrema import Undecided, extremum
from .ops import to_elementary
from .lang import Claim, Diff, Infimum, Supremum, prepare, with_domains
from .limits import StepTimeout, run_limited, time_limit, valid_seconds
from .numeric import check_relation, confirm_counterexample
from .ops import OPS, op_of
from .render.printing import text
from .steps import Step, eq

EXIT_CODES = {"proved": 0, "supported": 0, "refuted": 1, "unknown": 3}
STEP_SECONDS = 4.0  # each symbolic transform
VERIFY_SECONDS = 30.0  # the whole verification, a hard limit in a worker process
NUMERIC_POINTS = 400


@dataclass
class Verdict:
    """What :func:`verify` found: status, the steps it ran, counterexample, evidence.

    ``claim`` is the claim's text (as written; ``as_dict`` gives it); ``parsed``
    is the :class:`~derive.lang.Claim` that was decided, so nothing re-reads the
    text, and :attr:`rel` its relation.

    >>> v = verify("x**2 >= 0")
    >>> v.claim, v.rel, v.parsed.lhs
    ('x**2 >= 0', '>=', x**2)
    """

    claim: str
    status: str
    steps: list = field(default_factory=list)
    counterexample: dict | None = None
    sides: tuple | None = None  # (lhs, rhs) at the counterexample, 30 digits
    evidence: list = field(default_factory=list)
    assumptions: tuple = ()
    reason: str = ""
    parsed: Claim | None = None

    @property
    def rel(self) -> str | None:
        """The claim's relation ('=', '<=', …), from :attr:`parsed`; None without one."""
        return self.parsed.rel if self.parsed is not None else None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def ok(self) -> bool:
        return self.status in ("proved", "supported")

    def as_dict(self) -> dict:
        return {
            "claim": self.claim, "status": self.status, "assumptions": list(self.assumptions),
            "steps": [s.as_dict() for s in self.steps], "counterexample": self.counterexample,
            "sides_at_counterexample": list(self.sides) if self.sides else None,
            "evidence": [e.as_dict() for e in self.evidence], "reason": self.reason,
        }

    def __str__(self):
        """What ``derive verify`` prints (:mod:`derive.render.text`)."""
        from .render.text import as_text
        return as_text(self)

    def _relation(self):
        """The claim's relation ('=', '<=', …), kept as data (:attr:`rel`); None without a parsed claim."""
        return self.rel

    def explanation(self) -> str:
        """The text :meth:`explain` prints: the verdict and what it rests on, step by step.

        >>> print(verify("w**2 >= abs(w)").explanation())  # doctest: +ELLIPSIS
        claim: w**2 >= abs(w)
        verdict: REFUTED — a counterexample, confirmed with mpmath at 30 digits
        derivation (each step with its justification):
          1. margin m(w) = w² − |w| must stay ≥ 0    [the inequality as a sign condition]
        ...
        counterexample: w = -1/2
          lhs = 0.25
          rhs = 0.5
          the claim needs lhs ≥ rhs, but lhs − rhs = -0.25 (both sides with mpmath, 30 digits)
        numeric evidence: none
        """
        from .render.text import as_text
        return as_text(self, "explain")

    def explain(self, file=None):
        """Print the numbered steps with their justifications, the counterexample with both sides, the evidence.

        It prints (to ``file``, default stdout) and returns None; :meth:`explanation` gives the text.
        """
        print(self.explanation(), file=file)

    def _repr_latex_(self):
        from .render.latex import jupyter
        return jupyter(self)


def verify(claim: str, assume=None, *, timeout: float = VERIFY_SECONDS) -> Verdict:
    """Verify ``claim`` under the assumptions ``assume`` (strings such as ``"p in (0,1)"``).

    Bad input raises :class:`derive.lang.ParseError` (a one-line message);
    everything else gives a :class:`Verdict`.  ``claim`` may also be a
    :class:`~derive.lang.Claim` (see :func:`derive.lang.prepare`).

    >>> verify("p*0 + (1-p)*x/(1-p) = x", assume=["p in (0,1)"]).status
    'proved'
    """
    return decide_limited(prepare(claim, assume), timeout)


def decide_limited(claim: Claim, timeout: float = VERIFY_SECONDS) -> Verdict:
    """:func:`decide` a prepared claim in a time- and memory-limited worker; ``unknown`` if it runs out.

    >>> decide_limited(prepare("sigmoid(0) = 1/2")).status
    'proved'
    """
    outcome = run_limited(decide, claim, timeout=valid_seconds(timeout))
    if outcome.ok:
        return outcome.value
    return Verdict(claim.text, "unknown", assumptions=claim.assumptions, reason=outcome.reason, parsed=claim)


def _limited(what, fn, *args):
    """Run one symbolic transform under :data:`STEP_SECONDS`; None if it times out."""
    try:
        with time_limit(STEP_SECONDS):
            return fn(*args)
    except StepTimeout:
        return None
    except (NotImplementedError, TypeError, ValueError, RecursionError, AttributeError):
        return None


def _differentiate(expr, steps):
    """Replace each diff(f, x), innermost first, by the derivative it carries; show the step."""
    while expr.has(Diff):
        for node in sorted((d for d in expr.atoms(Diff) if not d.args[0].has(Diff)), key=sp.default_sort_key):
            f, x, value = node.args  # the rule table's derivative, taken once when the claim was read
            ops = sorted({op_of(e) for e in sp.preorder_traversal(f) if not e.is_Atom and op_of(e) in OPS})
            steps.append(eq(sp.Derivative(f, x), value, "rule table: " + ", ".join(ops) if ops else "rule table"))
            expr = expr.xreplace({node: value})
    return expr


def _resolve_extrema(expr, domains, steps):
    """Replace max(f, x) and min(f, x) by their values, recording the argument."""
    for node in sorted(expr.atoms(Supremum, Infimum), key=sp.default_sort_key):
        f, x = node.args
        domain = domains.get(x.name)
        if domain is not None and domain.integer:
            raise Undecided(f"{node}: a maximum over integers is not handled")
        interval = domain.interval if domain is not None else sp.S.Reals
        kind = "max" if isinstance(node, Supremum) else "min"
        inner = _resolve_extrema(f, domains, steps)
        result = extremum(inner, x, interval, kind)
        steps.extend(result.steps)
        steps.append(eq(node, result.value, f"{kind} over {x} by the argument above"))
        expr = expr.xreplace({node: result.value})
    return expr


TRANSFORMS = (
    ("rewrite the activations with exp and Piecewise", to_elementary),
    ("cancel common factors", lambda e: sp.cancel(sp.together(e))),
    ("expand", sp.expand),
    ("rewrite exponentials, then cancel", lambda e: sp.cancel(sp.powsimp(sp.expand(e.rewrite(sp.exp))))),
    ("write |·|, max, min as Piecewise, fold, and simplify each branch",
     lambda e: _branchwise(sp.piecewise_fold(e.rewrite(sp.Piecewise)))),
    ("simplify (bounded)", sp.simplify),
)


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
            region = (sp.S.Reals if cond is sp.true else cond.as_set()) - covered
            covered = covered | region
            if value != 0 and region is sp.S.EmptySet or isinstance(region, sp.FiniteSet) and all(
                    sp.simplify(value.subs(x, p)) == 0 for p in region):
                value = sp.S.Zero  # the branch applies nowhere, or only where it is 0
        values.append(value)
    if all(v == 0 for v in values):
        return sp.S.Zero
    return sp.Piecewise(*zip(values, (c for _, c in e.args)))


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


def _shown(v):
    """A point's coordinate as text: small rationals exactly, others as the float they are."""
    v = sp.sympify(v, strict=True)  # a number the tool computed; strict: never text
    if v.is_Rational and v.q <= 10**6:
        return str(v)
    return repr(float(v))


def _exact_point(point):
    return {s.name: _shown(v) for s, v in point.items()}


def _refute(verdict, lhs, rhs, rel, point, why):
    """Confirm a violation at ``point`` with mpmath; on success fill in the refutation."""
    l_mp, r_mp, violated = confirm_counterexample(lhs, rhs, rel, point)
    if not violated:
        return False
    verdict.status = "refuted"
    verdict.counterexample = _exact_point(point)
    verdict.sides = (mpmath.nstr(l_mp, 30), mpmath.nstr(r_mp, 30))  # 30 digits, whatever mp.dps is now
    where = ", ".join(f"{k} = {v}" for k, v in verdict.counterexample.items()) or "both sides are constants"
    verdict.steps.append(Step(f"{'at ' if point else ''}{where}: "
                              f"lhs = {sp.Float(str(l_mp), 12)}, rhs = {sp.Float(str(r_mp), 12)}", why))
    return True


def _one_variable(verdict, lhs, rhs, rel, domains):
    """For one variable: the global min of the margin decides the inequality exactly."""
    symbols = (lhs - rhs).free_symbols
    if len(symbols) != 1:
        return False
    (x,) = symbols
    domain = domains.get(x.name)
    if domain is not None and domain.integer:
        return False
    margin = (lhs - rhs) if rel in (">=", ">") else (rhs - lhs)
    try:
        with time_limit(3 * STEP_SECONDS):
            low = extremum(margin, x, domain.interval if domain else sp.S.Reals, "min")
    except (Undecided, StepTimeout, NotImplementedError, ValueError, TypeError):
        return False
    verdict.steps.append(Step(f"margin m({x}) = {text(margin)} must stay {'≥' if rel in ('>=', '<=') else '>'} 0",
                              "the inequality as a sign condition"))
    verdict.steps.extend(low.steps)
    strict = rel in ("<", ">")
    value = sp.N(low.value, 50) if low.value not in (sp.oo, -sp.oo) else low.value
    holds = value > 0 or (value == 0 and (not strict or not low.attained))
    if holds:
        verdict.status = "proved"
        verdict.steps.append(Step(f"inf m = {low.value} {'>' if value > 0 else '≥'} 0"
                                  + ("" if low.attained or not strict else ", and not attained"),
                                  "so the inequality holds on the whole domain"))
        return True
    if low.attained:
        return _refute(verdict, lhs, rhs, rel, {x: low.points[0]}, "the minimiser of the margin violates the claim")
    return False


def _prove(verdict, lhs, rhs, rel, domains):
    """The symbolic attempts; True when one of them proves the claim."""
    steps = verdict.steps
    if rel == "=":
        diff = lhs - rhs
        steps.append(eq(sp.Symbol("lhs") - sp.Symbol("rhs"), diff, "difference of the two sides, as SymPy normalises them"))
        assumed = with_domains(diff, domains)
        if assumed == 0 and diff != 0:
            steps.append(eq(diff, 0, "the variables' assumptions"))
        return diff == 0 or assumed == 0 or prove_zero(assumed, steps)
    assumed = with_domains(lhs - rhs, domains)
    if _limited("sign rules", _sign_rules, assumed, rel):
        shown = {">=": "≥ 0", ">": "> 0", "<=": "≤ 0", "<": "< 0"}[rel]
        steps.append(Step(f"{text(lhs - rhs)} {shown}", "SymPy's sign rules under the assumptions"))
        return True
    return _one_variable(verdict, lhs, rhs, rel, domains) and verdict.status == "proved"


def decide(claim: Claim) -> Verdict:
    """The verification of a prepared claim (:func:`derive.lang.prepare`), here, without a worker.

    :func:`verify` runs it inside a limited worker.  A symbolic proof is still
    cross-checked numerically; should the numbers contradict it, the verdict
    is ``unknown`` and says so, never ``proved``.

    >>> decide(prepare("sqrt(p**2) = p", "p > 0")).status
    'proved'
    """
    domains = claim.domains
    verdict = Verdict(claim.text, "unknown", assumptions=claim.assumptions, parsed=claim)
    try:
        lhs = _resolve_extrema(_differentiate(claim.lhs, verdict.steps), domains, verdict.steps).doit()
        rhs = _resolve_extrema(_differentiate(claim.rhs, verdict.steps), domains, verdict.steps).doit()
    except (Undecided, StepTimeout) as exc:
        verdict.reason = f"could not settle the extremum: {exc}"
        return verdict
    for side, which in ((lhs, "left"), (rhs, "right")):
        if side.has(sp.zoo, sp.nan, sp.oo, -sp.oo):  # log(0) once min(x**2, x) = 0, say
            verdict.reason = f"the {which}-hand side is undefined or infinite: {text(side)}"
            return verdict
    rel = claim.rel
    proved = _prove(verdict, lhs, rhs, rel, domains)
    if verdict.status == "refuted":
        return verdict
    try:
        evidence = check_relation(lhs, rhs, rel, n=NUMERIC_POINTS, seed=0, domains=_by_symbol(domains, lhs, rhs))
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError) as exc:
        evidence = None
        verdict.reason = f"no numeric cross-check: cannot evaluate the claim numerically ({type(exc).__name__})"
    if evidence is None:
        if proved:
            verdict.status = "proved"
        return verdict
    verdict.evidence.append(evidence)
    if proved:
        if evidence.passed:
            verdict.status = "proved"
        elif evidence.points == 0:  # nothing could be sampled (overflow everywhere): no contradiction
            verdict.status = "proved"
            verdict.reason = f"no numeric cross-check: {evidence.detail}"
        else:
            verdict.reason = "the symbolic argument is contradicted by a confirmed numeric violation"
        return verdict
    if not evidence.passed and evidence.worst is not None:
        names = {s.name: s for s in lhs.free_symbols | rhs.free_symbols}  # the claim's own symbols
        point = {names[k]: sp.Rational(v) for k, v in evidence.worst.items() if k in names}
        why = ("sampled point, confirmed with mpmath at 30 digits" if point
               else "both sides evaluated with mpmath at 30 digits")
        if _refute(verdict, lhs, rhs, rel, point, why):
            return verdict
    if evidence.passed and evidence.points > 0:
        verdict.status = "supported"
        verdict.reason = "numeric only: no symbolic proof found"
    elif not verdict.reason:
        verdict.reason = evidence.detail or "the numeric check was inconclusive"
    return verdict


def _by_symbol(domains, *exprs):
    names = {s.name: s for e in exprs for s in e.free_symbols}
    return {names[k]: d for k, d in domains.items() if k in names}
