"""The verdict of a claim: its status, the steps it rests on, the counterexample, the evidence.

:data:`EXIT_CODES` gives the exit status of ``derive verify`` for each status;
``supported`` (numeric agreement only) has its own, so it never reads as success.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .lang import Claim

__all__ = ["Verdict", "EXIT_CODES"]

EXIT_CODES = {"proved": 0, "refuted": 1, "unknown": 3, "supported": 4}  # 2 is bad input


@dataclass
class Verdict:
    """What :func:`verify` found: status, the steps it ran, counterexample, evidence.

    ``claim`` is the claim's text (as written; ``as_dict`` gives it); ``parsed``
    is the :class:`~derive.lang.Claim` that was decided, so nothing re-reads the
    text, and :attr:`rel` its relation.

    >>> from derive import verify
    >>> v = verify("x**2 >= 0")
    >>> v.claim, v.rel, v.parsed.lhs
    ('x**2 >= 0', '>=', x**2)
    """

    claim: str
    status: str
    steps: list = field(default_factory=list)
    counterexample: dict | None = None
    sides: tuple | None = None  # (lhs, rhs) at the counterexample, 50 digits
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
        """True only for ``proved``: numeric agreement (``supported``) is not success."""
        return self.status == "proved"

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

        >>> from derive import verify
        >>> print(verify("w**2 >= abs(w)").explanation())  # doctest: +ELLIPSIS
        claim: w**2 >= abs(w)
        verdict: REFUTED — a counterexample, its sign certified with arb ball arithmetic
        derivation (each step with its justification):
          1. margin m(w) = w² − |w| must stay ≥ 0    [the inequality as a sign condition]
        ...
        counterexample: w = -1/2
          lhs = 0.25
          rhs = 0.5
          the claim needs lhs ≥ rhs, but lhs − rhs = -0.25 (both sides to 50 digits, the sign certified with arb)
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
