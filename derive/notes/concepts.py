r"""Comparing a note's formula with the standard definition of a named concept.

:func:`compare` takes one link ``lhs = rhs`` of a note's formula, in the claim
language, and the words around it.  Each concept of the table
(:mod:`derive.notes.concept_table`, :data:`CONCEPTS`) tries to *fit* the link's
structure; the cue words nearby pick among the fits and let weak ones count.
The best fit's standard forms, written in the note's own variables, are then
compared with the note's side by :func:`derive.verify`:

- **matches** only when ``note = form`` is *proved*.  Sums and vectors are
  first written with one number per distinct sum (Σ is linear, so equal
  bodies give equal sums); a proof over arbitrary numbers holds for the sums;
- **differs** only when the claim is *refuted*: ``note = form`` for a single
  standard form, or ``(note − f₁)(note − f₂)… = 0`` for several, whose
  counterexample is a point where the note differs from every one.  A known
  mistake (a penalty subtracted) may be refuted through the property it
  breaks (``real_loss ≥ loss``);
- anything else is None: never a guess.

Which concept, and why (``matched_by``): a *strong* fit (the structure alone
names the concept) with a cue word nearby beats a strong fit alone, which
beats a weak fit with a cue word; a weak fit without words is no fit, so
words alone never give a verdict.  A fit of the rhs alone needs a lhs that
the rhs defines (a name, an entry, σ²).  From structure alone, a ``differs``
also needs the lhs to name the concept (``norm(w)``, ``sigmoid(x)``) or a
known mistake (a penalty subtracted): a formula of the same shape may be
another quantity (a log-likelihood, gradient ascent).

Each ``verify`` gets ``timeout``; a comparison makes at most two, for at most
two concepts.

>>> c = compare("real_loss", "loss - lam*sum(abs(w[i]), (i, 1, n))", "L1 正则化")
>>> c.concept.key, c.outcome, c.matched_by, c.claim
('l1-penalty', 'differs', 'words and structure', 'loss - lam*sum(abs(w[i]), (i, 1, n)) >= loss')
>>> compare("y", "x**2 + 1", "the L2 norm") is None
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.printing.str import StrPrinter

from ..lang import Diff, ParseError, Supremum, Infimum, instances, parse_expression, prepare
from ..lang.vectors import Entry, VectorNode
from ..limits import time_limit
from ..render.printing import TexPrinter
from ..symbols import symbol
from ..verifier import verify
from .concept_sums import _EXPECTED, SAME_SECONDS, Abstraction, _same, link_of
from .concept_table import CONCEPTS, CONCEPTS_BY_KEY, Concept

__all__ = ["Concept", "Comparison", "CONCEPTS", "CONCEPTS_BY_KEY", "compare", "claim_text", "tex"]



@dataclass
class Comparison:
    """The note's formula against the standard definition of ``concept``; prose fields are markup."""

    concept: Concept
    outcome: str          # "matches" or "differs"
    matched_by: str       # "words", "structure" or "words and structure"
    statement: str
    correction: str | None
    claim: str            # the claim-language text that was verified
    assumptions: tuple
    verdict: object       # the derive Verdict: proved for matches, refuted for differs
    mistake: str | None = None  # for differs: the known mistake the note's formula is, if it is one


def compare(lhs_text: str, rhs_text: str, context: str, *, timeout: float = 10.0) -> Comparison | None:
    """The comparison of the link ``lhs = rhs`` with the best-fitting concept, or None (no fit, or undecided).

    >>> c = compare("norm(w)", "sum(w[i]**2, (i, 1, n))", "")
    >>> c.concept.name, c.outcome, c.matched_by
    ('L2 norm', 'differs', 'structure')
    >>> compare("h2", "h/(1 - p)", "dropout").outcome
    'matches'
    """
    try:
        lhs, rhs = (parse_expression(t, keep_diff=True) for t in (lhs_text, rhs_text))
    except ParseError:
        return None
    if _misread(lhs) or _misread(rhs):
        return None
    link = link_of(lhs, rhs)
    name = lhs_text.strip() if re.fullmatch(r"\s*[A-Za-z]\w*\s*", lhs_text) else ""
    haystack = f"{context} {name}".lower().replace("_", " ")
    for concept, fit, matched_by, cue in _candidates(link, haystack)[:2]:
        try:
            found = _decide(concept, fit, link, matched_by, cue, timeout)
        except (*_EXPECTED, ParseError):
            found = None  # an expression SymPy cannot take apart is not compared
        if found is not None:
            return found
    return None


def _misread(expr) -> bool:
    """A sup or inf whose body ignores its variable: ``max(0, x)`` read as a supremum is a translation slip."""
    return any(not node.args[0].has(node.args[1]) for node in expr.atoms(Supremum, Infimum))


# --- choosing the concept ---------------------------------------------------------------------------

def _candidates(link, haystack) -> list:
    """(concept, fit, matched_by, cue) of the best class: words and structure, else structure, else words.

    Within the class the longest cue word wins (“inverted dropout” over
    “dropout”); among equals, a concept one of whose forms is the note's
    formula exactly comes first.  A weaker class is never tried.
    """
    ranked = []
    defines = _defines(link.lhs)
    for order, concept in enumerate(CONCEPTS):
        fit = _fit(concept, link)
        if fit is None or not (fit.named or defines):
            continue
        cues = [w for w in concept.words if w in haystack]
        cue = max(cues, key=len) if cues else None
        level = 3 if cue and fit.strong else 2 if fit.strong else 1 if cue else 0
        if level:
            by = {3: "words and structure", 2: "structure", 1: "words"}[level]
            ranked.append(((-level, -len(cue or "")), order, concept, fit, by, cue))
    ranked.sort(key=lambda r: r[:2])
    top = [r for r in ranked if r[0] == ranked[0][0]] if ranked else []
    exact = [r for r in top if any(_same(r[3].note, f.expr) for f in r[3].forms)]
    return [r[2:] for r in exact[:1] + [r for r in top if r not in exact[:1]]]


def _defines(lhs) -> bool:
    """Whether the lhs is a name the rhs defines (loss, y[i], σ²), so that the rhs alone is the note's formula."""
    if lhs.is_Pow and lhs.exp.is_number:
        lhs = lhs.base
    return isinstance(lhs, (sp.Symbol, Entry))


def _fit(concept, link):
    """``concept.fit(link)``, or None when it fails or takes too long."""
    try:
        with time_limit(SAME_SECONDS):
            return concept.fit(link)
    except _EXPECTED:
        return None


# --- claims -----------------------------------------------------------------------------------------------

class ClaimPrinter(StrPrinter):
    """Claim-language text of a SymPy expression: sum(…, (i, a, b)), abs, where, ceil; positive terms first."""

    def _as_ordered_terms(self, expr, order=None):
        terms = super()._as_ordered_terms(expr, order)
        return sorted(terms, key=lambda t: t.could_extract_minus_sign())  # stable: the order is kept otherwise

    def _print_Sum(self, expr, word="sum"):
        text = self._print(expr.function)
        for index, low, high in expr.limits:  # innermost first
            text = f"{word}({text}, ({index}, {self._print(low)}, {self._print(high)}))"
        return text

    def _print_Product(self, expr):
        return self._print_Sum(expr, "prod")

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_ceiling(self, expr):
        return f"ceil({self._print(expr.args[0])})"

    def _print_Piecewise(self, expr):
        (value, cond), rest = expr.args[0], expr.args[1:]
        other = rest[0][0] if len(rest) == 1 and rest[0][1] == sp.true else sp.Piecewise(*rest)
        return f"where({self._print(cond)}, {self._print(value)}, {self._print(other)})"


def claim_text(expr) -> str:
    """The claim-language text of ``expr``, which :func:`derive.lang.parse_expression` reads back.

    >>> t = claim_text(parse_expression("where(x > 0, abs(x), sum(w[i]**2, (i, 1, n)))"))
    >>> t, parse_expression(t) == parse_expression("where(x > 0, abs(x), sum(w[i]**2, (i, 1, n)))")
    ('where(x > 0, abs(x), sum(w[i]**2, (i, 1, n)))', True)
    """
    return ClaimPrinter().doprint(expr)


def _vector_claims(exprs) -> bool:
    return any(e.has(sp.Sum, VectorNode) or any(not d.args[0].has(d.args[1]) for d in e.atoms(Diff))
               for e in exprs)


def _as_stated(exprs, fit, link, ab):
    """The expressions as the verifier can refute them: unknown derivatives as numbers, a free index at 1,
    a vector used as a number by its first entry, the fit's concrete case; and the vector lengths."""
    exprs = [ab.gradients(e.xreplace(dict(fit.instance))) for e in exprs]
    entries = {a for e in exprs for a in e.atoms(Entry)}
    bound = {v for e in exprs for s in e.atoms(sp.Sum) for v in s.variables}
    free = {a.args[1] for a in entries if isinstance(a.args[1], sp.Symbol) and a.args[1] not in bound}
    vectors = {v for e in exprs for node in e.atoms(VectorNode) for v in node.args[:node.vectors]}
    swap = {**{i: sp.Integer(1) for i in free}, **{v: Entry(v, 1) for v in vectors}}
    exprs = [_swap_scalars(e, swap) for e in exprs]
    declared = {a.split()[0] for a in fit.assume}
    lengths = tuple(f"{v} in R^{n}" for v, n in sorted(link.lengths.items(), key=lambda vn: vn[0].name)
                    if v.name not in declared and (n.is_Symbol or n.is_Integer) and not fit.instance)
    return exprs, lengths + _nonempty(exprs)


def _nonempty(exprs) -> tuple:
    """'n integer >= 2' for a sum from 1 to n − 1: a counterexample is sought where every sum has a term."""
    found = []
    for s in (s for e in exprs for s in e.atoms(sp.Sum) if len(s.limits) == 1):
        _, low, high = s.limits[0]
        if low == 1 and len(high.free_symbols) == 1 and not high.is_Symbol:
            n = next(iter(high.free_symbols))
            shift = sp.expand(high - n)
            if shift.is_Integer and shift < 0:
                found.append(f"{n} integer >= {1 - shift}")
    return tuple(dict.fromkeys(found))


def _swap_scalars(expr, swap):
    """``expr`` with free indices set and vectors used as plain numbers replaced by their first entries."""
    if isinstance(expr, VectorNode):
        head = expr.args[:expr.vectors]
        return type(expr)(*head, *[_swap_scalars(a, swap) for a in expr.args[expr.vectors:]])
    if isinstance(expr, sp.Symbol):
        return swap.get(expr, expr)
    if not expr.args or isinstance(expr, Diff):
        return expr
    return expr.func(*[_swap_scalars(a, swap) for a in expr.args])


def _verify(lhs, rel, rhs, assume, timeout):
    """(claim text, assumptions used, verdict) for ``lhs rel rhs``; the verdict is None on bad input."""
    text = f"{claim_text(lhs)} {rel} {claim_text(rhs)}"
    words = set(re.findall(r"\w+", text))
    used = tuple(dict.fromkeys(a for a in assume if re.match(r"\w+", a)[0] in words))
    try:
        return text, used, verify(text, assume=list(used), timeout=timeout)
    except ParseError:
        return text, used, None


# --- deciding ------------------------------------------------------------------------------------------

def _decide(concept, fit, link, matched_by, cue, timeout):
    """The comparison of the fit's note side with its forms: proved → matches, refuted → differs, else None."""
    note, forms = fit.note, fit.forms
    vector = _vector_claims([note, *(f.expr for f in forms)])
    same = [f for f in forms if _same(note, f.expr)]
    tried = None
    for form in same[:1] or ([] if vector else forms[:1]):
        ab = Abstraction(note, form.expr)
        sides = (ab.numbers(note), ab.numbers(form.expr)) if vector else (note, form.expr)
        claim, used, verdict = _verify(*sides[:1], "=", sides[1], (*fit.assume, *ab.facts()), timeout)
        if verdict is not None and verdict.status == "proved":
            return _matches(concept, fit, link, form, matched_by, cue, claim, used, verdict, ab)
        tried = (claim, used, verdict)
    return _refute(concept, fit, link, matched_by, cue, timeout, tried) if fit.refutable else None


def _refute(concept, fit, link, matched_by, cue, timeout, tried=None):
    """The ``differs`` comparison when a claim against every standard form is refuted, else None."""
    note, forms = fit.note, fit.forms
    mistake = next((m for m in fit.mistakes if _same(note, m.expr)), None)
    if matched_by == "structure" and mistake is None and not fit.named:
        return None  # structure alone, and no known mistake: perhaps another quantity of the same shape
    ab = Abstraction(note, *(f.expr for f in forms), *(m.expr for m in fit.mistakes))
    if mistake is not None and mistake.check is not None:
        sides, rel = [mistake.check[0], mistake.check[2]], mistake.check[1]
    elif len(forms) == 1:
        sides, rel = [note, forms[0].expr], "="
    else:
        sides, rel = [sp.Mul(*[note - f.expr for f in forms]), sp.S.Zero], "="
    (lhs, rhs), lengths = _as_stated(sides, fit, link, ab)
    text = f"{claim_text(lhs)} {rel} {claim_text(rhs)}"
    same = tried and tried[0] == text and not fit.search
    claim, used, verdict = tried if same else _verify(lhs, rel, rhs, (*fit.assume, *fit.search, *lengths), timeout)
    if verdict is None or verdict.status != "refuted":
        return None
    point = verdict.counterexample or {}
    if any(point.get(name) == value for name, value in fit.kinks):
        return None  # the standard forms themselves disagree at a kink
    stated, _ = _as_stated([note, forms[0].expr], fit, link, ab)
    statement = _differs_statement(concept, fit, mistake, point, stated, used)
    return Comparison(concept, "differs", matched_by, statement + _because(matched_by, cue, fit),
                      f"${tex(link.lhs)} = {tex(forms[0].expr)}$", claim, used, verdict,
                      mistake.label if mistake is not None else None)


# --- what is said ---------------------------------------------------------------------------------------

def _because(matched_by, cue, fit) -> str:
    reasons = {"words": f"the word “{cue}” nearby", "structure": f"its structure ({fit.how})",
               "words and structure": f"the word “{cue}” nearby and its structure ({fit.how})"}
    return f" (recognised by {reasons[matched_by]})"


def _matches(concept, fit, link, form, matched_by, cue, claim, used, verdict, ab):
    which = f", {form.label}" if len(fit.forms) > 1 else ""
    statement = f"the standard {concept.name}{which}: ${tex(link.lhs)} = {tex(form.expr)}$"
    legend = [f"${tex(sym)} = {tex(node)}$" for node, sym in ab.table.items()
              if not isinstance(node, Entry) and re.search(rf"\b{sym.name}\b", claim)]
    if legend:
        statement += " (proved with " + ", ".join(legend) + " each taken as one number)"
    return Comparison(concept, "matches", matched_by, statement + _because(matched_by, cue, fit), None,
                      claim, used, verdict)


def _differs_statement(concept, fit, mistake, point, stated, used) -> str:
    what = mistake.label if mistake is not None else fit.detail or "it is none of its standard forms"
    where = ", ".join(f"${tex(symbol(k))} = {tex(_value_text(v))}$" for k, v in point.items()) or "every point"
    if mistake is not None and mistake.check is not None:
        a, rel, b = mistake.check
        shown = {">=": r"\ge", "<=": r"\le", ">": ">", "<": "<", "=": "="}[rel]
        return f"the note's {concept.name} differs: {what}; ${tex(a)} {shown} {tex(b)}$ fails at {where}"
    values = None if any("simplex" in u for u in used) else _values(*stated, point, used)  # entries renamed
    gives = f": the note's formula gives ${values[0]}$, the standard form ${values[1]}$" if values else ""
    return f"the note's {concept.name} differs: {what}; at {where}{gives}"


def _value_text(text):
    try:
        return parse_expression(text)
    except ParseError:
        return sp.Symbol("?")


def _values(a, b, point, used):
    """The LaTeX values of ``a`` and ``b`` at the counterexample, or None when they cannot be shown."""
    try:
        with time_limit(SAME_SECONDS):
            text = f"{claim_text(a)} = {claim_text(b)}"
            words = set(re.findall(r"\w+", text))
            prepared = prepare(text, [u for u in used if re.match(r"\w+", u)[0] in words], strict=False)
            for sizes, inst in instances(prepared):
                if all(point.get(k) == str(v) for k, v in sizes.items()):
                    at = {s: _value_text(point[s.name]) for s in inst.lhs.free_symbols | inst.rhs.free_symbols
                          if s.name in point}
                    return tuple(tex(_shown(side.xreplace(at).doit())) for side in (inst.lhs, inst.rhs))
    except (*_EXPECTED, ParseError):
        return None
    return None


def _shown(value):
    value = sp.nsimplify(value) if value.is_Float else value
    return value if value.is_Rational or sp.count_ops(value) <= 6 else sp.Float(value.evalf(6), 6)


class ConceptTex(TexPrinter):
    """derive's LaTeX printer with the translator's names read back: lam → λ, y_hat → ŷ, real_loss upright."""

    _ACCENTS = {"hat": r"\hat", "bar": r"\bar", "tilde": r"\tilde"}

    def _print_Symbol(self, expr, style="plain"):
        name = expr.name
        match = re.fullmatch(r"([A-Za-z]+)_(hat|bar|tilde)(?:_(\w+))?", name)
        if match:
            base = self._print_Symbol(symbol(match[1]))
            return f"{self._ACCENTS[match[2]]}{{{base}}}" + (f"_{{{match[3]}}}" if match[3] else "")
        base, _, sub = name.partition("_")
        if base == "lam":
            return r"\lambda" + (f"_{{{sub}}}" if sub else "")
        if len(base) > 1 and sp.latex(symbol(base)) == base:
            return r"\mathrm{%s}" % name.replace("_", r"\_")
        return super()._print_Symbol(expr, style)

    def _print_Entry(self, expr, exp=None):
        core = "%s_{%s}" % (self._print(expr.args[0]), self._print(expr.args[1]))
        return "{%s}^{%s}" % (core, exp) if exp is not None else core

    def _print_Abs(self, expr, exp=None):
        core = "|%s|" % self._print(expr.args[0])
        return "%s^{%s}" % (core, exp) if exp is not None else core


def tex(expr) -> str:
    r"""LaTeX for the statements, which :mod:`derive.render.rich` reads as maths.

    >>> tex(parse_expression("real_loss + lam*sum(w[i]**2, (i, 1, n)) + y_hat"))
    '\\lambda \\sum_{i=1}^{n} {w_{i}}^{2} + \\mathrm{real\\_loss} + \\hat{y}'
    """
    return ConceptTex().doprint(expr)
