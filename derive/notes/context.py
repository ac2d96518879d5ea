r"""What a note has said so far, and how each link of a formula is decided in that light.

A :class:`Context` keeps, for the top-level section being read, the names the
note defined (``y = σ(x)``, ``f(x) = …``, ``L := …``) and the assumptions it
stated (``λ > 0``).  A later formula is decided with those definitions written
out (``y′`` is the derivative of σ(x)), and each of its variables ranges where
the note or the conventions of :data:`CONVENTIONS` put it; the finding lists
those assumptions, so a reader sees what was taken for granted.  A new
top-level heading starts afresh: notes reuse letters between chapters.

>>> from derive.notes.audit import audit
>>> a = audit("Let $y = \\sigma(x)$. Then $y' = y(1-y)$ and $y' = y(1+y)$.")
>>> [f.outcome for f in a.findings]
['not-checkable', 'holds', 'wrong']
"""
from __future__ import annotations

import re

import sympy as sp

from ..lang import Claim, ParseError, parse_expression, prepare, resolve_derivatives
from ..limits import StepTimeout
from ..symbols import symbol
from .conditions import stated_bounds
from .texnodes import Definition, expand, link_sources

__all__ = ["Context", "CONVENTIONS"]

# Where a variable ranges unless the note says otherwise (the finding shows it).
CONVENTIONS = {
    **{n: f"{n} in (0, 1)" for n in ("p", "q", "y_hat", "p_hat", "keep")},
    **{n: f"{n} > 0" for n in ("lam", "eta", "epsilon", "T", "tau_T", "sigma", "alpha", "lr", "c")},
    **{n: f"{n} in (0, 1)" for n in ("beta", "beta_1", "beta_2", "rho", "mu")},
    **{n: f"{n} integer >= 1" for n in ("n", "N", "K", "m", "d", "k", "s", "d_k", "n_in", "n_out", "q")},
}
_NAMED_NORM = re.compile(r"^[^$]{0,20}?(?:称为|叫做|叫|is called|is the|called|the)\s*\**\s*\$?\s*[Ll]_?\{?([12])\}?\$?\s*\**"
                         r"\s*(?:范数|-?norm)")
_TOKEN = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z0-9_]*)(?![\w(])")
_OUTCOME = {"proved": "holds", "refuted": "wrong", "supported": "numeric-only", "unknown": "not-checkable"}


class Context:
    """The definitions and assumptions in force, and the section they belong to."""

    def __init__(self):
        self.definitions: dict = {}
        self.assumed: dict = {}
        self.after: dict = {}      # a condition the prose ties to the formula being decided ("… when $p > 0$")
        self.values: dict = {}     # name -> SymPy number, the worked example's values in this section
        self.scope = self.section = None

    # -- keeping what the note says ------------------------------------------------------------

    def enter(self, formula):
        scope = formula.section[:1]
        if scope != self.scope:
            self.definitions, self.assumed, self.scope = {}, {}, scope
        if tuple(formula.section) != self.section:  # a subsection's values and stated conditions end with it
            self.values, self.assumed, self.section = {}, {}, tuple(formula.section)

    def define(self, name, params, body, line, outcomes=()):
        """Keep a definition; one that comes to a number (``h = σ(0)``) is a value of the worked example.

        A value never replaces what the name means (``h = σ(z₁)`` stays for
        ``∂h/∂z₁``); a claim of the same section is decided at the values."""
        free = ()
        if not params and not outcomes:
            try:
                expr = self._expression(expand(body, self.definitions))
                free = tuple(sorted(s.name for s in expr.free_symbols))
                if not free:
                    self.values[name] = expr
                    return None
            except (ParseError, StepTimeout, ValueError, RecursionError, TypeError):
                free = ()
        d = Definition(name, tuple(params), body, free, line, tuple(outcomes))
        key = f"{name}()" if params else name  # BCE(y, p) and BCE: both may be defined, each for its use
        self.definitions = {k: v for k, v in self.definitions.items() if k != key}
        self.definitions[key] = d
        family = re.fullmatch(r"([A-Za-z][A-Za-z0-9_]*?)_([a-z])", name)
        if family and not params and not outcomes:  # x_hat_i = …: also the entry x_hat[i] under a sum over i
            self.definitions[f"{family.group(1)}[]"] = Definition(family.group(1), (family.group(2),), body,
                                                                  free, line)
        return d

    def learn(self, formula, reading, check=True):
        """Keep the definition or assumption a formula makes (also for formulas outside ``--only``)."""
        self.enter(formula)
        what = self.defines(reading)
        if what is not None and not reading.opaque:
            self.define(*what[:3], formula.line, what[3])
        for name, text in stated_bounds(reading, self.known_names()):
            self.assumed[name] = text

    def known_names(self) -> set:
        """The names the note defined or gave a value in scope: a bound on one of them is a claim."""
        return set(self.definitions) | set(self.values)

    def assume(self, formula, stated, make) -> list:
        """Keep the bounds ``stated`` ([(name, text)]) for the formulas after this one."""
        self.enter(formula)
        self.assumed.update(stated)
        return [make(formula, "not-checkable", "states an assumption: " + ", ".join(t for _, t in stated))]

    def defines(self, reading):
        """(name, params, body, outcomes) when the formula's first link defines a name, else None.

        A name (or ``f(x)`` with names for arguments) alone on the left of ``=``
        defines it, again if it was defined before: notes reuse their letters,
        and reading a new definition as a claim about the old one would call
        it wrong.  A left side that is anything else makes a claim."""
        if not reading.links:
            return None
        link = reading.links[0]
        if link.kind not in ("claim", "define") or link.rel not in ("=", ":=", "≡", "≜", "≐"):
            return None
        head = reading.head
        square = re.fullmatch(r"\(?([A-Za-z][A-Za-z0-9_]*)\)?\*\*2", link.lhs)
        if head is None and square and not _mentions(link.rhs, square.group(1)):
            # σ_B² = (1/m) Σ (x_i − μ_B)²: defines the variance, so σ_B is its square root
            return square.group(1), (), f"sqrt({link.rhs})", reading.outcomes
        if head is None or _mentions(link.rhs, head[1]):
            return None
        return head[1], head[2] if head[0] == "call" else (), link.rhs, reading.outcomes

    # -- deciding --------------------------------------------------------------------------------

    def decide(self, formula, reading, timeout, make) -> list:
        self.enter(formula)
        stated = stated_bounds(reading, self.known_names())
        if stated:
            return self.assume(formula, stated, make)
        definition = self.defines(reading)
        findings = []
        sources = link_sources(formula.source) if len(reading.links) > 1 else []
        for k, link in enumerate(reading.links):
            number = k + 1 if len(reading.links) > 1 else None
            extra = {"link": number, "notes": list(reading.notes) + self._used(reading), "summary": reading.link_text(k),
                     "link_source": sources[k] if len(sources) == len(reading.links) else None}
            named = _named_derivative(formula, link, reading, self.definitions) if k == 0 else None
            if named is not None:
                link, note = named
                extra["notes"].append(note)
                findings.append(self._claim(formula, link, make, extra, timeout, reading.points))
                definition = None
            elif k == 0 and definition is not None:
                step = _recurrence(link)  # v_t = γ v_{t−1} + η g_t: an update rule, written with time steps
                found = self._update(formula, step, make, dict(extra), timeout) if step is not None else None
                if found is None or found.outcome == "not-checkable":
                    found = self._definition(formula, link, definition, make, extra, timeout)
                else:
                    found.notes.append(f"read as the update {step.lhs} ← {step.rhs}, its time steps dropped")
                findings.append(found)
            elif _assignment(link):
                # w_1 = b_1 = 0: a value given to a name, never a claim that a free variable is a number
                self.define(link.lhs, (), link.rhs, formula.line)
                findings.append(make(formula, "not-checkable", f"gives {_name_text(link.lhs)} a value", **extra))
            elif link.kind == "claim":
                findings.append(self._claim(formula, link, make, extra, timeout, reading.points))
            elif link.kind == "update":
                findings.append(self._update(formula, link, make, extra, timeout))
            else:
                if link.kind == "distributed" and re.fullmatch(r"[A-Za-z]\w*", link.lhs):
                    self.definitions["~" + link.lhs] = Definition("~" + link.lhs, (), link.rhs, line=formula.line)
                findings.append(make(formula, *_not_a_claim(link), **extra))
        if definition is not None and not reading.opaque:
            self.define(*definition[:3], formula.line, definition[3])
        return findings

    def _definition(self, formula, link, definition, make, extra, timeout):
        name, params = definition[0], definition[1]
        compared = _compare(formula, type(link)(name, link.rel, link.rhs, link.kind) if params else link, timeout)
        if compared is not None and compared.outcome == "differs" and not _grounded(compared):
            # only the words nearby chose the concept ("clip" names clipping by value and by norm), and the
            # formula is no known mistake of it: not enough to call the note's formula wrong
            return make(formula, "not-checkable", f"the words nearby suggest {compared.concept.name}, which it "
                        f"differs from ({compared.statement}); its structure does not say it is meant to be that",
                        concept=compared.concept.name, matched_by=compared.matched_by, parsed=compared.claim,
                        **extra)
        if compared is not None:
            return _compared(formula, link, compared, make, extra)
        head = f"{_name_text(name)}({', '.join(map(_name_text, params))})" if params else _name_text(name)
        if not params and not definition[3] and self._is_value(link.rhs):
            return make(formula, "not-checkable", f"gives {head} a value", parsed=link.claim, **extra)
        if definition[3]:
            shown = "; ".join(f"{v} with probability {p}" for v, p in definition[3])
            return make(formula, "not-checkable", f"defines {head}, a random variable: {shown}", **extra)
        return make(formula, "not-checkable", f"defines {head}: a definition, not a claim", parsed=link.claim, **extra)

    def _update(self, formula, link, make, extra, timeout):
        """``θ ← θ − η∇L``: an update rule, compared with the standard rules (SGD, momentum, Adam, clipping)."""
        compared = _compare(formula, link, timeout)
        if compared is None or (compared.outcome == "differs" and not _grounded(compared)):
            return make(formula, *_not_a_claim(link), parsed=link.claim, **extra)
        return _compared(formula, link, compared, make, extra)

    def _claim(self, formula, link, make, extra, timeout, points=None):
        from ..verifier import decide_limited
        written = sorted({n for n in _names(link.lhs) + _names(link.rhs)
                          if n in self.definitions and not self.definitions[n].outcomes} |
                         {n for n in _names(link.lhs) + _names(link.rhs) if n in self.values})
        if written:
            shown = [f"{_name_text(n)} (line {self.definitions[n].line})" if n in self.definitions
                     else f"{_name_text(n)} (its value)" for n in written]
            shown = [w for w in shown if not any(w in note for note in extra["notes"])]  # said already
            if shown:
                extra["notes"] = [*extra["notes"], "with the note's " + ", ".join(shown)]
        try:
            lhs, rhs = (self._expression(side, points) for side in (link.lhs, link.rhs))
            names = sorted(s.name for s in (lhs.free_symbols | rhs.free_symbols))
            bounds = _bound_names(lhs) | _bound_names(rhs)  # a sum's upper limit t: a count, so t integer >= 1
            # σ(x) + σ(−x) = 1 is an identity in x; ∇L = 0 is a condition, and ∂L/∂w = δx names δ in words
            constant = any(side.is_number and side != 0 for side in (lhs, rhs))
            loose = sorted(s.name for s in lhs.free_symbols ^ rhs.free_symbols) if link.rel == "=" and not constant \
                else []
            loose = [n for n in loose if n not in self.known() and n not in bounds]
            if loose:  # ∂L/∂x = Wδ with δ defined only in words: a claim about every δ is not what it says
                return make(formula, "not-checkable", f"{', '.join(map(_name_text, loose))} on one side only, and "
                            "the note does not define it", parsed=link.claim, **extra)
            assumed = {**self.assumed, **self.after}
            assume = [assumed.get(n) or CONVENTIONS.get(n) or f"{n} integer >= 1" for n in names
                      if n in assumed or n in CONVENTIONS or n in bounds]
            after = [self.after[n] for n in names if n in self.after]
            if after:
                extra["notes"] = [*extra["notes"], "with the condition the text states after it: " + ", ".join(after)]
            text = f"{sp.sstr(lhs)} {link.rel} {sp.sstr(rhs)}"
            claim = prepare(Claim(lhs, link.rel, rhs, text), assume)
        except (ParseError, ValueError, StepTimeout, RecursionError, TypeError, AttributeError) as error:
            return make(formula, "not-checkable", f"outside the claim language: {_one_line(error)}",
                        parsed=link.claim, **extra)
        verdict = decide_limited(claim, timeout)
        outcome = _OUTCOME[verdict.status]
        reason = verdict.reason
        correction = concept = matched_by = None
        if outcome == "wrong":
            reason = _counterexample(verdict)
            written = type(link)(expand(link.lhs, self.definitions), link.rel, expand(link.rhs, self.definitions))
            compared = None if points else _compare(formula, written, timeout)
            if compared is not None and compared.outcome == "differs" and _grounded(compared):
                extra["notes"].append(f"compared with the standard {compared.concept.name}: {compared.statement}")
                correction, concept, matched_by = compared.correction, compared.concept.name, compared.matched_by
        elif outcome == "holds":
            reason = "proved"
        return make(formula, outcome, reason, parsed=link.claim, assumptions=tuple(claim.assumptions),
                    steps=list(verdict.steps), evidence=list(verdict.evidence),
                    counterexample=verdict.counterexample, correction=correction, concept=concept,
                    matched_by=matched_by, **extra)

    def named_expression(self, formula, timeout, make):
        """``$\\sum_i w_i^2$ 称为 $L_2$ 范数``: an expression the words right after it call a norm, compared with
        that norm; None when the words name none."""
        from .translate import Link, translate
        words = formula.after[:60]
        match = _NAMED_NORM.search(words)
        if match is None:
            return None
        try:
            side = translate(f"N = {formula.source}", self.definitions).links[0].rhs
        except ValueError:
            return None
        vectors = sorted({m.group(1) for m in re.finditer(r"([A-Za-z]\w*)\[", side)})
        if len(vectors) != 1:
            return None
        order = match.group(1)
        lhs = f"norm({vectors[0]})" if order == "2" else f"norm({vectors[0]}, 1)"
        compared = _compare(formula, Link(lhs, "=", side), timeout)
        if compared is None or not _grounded(compared):
            return None
        return _compared(formula, Link(lhs, "=", side), compared, make, {"notes": []},
                         f"the words after it call it the L{order} norm; ")

    def _used(self, reading) -> list:
        """A note naming the definitions a reading wrote out, with their lines."""
        used = []
        for name in sorted(reading.used):
            d = self.definitions.get(name) or self.definitions.get(name + "()")
            if d is not None:
                used.append(f"{_name_text(d.name)} (line {d.line})")
        return [f"wrote out the note's definitions of {', '.join(used)}"] if used else []

    def known(self) -> set:
        """Every name the note's definitions in scope define or use."""
        names = self.known_names()
        for d in self.definitions.values():
            names.update(d.variables)
            names.update(_names(d.body))
        return names

    def _is_value(self, text) -> bool:
        try:
            return not self._expression(expand(text, self.definitions)).free_symbols
        except (ParseError, StepTimeout, ValueError, RecursionError, TypeError):
            return False

    def _expression(self, side, points=None):
        from ..lang.vectors import vector_names
        expr = resolve_derivatives(parse_expression(side))
        vectors = vector_names(expr)  # g in norm(g) names a vector: a definition of the letter g is not it
        if points:  # σ′(0): the derivative's own variable set to the point, once it is differentiated
            expr = expr.xreplace({s: parse_expression(points[s.name]) for s in expr.free_symbols
                                  if s.name in points})
        for _ in range(4):
            swap = {}
            for s in expr.free_symbols:
                d = self.definitions.get(s.name)
                if d is not None and not d.params and s.name not in vectors:
                    swap[s] = _fresh_indices(resolve_derivatives(parse_expression(expand(d.body, self.definitions))))
            if not swap:
                break
            expr = expr.xreplace(swap)
        values = {s: self.values[s.name] for s in expr.free_symbols if s.name in self.values and s.name not in vectors}
        return expr.xreplace(values) if values else expr


# Words that name an activation near a formula, and the claim language's name for it.
ACTIVATION_WORDS = {"sigmoid": r"sigmoid|sigmod|logistic|σ|s型", "tanh": r"\btanh\b|双曲正切",
                    "relu": r"\brelu\b", "softplus": r"softplus", "gelu": r"\bgelu\b", "silu": r"\bsilu\b|swish"}


def _named_derivative(formula, link, reading, definitions):
    """``y′ = …`` where the prose, not the maths, says y is the sigmoid: the claim about σ′, or None.

    Only when ``y`` is not defined in the note, the words nearby name exactly one
    activation, and the right side has one variable; the finding says so."""
    head = reading.head
    if head is None or head[0] != "name" or not head[1].endswith("_prime") or link.rel != "=":
        return None
    base = head[1][:-len("_prime")]
    if base in definitions:
        return None
    words = " ".join([*formula.section[-1:], formula.before[-200:]]).lower()
    named = [name for name, pattern in ACTIVATION_WORDS.items() if re.search(pattern, words)]
    variables = sorted(set(_names(link.rhs)) - {"E", "pi"})
    if len(named) != 1 or len(variables) != 1:
        return None
    v = variables[0]
    note = f"read {base} as {named[0]}({v}): the words before the formula name it"
    return type(link)(f"diff({named[0]}({v}), {v})", "=", link.rhs, "claim"), note


def _compared(formula, link, compared, make, extra, lead=""):
    """The finding of a comparison with a standard definition: its outcome, statement, proof or refutation."""
    extra["notes"] = [*extra["notes"], f"compared with the standard form as: {compared.claim}"]
    return make(formula, compared.outcome, lead + compared.statement, concept=compared.concept.name,
                matched_by=compared.matched_by, correction=compared.correction, parsed=link.claim,
                assumptions=tuple(compared.assumptions), steps=list(compared.verdict.steps),
                counterexample=compared.verdict.counterexample, **extra)


def _grounded(compared) -> bool:
    """A difference to report: the structure says which concept it is, or the words do and the formula is
    one of that concept's known mistakes (θ + η∇L near "gradient descent"), not merely none of its forms."""
    if compared.outcome != "differs":
        return True
    return "structure" in compared.matched_by or compared.mistake is not None


def _compare(formula, link, timeout):
    from .concepts import compare
    words = " ".join([*formula.section, formula.before, formula.after])
    try:
        return compare(link.lhs, link.rhs, words, timeout=timeout)
    except (ParseError, ValueError, StepTimeout, RecursionError):
        return None


def _fresh_indices(expr):
    """``expr`` with the index of each of its sums renamed (i → i_1, …): written into a sum over i, the
    definition μ = (1/m) Σᵢ xᵢ must not capture that sum's i."""
    count = 0

    def rename(node):
        nonlocal count
        if isinstance(node, (sp.Sum, sp.Product)):
            inner = rename(node.function)
            limits = []
            for var, *bounds in node.limits:
                count += 1
                fresh = symbol(f"{var.name}_{count}", integer=True)
                inner = inner.xreplace({var: fresh})
                limits.append((fresh, *bounds))
            return type(node)(inner, *limits)
        if not node.args:
            return node
        return node.func(*[rename(a) for a in node.args]) if isinstance(node, sp.Expr) else node

    return rename(expr)


def _bound_names(expr) -> set:
    """Names in the limits of the sums and products of ``expr``."""
    names = set()
    for node in expr.atoms(sp.Sum, sp.Product):
        for _, *limits in node.limits:
            for bound in limits:
                names.update(s.name for s in getattr(bound, "free_symbols", ()))
    return names


_TIME = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z0-9]*(?:_(?:hat|bar|tilde))?)_(t|tm1|tp1)(?![\w(\[])")


def _recurrence(link):
    """``v_t = γ v_{t−1} + η g_t`` as the update ``v ← γ v + η g``, or None when it is not written so."""
    lhs = _TIME.fullmatch(link.lhs)
    if lhs is None or lhs.group(2) == "tm1" or not _TIME.search(link.rhs):
        return None
    return type(link)(lhs.group(1), "←", _TIME.sub(r"\1", link.rhs), "update")


def _assignment(link) -> bool:
    """``b = 0``: a bare name on the left, a number on the right."""
    return link.kind == "claim" and link.rel == "=" and bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", link.lhs)) \
        and link.lhs not in ("E", "pi") and not _names(link.rhs)


def _not_a_claim(link) -> tuple:
    why = {"approx": f"{link.rel} is not a claim of equality",
           "update": "an update rule (←), not an equation; no standard rule matched it",
           "arrow": f"{link.rel} joins statements, it is not a relation between values",
           "member": "membership (∈) in a set", "distributed": "states a distribution (∼), kept for the expectations after it"}
    return "not-checkable", why.get(link.kind, f"{link.rel} is not a relation the audit decides")


def _counterexample(verdict) -> str:
    point = verdict.counterexample or {}
    where = ", ".join(f"{_name_text(k)} = {v}" for k, v in point.items())
    if verdict.sides:
        left, right = verdict.sides
        return f"counterexample {where}: the left side is {_short(left)}, the right {_short(right)}" if where else \
            f"the left side is {_short(left)}, the right {_short(right)}"
    return f"counterexample {where}" if where else (verdict.reason or "refuted")


def _name_text(name) -> str:
    """A variable as the reader sees it: y_hat is ŷ, w_1 is w₁."""
    from ..render.printing import text
    try:
        return text(symbol(name))
    except ValueError:
        return str(name)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:22] + "…"


def _one_line(error) -> str:
    return " ".join(str(error).split())[:200]


def _mentions(text, name) -> bool:
    return name in _names(text)


def _names(text) -> list:
    return _TOKEN.findall(text)
