r"""``derive audit``: every formula of a note read, checked and given exactly one outcome.

:func:`audit` finds the note's formulas (:mod:`derive.notes.extract`), reads
each with the safe LaTeX reader and writes it in the claim language
(:mod:`derive.notes.translate`), keeping what the note defined
(:mod:`derive.notes.context`).  Each link of a chain ``A = B = C`` is decided
by the one verifier (:func:`derive.verifier.decide_limited`, a time-limited
worker), so ``holds`` is a proof and ``wrong`` a certified counterexample.
A definition of a named concept is compared with the standard one
(:mod:`derive.notes.concepts`).  Everything else is ``not-checkable`` with its
reason; numbers alone give ``numeric-only``, never ``holds``.

>>> a = audit("Since $(a+b)^2 = a^2 + 2ab + b^2$ and $2-10+1-5+23-24=-12$.\n")
>>> [(f.col, f.outcome) for f in a.findings]
[(8, 'holds'), (40, 'wrong')]
>>> a.exit_code
1
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace

from ..lang.texreader import read
from .conditions import condition_after, listed_bounds
from .context import Context
from .findings import OUTCOMES, Finding
from .texnodes import split_prose
from .translate import Unreadable, translate
from .unused_index import structural_findings

__all__ = ["Audit", "audit", "FORMULA_SECONDS", "TOTAL_SECONDS", "MAX_FORMULAS"]

FORMULA_SECONDS = 10.0   # the verifier's hard limit per link (--timeout)
TOTAL_SECONDS = 600.0    # past it, the formulas left are "not checkable (the audit's time ran out)"
MAX_FORMULAS = 2000      # formulas past it are counted, not checked
INTERNAL = "the audit failed on this formula"  # a bug of derive's, said as such; the tests allow none


@dataclass
class Audit:
    """The findings of one note, in the note's order, and the counts the summary gives."""

    name: str
    findings: list = field(default_factory=list)
    formulas: int = 0          # formulas found in the note
    read: int = 0              # formulas the reader turned into the claim language
    seconds: float = 0.0
    skipped: int = 0           # formulas past MAX_FORMULAS

    def __str__(self):
        from ..render.audit_text import _audit
        return _audit(self)

    def explain(self) -> str:
        """Every finding with what it was read as, its assumptions, steps and correction."""
        from ..render.audit_text import _audit
        return _audit(self, explain=True)

    @property
    def counts(self) -> dict:
        counts = dict.fromkeys(OUTCOMES, 0)
        for f in self.findings:
            counts[f.outcome] += 1
        return counts

    @property
    def checked(self) -> int:
        """Formulas with at least one finding decided exactly (holds, wrong, matches, differs)."""
        return len({f.formula for f in self.findings if f.outcome in ("holds", "wrong", "matches", "differs")})

    @property
    def exit_code(self) -> int:
        return 1 if any(f.failed for f in self.findings) else 0

    def as_dict(self) -> dict:
        return {"note": self.name, "formulas": self.formulas, "read": self.read, "checked": self.checked,
                "skipped": self.skipped, "counts": self.counts, "findings": [f.as_dict() for f in self.findings]}


def audit(text: str, kind: str = "md", *, name: str = "note", only=None, timeout: float = FORMULA_SECONDS,
          total: float = TOTAL_SECONDS, progress=None) -> Audit:
    """Audit the note ``text`` (``kind`` 'md' or 'tex'); ``only`` is a set of lines to report.

    Raises ``ValueError`` (one line) for a note that cannot be read at all.
    ``progress(done, count)`` is called after each formula.
    """
    from .extract import extract
    start = time.monotonic()
    found = extract(text, kind)
    result = Audit(name, formulas=len(found))
    if len(found) > MAX_FORMULAS:
        result.skipped, found = len(found) - MAX_FORMULAS, found[:MAX_FORMULAS]
    context = Context()
    for k, formula in enumerate(found):
        began = time.monotonic()
        wanted = only is None or formula.line in only
        if began - start > total:
            findings = [_finding(formula, "not-checkable", "the audit's total time ran out")] if wanted else []
        else:
            findings, was_read = [], True
            span = (formula.line, formula.line + formula.source.count("\n"))
            pieces = _pieces(formula)
            for j, piece in enumerate(pieces):
                following = pieces[j + 1] if j + 1 < len(pieces) else found[k + 1] if k + 1 < len(found) else None
                context.after = condition_after(piece, following, context.definitions) if wanted else {}
                try:
                    of_piece, ok = _audit_formula(piece, context, timeout, check=wanted)
                except (ArithmeticError, AttributeError, TypeError, ValueError, RecursionError, IndexError,
                        KeyError, NotImplementedError) as error:  # one formula, never the audit
                    of_piece, ok = [_finding(piece, "not-checkable", f"{INTERNAL} ({type(error).__name__})")], False
                for f in of_piece:
                    f.lines, f.formula = span, k
                findings += of_piece
                was_read = was_read and ok
            context.after = {}
            result.read += was_read
        for f in findings:
            f.seconds = time.monotonic() - began
        if wanted:
            result.findings += findings
        if progress is not None:
            progress(k + 1, len(found))
    result.seconds = time.monotonic() - start
    return result


def _pieces(formula) -> list:
    """The formulas a note wrote as one, cut where prose joins them (``… \\quad 其中 \\quad …``)."""
    pieces = split_prose(formula.source)
    if len(pieces) == 1:
        return [formula]
    out = []
    for j, (offset, piece) in enumerate(pieces):
        before = formula.source[:offset]
        lines = before.count("\n")
        col = formula.col + offset if not lines else offset - before.rfind("\n")
        if j + 1 < len(pieces):  # the prose up to the next piece, and that piece, as a note's prose shows them
            upto, following = pieces[j + 1]
            after = f"{_plain(formula.source[offset + len(piece):upto])} ${following}$"
        else:
            after = formula.after
        out.append(replace(formula, source=piece, line=formula.line + lines, col=col, after=after))
    return out


def _plain(tex) -> str:
    r"""The prose between two pieces of a formula: ``\text{for }`` as ``for``, spacing commands as blanks."""
    tex = re.sub(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", tex)
    return " ".join(re.sub(r"\\q?quad|\\[,;:! ]|~", " ", tex).split())


def _finding(formula, outcome, reason, **extra) -> Finding:
    return Finding(line=formula.line, col=formula.col, source=formula.source, display=formula.display,
                   section=tuple(formula.section), outcome=outcome, reason=reason, **extra)


def _audit_formula(formula, context, timeout, check=True) -> tuple[list, bool]:
    """The findings of one formula, and whether it was read; definitions are kept even when not reported."""
    parsed = read(formula.source)
    try:
        reading = translate(formula.source, context.definitions, formula=parsed)
    except Unreadable as error:
        listed = listed_bounds(formula.source, context.definitions)  # a, b ≥ 0: the reader refuses the list
        if listed:
            return context.assume(formula, listed, _finding), True
        reading = getattr(error, "reading", None)
        structural = structural_findings(formula, parsed, reading) if reading is not None else []
        if structural:
            return structural, False
        named = context.named_expression(formula, timeout, _finding) if str(error).startswith("no relation") else None
        if named is not None:
            return [named], True
        return [_finding(formula, "not-checkable", str(error))], False
    structural = structural_findings(formula, parsed, reading)
    if structural:
        return structural, True
    if not check:
        context.learn(formula, reading, check=False)
        return [], True
    return context.decide(formula, reading, timeout, _finding), True
