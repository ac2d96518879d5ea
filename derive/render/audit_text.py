"""Text layouts of an audit: one line per finding, like a linter, and the summary.

Registered with :func:`derive.render.text.layout` for the classes
:class:`~derive.notes.findings.Finding` and :class:`~derive.notes.audit.Audit`,
so ``str(finding)`` and ``print(audit)`` are this module's.

>>> from derive.notes.findings import Finding
>>> print(Finding(3, 5, "x^2 < 0", False, "wrong", summary="x² < 0", reason="counterexample x = 0"))
3:5: wrong: x² < 0 (counterexample x = 0)
"""
from __future__ import annotations

from .text import _m, as_text, layout, numbered

__all__ = ["finding_line", "summary_line"]

MAX_SHOWN = 90  # characters of a formula on a finding's line


def _formula(f) -> str:
    if f.summary:
        shown = _m(f.summary)
    else:
        from ..lang.texreader import read
        from .texmath import to_text
        shown = " ".join(to_text(read(f.source)).split())
    if len(shown) > MAX_SHOWN:
        shown = shown[:MAX_SHOWN - 1] + "…"
    return shown


def finding_line(f, name: str = "") -> str:
    """``name:line:col: outcome: formula (reason)``; a chain's link says which it is."""
    where = f"{name}:{f.line}:{f.col}" if name else f"{f.line}:{f.col}"
    link = f"link {f.link}: " if f.link else ""
    reason = _m(f.reason) if f.reason and f.reason != "proved" else ""
    concept = ""
    if f.concept and f.outcome in ("matches", "differs"):  # the line says which and how; --explain says all
        reason = "the standard " + f.concept if f.outcome == "matches" else _short_difference(reason)
        concept = f"; matched by {f.matched_by}"
    tail = f" ({reason}{concept})" if reason or concept else ""
    return f"{where}: {f.outcome}: {link}{_formula(f)}{tail}"


def _short_difference(statement: str) -> str:
    """The first clause of a concept's difference: "the square root is missing: that is the squared norm"."""
    statement = statement.split(" (recognised")[0]
    if "differs: " in statement:
        statement = statement.split("differs: ", 1)[1]
    return statement.split("; at ")[0]


@layout("Finding")
def _finding(f, name: str = ""):
    return finding_line(f, name)


@layout("Finding", "explain")
def _finding_explained(f, name: str = ""):
    lines = [finding_line(f, name)]
    if f.parsed:
        lines.append(f"  read as: {f.parsed}")
    if f.assumptions:
        lines.append(f"  assuming: {', '.join(f.assumptions)}")
    for note in f.notes:
        lines.append(f"  reading: {note}")
    if f.steps:
        lines += numbered(f.steps, indent="    ")
    if f.concept and f.outcome in ("matches", "differs"):
        lines.append(f"  compared with the standard {f.concept}: {_m(f.reason)}")
    if f.correction:
        lines.append(f"  correction: {_m(f.correction)}")
    return "\n".join(lines)


def summary_line(a) -> str:
    """Counts per outcome, and the time: the audit's last line."""
    counts = a.counts
    parts = [f"{n} {outcome}" for outcome, n in counts.items() if n]
    per = f", {a.seconds / a.formulas:.2f} s per formula" if a.formulas else ""
    skipped = f"; {a.skipped} formulas past the limit not checked" if a.skipped else ""
    return (f"{a.name}: {a.formulas} formulas, {a.read} read, {a.checked} checked: "
            f"{', '.join(parts) or 'nothing to check'}{skipped} ({a.seconds:.1f} s{per})")


def bare(f) -> bool:
    """A symbol or expression with no relation (``$x$``, ``$L_1$``): counted, listed only when explaining."""
    return f.outcome == "not-checkable" and f.reason.startswith("no relation")


@layout("Audit")
def _audit(a, explain: bool = False):
    style = "explain" if explain else "summary"
    shown = [f for f in a.findings if explain or not bare(f)]
    hidden = len(a.findings) - len(shown)
    tail = [f"({hidden} symbols and expressions without a relation are not listed; --explain lists them)"] \
        if hidden else []
    return "\n".join([*(as_text(f, style, name=a.name) for f in shown), summary_line(a), *tail])
