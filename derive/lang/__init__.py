"""The claim language: the safe expression builder, claims and domains.

- :mod:`~derive.lang.expressions`: the allow-listed builder over Python's ``ast``,
  its size limits, :class:`ParseError`, :func:`parse_expression`;
- :mod:`~derive.lang.operators`: ``diff(f, x)``, ``max(f, x)``, ``min(f, x)``, ``argmax``, ``limit`` kept as written;
- :mod:`~derive.lang.language`: the builder's handlers for sums, vectors, ``where``, limits, ``E`` and ``Var``;
- :mod:`~derive.lang.vectors`, :mod:`~derive.lang.expectations`: their unevaluated nodes;
- :mod:`~derive.lang.lowering`: claims with those written out for the verifier;
- :mod:`~derive.lang.domains`: :class:`Domain` and the assumptions that give one;
- :mod:`~derive.lang.claims`: :class:`Claim`, :func:`parse_claim` and :func:`prepare`,
  the one place a claim is made ready to decide.

>>> parse_expression("sigmoid(x)*(1 - sigmoid(x)) + 0.5")
(1 - sigmoid(x))*sigmoid(x) + 1/2
>>> parse_claim("diff(softplus(x), x) == sigmoid(x)").rel
'='
>>> parse_assumption("0 < p < 1")
{'p': Domain(interval=Interval.open(0, 1), integer=False)}
"""
from . import language  # noqa: F401  (fills the builder's table of constructs before any parsing)
from .claims import RELATIONS, Claim, parse_claim, prepare, rebase
from .domains import Domain, parse_assumption, parse_assumptions, with_domains
from .expressions import ParseError, parse_expression, parse_variable
from .operators import Argmax, Diff, Infimum, LimitAt, Supremum, resolve_derivatives
from .lowering import Undecidable, expand_expectations, instances, needs_lowering, resolve_limits

__all__ = ["ParseError", "Claim", "Domain", "Diff", "Supremum", "Infimum", "RELATIONS", "parse_expression",
           "parse_variable", "parse_claim", "parse_assumption", "parse_assumptions", "prepare", "rebase", "with_domains",
           "resolve_derivatives", "Argmax", "LimitAt", "Undecidable", "expand_expectations", "instances",
           "needs_lowering", "resolve_limits"]
