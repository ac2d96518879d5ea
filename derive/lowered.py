"""Claims with sums, vectors, expectations or limits, decided instance by instance.

:func:`decide_lowered` writes the claim out (:func:`derive.lang.instances`)
and hands each instance to the scalar decision of :mod:`derive.verifier`, which
it is given, so the two modules do not import each other.
"""
from __future__ import annotations

import re

import sympy as sp

from .lang import Claim, ParseError, Undecidable, expand_expectations, instances, resolve_limits
from .numbers import shown
from .steps import Step, phrase
from .verdict import Verdict

__all__ = ["decide_lowered", "INSTANCE_SIZES"]

INSTANCE_SIZES = range(1, 7)


def decide_lowered(claim: Claim, decide_scalar) -> Verdict:
    """Claims with sums, vectors, expectations or limits: decide each written-out instance.

    Without a length variable the single instance *is* the claim, and its
    verdict is the claim's.  With one (``o in R^n``), a refuted instance
    refutes the claim (the counterexample names n), while instances proved
    for n = 1 … 6 are evidence for every n, not a proof: ``supported``.
    """
    verdict = Verdict(claim.text, "unknown", assumptions=claim.assumptions, parsed=claim)
    proved, tried = [], 0
    try:
        for sizes, inst in instances(claim, sizes=INSTANCE_SIZES):
            inst = Claim(expand_expectations(resolve_limits(inst.lhs)), inst.rel,
                         expand_expectations(resolve_limits(inst.rhs)), inst.text, inst.domains, inst.assumptions)
            tried += 1
            shown = ", ".join(f"{k} = {v}" for k, v in sizes.items())
            if shown:
                verdict.steps.append(Step(phrase(shown, ": ", inst.lhs, f" {_REL_SHOWN[inst.rel]} ", inst.rhs),
                                          "the claim written out for this length"))
            sub = decide_scalar(inst)
            if not sizes:
                sub.claim, sub.assumptions, sub.parsed = claim.text, claim.assumptions, claim
                if sub.counterexample:
                    sub.counterexample = _simplex_entries(claim, sub.counterexample)
                sub.steps = verdict.steps + sub.steps
                return sub
            if sub.status == "refuted":
                verdict.steps += sub.steps
                verdict.status, verdict.sides = "refuted", sub.sides
                verdict.counterexample = {**{k: str(v) for k, v in sizes.items()},
                                          **_simplex_entries(claim, sub.counterexample)}
                return verdict
            if sub.status != "proved":
                verdict.reason = f"for {shown}: {sub.status}" + (f" ({sub.reason})" if sub.reason else "")
                return verdict
            proved.append(shown)
            verdict.steps.append(Step(f"{shown}: proved", "; ".join(dict.fromkeys(st.why for st in sub.steps))[:160]))
    except (Undecidable, ParseError) as exc:
        verdict.reason = str(exc)
        return verdict
    if proved:
        verdict.status = "supported"
        verdict.reason = f"proved for {'; '.join(proved)}, not for every length: numeric-only for the general claim"
    elif not tried:
        verdict.reason = "no length satisfies the assumptions"
    return verdict


def _simplex_entries(claim, point):
    """A counterexample in the claim's own terms: a simplex vector's entries p_k = p_wk/Σ p_w, not its weights."""
    point = dict(point)
    for name, d in claim.domains.items():
        weights = sorted((k for k in point if re.fullmatch(rf"{re.escape(name)}_w\d+", k)), key=lambda k: int(k[len(name) + 2:]))
        if not getattr(d, "simplex", False) or not weights:
            continue
        values = [sp.Rational(point.pop(k)) for k in weights]
        total = sum(values)
        point.update({f"{name}_{k[len(name) + 2:]}": shown(v / total) for k, v in zip(weights, values)})
    return point


_REL_SHOWN = {"=": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}
