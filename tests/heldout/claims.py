"""The held-out claims: hand-written, hand-labelled, each with its own mpmath evaluator.

Each :class:`Row` holds the claim text as a user would type it for
``derive verify``, its assumptions, the label (True: the claim holds on the
whole stated domain; False: it does not), a one-line reason written by hand
(the textbook argument, or why it fails), for a false claim a hand-found
witness (name -> exact value as text), and ``f``: a function of mpmath
numbers, written by hand with mpmath and never with ``derive``, that returns
``(lhs, rhs)`` at a point.  Its parameters are named after the claim's free
variables.  For claims about vectors (``syntax="new"``) a vector parameter
receives a list of mpmath numbers.

``attained=True`` marks a non-strict inequality whose two sides meet somewhere
on the domain (the reason says where); only there does the label check allow
a 1e-40 slack.  ``kind`` groups the rows:

- ``textbook``: facts from d2l.ai, Goodfellow-Bengio-Courville and Bishop (true);
- ``sign``: a sign flip or a wrong direction;
- ``constant``: a constant a hair off;
- ``window``: a violation only in a narrow window, at one point, or far out;
- ``integer``: floor / ceil / integer variables;
- ``strict``: a strict inequality whose sides meet;
- ``infinity``: an infimum or supremum approached only at infinity;
- ``derivative``: a derivative, right or wrong;
- ``domain``: a claim whose truth hangs on the stated domain;
- ``names``: the variable ``e`` against Euler's number ``E``;
- ``float``: bounds past the largest float;
- ``new``: the vector / sum / expectation syntax being built now.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import mpmath as mp

__all__ = ["Row", "ROWS", "M"]


@dataclass(frozen=True)
class Row:
    id: str
    claim: str
    assume: tuple
    label: bool
    reason: str
    f: Callable
    kind: str
    witness: dict = field(default_factory=dict)
    attained: bool = False
    syntax: str = "current"


class M:
    """The activations by hand, in mpmath at the caller's precision (mp.mp.dps)."""

    @staticmethod
    def sig(x):
        return 1 / (1 + mp.exp(-x))

    @staticmethod
    def dsig(x):
        s = 1 / (1 + mp.exp(-x))
        return s * (1 - s)

    @staticmethod
    def softplus(x):
        return mp.log1p(mp.exp(x))

    @staticmethod
    def relu(x):
        return x if x > 0 else mp.mpf(0)

    @staticmethod
    def leaky(x, a=None):
        a = mp.mpf(1) / 100 if a is None else a
        return x if x > 0 else a * x

    @staticmethod
    def elu(x, a=None):
        a = mp.mpf(1) if a is None else a
        return x if x > 0 else a * mp.expm1(x)

    LAM = "1.0507009873554804934193349852946"
    ALPHA = "1.6732632423543772848170429916717"

    @staticmethod
    def selu(x):
        lam, alpha = mp.mpf(M.LAM), mp.mpf(M.ALPHA)
        return lam * x if x > 0 else lam * alpha * mp.expm1(x)

    @staticmethod
    def gelu(x):
        return x * mp.erfc(-x / mp.sqrt(2)) / 2

    @staticmethod
    def silu(x):
        return x / (1 + mp.exp(-x))

    @staticmethod
    def mish(x):
        return x * mp.tanh(mp.log1p(mp.exp(x)))

    @staticmethod
    def softsign(x):
        return x / (1 + abs(x))

    @staticmethod
    def hardtanh(x):
        return max(mp.mpf(-1), min(mp.mpf(1), x))

    @staticmethod
    def sign(x):
        return mp.mpf(1) if x > 0 else (mp.mpf(-1) if x < 0 else mp.mpf(0))

    @staticmethod
    def d(fn, x):
        """The derivative of fn at x by mpmath's high-precision differencing (independent of any algebra)."""
        return mp.diff(fn, x)

    @staticmethod
    def crit(fn, x0):
        """A critical point of fn near x0, found numerically."""
        return mp.findroot(lambda t: mp.diff(fn, t), x0)

    @staticmethod
    def softmax(o):
        m = max(o)
        z = [mp.exp(v - m) for v in o]
        s = mp.fsum(z)
        return [v / s for v in z]

    @staticmethod
    def lse(o):
        m = max(o)
        return m + mp.log(mp.fsum(mp.exp(v - m) for v in o))

    @staticmethod
    def norm(v, k=2):
        return mp.fsum(abs(t) for t in v) if k == 1 else mp.sqrt(mp.fsum(t * t for t in v))


def Q(a, b=1):
    """The exact rational a/b at the working precision."""
    return mp.mpf(a) / b


@functools.lru_cache(maxsize=None)
def _std_second(dps):
    """∫ u² φ(u) du over the reals, by quadrature at ``dps`` digits."""
    with mp.workdps(dps):
        return +mp.quad(lambda t: t ** 2 * mp.npdf(t), [-mp.inf, 0, mp.inf])


def _quad30(fn):
    """∫ fn over the reals at 30 digits (enough to tell e^{1/2} from 1)."""
    with mp.workdps(30):
        return +mp.quad(fn, [-mp.inf, 0, mp.inf])


ROWS: list[Row] = []


def T(id, claim, f, reason, assume=(), kind="textbook", attained=False, syntax="current"):
    ROWS.append(Row(id, claim, tuple(assume), True, reason, f, kind, {}, attained, syntax))


def F(id, claim, f, reason, witness, assume=(), kind="sign", syntax="current"):
    ROWS.append(Row(id, claim, tuple(assume), False, reason, f, kind, dict(witness), False, syntax))


sig, dsig, sp_, relu = M.sig, M.dsig, M.softplus, M.relu
LOG2 = lambda: mp.log(2)  # noqa: E731

# ---------------------------------------------------------------- sigmoid and tanh
T("sig-sym", "sigmoid(-x) = 1 - sigmoid(x)", lambda x: (sig(-x), 1 - sig(x)),
  "e^x/(1+e^x) = 1 - 1/(1+e^x): multiply numerator and denominator of 1/(1+e^x) by e^-x")
F("sig-sym-flip", "sigmoid(-x) = sigmoid(x) - 1", lambda x: (sig(-x), sig(x) - 1),
  "the symmetry is 1 - σ(x); σ(x) - 1 is negative while σ(-x) > 0", {"x": "0"})
T("sig-deriv", "diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))",
  lambda x: (M.d(sig, x), sig(x) * (1 - sig(x))), "d/dx (1+e^-x)^-1 = e^-x/(1+e^-x)^2 = σ(1-σ)", kind="derivative")
T("sig-deriv-prod", "sigmoid(x)*sigmoid(-x) = diff(sigmoid(x), x)", lambda x: (sig(x) * sig(-x), M.d(sig, x)),
  "σ(-x) = 1 - σ(x), and σ' = σ(1-σ)", kind="derivative")
T("sig-deriv-quarter", "diff(sigmoid(x), x) <= 1/4", lambda x: (M.d(sig, x), Q(1, 4)),
  "σ(1-σ) ≤ 1/4 by AM-GM, equality at x = 0 where σ = 1/2", attained=True)
F("sig-deriv-2499", "diff(sigmoid(x), x) <= 0.2499", lambda x: (M.d(sig, x), Q(2499, 10000)),
  "σ'(0) = 1/4 > 0.2499", {"x": "0"}, kind="constant")
F("sig-deriv-strict", "diff(sigmoid(x), x) < 1/4", lambda x: (M.d(sig, x), Q(1, 4)),
  "σ'(0) = 1/4 exactly: strict fails at 0 (equality counts as a violation)", {"x": "0"}, kind="strict")
T("sig-deriv-strict-pos", "diff(sigmoid(x), x) < 1/4", lambda x: (M.d(sig, x), Q(1, 4)),
  "σ' = 1/4 only at 0, which x > 0 excludes", assume=["x > 0"], kind="domain")
T("sig-max-quarter", "max(diff(sigmoid(x), x), x) = 1/4",
  lambda: (dsig(M.crit(dsig, mp.mpf("0.3"))), Q(1, 4)),
  "the only critical point of σ' is 0 (σ'' = σ'(1-2σ)), σ'(0) = 1/4, and σ' → 0 at ±∞")
F("sig-max-half", "max(diff(sigmoid(x), x), x) = 1/2", lambda: (dsig(M.crit(dsig, mp.mpf("0.3"))), Q(1, 2)),
  "sup σ' is 1/4, not 1/2", {}, kind="constant")
T("sig-pos", "sigmoid(x) > 0", lambda x: (sig(x), 0), "1/(1+e^-x) with a finite positive denominator")
T("sig-lt1", "sigmoid(x) < 1", lambda x: (sig(x), 1), "e^-x > 0 makes 1 + e^-x > 1")
F("sig-1e9", "sigmoid(x) >= 1e-9", lambda x: (sig(x), Q(1, 10**9)),
  "inf σ = 0 approached as x → -∞: σ(-30) ≈ 9.4e-14", {"x": "-30"}, kind="infinity")
T("sig-1e9-dom", "sigmoid(x) >= 1e-9", lambda x: (sig(x), Q(1, 10**9)),
  "σ is increasing and σ(-20) ≈ 2.06e-9 > 1e-9", assume=["x >= -20"], kind="domain")
F("sig-1-1e20", "sigmoid(x) <= 1 - 1e-20", lambda x: (sig(x), 1 - Q(1, 10**20)),
  "1 - σ(50) = σ(-50) ≈ 1.9e-22 < 1e-20", {"x": "50"}, kind="infinity")
T("sig-half", "sigmoid(x) >= 1/2", lambda x: (sig(x), Q(1, 2)), "σ increasing with σ(0) = 1/2",
  assume=["x >= 0"], kind="domain", attained=True)
T("sig-tangent", "sigmoid(x) <= 1/2 + x/4", lambda x: (sig(x), Q(1, 2) + x / 4),
  "σ(0) = 1/2 and σ' ≤ 1/4, so σ(x) - σ(0) ≤ x/4 for x ≥ 0; equality at 0", assume=["x >= 0"], attained=True)
F("sig-tangent-flip", "sigmoid(x) >= 1/2 + x/4", lambda x: (sig(x), Q(1, 2) + x / 4),
  "σ(1) ≈ 0.731 < 0.75", {"x": "1"}, assume=["x >= 0"])
T("sig-exp", "sigmoid(x) < exp(x)", lambda x: (sig(x), mp.exp(x)), "σ(x) = e^x/(1+e^x) and 1 + e^x > 1")
T("sig-logit", "log(sigmoid(x)/(1 - sigmoid(x))) = x", lambda x: (mp.log(sig(x) / (1 - sig(x))), x),
  "σ/(1-σ) = e^x: the logit inverts the sigmoid")
T("log-sig", "log(sigmoid(x)) = -softplus(-x)", lambda x: (mp.log(sig(x)), -sp_(-x)),
  "log(1/(1+e^-x)) = -log(1+e^-x)")
T("log-sig-neg", "log(sigmoid(x)) < 0", lambda x: (mp.log(sig(x)), 0), "0 < σ < 1")
T("sig-tanh-half", "sigmoid(x) = (1 + tanh(x/2))/2", lambda x: (sig(x), (1 + mp.tanh(x / 2)) / 2),
  "tanh(x/2) = 2σ(x) - 1")
T("sig-mono", "sigmoid(x + 1) > sigmoid(x)", lambda x: (sig(x + 1), sig(x)), "σ' > 0 everywhere")
F("sig-mono-fifth", "sigmoid(x + 1) > sigmoid(x) + 1/5", lambda x: (sig(x + 1), sig(x) + Q(1, 5)),
  "σ(11) - σ(10) ≈ 2.9e-5: the gap vanishes far out", {"x": "10"}, kind="infinity")
F("sig-deriv-1e10", "sigmoid(x)*(1 - sigmoid(x)) >= 1e-10", lambda x: (dsig(x), Q(1, 10**10)),
  "σ' → 0 as |x| → ∞: σ'(-30) ≈ 9.4e-14 (vanishing gradients)", {"x": "-30"}, kind="infinity")
T("tanh-sig", "tanh(x) = 2*sigmoid(2*x) - 1", lambda x: (mp.tanh(x), 2 * sig(2 * x) - 1),
  "(1-e^-2x)/(1+e^-2x) = 2/(1+e^-2x) - 1")
F("tanh-sig-wrong", "tanh(x) = 2*sigmoid(x) - 1", lambda x: (mp.tanh(x), 2 * sig(x) - 1),
  "2σ(x) - 1 = tanh(x/2), not tanh(x): at 1, 0.762 vs 0.462", {"x": "1"}, kind="constant")
T("tanh-deriv", "diff(tanh(x), x) = 1 - tanh(x)**2", lambda x: (M.d(mp.tanh, x), 1 - mp.tanh(x) ** 2),
  "d tanh = sech² = 1 - tanh²", kind="derivative")
F("tanh-deriv-wrong", "diff(tanh(x), x) = 1 - tanh(x)", lambda x: (M.d(mp.tanh, x), 1 - mp.tanh(x)),
  "the square is missing: at 1, 0.420 vs 0.238", {"x": "1"}, kind="derivative")
F("tanh-deriv-half", "diff(tanh(x), x) <= 1/2", lambda x: (M.d(mp.tanh, x), Q(1, 2)),
  "tanh'(0) = 1", {"x": "0"}, kind="constant")
T("tanh-sig-deriv", "1 - tanh(x)**2 = 4*sigmoid(2*x)*(1 - sigmoid(2*x))",
  lambda x: (1 - mp.tanh(x) ** 2, 4 * dsig(2 * x)), "tanh = 2σ(2x) - 1, differentiate both sides")
T("tanh-abs", "abs(tanh(x)) < 1", lambda x: (abs(mp.tanh(x)), 1), "|e^x - e^-x| < e^x + e^-x")
F("tanh-abs-6nines", "abs(tanh(x)) < 0.999999", lambda x: (abs(mp.tanh(x)), Q(999999, 10**6)),
  "tanh(10) ≈ 1 - 4.1e-9: the sup 1 is approached at infinity", {"x": "10"}, kind="infinity")
T("tanh-le-x", "tanh(x) <= x", lambda x: (mp.tanh(x), x), "tanh(0) = 0 and tanh' ≤ 1; equality at 0",
  assume=["x >= 0"], kind="domain", attained=True)
F("tanh-ge-x", "tanh(x) >= x", lambda x: (mp.tanh(x), x), "tanh(1) ≈ 0.762 < 1", {"x": "1"}, assume=["x >= 0"])
T("tanh-lt-x-pos", "tanh(x) < x", lambda x: (mp.tanh(x), x), "tanh' = 1 - tanh² < 1 for x ≠ 0",
  assume=["x > 0"], kind="domain")
F("tanh-lt-x-zero", "tanh(x) < x", lambda x: (mp.tanh(x), x), "at x = 0 both sides are 0",
  {"x": "0"}, assume=["x >= 0"], kind="strict")
T("tanh-sinh", "tanh(x) = sinh(x)/cosh(x)", lambda x: (mp.tanh(x), mp.sinh(x) / mp.cosh(x)), "definition")
T("cosh-sinh", "cosh(x)**2 - sinh(x)**2 = 1", lambda x: (mp.cosh(x) ** 2 - mp.sinh(x) ** 2, 1),
  "((e^x+e^-x)² - (e^x-e^-x)²)/4 = 1")
T("cosh-ge1", "cosh(x) >= 1", lambda x: (mp.cosh(x), 1), "AM-GM on e^x, e^-x; equality at 0", attained=True)
T("cosh-half-exp", "cosh(x) > exp(x)/2", lambda x: (mp.cosh(x), mp.exp(x) / 2), "cosh x - e^x/2 = e^-x/2 > 0")
F("cosh-half-exp-plus", "cosh(x) >= exp(x)/2 + 1/2", lambda x: (mp.cosh(x), mp.exp(x) / 2 + Q(1, 2)),
  "needs e^-x ≥ 1, i.e. x ≤ 0: fails at x = 1", {"x": "1"})

# ---------------------------------------------------------------- softplus
T("sp-ge-relu", "softplus(x) >= Max(0, x)", lambda x: (sp_(x), max(mp.mpf(0), x)),
  "log(1+e^x) > log(e^x) = x and > log 1 = 0")
T("sp-gt-relu", "softplus(x) > Max(0, x)", lambda x: (sp_(x), max(mp.mpf(0), x)),
  "strict: 1 + e^x exceeds both 1 and e^x")
T("sp-le-relu-log2", "softplus(x) <= Max(0, x) + log(2)", lambda x: (sp_(x), max(mp.mpf(0), x) + LOG2()),
  "softplus(x) - max(0,x) = log(1 + e^-|x|) ≤ log 2, equality at 0", attained=True)
F("sp-le-relu-069", "softplus(x) <= Max(0, x) + 0.69", lambda x: (sp_(x), max(mp.mpf(0), x) + Q(69, 100)),
  "softplus(0) = log 2 ≈ 0.6931 > 0.69", {"x": "0"}, kind="constant")
T("sp-le-relu-06932", "softplus(x) <= Max(0, x) + 0.6932", lambda x: (sp_(x), max(mp.mpf(0), x) + Q(6932, 10000)),
  "the gap log(1+e^-|x|) is at most log 2 ≈ 0.693147 < 0.6932")
F("sp-lt-relu-log2", "softplus(x) < Max(0, x) + log(2)", lambda x: (sp_(x), max(mp.mpf(0), x) + LOG2()),
  "equality at x = 0", {"x": "0"}, kind="strict")
F("sp-ge-x-1e12", "softplus(x) >= x + 1e-12", lambda x: (sp_(x), x + Q(1, 10**12)),
  "softplus(x) - x = log(1+e^-x) ≈ 9.4e-14 at x = 30", {"x": "30"}, kind="infinity")
T("sp-deriv", "diff(softplus(x), x) = sigmoid(x)", lambda x: (M.d(sp_, x), sig(x)),
  "d log(1+e^x) = e^x/(1+e^x)", kind="derivative")
F("sp-deriv-tanh", "diff(softplus(x), x) = tanh(x)", lambda x: (M.d(sp_, x), mp.tanh(x)),
  "softplus' = σ, not tanh: σ(1) ≈ 0.731, tanh 1 ≈ 0.762", {"x": "1"}, kind="derivative")
F("sp-deriv-sigprime", "diff(softplus(x), x) = sigmoid(x)*(1 - sigmoid(x))",
  lambda x: (M.d(sp_, x), dsig(x)), "that is softplus'': at 0, 1/2 vs 1/4", {"x": "0"}, kind="derivative")
T("sp-odd-part", "softplus(x) - softplus(-x) = x", lambda x: (sp_(x) - sp_(-x), x),
  "log((1+e^x)/(1+e^-x)) = log e^x")
T("sp-tangent", "softplus(x) >= log(2) + x/2", lambda x: (sp_(x), LOG2() + x / 2),
  "softplus is convex (σ' > 0) and this is its tangent at 0", attained=True)
F("sp-tangent-flip", "softplus(x) <= log(2) + x/2", lambda x: (sp_(x), LOG2() + x / 2),
  "a convex function lies above its tangent: softplus(2) ≈ 2.127 > 1.693", {"x": "2"})
T("sp-convex", "softplus((a + b)/2) <= (softplus(a) + softplus(b))/2",
  lambda a, b: (sp_((a + b) / 2), (sp_(a) + sp_(b)) / 2), "softplus'' = σ' > 0: midpoint convexity, equal at a = b",
  attained=True)
F("sp-convex-strict", "softplus((a + b)/2) < (softplus(a) + softplus(b))/2",
  lambda a, b: (sp_((a + b) / 2), (sp_(a) + sp_(b)) / 2), "equality when a = b", {"a": "0", "b": "0"},
  kind="strict")

# ---------------------------------------------------------------- ReLU family, GELU, SiLU, ...
T("relu-max", "relu(x) = Max(0, x)", lambda x: (relu(x), max(mp.mpf(0), x)), "definition")
F("relu-abs", "relu(x) = abs(x)", lambda x: (relu(x), abs(x)), "relu(-1) = 0, |-1| = 1", {"x": "-1"})
T("relu-odd", "relu(x) - relu(-x) = x", lambda x: (relu(x) - relu(-x), x), "x⁺ - x⁻ = x")
T("relu-abs-sum", "relu(x) + relu(-x) = abs(x)", lambda x: (relu(x) + relu(-x), abs(x)), "x⁺ + x⁻ = |x|")
T("relu-prod", "relu(x)*relu(-x) = 0", lambda x: (relu(x) * relu(-x), 0), "one of x⁺, x⁻ is always 0")
F("relu-prod-wrong", "relu(x)*relu(-x) = relu(x)", lambda x: (relu(x) * relu(-x), relu(x)),
  "at 1 the left is 0, the right 1", {"x": "1"})
F("relu-window", "relu(x - 500)*relu(501 - x) = 0", lambda x: (relu(x - 500) * relu(501 - x), 0),
  "positive on the window (500, 501): 1/4 at 1001/2", {"x": "1001/2"}, kind="window")
T("relu-window-bound", "relu(x - 500)*relu(501 - x) <= 1/4", lambda x: (relu(x - 500) * relu(501 - x), Q(1, 4)),
  "(x-500)(501-x) ≤ 1/4 by AM-GM on the window, equality at 1001/2, 0 outside", attained=True)
T("relu-deriv-pos", "diff(relu(x), x) = 1", lambda x: (M.d(relu, x), 1), "relu = x on x > 0",
  assume=["x > 0"], kind="derivative")
T("leaky-max", "leaky_relu(x, 1/10) = Max(x, x/10)", lambda x: (M.leaky(x, Q(1, 10)), max(x, x / 10)),
  "for slope a < 1, ax > x exactly when x < 0")
F("leaky-wrong-slope", "leaky_relu(x, 1/10) = Max(x, x/100)",
  lambda x: (M.leaky(x, Q(1, 10)), max(x, x / 100)), "at -1: -0.1 vs -0.01", {"x": "-1"}, kind="constant")
T("leaky-general", "leaky_relu(x, a) = Max(x, a*x)", lambda x, a: (M.leaky(x, a), max(x, a * x)),
  "for 0 < a < 1, max(x, ax) is x for x > 0 and ax for x < 0", assume=["a in (0, 1)"])
T("leaky-ge-x", "leaky_relu(x) >= x", lambda x: (M.leaky(x), x),
  "x/100 ≥ x for x ≤ 0; equal for x ≥ 0", attained=True)
F("leaky-nonneg", "leaky_relu(x) >= 0", lambda x: (M.leaky(x), 0), "leaky_relu(-1) = -1/100",
  {"x": "-1"})
T("leaky-deriv-neg", "diff(leaky_relu(x), x) = 1/100", lambda x: (M.d(M.leaky, x), Q(1, 100)),
  "the default slope is 0.01 on x < 0", assume=["x < 0"], kind="derivative")
T("elu-ge-x", "elu(x) >= x", lambda x: (M.elu(x), x), "e^x - 1 ≥ x for x ≤ 0; equal for x > 0", attained=True)
F("elu-le-x", "elu(x) <= x", lambda x: (M.elu(x), x), "elu(-1) = e^-1 - 1 ≈ -0.632 > -1", {"x": "-1"})
T("elu-gt-m1", "elu(x) > -1", lambda x: (M.elu(x), -1), "e^x - 1 > -1; the infimum -1 is not attained")
F("elu-ge-099", "elu(x) >= -0.99", lambda x: (M.elu(x), Q(-99, 100)),
  "elu(-10) = e^-10 - 1 ≈ -0.99995", {"x": "-10"}, kind="infinity")
T("elu-a", "elu(x, a) > -a", lambda x, a: (M.elu(x, a), -a), "a(e^x - 1) > -a for a > 0", assume=["a > 0"])
T("elu-deriv-neg", "diff(elu(x), x) = exp(x)", lambda x: (M.d(M.elu, x), mp.exp(x)),
  "elu = e^x - 1 on x < 0", assume=["x < 0"], kind="derivative")
T("selu-lin", "selu(x) = 1.0507009873554804934193349852946*x", lambda x: (M.selu(x), mp.mpf(M.LAM) * x),
  "SELU = λx on x > 0 with PyTorch's λ", assume=["x > 0"])
T("selu-inf", "selu(x) > -1.7581", lambda x: (M.selu(x), Q(-17581, 10000)),
  "inf SELU = -λα ≈ -1.758099, approached at -∞")
F("selu-1758", "selu(x) >= -1.758", lambda x: (M.selu(x), Q(-1758, 1000)),
  "selu(-20) ≈ -1.7580993 < -1.758", {"x": "-20"}, kind="infinity")
T("gelu-le-relu", "gelu(x) <= relu(x)", lambda x: (M.gelu(x), relu(x)),
  "xΦ(x) ≤ x for x > 0 and < 0 for x < 0; equal at 0", attained=True)
F("gelu-ge-relu", "gelu(x) >= relu(x)", lambda x: (M.gelu(x), relu(x)), "gelu(1) = Φ(1) ≈ 0.841 < 1",
  {"x": "1"})
T("gelu-min", "gelu(x) >= -0.17", lambda x: (M.gelu(x), Q(-17, 100)), "min GELU ≈ -0.169971 at x ≈ -0.7518")
F("gelu-min-1699", "gelu(x) >= -0.1699", lambda x: (M.gelu(x), Q(-1699, 10000)),
  "gelu(-0.75) ≈ -0.169971 < -0.1699", {"x": "-3/4"}, kind="constant")
F("gelu-silu", "gelu(x) = x*sigmoid(x)", lambda x: (M.gelu(x), x * sig(x)),
  "GELU uses Φ, not σ: at 1, 0.841 vs 0.731", {"x": "1"})
T("gelu-odd", "gelu(x) - gelu(-x) = x", lambda x: (M.gelu(x) - M.gelu(-x), x), "xΦ(x) + xΦ(-x) = x")
F("gelu-even", "gelu(x) + gelu(-x) = x", lambda x: (M.gelu(x) + M.gelu(-x), x),
  "gelu(x) + gelu(-x) = x·erf(x/√2): 0.683 at 1", {"x": "1"})
T("gelu-deriv", "diff(gelu(x), x) = (1 + erf(x/sqrt(2)))/2 + x*exp(-x**2/2)/sqrt(2*pi)",
  lambda x: (M.d(M.gelu, x), mp.erfc(-x / mp.sqrt(2)) / 2 + x * mp.exp(-x ** 2 / 2) / mp.sqrt(2 * mp.pi)),
  "(xΦ)' = Φ + xφ (Φ evaluated as erfc(-x/√2)/2 = (1 + erf(x/√2))/2, which keeps its digits far left)",
  kind="derivative")
T("silu-def", "silu(x) = x*sigmoid(x)", lambda x: (M.silu(x), x * sig(x)), "definition (swish with β = 1)")
T("silu-min", "silu(x) >= -0.2785", lambda x: (M.silu(x), Q(-2785, 10000)),
  "min SiLU ≈ -0.278465 at x ≈ -1.27846")
F("silu-min-2784", "silu(x) >= -0.2784", lambda x: (M.silu(x), Q(-2784, 10000)),
  "silu(-1.27846) ≈ -0.278465 < -0.2784", {"x": "-1.27846"}, kind="constant")
T("silu-le-relu", "silu(x) <= relu(x)", lambda x: (M.silu(x), relu(x)),
  "xσ(x) < x for x > 0, < 0 for x < 0; equal at 0", attained=True)
T("relu-silu-gap", "relu(x) - silu(x) <= 0.2785", lambda x: (relu(x) - M.silu(x), Q(2785, 10000)),
  "relu(x) - silu(x) = |x|σ(-|x|) on both sides of 0, whose maximum is ≈ 0.278465 at |x| ≈ 1.27846")
F("relu-silu-gap-2784", "relu(x) - silu(x) <= 0.2784", lambda x: (relu(x) - M.silu(x), Q(2784, 10000)),
  "at x = 1.27846 the gap is ≈ 0.278465", {"x": "1.27846"}, kind="constant")
T("silu-odd", "silu(x) - silu(-x) = x", lambda x: (M.silu(x) - M.silu(-x), x), "xσ(x) + xσ(-x) = x")
T("silu-deriv", "diff(silu(x), x) = sigmoid(x)*(1 + x*(1 - sigmoid(x)))",
  lambda x: (M.d(M.silu, x), sig(x) * (1 + x * (1 - sig(x)))), "(xσ)' = σ + xσ(1-σ)", kind="derivative")
F("silu-deriv-wrong", "diff(x*sigmoid(x), x) = sigmoid(x) + x*sigmoid(x)",
  lambda x: (M.d(M.silu, x), sig(x) + x * sig(x)), "the factor (1 - σ) is missing: differs at 1", {"x": "1"},
  kind="derivative")
T("mish-min", "mish(x) >= -0.31", lambda x: (M.mish(x), Q(-31, 100)), "min Mish ≈ -0.308840 at x ≈ -1.1924")
F("mish-min-03", "mish(x) >= -0.3", lambda x: (M.mish(x), Q(-3, 10)), "mish(-1.19) ≈ -0.30884", {"x": "-1.19"},
  kind="constant")
T("mish-le-relu", "mish(x) <= relu(x)", lambda x: (M.mish(x), relu(x)),
  "0 < tanh(softplus x) < 1: mish < x for x > 0 and < 0 for x < 0; equal at 0", attained=True)
F("mish-le-x", "mish(x) <= x", lambda x: (M.mish(x), x), "for x < 0, x·t > x with t ∈ (0,1): mish(-1) ≈ -0.303",
  {"x": "-1"})
T("softsign-def", "softsign(x) = x/(1 + abs(x))", lambda x: (M.softsign(x), x / (1 + abs(x))), "definition")
F("softsign-noabs", "softsign(x) = x/(1 + x)", lambda x: (M.softsign(x), x / (1 + x)),
  "the absolute value matters for x < 0: -1/3 vs -1 at -1/2", {"x": "-1/2"})
T("softsign-abs", "abs(softsign(x)) < 1", lambda x: (abs(M.softsign(x)), 1), "|x| < 1 + |x|")
T("softsign-deriv", "diff(softsign(x), x) = 1/(1 + abs(x))**2",
  lambda x: (M.d(M.softsign, x), 1 / (1 + abs(x)) ** 2), "quotient rule on each side of 0", assume=["x > 0"],
  kind="derivative")
T("hardtanh-clip", "hardtanh(x) = Max(-1, Min(1, x))", lambda x: (M.hardtanh(x), max(-1, min(1, x))),
  "clip to [-1, 1]")
F("hardtanh-half", "hardtanh(x) = Max(-1, x)", lambda x: (M.hardtanh(x), max(-1, x)),
  "the upper clip is missing: 1 vs 2 at x = 2", {"x": "2"})
T("hardtanh-abs", "abs(hardtanh(x)) <= 1", lambda x: (abs(M.hardtanh(x)), 1), "clipped to [-1, 1]; |.| = 1 for |x| ≥ 1",
  attained=True)
T("hardtanh-deriv", "diff(hardtanh(x), x) = 0", lambda x: (M.d(M.hardtanh, x), 0), "constant 1 on x > 1",
  assume=["x > 1"], kind="derivative")

# ---------------------------------------------------------------- exp / log inequalities
T("exp-tangent", "exp(x) >= 1 + x", lambda x: (mp.exp(x), 1 + x), "e^x convex, tangent at 0", attained=True)
F("exp-tangent-strict", "exp(x) > 1 + x", lambda x: (mp.exp(x), 1 + x), "equality at x = 0", {"x": "0"},
  kind="strict")
T("exp-tangent-strict-pos", "exp(x) > 1 + x", lambda x: (mp.exp(x), 1 + x), "equality only at 0, excluded",
  assume=["x > 0"], kind="domain")
T("exp-gt-x", "exp(x) > x", lambda x: (mp.exp(x), x), "e^x ≥ 1 + x > x")
T("exp-quad-pos", "exp(x) >= 1 + x + x**2/2", lambda x: (mp.exp(x), 1 + x + x ** 2 / 2),
  "Taylor with positive remainder for x ≥ 0; equal at 0", assume=["x >= 0"], kind="domain", attained=True)
F("exp-quad", "exp(x) >= 1 + x + x**2/2", lambda x: (mp.exp(x), 1 + x + x ** 2 / 2),
  "for x < 0 the cubic remainder is negative: e^-1 ≈ 0.368 < 0.5", {"x": "-1"}, kind="domain")
T("log-tangent", "log(x) <= x - 1", lambda x: (mp.log(x), x - 1), "log concave, tangent at 1", assume=["x > 0"],
  attained=True)
F("log-tangent-flip", "log(x) >= x - 1", lambda x: (mp.log(x), x - 1), "log 2 ≈ 0.693 < 1", {"x": "2"},
  assume=["x > 0"])
T("log1p-lower", "log(1 + x) >= x/(1 + x)", lambda x: (mp.log(1 + x), x / (1 + x)),
  "log(1/(1+x)) ≤ 1/(1+x) - 1; equality at 0", assume=["x > -1"], attained=True)
F("log1p-upper-wrong", "log(1 + x) <= x/(1 + x)", lambda x: (mp.log(1 + x), x / (1 + x)),
  "log 2 ≈ 0.693 > 1/2", {"x": "1"}, assume=["x > -1"])
T("compound-3", "(1 + x/3)**3 <= exp(x)", lambda x: ((1 + x / 3) ** 3, mp.exp(x)),
  "log(1+t) ≤ t for t > -1; for x ≤ -3 the cube is ≤ 0; equality at 0", attained=True)
T("compound-2-dom", "(1 + x/2)**2 <= exp(x)", lambda x: ((1 + x / 2) ** 2, mp.exp(x)),
  "for 1 + x/2 ≥ 0, 2·log(1 + x/2) ≤ x; equality at 0", assume=["x >= -2"], kind="domain", attained=True)
F("compound-2", "(1 + x/2)**2 <= exp(x)", lambda x: ((1 + x / 2) ** 2, mp.exp(x)),
  "an even power is large for x < -2: 16 > e^-10 at -10", {"x": "-10"}, kind="domain")
T("compound-100-dom", "(1 + x/100)**100 <= exp(x)", lambda x: ((1 + x / 100) ** 100, mp.exp(x)),
  "100·log(1 + x/100) ≤ x for x > -100, and 0 ≤ e^-100 at -100", assume=["x >= -100"], kind="domain", attained=True)
F("compound-100", "(1 + x/100)**100 <= exp(x)", lambda x: ((1 + x / 100) ** 100, mp.exp(x)),
  "fails far out, x < -100: 2^100 > e^-300 at -300", {"x": "-300"}, kind="window")
T("one-minus-p-n", "(1 - p)**n <= exp(-n*p)", lambda p, n: ((1 - p) ** n, mp.exp(-n * p)),
  "1 - p ≤ e^-p, raise to the n-th power", assume=["p in (0, 1)", "n integer >= 1"])
F("one-minus-p-n-flip", "(1 - p)**n >= exp(-n*p)", lambda p, n: ((1 - p) ** n, mp.exp(-n * p)),
  "0.5 < e^-0.5 at p = 1/2, n = 1", {"p": "1/2", "n": "1"}, assume=["p in (0, 1)", "n integer >= 1"])
T("euler-seq", "(1 + 1/n)**n < E", lambda n: ((1 + 1 / n) ** n, mp.e), "n·log(1 + 1/n) < 1 for n ≥ 1",
  assume=["n integer >= 1"], kind="integer")
F("euler-seq-close", "(1 + 1/n)**n >= E - 1/1000", lambda n: ((1 + 1 / n) ** n, mp.e - Q(1, 1000)),
  "the limit is approached slowly: 2 at n = 1", {"n": "1"}, assume=["n integer >= 1"], kind="integer")
T("x-exp-x", "x*exp(x) >= -exp(-1)", lambda x: (x * mp.exp(x), -mp.exp(-1)),
  "(x e^x)' = (1 + x)e^x: minimum -1/e at x = -1", attained=True)
F("x-exp-x-3678", "x*exp(x) >= -0.3678", lambda x: (x * mp.exp(x), Q(-3678, 10000)),
  "the minimum is -1/e ≈ -0.367879 < -0.3678", {"x": "-1"}, kind="constant")
T("x-exp-x-3679", "x*exp(x) >= -0.3679", lambda x: (x * mp.exp(x), Q(-3679, 10000)),
  "the minimum is -1/e ≈ -0.367879 > -0.3679")
T("x-log-x", "x*log(x) >= -exp(-1)", lambda x: (x * mp.log(x), -mp.exp(-1)),
  "(x log x)' = 1 + log x: minimum -1/e at 1/e", assume=["x > 0"], attained=True)
F("x-log-x-3678", "x*log(x) >= -0.3678", lambda x: (x * mp.log(x), Q(-3678, 10000)),
  "at x = 0.367879 it is ≈ -0.3678794", {"x": "0.367879"}, assume=["x > 0"], kind="constant")
T("x-min-exp", "min(x*exp(x), x) = -exp(-1)",
  lambda: ((lambda c: c * mp.exp(c))(M.crit(lambda t: t * mp.exp(t), mp.mpf(-2))), -mp.exp(-1)),
  "the only critical point is -1, the value there -1/e, and x e^x → 0 at -∞, ∞ at ∞")
F("x-min-exp-wrong", "min(x*exp(x), x) = -1/2",
  lambda: ((lambda c: c * mp.exp(c))(M.crit(lambda t: t * mp.exp(t), mp.mpf(-2))), Q(-1, 2)),
  "the infimum is -1/e ≈ -0.368", {}, kind="constant")
F("exp-gauss-001", "exp(-x**2) >= 0.001", lambda x: (mp.exp(-x ** 2), Q(1, 1000)),
  "inf is 0 at ±∞: e^-9 ≈ 1.2e-4 at 3", {"x": "3"}, kind="infinity")
T("exp-gauss-001-dom", "exp(-x**2) >= 0.001", lambda x: (mp.exp(-x ** 2), Q(1, 1000)),
  "on [-2, 2], e^-x² ≥ e^-4 ≈ 0.018", assume=["x in [-2, 2]"], kind="domain")
T("exp-gauss-pos", "exp(-x**2) > 0", lambda x: (mp.exp(-x ** 2), 0), "exp is positive")
F("exp-gauss-1e300", "exp(-x**2) >= 1e-300", lambda x: (mp.exp(-x ** 2), mp.mpf(10) ** -300),
  "e^-900 ≈ 1e-391 at x = 30 (below the smallest float, not below zero)", {"x": "30"}, kind="infinity")
F("far-quartic", "x**4 - 1000*x**3 >= -1e10", lambda x: (x ** 4 - 1000 * x ** 3, -mp.mpf(10) ** 10),
  "minimum at x = 750: 750³·(-250) ≈ -1.05e11", {"x": "750"}, kind="window")
T("far-quartic-ok", "x**4 - 1000*x**3 >= -1.06e11", lambda x: (x ** 4 - 1000 * x ** 3, -mp.mpf("1.06e11")),
  "the minimum, at x = 750, is -105468750000 > -1.06e11")
F("far-exp", "exp(x/100) + 300 >= x", lambda x: (mp.exp(x / 100) + 300, x),
  "at x = 460, e^4.6 + 300 ≈ 399.5 < 460", {"x": "460"}, kind="window")
T("far-exp-ok", "exp(x/100) + 1000 >= x", lambda x: (mp.exp(x / 100) + 1000, x),
  "the gap's minimum, at x = 100 log 100, is 1100 - 460.5 > 0")
T("exp-add", "exp(x)*exp(y) = exp(x + y)", lambda x, y: (mp.exp(x) * mp.exp(y), mp.exp(x + y)), "exp is a homomorphism")
T("log-mul", "log(x*y) = log(x) + log(y)", lambda x, y: (mp.log(x * y), mp.log(x) + mp.log(y)),
  "log of a product of positives", assume=["x > 0", "y > 0"])
F("log-mul-wrong", "log(x*y) = log(x)*log(y)", lambda x, y: (mp.log(x * y), mp.log(x) * mp.log(y)),
  "log 6 ≈ 1.79 vs log 2 · log 3 ≈ 0.76", {"x": "2", "y": "3"}, assume=["x > 0", "y > 0"])

# ---------------------------------------------------------------- log-sum-exp, softmax, KL, entropy
LSE2 = lambda a, b: max(a, b) + mp.log1p(mp.exp(-abs(a - b)))  # noqa: E731
T("lse-upper", "log(exp(a) + exp(b)) <= Max(a, b) + log(2)", lambda a, b: (LSE2(a, b), max(a, b) + LOG2()),
  "the sum is at most twice the largest term; equality at a = b", attained=True)
T("lse-lower", "log(exp(a) + exp(b)) > Max(a, b)", lambda a, b: (LSE2(a, b), max(a, b)),
  "the sum exceeds its largest term")
F("lse-upper-069", "log(exp(a) + exp(b)) <= Max(a, b) + 0.69", lambda a, b: (LSE2(a, b), max(a, b) + Q(69, 100)),
  "log 2 ≈ 0.6931 > 0.69 at a = b", {"a": "0", "b": "0"}, kind="constant")
F("lse-le-max", "log(exp(a) + exp(b)) <= Max(a, b)", lambda a, b: (LSE2(a, b), max(a, b)),
  "wrong direction: log 2 > 0 at a = b = 0", {"a": "0", "b": "0"})
F("lse-gap", "log(exp(a) + exp(b)) > Max(a, b) + 1e-20", lambda a, b: (LSE2(a, b), max(a, b) + Q(1, 10**20)),
  "the gap log(1+e^-|a-b|) ≈ 3.7e-44 at a = 0, b = -100", {"a": "0", "b": "-100"}, kind="infinity")
T("lse-3", "log(exp(a) + exp(b) + exp(c)) <= Max(a, b, c) + log(3)",
  lambda a, b, c: (M.lse([a, b, c]), max(a, b, c) + mp.log(3)), "three terms, each ≤ the largest; equal at a = b = c",
  attained=True)
T("lse-3-lower", "log(exp(a) + exp(b) + exp(c)) >= Max(a, b, c)",
  lambda a, b, c: (M.lse([a, b, c]), max(a, b, c)), "the sum is at least its largest term")
F("lse-3-log2", "log(exp(a) + exp(b) + exp(c)) <= Max(a, b, c) + log(2)",
  lambda a, b, c: (M.lse([a, b, c]), max(a, b, c) + LOG2()), "log 3 > log 2 at a = b = c = 0",
  {"a": "0", "b": "0", "c": "0"}, kind="constant")
T("lse-shift", "log(exp(a) + exp(b)) - c = log(exp(a - c) + exp(b - c))",
  lambda a, b, c: (LSE2(a, b) - c, LSE2(a - c, b - c)), "the max-shift trick: factor e^c out")
T("softmax-2-sum", "exp(a)/(exp(a) + exp(b)) + exp(b)/(exp(a) + exp(b)) = 1",
  lambda a, b: (sig(a - b) + sig(b - a), 1), "the two probabilities share a denominator")
T("softmax-temp", "exp(a/T)/(exp(a/T) + exp(b/T)) = sigmoid((a - b)/T)",
  lambda a, b, T: (1 / (1 + mp.exp((b - a) / T)), sig((a - b) / T)), "divide by e^{a/T}", assume=["T > 0"])
F("softmax-temp-wrong", "exp(a/T)/(exp(a/T) + exp(b/T)) = sigmoid((a - b)*T)",
  lambda a, b, T: (1 / (1 + mp.exp((b - a) / T)), sig((a - b) * T)), "dividing by T is not multiplying: σ(1/2) ≠ σ(2)",
  {"a": "1", "b": "0", "T": "2"}, assume=["T > 0"])
T("softmax-ce-deriv", "diff(-log(exp(a)/(exp(a) + exp(b))), a) = exp(a)/(exp(a) + exp(b)) - 1",
  lambda a, b: (M.d(lambda t: -mp.log(sig(t - b)), a), sig(a - b) - 1), "∂CE/∂o = softmax - onehot",
  kind="derivative")
KL2 = lambda p, q: p * mp.log(p / q) + (1 - p) * mp.log((1 - p) / (1 - q))  # noqa: E731
T("kl2", "p*log(p/q) + (1 - p)*log((1 - p)/(1 - q)) >= 0", lambda p, q: (KL2(p, q), 0),
  "Gibbs' inequality (log x ≤ x - 1); equality at p = q", assume=["p in (0, 1)", "q in (0, 1)"], attained=True)
F("kl2-strict", "p*log(p/q) + (1 - p)*log((1 - p)/(1 - q)) > 0", lambda p, q: (KL2(p, q), 0),
  "KL is 0 when p = q", {"p": "1/2", "q": "1/2"}, assume=["p in (0, 1)", "q in (0, 1)"], kind="strict")
F("kl2-sym", "p*log(p/q) + (1 - p)*log((1 - p)/(1 - q)) = q*log(q/p) + (1 - q)*log((1 - q)/(1 - p))",
  lambda p, q: (KL2(p, q), KL2(q, p)), "KL is not symmetric: 0.511 vs 0.368 at (1/2, 1/10)",
  {"p": "1/2", "q": "1/10"}, assume=["p in (0, 1)", "q in (0, 1)"])
H2 = lambda p: -p * mp.log(p) - (1 - p) * mp.log(1 - p)  # noqa: E731
CE2 = lambda p, q: -p * mp.log(q) - (1 - p) * mp.log(1 - q)  # noqa: E731
T("bce-ge-entropy", "-p*log(q) - (1 - p)*log(1 - q) >= -p*log(p) - (1 - p)*log(1 - p)",
  lambda p, q: (CE2(p, q), H2(p)), "cross-entropy = entropy + KL; equality at q = p",
  assume=["p in (0, 1)", "q in (0, 1)"], attained=True)
F("bce-le-entropy", "-p*log(q) - (1 - p)*log(1 - q) <= -p*log(p) - (1 - p)*log(1 - p)",
  lambda p, q: (CE2(p, q), H2(p)), "wrong direction: at p = 1/2, q = 1/4 the KL term is positive",
  {"p": "1/2", "q": "1/4"}, assume=["p in (0, 1)", "q in (0, 1)"])
T("entropy-log2", "-p*log(p) - (1 - p)*log(1 - p) <= log(2)", lambda p: (H2(p), LOG2()),
  "the uniform distribution maximises entropy; equality at p = 1/2", assume=["p in (0, 1)"], attained=True)
F("entropy-log2-strict", "-p*log(p) - (1 - p)*log(1 - p) < log(2)", lambda p: (H2(p), LOG2()),
  "equality at p = 1/2", {"p": "1/2"}, assume=["p in (0, 1)"], kind="strict")
T("bern-var", "p*(1 - p) <= 1/4", lambda p: (p * (1 - p), Q(1, 4)), "AM-GM, equality at 1/2",
  assume=["p in (0, 1)"], attained=True)
F("bern-var-strict", "p*(1 - p) < 1/4", lambda p: (p * (1 - p), Q(1, 4)), "equality at p = 1/2",
  {"p": "1/2"}, assume=["p in (0, 1)"], kind="strict")

# ---------------------------------------------------------------- AM-GM, Cauchy-Schwarz, triangle
T("amgm-xy", "x*y <= (x**2 + y**2)/2", lambda x, y: (x * y, (x ** 2 + y ** 2) / 2), "(x - y)² ≥ 0, equal at x = y",
  attained=True)
F("amgm-xy-flip", "x*y >= (x**2 + y**2)/2", lambda x, y: (x * y, (x ** 2 + y ** 2) / 2),
  "0 < 1/2 at (1, 0)", {"x": "1", "y": "0"})
F("amgm-xy-eps", "x**2 + y**2 >= 2*x*y + 1e-30", lambda x, y: (x ** 2 + y ** 2, 2 * x * y + Q(1, 10**30)),
  "equality at x = y leaves no room for 1e-30", {"x": "1", "y": "1"}, kind="strict")
T("amgm-ab", "(a + b)/2 >= sqrt(a*b)", lambda a, b: ((a + b) / 2, mp.sqrt(a * b)),
  "(√a - √b)² ≥ 0, equal at a = b", assume=["a > 0", "b > 0"], attained=True)
F("amgm-ab-flip", "(a + b)/2 <= sqrt(a*b)", lambda a, b: ((a + b) / 2, mp.sqrt(a * b)),
  "5/2 > 2 at (1, 4)", {"a": "1", "b": "4"}, assume=["a > 0", "b > 0"])
T("jensen-log", "log((x + y)/2) >= (log(x) + log(y))/2", lambda x, y: (mp.log((x + y) / 2), (mp.log(x) + mp.log(y)) / 2),
  "log is concave (AM-GM under log); equal at x = y", assume=["x > 0", "y > 0"], attained=True)
F("jensen-log-strict", "log((x + y)/2) > (log(x) + log(y))/2",
  lambda x, y: (mp.log((x + y) / 2), (mp.log(x) + mp.log(y)) / 2), "equality at x = y",
  {"x": "1", "y": "1"}, assume=["x > 0", "y > 0"], kind="strict")
T("cauchy-2", "(a*c + b*d)**2 <= (a**2 + b**2)*(c**2 + d**2)",
  lambda a, b, c, d: ((a * c + b * d) ** 2, (a ** 2 + b ** 2) * (c ** 2 + d ** 2)),
  "Lagrange's identity: the difference is (ad - bc)²", attained=True)
F("cauchy-2-flip", "(a*c + b*d)**2 >= (a**2 + b**2)*(c**2 + d**2)",
  lambda a, b, c, d: ((a * c + b * d) ** 2, (a ** 2 + b ** 2) * (c ** 2 + d ** 2)), "0 < 1 for orthogonal (1,0), (0,1)",
  {"a": "1", "b": "0", "c": "0", "d": "1"})
T("triangle", "abs(a + b) <= abs(a) + abs(b)", lambda a, b: (abs(a + b), abs(a) + abs(b)),
  "triangle inequality; equal when ab ≥ 0", attained=True)
F("triangle-flip", "abs(a + b) >= abs(a) + abs(b)", lambda a, b: (abs(a + b), abs(a) + abs(b)),
  "0 < 2 at (1, -1)", {"a": "1", "b": "-1"})
F("square-sum", "(a + b)**2 = a**2 + b**2", lambda a, b: ((a + b) ** 2, a ** 2 + b ** 2),
  "the cross term 2ab: 4 vs 2", {"a": "1", "b": "1"})
T("sq-nonneg", "(x - 1)**2 >= 0", lambda x: ((x - 1) ** 2, 0), "a square; equal at 1", attained=True)
F("sq-pos", "(x - 1)**2 > 0", lambda x: ((x - 1) ** 2, 0), "0 at x = 1", {"x": "1"}, kind="strict")
T("sq-pos-dom", "(x - 1)**2 > 0", lambda x: ((x - 1) ** 2, 0), "zero only at 1, which x > 1 excludes",
  assume=["x > 1"], kind="domain")
T("quad-pos", "x**2 - x + 1 > 0", lambda x: (x ** 2 - x + 1, 0), "(x - 1/2)² + 3/4")

# ---------------------------------------------------------------- optimisation: clipping, learning rate, momentum, Adam
T("clip-le-c", "Min(1, c/g)*g <= c", lambda c, g: (min(1, c / g) * g, c), "min(g, c) ≤ c; equal for g ≥ c",
  assume=["g > 0", "c > 0"], attained=True)
T("clip-min", "Min(1, c/g)*g = Min(g, c)", lambda c, g: (min(1, c / g) * g, min(g, c)), "multiply the Min by g > 0",
  assume=["g > 0", "c > 0"])
F("clip-lt-c", "Min(1, c/g)*g < c", lambda c, g: (min(1, c / g) * g, c), "a clipped gradient has norm exactly c",
  {"g": "2", "c": "1"}, assume=["g > 0", "c > 0"], kind="strict")
F("clip-eq-c", "Min(1, c/g)*g = c", lambda c, g: (min(1, c / g) * g, c), "small gradients are not scaled up",
  {"g": "1/2", "c": "1"}, assume=["g > 0", "c > 0"])
T("lr-contract", "abs(1 - a*L) < 1", lambda a, L: (abs(1 - a * L), 1),
  "0 < aL < 2 when a ∈ (0, 2), L ∈ (0, 1]: GD on L x²/2 converges", assume=["a in (0, 2)", "L in (0, 1]"])
F("lr-contract-3", "abs(1 - a*L) < 1", lambda a, L: (abs(1 - a * L), 1),
  "aL = 2.25 > 2 diverges: |1 - 2.25| = 1.25", {"a": "5/2", "L": "9/10"}, assume=["a in (0, 3)", "L in (0, 1)"],
  kind="domain")
F("lr-contract-edge", "abs(1 - a*L) < 1", lambda a, L: (abs(1 - a * L), 1),
  "aL = 2 oscillates forever: |1 - 2| = 1", {"a": "2", "L": "1"}, assume=["a in (0, 2]", "L in (0, 1]"], kind="strict")
T("gd-step", "abs(x - a*(L*x)) <= abs(x)", lambda x, a, L: (abs(x - a * L * x), abs(x)),
  "|1 - aL| < 1 shrinks |x|; equal at x = 0", assume=["a in (0, 2)", "L in (0, 1]"], attained=True)
T("momentum-geom", "(1 - b**3)/(1 - b) = 1 + b + b**2", lambda b: ((1 - b ** 3) / (1 - b), 1 + b + b ** 2),
  "finite geometric series", assume=["b in (0, 1)"])
F("momentum-geom-wrong", "(1 - b**3)/(1 - b) = 1 + b + b**3", lambda b: ((1 - b ** 3) / (1 - b), 1 + b + b ** 3),
  "the last term is b², not b³: 7/4 vs 13/8 at 1/2", {"b": "1/2"}, assume=["b in (0, 1)"], kind="constant")
T("ema-weights", "(1 - b)*(1 + b + b**2) = 1 - b**3", lambda b: ((1 - b) * (1 + b + b ** 2), 1 - b ** 3),
  "the EMA weights after 3 steps sum to 1 - β³ (why Adam corrects the bias)", assume=["b in (0, 1)"])
T("adam-bias-1", "((1 - b)*g)/(1 - b**1) = g", lambda b, g: ((1 - b) * g / (1 - b), g),
  "m₁ = (1-β)g and the correction divides by 1 - β¹", assume=["b in (0, 1)"])
T("adam-bias-2", "(b*(1 - b)*g + (1 - b)*g)/(1 - b**2) = g",
  lambda b, g: ((b * (1 - b) * g + (1 - b) * g) / (1 - b ** 2), g),
  "m₂ = (1-β)(β + 1)g for a constant gradient, and 1 - β² = (1-β)(1+β)", assume=["b in (0, 1)"])
F("adam-bias-wrong", "((1 - b)*g)/(1 - b**2) = g", lambda b, g: ((1 - b) * g / (1 - b ** 2), g),
  "after one step the correction is 1 - β, not 1 - β²: 2/3 at β = 1/2", {"b": "1/2", "g": "1"},
  assume=["b in (0, 1)"], kind="constant")
T("weight-decay-grad", "diff(l*w**2/2, w) = l*w", lambda l, w: (M.d(lambda t: l * t ** 2 / 2, w), l * w),
  "d(λw²/2)/dw = λw", kind="derivative")
F("weight-decay-grad-wrong", "diff(l*w**2/2, w) = l*w**2", lambda l, w: (M.d(lambda t: l * t ** 2 / 2, w), l * w ** 2),
  "2 vs 4 at λ = 1, w = 2", {"l": "1", "w": "2"}, kind="derivative")

# ---------------------------------------------------------------- losses and their derivatives
T("mse-grad", "diff((y - t)**2/2, y) = y - t", lambda y, t: (M.d(lambda u: (u - t) ** 2 / 2, y), y - t),
  "chain rule on the half squared error", kind="derivative")
F("mse-grad-sign", "diff((y - t)**2/2, y) = t - y", lambda y, t: (M.d(lambda u: (u - t) ** 2 / 2, y), t - y),
  "sign flip: 1 vs -1 at y = 1, t = 0", {"y": "1", "t": "0"}, kind="derivative")
BCE = lambda z, t: -t * mp.log(sig(z)) - (1 - t) * mp.log(1 - sig(z))  # noqa: E731
T("bce-grad", "diff(-t*log(sigmoid(z)) - (1 - t)*log(1 - sigmoid(z)), z) = sigmoid(z) - t",
  lambda z, t: (M.d(lambda u: BCE(u, t), z), sig(z) - t), "σ' = σ(1-σ) cancels the 1/σ and 1/(1-σ)",
  kind="derivative")
F("bce-grad-sign", "diff(-t*log(sigmoid(z)) - (1 - t)*log(1 - sigmoid(z)), z) = t - sigmoid(z)",
  lambda z, t: (M.d(lambda u: BCE(u, t), z), t - sig(z)), "sign flip: 1/2 vs -1/2 at z = 0, t = 0",
  {"z": "0", "t": "0"}, kind="derivative")
T("lsq-grad", "diff((w*x - t)**2, w) = 2*x*(w*x - t)", lambda w, x, t: (M.d(lambda u: (u * x - t) ** 2, w), 2 * x * (w * x - t)),
  "chain rule", kind="derivative")
F("lsq-grad-wrong", "diff((w*x - t)**2, w) = 2*(w*x - t)",
  lambda w, x, t: (M.d(lambda u: (u * x - t) ** 2, w), 2 * (w * x - t)), "the inner factor x is missing: 8 vs 4",
  {"w": "1", "x": "2", "t": "0"}, kind="derivative")
T("mse-bias-grad", "diff(((w*x + b) - t)**2/2, b) = w*x + b - t",
  lambda w, x, b, t: (M.d(lambda u: (w * x + u - t) ** 2 / 2, b), w * x + b - t), "∂z/∂b = 1", kind="derivative")
F("log-grad", "diff(log(x), x) = 1/x**2", lambda x: (M.d(mp.log, x), 1 / x ** 2), "d log x = 1/x: 1/2 vs 1/4",
  {"x": "2"}, assume=["x > 0"], kind="derivative")
F("gauss-grad", "diff(exp(-x**2), x) = 2*x*exp(-x**2)", lambda x: (M.d(lambda t: mp.exp(-t ** 2), x), 2 * x * mp.exp(-x ** 2)),
  "the sign of the inner derivative is lost", {"x": "1"}, kind="derivative")
F("abs-grad", "diff(abs(x), x) = 1", lambda x: (M.d(abs, x), 1), "|x|' = -1 for x < 0", {"x": "-1/2"},
  assume=["x > -1"], kind="domain")

# ---------------------------------------------------------------- dropout, batchnorm, initialisation as scalars
T("dropout-scale", "(1 - p)*(x/(1 - p)) = x", lambda p, x: ((1 - p) * (x / (1 - p)), x),
  "inverted dropout: keep with prob 1-p, scale by 1/(1-p)", assume=["p in (0, 1)"])
T("dropout-px", "p*x/p = x", lambda p, x: (p * x / p, x), "cancel p ≠ 0", assume=["p in (0, 1)"])
F("dropout-wrong", "(1 - p)*x/p = x", lambda p, x: ((1 - p) * x / p, x), "scale by the keep probability, not p: 3 at p = 1/4",
  {"p": "1/4", "x": "1"}, assume=["p in (0, 1)"])
T("bn-invert", "((x - m)/sqrt(v + eps))*sqrt(v + eps) + m = x",
  lambda x, m, v, eps: ((x - m) / mp.sqrt(v + eps) * mp.sqrt(v + eps) + m, x),
  "γ = √(v+ε), β = m undo batchnorm", assume=["v > 0", "eps > 0"])
T("bn-two", "((a - (a + b)/2)/sqrt(((a - b)/2)**2 + eps))**2 < 1",
  lambda a, b, eps: (((a - (a + b) / 2) / mp.sqrt(((a - b) / 2) ** 2 + eps)) ** 2, 1),
  "a batch of two: the normalised value squared is d²/(d² + ε) < 1", assume=["eps > 0"])
F("bn-two-eq", "((a - (a + b)/2)/sqrt(((a - b)/2)**2 + eps))**2 = 1",
  lambda a, b, eps: (((a - (a + b) / 2) / mp.sqrt(((a - b) / 2) ** 2 + eps)) ** 2, 1),
  "ε keeps it below 1: 1/2 at a = 1, b = -1, ε = 1", {"a": "1", "b": "-1", "eps": "1"}, assume=["eps > 0"])
T("xavier-uniform", "sqrt(6/(n + m))**2/3 = 2/(n + m)", lambda n, m: (mp.sqrt(6 / (n + m)) ** 2 / 3, 2 / (n + m)),
  "Var U(-a, a) = a²/3 with Glorot's a = √(6/(n_in + n_out))", assume=["n integer >= 1", "m integer >= 1"])
F("xavier-uniform-wrong", "sqrt(6/(n + m))**2/3 = 1/(n + m)",
  lambda n, m: (mp.sqrt(6 / (n + m)) ** 2 / 3, 1 / (n + m)), "the variance is 2/(n+m): 1 vs 1/2",
  {"n": "1", "m": "1"}, assume=["n integer >= 1", "m integer >= 1"], kind="constant")
T("he-init", "sqrt(2/n)**2*n/2 = 1", lambda n: (mp.sqrt(2 / n) ** 2 * n / 2, 1),
  "He: variance 2/n times fan-in n, halved by the ReLU, is 1", assume=["n integer >= 1"])
F("he-init-wrong", "sqrt(2/n)**2 = 1/n", lambda n: (mp.sqrt(2 / n) ** 2, 1 / n), "He's variance is 2/n", {"n": "1"},
  assume=["n integer >= 1"], kind="constant")
T("glorot-number", "2/(256 + 256) = 1/256", lambda: (Q(2, 512), Q(1, 256)), "arithmetic")
F("glorot-number-wrong", "6/(256 + 256) = 1/64", lambda: (Q(6, 512), Q(1, 64)), "6/512 = 3/256", {}, kind="constant")

# ---------------------------------------------------------------- elementary identities, Max / Min, abs, sign
T("abs-max", "abs(x) = Max(x, -x)", lambda x: (abs(x), max(x, -x)), "definition")
T("maxmin-sum", "Max(a, b) + Min(a, b) = a + b", lambda a, b: (max(a, b) + min(a, b), a + b), "one is a, the other b")
T("max-abs", "Max(a, b) = (a + b + abs(a - b))/2", lambda a, b: (max(a, b), (a + b + abs(a - b)) / 2), "case split")
F("max-abs-sign", "Max(a, b) = (a + b - abs(a - b))/2", lambda a, b: (max(a, b), (a + b - abs(a - b)) / 2),
  "that is Min: 1 vs 0 at (1, 0)", {"a": "1", "b": "0"})
T("sign-abs", "sign(x)*abs(x) = x", lambda x: (M.sign(x) * abs(x), x), "sign(0)·0 = 0 too")
F("sign-x", "sign(x)*x = x", lambda x: (M.sign(x) * x, x), "sign(x)·x = |x|: 1 vs -1 at -1", {"x": "-1"})
T("sqrt-sq", "sqrt(x**2) = abs(x)", lambda x: (mp.sqrt(x ** 2), abs(x)), "the principal root")
F("sqrt-sq-x", "sqrt(x**2) = x", lambda x: (mp.sqrt(x ** 2), x), "√1 = 1 ≠ -1", {"x": "-1"})
T("pyth", "sin(x)**2 + cos(x)**2 = 1", lambda x: (mp.sin(x) ** 2 + mp.cos(x) ** 2, 1), "Pythagoras")
T("sin-le-x", "sin(x) <= x", lambda x: (mp.sin(x), x), "sin' = cos ≤ 1; equal at 0", assume=["x >= 0"],
  kind="domain", attained=True)
F("sin-le-x-all", "sin(x) <= x", lambda x: (mp.sin(x), x), "fails for x < 0: sin(-1) ≈ -0.84 > -1", {"x": "-1"},
  kind="domain")
T("sin-abs", "abs(sin(x)) <= abs(x)", lambda x: (abs(mp.sin(x)), abs(x)), "|sin x| ≤ |x|; equal at 0", attained=True)
T("cos-taylor", "cos(x) >= 1 - x**2/2", lambda x: (mp.cos(x), 1 - x ** 2 / 2),
  "integrate sin t ≤ t twice; equal at 0", attained=True)
F("cos-taylor-strict", "cos(x) > 1 - x**2/2", lambda x: (mp.cos(x), 1 - x ** 2 / 2), "equality at 0", {"x": "0"},
  kind="strict")
T("erf-odd", "erf(-x) = -erf(x)", lambda x: (mp.erf(-x), -mp.erf(x)), "the integrand e^-t² is even")
T("erf-lt1", "abs(erf(x)) < 1", lambda x: (abs(mp.erf(x)), 1), "the Gaussian integral over a finite interval",
  assume=["x in (-5, 5)"])
F("window-abs", "Max(abs(x - 1/7), 1/5000) = abs(x - 1/7)", lambda x: (max(abs(x - Q(1, 7)), Q(1, 5000)), abs(x - Q(1, 7))),
  "within 1/5000 of 1/7 the Max is 1/5000", {"x": "1/7"}, kind="window")
T("window-abs-ge", "Max(abs(x - 1/7), 1/5000) >= abs(x - 1/7)",
  lambda x: (max(abs(x - Q(1, 7)), Q(1, 5000)), abs(x - Q(1, 7))), "a Max is at least each argument", attained=True)
F("window-bump", "Max(0, 1/1000 - abs(x - 7/3)) = 0", lambda x: (max(0, Q(1, 1000) - abs(x - Q(7, 3))), 0),
  "a bump of height 1/1000 on (7/3 - 1/1000, 7/3 + 1/1000)", {"x": "7/3"}, kind="window")
F("window-point", "abs(x - 1/3) + abs(x - 1/3) >= 1e-9", lambda x: (2 * abs(x - Q(1, 3)), Q(1, 10**9)),
  "0 at the single point 1/3", {"x": "1/3"}, kind="window")

# ---------------------------------------------------------------- floor and ceil
T("floor-le", "floor(x) <= x", lambda x: (mp.floor(x), x), "the largest integer ≤ x; equal at integers", attained=True)
T("floor-gt", "x < floor(x) + 1", lambda x: (x, mp.floor(x) + 1), "definition of floor", kind="integer")
T("ceil-ge", "ceil(x) >= x", lambda x: (mp.ceil(x), x), "the smallest integer ≥ x", attained=True, kind="integer")
T("ceil-floor-le1", "ceil(x) - floor(x) <= 1", lambda x: (mp.ceil(x) - mp.floor(x), 1),
  "1 off the integers, 0 on them", attained=True, kind="integer")
F("ceil-floor-1", "ceil(x) - floor(x) = 1", lambda x: (mp.ceil(x) - mp.floor(x), 1),
  "0 at the integer 1", {"x": "1"}, assume=["x in (0, 3)"], kind="integer")
T("ceil-floor-1-dom", "ceil(x) - floor(x) = 1", lambda x: (mp.ceil(x) - mp.floor(x), 1),
  "no integer in (1/3, 2/3)", assume=["x in (1/3, 2/3)"], kind="integer")
F("ceil-floor-plus1", "ceil(x) = floor(x) + 1", lambda x: (mp.ceil(x), mp.floor(x) + 1), "0 vs 1 at 0", {"x": "0"},
  kind="integer")
F("round-ge", "floor(x + 1/2) >= x", lambda x: (mp.floor(x + Q(1, 2)), x), "rounds 1/4 down to 0", {"x": "1/4"},
  kind="integer")
T("round-le", "floor(x + 1/2) <= x + 1/2", lambda x: (mp.floor(x + Q(1, 2)), x + Q(1, 2)), "floor(y) ≤ y",
  attained=True, kind="integer")
F("round-ceil", "floor(x + 1/2) = ceil(x)", lambda x: (mp.floor(x + Q(1, 2)), mp.ceil(x)),
  "rounding is not ceil: 0 vs 1 at 1/4", {"x": "1/4"}, kind="integer")
F("floor-neg", "floor(-x) = -floor(x)", lambda x: (mp.floor(-x), -mp.floor(x)), "-1 vs 0 at 1/2", {"x": "1/2"},
  kind="integer")
T("floor-superadd", "floor(x) + floor(y) <= floor(x + y)", lambda x, y: (mp.floor(x) + mp.floor(y), mp.floor(x + y)),
  "floor(x) + floor(y) is an integer ≤ x + y", attained=True, kind="integer")
T("floor-int", "floor(n) = n", lambda n: (mp.floor(n), n), "n is an integer", assume=["n integer"], kind="integer")
F("floor-half-int", "floor(n/2)*2 = n", lambda n: (mp.floor(n / 2) * 2, n), "odd n: 0 vs 1", {"n": "1"},
  assume=["n integer >= 1"], kind="integer")

# ---------------------------------------------------------------- the variable e against Euler's number E
F("e-vs-E", "E*y = e*y", lambda e, y: (mp.e * y, e * y), "e is a variable, E is 2.718…", {"e": "1", "y": "1"},
  kind="names")
T("e-commute", "e*y = y*e", lambda e, y: (e * y, y * e), "multiplication commutes", kind="names")
T("e-exp", "exp(e) >= 1 + e", lambda e: (mp.exp(e), 1 + e), "e^t ≥ 1 + t for the variable t = e; equal at 0",
  kind="names", attained=True)
F("e-exp1", "exp(1) = e", lambda e: (mp.e, e), "the variable e = 1 is not Euler's number", {"e": "1"}, kind="names")
F("log-e", "log(e) = 1", lambda e: (mp.log(e), 1), "log of the variable: log 1 = 0", {"e": "1"}, assume=["e > 0"],
  kind="names")
T("log-E", "log(E) = 1", lambda: (mp.log(mp.e), 1), "E is Euler's number", kind="names")
T("e-square", "e*e = e**2", lambda e: (e * e, e ** 2), "a square", kind="names")

# ---------------------------------------------------------------- bounds past the largest float (1.8e308)
T("huge-nonneg", "x >= 0", lambda x: (x, 0), "every x > 1e309 is positive", assume=["x > 1e309"], kind="float")
F("huge-lt", "x < 1e308", lambda x: (x, mp.mpf(10) ** 308), "every x > 1e309 exceeds 1e308", {"x": "1e310"},
  assume=["x > 1e309"], kind="float")
T("huge-gt", "x > 1e308", lambda x: (x, mp.mpf(10) ** 308), "1e309 > 1e308", assume=["x > 1e309"], kind="float")
F("huge-le", "x <= 1e309", lambda x: (x, mp.mpf(10) ** 309), "2e309 > 1e309", {"x": "2e309"},
  assume=["x > 1e309"], kind="float")
T("huge-log", "log(x) > 700", lambda x: (mp.log(x), 700), "log 1e309 ≈ 711.5", assume=["x > 1e309"], kind="float")
T("huge-exp", "exp(-x) > 0", lambda x: (mp.exp(-x), 0), "exp is positive, even where floats underflow",
  assume=["x > 1e309"], kind="float")
T("huge-recip", "1/x > 0", lambda x: (1 / x, 0), "the reciprocal of a positive number", assume=["x > 1e309"],
  kind="float")
F("huge-recip-small", "1/x >= 1e-320", lambda x: (1 / x, mp.mpf(10) ** -320), "1/1e321 = 1e-321 < 1e-320",
  {"x": "1e321"}, assume=["x > 1e309"], kind="float")

# ---------------------------------------------------------------- more ways to go wrong (twins of true rows above)
F("sig-half-exp", "sigmoid(x) <= exp(x)/2", lambda x: (sig(x), mp.exp(x) / 2),
  "needs 1 + e^x ≥ 2, i.e. x ≥ 0: σ(-1) ≈ 0.269 > 0.184", {"x": "-1"}, kind="domain")
F("sig-logit-2x", "log(sigmoid(x)/(1 - sigmoid(x))) = 2*x", lambda x: (mp.log(sig(x) / (1 - sig(x))), 2 * x),
  "the logit of σ(x) is x, not 2x", {"x": "1"}, kind="constant")
F("log-sig-sign", "log(sigmoid(x)) = -softplus(x)", lambda x: (mp.log(sig(x)), -sp_(x)),
  "log σ(x) = -softplus(-x): at 1, -0.313 vs -1.313", {"x": "1"})
F("sig-tanh-full", "sigmoid(x) = (1 + tanh(x))/2", lambda x: (sig(x), (1 + mp.tanh(x)) / 2),
  "the argument of tanh is x/2", {"x": "1"}, kind="constant")
F("tanh-inverted", "tanh(x) = cosh(x)/sinh(x)", lambda x: (mp.tanh(x), mp.cosh(x) / mp.sinh(x)),
  "that is coth: 0.762 vs 1.313 at 1", {"x": "1"})
F("cosh-plus-sinh", "cosh(x)**2 + sinh(x)**2 = 1", lambda x: (mp.cosh(x) ** 2 + mp.sinh(x) ** 2, 1),
  "the hyperbolic identity has a minus sign: cosh 2 ≈ 3.76 at 1", {"x": "1"})
F("sp-gt-relu-1e30", "softplus(x) > Max(0, x) + 1e-30", lambda x: (sp_(x), max(mp.mpf(0), x) + Q(1, 10**30)),
  "the gap log(1 + e^-|x|) ≈ 3.7e-44 at x = 100", {"x": "100"}, kind="infinity")
F("sp-even-part", "softplus(x) + softplus(-x) = abs(x)", lambda x: (sp_(x) + sp_(-x), abs(x)),
  "2 log 2 vs 0 at x = 0", {"x": "0"})
F("relu-odd-plus", "relu(x) + relu(-x) = x", lambda x: (relu(x) + relu(-x), x), "that is |x|: 1 vs -1 at -1",
  {"x": "-1"})
F("leaky-general-a1", "leaky_relu(x, a) = Max(x, a*x)", lambda x, a: (M.leaky(x, a), max(x, a * x)),
  "for a > 1 the Max picks ax on x > 0: 1 vs 3/2", {"x": "1", "a": "3/2"}, assume=["a in (1, 2)"], kind="domain")
F("elu-half-a", "elu(x, a) >= -a/2", lambda x, a: (M.elu(x, a), -a / 2), "elu(-10, 1) ≈ -0.99995",
  {"x": "-10", "a": "1"}, assume=["a > 0"], kind="infinity")
F("selu-identity", "selu(x) = x", lambda x: (M.selu(x), x), "SELU scales by λ ≈ 1.0507", {"x": "1"},
  assume=["x > 0"], kind="constant")
F("silu-odd-zero", "silu(x) + silu(-x) = 0", lambda x: (M.silu(x) + M.silu(-x), 0),
  "silu(x) + silu(-x) = x(2σ(x) - 1) ≈ 0.462 at 1", {"x": "1"})
F("silu-lt-relu", "silu(x) < relu(x)", lambda x: (M.silu(x), relu(x)), "both 0 at x = 0", {"x": "0"}, kind="strict")
F("mish-lt-relu", "mish(x) < relu(x)", lambda x: (M.mish(x), relu(x)), "both 0 at x = 0", {"x": "0"}, kind="strict")
F("gelu-lt-relu", "gelu(x) < relu(x)", lambda x: (M.gelu(x), relu(x)), "both 0 at x = 0", {"x": "0"}, kind="strict")
F("softsign-999", "abs(softsign(x)) < 0.999", lambda x: (abs(M.softsign(x)), Q(999, 1000)),
  "1000/1001 ≈ 0.999001", {"x": "1000"}, kind="infinity")
F("hardtanh-strict", "abs(hardtanh(x)) < 1", lambda x: (abs(M.hardtanh(x)), 1), "hardtanh(2) = 1", {"x": "2"},
  kind="strict")
F("exp-gt-3x", "exp(x) > 3*x", lambda x: (mp.exp(x), 3 * x), "e ≈ 2.718 < 3 at x = 1", {"x": "1"},
  kind="constant")
F("euler-seq-le2", "(1 + 1/n)**n <= 2", lambda n: ((1 + 1 / n) ** n, 2), "9/4 at n = 2", {"n": "2"},
  assume=["n integer >= 1"], kind="integer")
F("exp-gauss-lt1", "exp(-x**2) < 1", lambda x: (mp.exp(-x ** 2), 1), "equal to 1 at x = 0", {"x": "0"},
  kind="strict")
F("exp-mul", "exp(x)*exp(y) = exp(x*y)", lambda x, y: (mp.exp(x) * mp.exp(y), mp.exp(x * y)),
  "e^x e^y = e^{x+y}: e² vs e", {"x": "1", "y": "1"})
F("lse-3-ge-log3", "log(exp(a) + exp(b) + exp(c)) >= Max(a, b, c) + log(3)",
  lambda a, b, c: (M.lse([a, b, c]), max(a, b, c) + mp.log(3)), "wrong direction: ≈ 9e-5 < log 3 at (0, -10, -10)",
  {"a": "0", "b": "-10", "c": "-10"})
F("lse-shift-half", "log(exp(a) + exp(b)) - c = log(exp(a - c) + exp(b))",
  lambda a, b, c: (LSE2(a, b) - c, LSE2(a - c, b)), "the shift must apply to every term", {"a": "0", "b": "0", "c": "1"})
F("softmax-2-swap", "exp(a)/(exp(a) + exp(b)) = sigmoid(b - a)", lambda a, b: (sig(a - b), sig(b - a)),
  "the argument is a - b", {"a": "1", "b": "0"})
F("softmax-ce-deriv-sign", "diff(-log(exp(a)/(exp(a) + exp(b))), a) = 1 - exp(a)/(exp(a) + exp(b))",
  lambda a, b: (M.d(lambda t: -mp.log(sig(t - b)), a), 1 - sig(a - b)), "sign flip: -1/2 vs 1/2 at a = b = 0",
  {"a": "0", "b": "0"}, kind="derivative")
F("quad-quarter", "x**2 - x + 1/4 > 0", lambda x: (x ** 2 - x + Q(1, 4), 0), "(x - 1/2)² is 0 at 1/2", {"x": "1/2"},
  kind="strict")
F("clip-max", "Min(1, c/g)*g = Max(g, c)", lambda c, g: (min(1, c / g) * g, max(g, c)),
  "clipping gives min(g, c): 1/2 vs 1", {"g": "1/2", "c": "1"}, assume=["g > 0", "c > 0"])
F("gd-step-big-lr", "abs(x - a*(L*x)) <= abs(x)", lambda x, a, L: (abs(x - a * L * x), abs(x)),
  "a learning rate above 2/L grows |x|: 3/2 at x = 1, a = 5/2, L = 1", {"x": "1", "a": "5/2", "L": "1"},
  assume=["a in (0, 3)", "L in (0, 1]"], kind="domain")
F("ema-weights-wrong", "(1 - b)*(1 + b + b**2) = 1 - b**2", lambda b: ((1 - b) * (1 + b + b ** 2), 1 - b ** 2),
  "three weights sum to 1 - β³: 7/8 vs 3/4", {"b": "1/2"}, assume=["b in (0, 1)"], kind="constant")
F("adam-bias-2-wrong", "(b*(1 - b)*g + (1 - b)*g)/(1 - b) = g",
  lambda b, g: ((b * (1 - b) * g + (1 - b) * g) / (1 - b), g), "after two steps divide by 1 - β²: 3/2 vs 1",
  {"b": "1/2", "g": "1"}, assume=["b in (0, 1)"], kind="constant")
F("mse-bias-grad-wrong", "diff(((w*x + b) - t)**2/2, b) = w*(w*x + b - t)",
  lambda w, x, b, t: (M.d(lambda u: (w * x + u - t) ** 2 / 2, b), w * (w * x + b - t)),
  "∂z/∂b is 1, not w: 1 vs 2", {"w": "2", "x": "0", "b": "1", "t": "0"}, kind="derivative")
F("dropout-p", "p*x/p = p", lambda p, x: (p * x / p, p), "1 vs 1/2", {"p": "1/2", "x": "1"}, assume=["p in (0, 1)"])
F("bn-invert-wrong", "((x - m)/sqrt(v + eps))*sqrt(v) + m = x",
  lambda x, m, v, eps: ((x - m) / mp.sqrt(v + eps) * mp.sqrt(v) + m, x), "ε does not cancel: 1/√2 vs 1",
  {"x": "1", "m": "0", "v": "1", "eps": "1"}, assume=["v > 0", "eps > 0"], kind="constant")
F("pyth-minus", "sin(x)**2 - cos(x)**2 = 1", lambda x: (mp.sin(x) ** 2 - mp.cos(x) ** 2, 1), "-1 vs 1 at 0",
  {"x": "0"})
F("sin-abs-strict", "abs(sin(x)) < abs(x)", lambda x: (abs(mp.sin(x)), abs(x)), "both 0 at x = 0", {"x": "0"},
  kind="strict")
F("erf-even", "erf(-x) = erf(x)", lambda x: (mp.erf(-x), mp.erf(x)), "erf is odd", {"x": "1"})
F("erf-999", "abs(erf(x)) < 0.999", lambda x: (abs(mp.erf(x)), Q(999, 1000)), "erf(3) ≈ 0.99998", {"x": "3"},
  kind="infinity")
F("floor-lt", "floor(x) < x", lambda x: (mp.floor(x), x), "equal at integers", {"x": "1"}, kind="integer")
F("ceil-gt", "ceil(x) > x", lambda x: (mp.ceil(x), x), "equal at integers", {"x": "0"}, kind="integer")
F("floor-add", "floor(x) + floor(y) = floor(x + y)", lambda x, y: (mp.floor(x) + mp.floor(y), mp.floor(x + y)),
  "0 vs 1 at x = y = 1/2", {"x": "1/2", "y": "1/2"}, kind="integer")
F("floor-half", "floor(n/2) = n/2", lambda n: (mp.floor(n / 2), n / 2), "odd n: 0 vs 1/2", {"n": "1"},
  assume=["n integer"], kind="integer")
F("e-exp-E", "exp(e) >= 1 + E", lambda e: (mp.exp(e), 1 + mp.e), "the variable e = 0 gives 1 < 3.718",
  {"e": "0"}, kind="names")
F("e-square-exp", "e**2 = exp(2)", lambda e: (e ** 2, mp.exp(2)), "the variable e = 1 gives 1 ≠ e²", {"e": "1"},
  kind="names")
F("log-E-E", "log(E) = E", lambda: (mp.log(mp.e), mp.e), "log E = 1", {}, kind="names")
F("huge-log-lt", "log(x) < 700", lambda x: (mp.log(x), 700), "log 1e310 ≈ 713.8", {"x": "1e310"},
  assume=["x > 1e309"], kind="float")
F("huge-exp-1e300", "exp(-x) >= 1e-300", lambda x: (mp.exp(-x), mp.mpf(10) ** -300), "e^-2e309 is far below 1e-300",
  {"x": "2e309"}, assume=["x > 1e309"], kind="float")
F("huge-recip-309", "1/x > 1e-309", lambda x: (1 / x, mp.mpf(10) ** -309), "1/1e310 = 1e-310", {"x": "1e310"},
  assume=["x > 1e309"], kind="float")
F("window-abs-strict", "Max(abs(x - 1/7), 1/5000) > abs(x - 1/7)",
  lambda x: (max(abs(x - Q(1, 7)), Q(1, 5000)), abs(x - Q(1, 7))), "away from 1/7 both sides are |x - 1/7|",
  {"x": "1"}, kind="strict")
F("relu-window-strict", "relu(x - 500)*relu(501 - x) < 1/4", lambda x: (relu(x - 500) * relu(501 - x), Q(1, 4)),
  "exactly 1/4 at 1001/2", {"x": "1001/2"}, kind="strict")

# ---------------------------------------------------------------- the new syntax (vectors, sums, expectations, ...)
# Vector parameters receive lists of mpmath numbers; "o in R^n" is checked at several sizes n.
T("new-softmax-sum", "sum(softmax(o)[j], (j, 1, n)) = 1", lambda o: (mp.fsum(M.softmax(o)), 1),
  "the softmax normalises", assume=["o in R^n"], kind="new", syntax="new")
F("new-softmax-le-1n", "softmax(o)[1] <= 1/3", lambda o: (M.softmax(o)[0], Q(1, 3)),
  "a larger logit gets more than the uniform share: e/(2e + 1) ≈ 0.42 at (1, 1, 0), whichever indexing", {"o": ["1", "1", "0"]},
  assume=["o in R^3"], kind="new", syntax="new")
T("new-softmax-pos", "softmax(o)[1] > 0", lambda o: (M.softmax(o)[0], 0), "exp is positive",
  assume=["o in R^3"], kind="new", syntax="new")
T("new-lse-upper", "logsumexp(o) <= max(o) + log(n)", lambda o: (M.lse(o), max(o) + mp.log(len(o))),
  "n terms each at most the largest; equal when all are equal", assume=["o in R^n"], kind="new", syntax="new",
  attained=True)
F("new-lse-log2", "logsumexp(o) <= max(o) + log(2)", lambda o: (M.lse(o), max(o) + LOG2()),
  "three equal logits: log 3 > log 2", {"o": ["0", "0", "0"]}, assume=["o in R^3"], kind="new", syntax="new")
F("new-lse-le-max", "logsumexp(o) <= max(o)", lambda o: (M.lse(o), max(o)), "wrong direction: log 3 at zeros",
  {"o": ["0", "0", "0"]}, assume=["o in R^3"], kind="new", syntax="new")
T("new-lse-lower", "logsumexp(o) >= max(o)", lambda o: (M.lse(o), max(o)), "the sum exceeds its largest term",
  assume=["o in R^3"], kind="new", syntax="new")
T("new-dropout-mean", "E(m*x/(1 - p), m ~ Bernoulli(1 - p)) = x",
  lambda x, p: ((1 - p) * (x / (1 - p)) + p * 0, x), "inverted dropout is unbiased: (1-p)·x/(1-p)",
  assume=["p in (0, 1)"], kind="new", syntax="new")
F("new-dropout-mean-wrong", "E(m*x, m ~ Bernoulli(1 - p)) = x", lambda x, p: ((1 - p) * x, x),
  "without the 1/(1-p) scale the mean shrinks: 1/2 vs 1", {"x": "1", "p": "1/2"}, assume=["p in (0, 1)"],
  kind="new", syntax="new")
T("new-dropout-var", "Var(m*x/(1 - p), m ~ Bernoulli(1 - p)) = p*x**2/(1 - p)",
  lambda x, p: ((1 - p) * (x / (1 - p)) ** 2 - x ** 2, p * x ** 2 / (1 - p)),
  "E[(mx/(1-p))²] - x² = x²/(1-p) - x²", assume=["p in (0, 1)"], kind="new", syntax="new")
F("new-dropout-var-wrong", "Var(m*x/(1 - p), m ~ Bernoulli(1 - p)) = p*x**2",
  lambda x, p: ((1 - p) * (x / (1 - p)) ** 2 - x ** 2, p * x ** 2), "the variance is px²/(1-p): 1 vs 1/2",
  {"x": "1", "p": "1/2"}, assume=["p in (0, 1)"], kind="new", syntax="new")
T("new-uniform-var", "Var(x, x ~ Uniform(-a, a)) = a**2/3", lambda a: ((2 * a) ** 2 / 12, a ** 2 / 3),
  "(b - a)²/12 with b - a = 2a", assume=["a > 0"], kind="new", syntax="new")
F("new-uniform-var-wrong", "Var(x, x ~ Uniform(-a, a)) = a**2/12", lambda a: ((2 * a) ** 2 / 12, a ** 2 / 12),
  "a²/12 is for an interval of length a: 1/3 vs 1/12", {"a": "1"}, assume=["a > 0"], kind="new", syntax="new")
T("new-normal-second", "E(x**2, x ~ Normal(0, s)) = s**2",
  lambda s: (s ** 2 * _std_second(mp.mp.dps), s ** 2),
  "the second moment of a centred normal is its variance (x = s·u, and ∫u²φ(u)du by quadrature)", assume=["s > 0"], kind="new", syntax="new")
F("new-normal-exp", "E(exp(x), x ~ Normal(0, 1)) = 1",
  lambda: (_quad30(lambda t: mp.exp(t) * mp.npdf(t)), 1),
  "Jensen: E e^x = e^{1/2} > e^{E x}", {}, kind="new", syntax="new")
T("new-sum-i", "sum(i, (i, 1, n)) = n*(n + 1)/2", lambda n: (mp.fsum(range(1, int(n) + 1)), n * (n + 1) / 2),
  "Gauss's pairing", assume=["n integer >= 1"], kind="new", syntax="new")
F("new-sum-sq", "sum(i**2, (i, 1, n)) = n**2*(n + 1)**2/4",
  lambda n: (mp.fsum(i * i for i in range(1, int(n) + 1)), n ** 2 * (n + 1) ** 2 / 4),
  "that is the sum of cubes: 5 vs 9 at n = 2", {"n": "2"}, assume=["n integer >= 1"], kind="new", syntax="new")
T("new-prod-tele", "prod(1 + 1/i, (i, 1, n)) = n + 1",
  lambda n: (mp.fprod(1 + mp.mpf(1) / i for i in range(1, int(n) + 1)), n + 1),
  "telescoping: ∏ (i+1)/i = n + 1", assume=["n integer >= 1"], kind="new", syntax="new")
F("new-prod-fact", "prod(i, (i, 1, n)) >= 2**n", lambda n: (mp.fprod(range(1, int(n) + 1)), 2 ** n),
  "1! = 1 < 2 (n! ≥ 2^n only from n = 4)", {"n": "1"}, assume=["n integer >= 1"], kind="new", syntax="new")
T("new-norm1-ge-norm2", "norm(g, 1) >= norm(g)", lambda g: (M.norm(g, 1), M.norm(g)),
  "(Σ|gᵢ|)² ≥ Σgᵢ²; equal for one non-zero entry", assume=["g in R^3"], kind="new", syntax="new", attained=True)
F("new-norm2-ge-norm1", "norm(g) >= norm(g, 1)", lambda g: (M.norm(g), M.norm(g, 1)), "√2 < 2 at (1, 1, 0)",
  {"g": ["1", "1", "0"]}, assume=["g in R^3"], kind="new", syntax="new")
T("new-cauchy", "dot(w, x)**2 <= norm(w)**2*norm(x)**2",
  lambda w, x: (mp.fsum(a * b for a, b in zip(w, x)) ** 2, M.norm(w) ** 2 * M.norm(x) ** 2),
  "Cauchy-Schwarz; equal for parallel vectors", assume=["w in R^3", "x in R^3"], kind="new", syntax="new",
  attained=True)
F("new-dot-pos", "dot(w, x) >= 0", lambda w, x: (mp.fsum(a * b for a, b in zip(w, x)), 0),
  "opposite vectors: -1", {"w": ["1", "0", "0"], "x": ["-1", "0", "0"]}, assume=["w in R^3", "x in R^3"],
  kind="new", syntax="new")
T("new-where-relu", "where(x > 0, x, 0) = relu(x)", lambda x: (x if x > 0 else mp.mpf(0), relu(x)),
  "the definition of ReLU by cases", kind="new", syntax="new")
F("new-where-abs", "where(x > 0, x, 0) = abs(x)", lambda x: (x if x > 0 else mp.mpf(0), abs(x)), "0 vs 1 at -1",
  {"x": "-1"}, kind="new", syntax="new")
T("new-limit-sig", "limit(sigmoid(x), x, oo) = 1", lambda: (sig(mp.mpf(10) ** 6), 1),
  "e^-x → 0 (evaluated at x = 1e6, where 1 - σ is e^-1e6)", kind="new", syntax="new")
F("new-limit-xlogx", "limit(x*log(x), x, 0, '+') = -1",
  lambda: ((lambda t: t * mp.log(t))(mp.mpf(10) ** -mp.mp.dps), -1),
  "x log x → 0 as x → 0⁺", {}, kind="new", syntax="new")
T("new-argmax-quad", "argmax(-(x - 3)**2, x) = 3", lambda: (M.crit(lambda t: -(t - 3) ** 2, mp.mpf(1)), 3),
  "the vertex of the parabola", kind="new", syntax="new")
F("new-argmax-xexp", "argmax(x*exp(-x), x) = 2", lambda: (M.crit(lambda t: t * mp.exp(-t), mp.mpf("0.5")), 2),
  "(x e^-x)' = (1 - x)e^-x: the maximiser is 1", {}, kind="new", syntax="new")
T("new-discrete-mean", "E(x, x ~ Discrete([1, 2, 3], [1/2, 1/4, 1/4])) = 7/4",
  lambda: (Q(1, 2) + 2 * Q(1, 4) + 3 * Q(1, 4), Q(7, 4)), "1/2 + 1/2 + 3/4", kind="new", syntax="new")
F("new-discrete-var", "Var(x, x ~ Discrete([0, 1], [1/2, 1/2])) = 1/2",
  lambda: (Q(1, 2) - Q(1, 2) ** 2, Q(1, 2)), "a fair coin has variance 1/4", {}, kind="new", syntax="new")
T("new-gibbs", "sum(p[i]*log(p[i]/q[i]), (i, 1, 3)) >= 0",
  lambda p, q: (mp.fsum(a * mp.log(a / b) for a, b in zip(p, q)), 0),
  "Gibbs' inequality; equality at p = q", assume=["p in simplex^3", "q in simplex^3"], kind="new", syntax="new",
  attained=True)
F("new-neg-entropy", "sum(p[i]*log(p[i]), (i, 1, 3)) >= 0", lambda p: (mp.fsum(a * mp.log(a) for a in p), 0),
  "the negative entropy is ≤ 0: -log 3 at the uniform p", {"p": ["1/3", "1/3", "1/3"]},
  assume=["p in simplex^3"], kind="new", syntax="new")

_ids = [r.id for r in ROWS]
assert len(_ids) == len(set(_ids)), "duplicate row ids"
