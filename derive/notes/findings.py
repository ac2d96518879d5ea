r"""What the audit says about each formula of a note: a :class:`Finding` with one outcome.

Outcomes (:data:`OUTCOMES`), each exact:

- ``holds``: proved, with the steps the verifier ran;
- ``wrong``: refuted, by a counterexample certified at 50 digits or an exact argument;
- ``matches`` / ``differs``: compared with the standard definition of a named
  concept (:mod:`derive.notes.concepts`), the difference stated; ``differs``
  rests on a refutation as ``wrong`` does;
- ``numeric-only``: numbers agree but nothing was proved; never counted as holding;
- ``not-checkable``: with the reason (prose in maths mode, a definition of a new
  symbol, notation the reader does not know, a timeout, …).

Prose fields (``summary``, ``reason``, ``correction``) are markup: Unicode text
with ``$…$`` LaTeX maths (:mod:`derive.render.rich`).

>>> f = Finding(line=3, col=5, source=r"x^2 \ge 0", display=False, outcome="holds", parsed="x**2 >= 0")
>>> f.failed, f.as_dict()["outcome"]
(False, 'holds')
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OUTCOMES", "FAILING", "Finding"]

OUTCOMES = ("holds", "wrong", "matches", "differs", "numeric-only", "not-checkable")
FAILING = frozenset({"wrong", "differs"})  # what makes `derive audit` exit 1


@dataclass
class Finding:
    """One formula (or one link of a chain ``A = B = C``) of a note and what the audit found.

    ``line``/``col`` are 1-based and point at the formula's first character in
    the note; ``link`` numbers the link of a chain (1-based, None for a formula
    with one relation) and ``link_source`` is that link's LaTeX.  ``parsed`` is
    the claim-language text that was decided; ``concept`` the standard
    definition it was compared with and ``matched_by`` why that one ("words",
    "structure" or "words and structure").
    """

    line: int
    col: int
    source: str
    display: bool
    outcome: str
    section: tuple = ()
    parsed: str | None = None
    assumptions: tuple = ()
    link: int | None = None
    link_source: str | None = None
    summary: str = ""
    reason: str = ""
    steps: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    counterexample: dict | None = None
    concept: str | None = None
    matched_by: str | None = None
    correction: str | None = None
    notes: list = field(default_factory=list)  # readings the audit chose and said so (ambiguities)
    lines: tuple = ()   # (first, last) line of the whole formula in the note, when it was cut into pieces too
    formula: int = 0    # which formula of the note (0-based), the same for its pieces and links
    seconds: float = 0.0

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")

    def __str__(self):
        from ..render.audit_text import finding_line
        return finding_line(self)

    @property
    def failed(self) -> bool:
        return self.outcome in FAILING

    def as_dict(self) -> dict:
        return {"line": self.line, "col": self.col, "source": self.source, "display": self.display,
                "section": list(self.section), "link": self.link, "link_source": self.link_source,
                "parsed": self.parsed, "assumptions": list(self.assumptions), "outcome": self.outcome,
                "summary": self.summary, "reason": self.reason,
                "steps": [s.as_dict() if hasattr(s, "as_dict") else s for s in self.steps],
                "evidence": [e.as_dict() if hasattr(e, "as_dict") else e for e in self.evidence],
                "counterexample": self.counterexample, "concept": self.concept, "matched_by": self.matched_by,
                "correction": self.correction, "notes": list(self.notes), "lines": list(self.lines),
                "formula": self.formula}  # no seconds: the JSON is deterministic
