"""The proof catalogue's interface: :class:`Proof`, :class:`Derivation`, the registry.

A proof is a subclass of :class:`Proof` in a module of the ``proofs``
package.  Defining the subclass registers it under its ``id``; the registry
imports every module of ``proofs`` (no hand-kept list).  Each proof states
the textbook's claim, derives it (:meth:`Proof.derive` returns a
:class:`Derivation`, the ordered steps, each a SymPy relation with its
justification, every obligation actually discharged by SymPy), cross-checks
it numerically (:meth:`Proof.evidence`), and declares the verdict it expects.

The verdict is computed, never declared: ``refuted`` when a counterexample
or argument against the seed's statement was confirmed, ``proved`` when every
symbolic obligation was discharged and every numeric check agrees,
``demonstrated`` for a numeric experiment whose checks pass, ``supported``
for numeric agreement alone, ``unknown`` otherwise.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> d = Derivation()
>>> d.equal(sp.diff(x**2, x), 2 * x, "power rule")
True
>>> d.equal(sp.exp(x), 1 + x, "not an identity")
False
>>> d.status
'unknown'
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import re
import pkgutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from .limits import StepTimeout, run_limited
from .workers import run_each
from .render.printing import latex
from .render.latex import RELATIONS as TEX_RELATIONS
from .render.text import RELATIONS as SHOWN
from .steps import Rel, Step, phrase

STATUSES = ("proved", "refuted", "supported", "demonstrated", "unknown")
PROOF_SECONDS = 60.0  # hard limit for one proof, derivation and checks together
JOBS = max(1, min(2, os.cpu_count() or 1))  # proofs run in parallel workers, one per core (2 here)
REGISTRY: dict = {}


class Derivation(list):
    """The ordered steps of a proof, and the obligations they discharged.

    Methods that *show* something (:meth:`equal`, :meth:`holds`,
    :meth:`refute`) run the symbolic argument and record whether it went
    through; :meth:`define` and :meth:`note` record what needs no proof.
    """

    def __init__(self):
        super().__init__()
        self.obligations = 0
        self.failures: list = []
        self.refutations: list = []  # one line each: the counterexample or the exact argument

    # -- recording ----------------------------------------------------------------

    def define(self, lhs, rhs, why="definition"):
        """A definition or a value computed by the tool: ``lhs = rhs``, nothing to prove."""
        self.append(Step(Rel(lhs, "=", rhs), why))
        return rhs

    def note(self, statement, why):
        """A sentence of the argument (a string) with its justification."""
        self.append(Step(statement, why))

    def _fail(self, what, why):
        """``what`` (a :class:`~derive.steps.Phrase`) was not shown: recorded, and the proof is unknown."""
        self.failures.append(str(what))
        self.append(Step(phrase("NOT SHOWN: ", what), why))
        return False

    # -- obligations ----------------------------------------------------------------

    def equal(self, lhs, rhs, why, assume=None):
        """Show lhs = rhs symbolically (lhs − rhs reduces to 0); record the step.

        ``assume`` maps variable names to :class:`~derive.lang.Domain`.
        """
        from .lang import with_domains
        from .prove import prove_zero
        self.obligations += 1
        diff = lhs - rhs
        assumed = with_domains(diff, assume or {})
        scratch = []
        try:
            ok = diff == 0 or assumed == 0 or prove_zero(assumed, scratch)
        except StepTimeout:
            ok = False
        if not ok:
            return self._fail(phrase(lhs, " = ", rhs), why)
        shown = scratch[-1].why if scratch else "identical after SymPy's normalisation"
        self.append(Step(Rel(lhs, "=", rhs), f"{why} ({shown})"))
        return True

    def holds(self, lhs, rel, rhs, why, assume=None):
        """Show the relation ``lhs rel rhs`` with the claim verifier's symbolic argument."""
        verdict = self._decide(lhs, rel, rhs, assume)
        self.obligations += 1
        if verdict.status != "proved":
            return self._fail(phrase(lhs, f" {SHOWN[rel]} ", rhs), f"{why}: {verdict.status}")
        self.extend(verdict.steps)
        self.append(Step(Rel(lhs, rel, rhs), why))
        return True

    def refute(self, lhs, rel, rhs, why, assume=None):
        """Refute ``lhs rel rhs``: a counterexample certified with arb (or an exact argument)."""
        verdict = self._decide(lhs, rel, rhs, assume)
        if verdict.status != "refuted":
            return self._fail(phrase("the refutation of ", lhs, f" {SHOWN[rel]} ", rhs), f"{why}: {verdict.status}")
        self.extend(verdict.steps)
        at = ", ".join(f"{latex(sp.Symbol(k))} = {v}" for k, v in (verdict.counterexample or {}).items())
        sides = f": lhs = {verdict.sides[0][:14]}, rhs = {verdict.sides[1][:14]} (50 digits, certified)" \
            if verdict.sides else ""
        self.refutations.append(f"${latex(lhs)} {TEX_RELATIONS[rel]} {latex(rhs)}$ fails at "
                                + (f"${at}$" if at else "no variables") + sides)  # markup, like the prose
        self.append(Step(phrase("so ", lhs, f" {SHOWN[rel]} ", rhs, " is false"), why))
        return True

    def refuted_by(self, argument, why):
        """Record a refutation established by an exact computation already shown in the steps.

        ``argument`` is a SymPy boolean that must evaluate to ``True`` exactly
        (for example ``sp.Lt(value, 0)`` for a loss that is negative).
        """
        if argument is not sp.true and argument is not True:
            return self._fail(f"the argument {argument}", why)
        self.refutations.append(f"{why} (an exact computation)")
        self.append(Step("so the statement as written is false", why))
        return True

    def _decide(self, lhs, rel, rhs, assume):
        from .lang import Claim, prepare
        from .verifier import decide
        claim = Claim(sp.sympify(lhs, strict=True), rel, sp.sympify(rhs, strict=True),  # strict: never text
                      f"{lhs} {rel} {rhs}")
        return decide(prepare(claim, assume, strict=False))

    @property
    def status(self) -> str:
        """``refuted``, ``proved`` (obligations all shown), ``unknown`` (one failed), or None (no obligations)."""
        if self.failures:
            return "unknown"
        if self.refutations:
            return "refuted"
        return "proved" if self.obligations else None


class Proof:
    """One checked claim of the source text.  Subclasses set the attributes below.

    ``id``          stable slug, unique in the catalogue
    ``section``     the seed's section, e.g. "3(1) 梯度消失 / vanishing gradients"
    ``title``       a short English title
    ``quote``       the seed's formula or sentence, as written
    ``statement``   what is checked, in words and formulas
    ``expected``    the verdict the catalogue expects (one of STATUSES)
    ``erratum``     True when the seed's statement is wrong or imprecise
    ``correction``  the corrected statement, or None
    ``experiment``  True for a numeric experiment (its verdict is "demonstrated")
    ``why_wrong``   for an erratum: one sentence saying why the seed's statement fails
    ``figures``     the report's figures of this proof, :class:`derive.render.figures.Figure`
    """

    id = ""
    section = ""
    title = ""
    quote = ""
    statement = ""
    expected = "proved"
    erratum = False
    correction = None
    experiment = False
    why_wrong = ""
    figures = ()

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.id or not register:
            return
        if cls.id in REGISTRY and REGISTRY[cls.id] is not cls:
            raise ValueError(f"two proofs have the id {cls.id!r}")
        if cls.expected not in STATUSES:
            raise ValueError(f"{cls.id}: unknown expected verdict {cls.expected!r}")
        REGISTRY[cls.id] = cls

    def derive(self) -> Derivation:
        """The symbolic derivation (override)."""
        return Derivation()

    def evidence(self) -> list:
        """The numeric evidence, a list of :class:`~derive.numeric.Evidence` (override)."""
        return []


@dataclass
class Result:
    """The outcome of running one proof."""

    id: str
    section: str
    title: str
    statement: str
    quote: str
    expected: str
    status: str
    erratum: bool
    correction: str | None
    steps: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    seconds: float = 0.0
    reason: str = ""
    obligations: int = 0  # symbolic obligations discharged (or attempted)
    refutations: list = field(default_factory=list)  # how the seed's statement was refuted

    @property
    def as_expected(self) -> bool:
        return self.status == self.expected

    def as_dict(self) -> dict:
        return {
            "id": self.id, "section": self.section, "title": self.title, "statement": self.statement,
            "quote": self.quote, "status": self.status, "expected": self.expected,
            "erratum": self.erratum, "correction": self.correction,
            "steps": [s.as_dict() for s in self.steps],
            "evidence": [e.as_dict() for e in self.evidence],
            "seconds": round(self.seconds, 3), "reason": self.reason, "obligations": self.obligations,
            "refutations": list(self.refutations),
        }

    def __str__(self):
        """What ``derive show ID`` prints: the seed's words, the derivation, the evidence, the verdict."""
        from .render.text import as_text
        return as_text(self)

    def explanation(self) -> str:
        """The text :meth:`explain` prints: the claim, each numbered step with its justification,
        the refutations, the evidence, and why the verdict follows (:mod:`derive.render.text`)."""
        from .render.text import as_text
        return as_text(self, "explain")

    def explain(self, file=None):
        """Print the numbered derivation with its justifications, the evidence and the verdict.

        It prints (to ``file``, default stdout) and returns None; :meth:`explanation` gives the text.
        """
        print(self.explanation(), file=file)

    def _repr_latex_(self):
        """Jupyter: the title, each step (formulas in LaTeX, prose as text) with its reason, the verdict."""
        from .render.latex import jupyter
        return jupyter(self)


def verdict_of(derivation: Derivation, evidence: list, experiment: bool) -> tuple[str, str]:
    """The computed verdict and, when it is ``unknown``, the reason."""
    failed = [e for e in evidence if not e.passed]
    if derivation.status == "unknown":
        return "unknown", "a symbolic step was not shown: " + "; ".join(derivation.failures)
    if failed:
        return "unknown", "a numeric check disagrees: " + str(failed[0])
    if derivation.status == "refuted":
        return "refuted", ""
    if experiment:
        return ("demonstrated", "") if evidence else ("unknown", "the experiment produced no evidence")
    if derivation.status == "proved":
        return ("proved", "") if evidence else ("unknown", "a proof needs a numeric cross-check too")
    return ("supported", "") if evidence else ("unknown", "neither an argument nor evidence")


def run_in_process(cls) -> Result:
    """Run a proof class here, without a worker (tests and the worker itself use this)."""
    start = time.perf_counter()
    proof = cls()
    derivation = proof.derive()
    evidence = list(proof.evidence())
    status, reason = verdict_of(derivation, evidence, cls.experiment)
    return Result(cls.id, cls.section, cls.title, cls.statement, cls.quote, cls.expected, status,
                  cls.erratum, cls.correction, list(derivation), evidence,
                  time.perf_counter() - start, reason,
                  derivation.obligations + len(derivation.refutations), list(derivation.refutations))


def _result(cls, outcome, seconds) -> Result:
    if outcome.ok:
        return outcome.value
    return Result(cls.id, cls.section, cls.title, cls.statement, cls.quote, cls.expected, "unknown",
                  cls.erratum, cls.correction, seconds=seconds, reason=outcome.reason)


def run(proof_id: str, timeout: float = PROOF_SECONDS) -> Result:
    """Run one proof in a limited worker; a timeout or crash gives ``unknown`` with the reason."""
    cls = get(proof_id)
    start = time.perf_counter()
    return _result(cls, run_limited(run_in_process, cls, timeout=timeout), time.perf_counter() - start)


def run_many(proof_ids, jobs: int = JOBS, timeout: float = PROOF_SECONDS, on_result=None) -> list:
    """Run proofs in up to ``jobs`` limited workers; results in the order of ``proof_ids``.

    ``on_result(index, result)`` is called as each proof finishes.  A proof
    that times out or crashes is ``unknown`` with the reason; the rest go on.
    The workers are :func:`derive.workers.run_each`'s: each takes one proof
    after another under that proof's own limits, and keeps SymPy's cache.
    """
    classes = [get(pid) for pid in proof_ids]
    start = time.perf_counter()

    def done(index, outcome):
        if on_result is not None:
            on_result(index, _result(classes[index], outcome, time.perf_counter() - start))

    outcomes = run_each(run_in_process, classes, jobs=jobs, timeout=timeout, on_done=done)
    return [_result(cls, o, time.perf_counter() - start) for cls, o in zip(classes, outcomes)]


CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "proofs"  # installed beside derive/


def load_catalogue():
    """derive's own ``proofs`` package, loaded from its file beside ``derive/``, never by name.

    A plain ``import proofs`` searches the import path, whose first entry in a
    REPL, a notebook or ``python -m`` is the working folder: a ``proofs/`` in a
    downloaded folder of notes would run.  A ``proofs`` already imported from
    anywhere else is refused.
    """
    init = CATALOGUE_DIR / "__init__.py"
    loaded = sys.modules.get("proofs")
    if loaded is not None:
        where = getattr(loaded, "__file__", None)
        if where is None or Path(where).resolve() != init:
            raise ImportError(f"a module named 'proofs' is already imported from {where}; "
                              f"derive's catalogue is {CATALOGUE_DIR}")
        return loaded
    spec = importlib.util.spec_from_file_location("proofs", init, submodule_search_locations=[str(CATALOGUE_DIR)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["proofs"] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules["proofs"]
        raise
    return module


def discover(package: str = "proofs") -> dict:
    """Import every module of ``package`` and return the registry {id: Proof subclass}.

    The default, derive's catalogue, is loaded from its own folder
    (:func:`load_catalogue`), whatever the working folder holds.
    """
    pkg = load_catalogue() if package == "proofs" else importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package}.{info.name}")
    return dict(sorted(REGISTRY.items(), key=lambda kv: (_section_key(kv[1].section), kv[0])))


def _section_key(section: str):
    """"3(4) ..." sorts as (3, 4): the numbers at the start of the section."""
    head = section.split()[0] if section else ""
    return tuple(int(t) for t in re.findall(r"\d+", head))


def get(proof_id: str):
    """The proof class with this id (after :func:`discover`)."""
    if proof_id not in REGISTRY:  # not only an empty registry: one proof module may have been imported alone
        discover()
    try:
        return REGISTRY[proof_id]
    except KeyError:
        raise KeyError(f"no proof with id {proof_id!r}; `derive list` shows them") from None
