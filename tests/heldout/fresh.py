"""Sixty fresh held-out claims (30 true, 30 false), written by hand from the optimisation,
regularisation, activation, loss, probability and information-theory chapters of
Goodfellow-Bengio-Courville, Bishop and d2l.ai.  Same format as :mod:`tests.heldout.claims`;
each evaluator uses mpmath only (never ``derive``).
"""
from __future__ import annotations

import mpmath as mp

from .claims import M, Row

__all__ = ["FRESH"]

FRESH: list[Row] = []


def T(id, claim, f, reason, assume=(), kind="textbook", attained=False, syntax="current"):
    FRESH.append(Row("fresh-" + id, claim, tuple(assume), True, reason, f, kind, {}, attained, syntax))


def F(id, claim, f, reason, witness, assume=(), kind="sign", syntax="current"):
    FRESH.append(Row("fresh-" + id, claim, tuple(assume), False, reason, f, kind, dict(witness), False, syntax))


def q(a, b=1):
    return mp.mpf(a) / b


sig = M.sig


def H2(p):
    return -p * mp.log(p) - (1 - p) * mp.log(1 - p)


def KL2(p, r):
    return p * mp.log(p / r) + (1 - p) * mp.log((1 - p) / (1 - r))


def H3(p, r):
    s = 1 - p - r
    return -p * mp.log(p) - r * mp.log(r) - s * mp.log(s)


def huber1(r):
    return r * r / 2 if abs(r) <= 1 else abs(r) - q(1, 2)


def huber2(r):
    return r * r / 2 if abs(r) <= 2 else 2 * abs(r) - 2


def ce_a(a, b, c):
    return -mp.log(mp.exp(a) / (mp.exp(a) + mp.exp(b) + mp.exp(c)))


def wbce(w, y, z):
    return -w * y * mp.log(sig(z)) - (1 - y) * mp.log(1 - sig(z))


def soft_threshold_argmin(a, l):
    """argmin_w (w - a)^2/2 + l|w| by comparing the three candidate points of the convex objective."""
    obj = lambda w: (w - a) ** 2 / 2 + l * abs(w)  # noqa: E731
    cands = [mp.mpf(0)] + [c for c in (a - l,) if c > 0] + [c for c in (a + l,) if c < 0]
    return min(cands, key=obj)


def lognormal_mean(s):
    """E exp(x), x ~ N(0, s^2), by quadrature of exp(t) times the normal density (split where the product peaks)."""
    c = s * s
    pts = [-mp.inf, c - 20 * s, c - 5 * s, c, c + 5 * s, c + 20 * s, mp.inf]
    return mp.quad(lambda t: mp.exp(t) * mp.npdf(t, 0, s), pts)


def bern_E(g, p):
    """E g(m) for m ~ Bernoulli(p)."""
    return p * g(1) + (1 - p) * g(0)


def bern_Var(g, p):
    return bern_E(lambda m: g(m) ** 2, p) - bern_E(g, p) ** 2


# ================================================================ optimisation
T("adam-m2-bias", "(b*(1 - b)*g + (1 - b)*g)/(1 - b**2) = g",
  lambda b, g: ((b * (1 - b) * g + (1 - b) * g) / (1 - b ** 2), g),
  "Adam's first moment after two steps of a constant gradient is (1-b^2)g; dividing by 1-b^2 recovers g",
  assume=("b in (0,1)",))
F("adam-m2-bias-wrong", "(b*(1 - b)*g + (1 - b)*g)/(1 - b) = g",
  lambda b, g: ((b * (1 - b) * g + (1 - b) * g) / (1 - b), g),
  "the correction divides by 1-b^t with t = 2, not by 1-b: at b=1/2, g=1 the left side is 3/2",
  {"b": "1/2", "g": "1"}, assume=("b in (0,1)",), kind="constant")
T("adam-v3-bias", "(1 - c)*g**2*(c**2 + c + 1)/(1 - c**3) = g**2",
  lambda c, g: ((1 - c) * g ** 2 * (c ** 2 + c + 1) / (1 - c ** 3), g ** 2),
  "second moment after three constant-gradient steps is (1-c)(1+c+c^2)g^2 = (1-c^3)g^2",
  assume=("c in (0,1)",))
T("gd-quadratic-rate", "abs(1 - 4*h) < 1",
  lambda h: (abs(1 - 4 * h), mp.mpf(1)),
  "GD on 2x^2 (L = 4) contracts by |1-4h|, below 1 for every h in (0, 2/L)",
  assume=("h in (0, 1/2)",))
F("gd-quadratic-rate-closed", "abs(1 - 4*h) < 1",
  lambda h: (abs(1 - 4 * h), mp.mpf(1)),
  "h = 2/L = 1/2 is included: the factor is exactly 1 and GD oscillates without converging",
  {"h": "1/2"}, assume=("h in (0, 1/2]",), kind="strict")
T("gd-optimal-step-factor", "abs(1 - 2*m/(m + 10)) = (10 - m)/(10 + m)",
  lambda m: (abs(1 - 2 * m / (m + 10)), (10 - m) / (10 + m)),
  "with h = 2/(m+L), L = 10, the factor 1-hm = (L-m)/(L+m) is non-negative when m <= L",
  assume=("m in (0, 10]",))
F("gd-optimal-step-factor-domain", "abs(1 - 2*m/(m + 10)) = (10 - m)/(10 + m)",
  lambda m: (abs(1 - 2 * m / (m + 10)), (10 - m) / (10 + m)),
  "for m > L = 10 the right side is negative while the left is an absolute value: m = 15",
  {"m": "15"}, assume=("m in (0, 20)",), kind="domain")
T("descent-lemma-quadratic", "2*(x - h*diff(2*x**2, x))**2 <= 2*x**2 - h*diff(2*x**2, x)**2/2",
  lambda h, x: (2 * (x - h * 4 * x) ** 2, 2 * x ** 2 - h * (4 * x) ** 2 / 2),
  "f = 2x^2 is 4-smooth; for h <= 1/L the step decreases f by at least h/2 f'^2: (1-4h)^2 <= 1-4h; "
  "equal at x = 0 and at h = 1/4",
  assume=("h in (0, 1/4]",), attained=True)
F("descent-lemma-big-step", "2*(x - h*diff(2*x**2, x))**2 <= 2*x**2 - h*diff(2*x**2, x)**2/2",
  lambda h, x: (2 * (x - h * 4 * x) ** 2, 2 * x ** 2 - h * (4 * x) ** 2 / 2),
  "the sufficient-decrease bound needs h <= 1/L = 1/4; at h = 3/10, x = 1: 0.08 > -0.4",
  {"h": "3/10", "x": "1"}, assume=("h in (0, 1/2]",), kind="domain")
T("logistic-curvature", "diff(diff(log(1 + exp(-z)), z), z) <= 1/4",
  lambda z: (M.d(lambda t: M.d(lambda u: mp.log1p(mp.exp(-u)), t), z), q(1, 4)),
  "the logistic loss has second derivative sigma(z)sigma(-z) <= 1/4, equal at z = 0 (so GD with h <= 4 is safe)",
  attained=True)

# ================================================================ regularisation
T("ridge-argmax", "argmax(-((w - a)**2/2 + l*w**2/2), w) = a/(1 + l)",
  lambda a, l: (mp.findroot(lambda w: M.d(lambda u: (u - a) ** 2 / 2 + l * u ** 2 / 2, w), a), a / (1 + l)),
  "weight decay l/2 w^2 on a unit quadratic shrinks the minimiser to a/(1+l)",
  assume=("l > 0",))
F("ridge-argmax-wrong", "argmax(-((w - a)**2/2 + l*w**2), w) = a/(1 + l)",
  lambda a, l: (mp.findroot(lambda w: M.d(lambda u: (u - a) ** 2 / 2 + l * u ** 2, w), a), a / (1 + l)),
  "penalty l w^2 (no 1/2) gives a/(1+2l): at a = 1, l = 1 the minimiser is 1/3, not 1/2",
  {"a": "1", "l": "1"}, assume=("l > 0",), kind="constant")
T("soft-threshold", "argmax(-((w - a)**2/2 + l*abs(w)), w) = sign(a)*Max(abs(a) - l, 0)",
  lambda a, l: (soft_threshold_argmin(a, l), M.sign(a) * max(abs(a) - l, mp.mpf(0))),
  "the proximal map of l|w| is soft thresholding (L1 gives exact zeros)",
  assume=("l > 0",))
F("soft-threshold-half", "argmax(-((w - a)**2/2 + l*abs(w)), w) = sign(a)*Max(abs(a) - l/2, 0)",
  lambda a, l: (soft_threshold_argmin(a, l), M.sign(a) * max(abs(a) - l / 2, mp.mpf(0))),
  "the threshold is l, not l/2 (that would be for penalty l|w|/2): at a = 2, l = 1 the minimiser is 1",
  {"a": "2", "l": "1"}, assume=("l > 0",), kind="constant")
T("decay-shrinks", "abs((1 - h*l)*w) <= abs(w)",
  lambda h, l, w: (abs((1 - h * l) * w), abs(w)),
  "decoupled weight decay multiplies w by 1-hl in (0,1) when h, l in (0,1); equal at w = 0",
  assume=("h in (0,1)", "l in (0,1)"), attained=True)

# ================================================================ activations
T("softsign-derivative", "diff(softsign(x), x) = 1/(1 + abs(x))**2",
  lambda x: (M.d(M.softsign, x), 1 / (1 + abs(x)) ** 2),
  "softsign' = 1/(1+|x|)^2 on both sides of 0", kind="derivative")
F("softsign-derivative-wrong", "diff(softsign(x), x) = 1/(1 + x**2)",
  lambda x: (M.d(M.softsign, x), 1 / (1 + x ** 2)),
  "confuses softsign' with arctan': at x = 1 it is 1/4, not 1/2",
  {"x": "1"}, kind="derivative")
T("softsign-below-tanh", "softsign(x) <= tanh(x)",
  lambda x: (M.softsign(x), mp.tanh(x)),
  "for x >= 0 softsign saturates more slowly than tanh (x - x^2 vs x - x^3/3 near 0); equal at 0",
  assume=("x >= 0",), attained=True)
F("softsign-below-tanh-all", "softsign(x) <= tanh(x)",
  lambda x: (M.softsign(x), mp.tanh(x)),
  "both are odd, so for x < 0 the inequality reverses: x = -1 gives -1/2 > -0.76",
  {"x": "-1"}, kind="domain")
T("hardtanh-tanh-gap", "abs(hardtanh(x) - tanh(x)) <= 1 - tanh(1)",
  lambda x: (abs(M.hardtanh(x) - mp.tanh(x)), 1 - mp.tanh(1)),
  "x - tanh x rises on [0,1] and 1 - tanh x falls after 1: the gap is largest at x = +-1",
  attained=True)
F("hardtanh-tanh-gap-hair", "abs(hardtanh(x) - tanh(x)) <= 0.238",
  lambda x: (abs(M.hardtanh(x) - mp.tanh(x)), q(238, 1000)),
  "the largest gap 1 - tanh(1) = 0.2384058... exceeds 0.238 at x = 1",
  {"x": "1"}, kind="constant")
T("elu-derivative-negative", "diff(elu(x), x) = elu(x) + 1",
  lambda x: (M.d(M.elu, x), M.elu(x) + 1),
  "for x < 0, elu = e^x - 1 so elu' = e^x = elu + 1 (the cheap backward pass)",
  assume=("x < 0",), kind="derivative")
F("elu-derivative-all", "diff(elu(x), x) = elu(x) + 1",
  lambda x: (M.d(M.elu, x), M.elu(x) + 1),
  "the identity is the negative branch only; for x > 0, elu' = 1 but elu + 1 = x + 1: x = 1",
  {"x": "1"}, kind="domain")
T("selu-floor", "selu(x) > -1.7581",
  lambda x: (M.selu(x), q(-17581, 10000)),
  "selu > -lambda*alpha = -1.7580993..., approached only as x -> -oo", kind="infinity")
F("selu-floor-far", "selu(x) > -1.758099",
  lambda x: (M.selu(x), q(-1758099, 1000000)),
  "-lambda*alpha = -1.75809934 < -1.758099, so selu drops below it, but only for x < about -15.5: x = -20",
  {"x": "-20"}, kind="window")
T("gelu-below-relu", "gelu(x) <= relu(x)",
  lambda x: (M.gelu(x), M.relu(x)),
  "x*Phi(x) <= x for x > 0 and < 0 for x < 0; equal at x = 0", attained=True)
F("gelu-below-relu-strict", "gelu(x) < relu(x)",
  lambda x: (M.gelu(x), M.relu(x)),
  "both are 0 at x = 0", {"x": "0"}, kind="strict")
F("gelu-min-hair", "gelu(x) >= -0.1699",
  lambda x: (M.gelu(x), q(-1699, 10000)),
  "the minimum of gelu is -0.16997... near x = -0.752: x = -3/4",
  {"x": "-3/4"}, kind="constant")
T("silu-derivative", "diff(silu(x), x) = sigmoid(x)*(1 + x*(1 - sigmoid(x)))",
  lambda x: (M.d(M.silu, x), sig(x) * (1 + x * (1 - sig(x)))),
  "(x s)' = s + x s(1-s)", kind="derivative")
F("silu-derivative-sign", "diff(silu(x), x) = sigmoid(x) + x*sigmoid(x)*(1 + sigmoid(x))",
  lambda x: (M.d(M.silu, x), sig(x) + x * sig(x) * (1 + sig(x))),
  "sign error in sigma' = s(1-s): at x = 1 the sides differ",
  {"x": "1"}, kind="derivative")
T("softplus-relu-log2", "softplus(x) <= relu(x) + log(2)",
  lambda x: (M.softplus(x), M.relu(x) + mp.log(2)),
  "softplus(x) - relu(x) = log(1 + e^-|x|) <= log 2, equal at x = 0", attained=True)
F("softplus-relu-hair", "softplus(x) <= relu(x) + 0.693",
  lambda x: (M.softplus(x), M.relu(x) + q(693, 1000)),
  "log 2 = 0.693147... > 0.693: fails at x = 0", {"x": "0"}, kind="constant")
F("leaky-max-domain", "leaky_relu(x, a) = Max(x, a*x)",
  lambda x, a: (M.leaky(x, a), max(x, a * x)),
  "leaky_relu = max(x, ax) only for a <= 1; at a = 3/2, x = 1 the max is 3/2",
  {"x": "1", "a": "3/2"}, assume=("a in (0, 2)",), kind="domain")
F("mish-min-hair", "mish(x) >= -0.3088",
  lambda x: (M.mish(x), q(-3088, 10000)),
  "mish's minimum is -0.308843... near x = -1.1924; only a narrow window around it violates: x = -1.19",
  {"x": "-1.19"}, kind="window")

# ================================================================ losses
T("hinge-bounds-01", "Max(0, 1 - z) >= where(z > 0, 0, 1)",
  lambda z: (max(mp.mpf(0), 1 - z), mp.mpf(0) if z > 0 else mp.mpf(1)),
  "the hinge loss upper-bounds the 0-1 loss (y = 1); equal at z = 0 and for z >= 1",
  attained=True, syntax="new")
F("logistic-dominates-hinge", "log(1 + exp(-z)) >= Max(0, 1 - z)",
  lambda z: (mp.log1p(mp.exp(-z)), max(mp.mpf(0), 1 - z)),
  "the natural-log logistic loss is below the hinge near the margin: at z = 0, log 2 < 1",
  {"z": "0"}, kind="sign")
T("huber-derivative", "diff(where(abs(r) <= 1, r**2/2, abs(r) - 1/2), r) = hardtanh(r)",
  lambda r: (M.d(huber1, r), M.hardtanh(r)),
  "the Huber loss (delta = 1) is C^1 and its derivative clips the residual to [-1, 1]",
  kind="derivative", syntax="new")
F("huber-derivative-clip", "diff(where(abs(r) <= 2, r**2/2, 2*abs(r) - 2), r) = Max(-1, Min(1, r))",
  lambda r: (M.d(huber2, r), max(mp.mpf(-1), min(mp.mpf(1), r))),
  "with delta = 2 the derivative clips at +-2, not +-1: at r = 3/2 it is 3/2",
  {"r": "3/2"}, kind="derivative", syntax="new")
T("huber-below-mse", "where(abs(r) <= 2, r**2/2, 2*(abs(r) - 1)) <= r**2/2",
  lambda r: (huber2(r), r * r / 2),
  "2(|r| - 1) <= r^2/2 is (|r| - 2)^2 >= 0; equal for |r| <= 2",
  attained=True, syntax="new")
T("weighted-bce-gradient", "diff(-w*y*log(sigmoid(z)) - (1 - y)*log(1 - sigmoid(z)), z) = sigmoid(z)*(1 - y + w*y) - w*y",
  lambda w, y, z: (M.d(lambda t: wbce(w, y, t), z), sig(z) * (1 - y + w * y) - w * y),
  "-wy(1-s) + (1-y)s for the positive-weighted cross-entropy", kind="derivative")
F("weighted-bce-gradient-wrong", "diff(-w*y*log(sigmoid(z)) - (1 - y)*log(1 - sigmoid(z)), z) = w*(sigmoid(z) - y)",
  lambda w, y, z: (M.d(lambda t: wbce(w, y, t), z), w * (sig(z) - y)),
  "the weight only scales the positive term: at w = 2, y = 0, z = 0 the gradient is 1/2, not 1",
  {"w": "2", "y": "0", "z": "0"}, kind="derivative")
F("squared-hinge-above-hinge", "Max(0, 1 - z)**2 >= Max(0, 1 - z)",
  lambda z: (max(mp.mpf(0), 1 - z) ** 2, max(mp.mpf(0), 1 - z)),
  "squaring shrinks margins violations below 1: z = 1/2 gives 1/4 < 1/2",
  {"z": "1/2"}, kind="window")

# ================================================================ probability
T("dropout-variance", "Var(m*x/(1 - p), m ~ Bernoulli(1 - p)) = p*x**2/(1 - p)",
  lambda p, x: (bern_Var(lambda m: m * x / (1 - p), 1 - p), p * x ** 2 / (1 - p)),
  "inverted dropout: Var = x^2 p(1-p)/(1-p)^2", assume=("p in (0,1)",), syntax="new")
F("dropout-variance-wrong", "Var(m*x/(1 - p), m ~ Bernoulli(1 - p)) = p*x**2",
  lambda p, x: (bern_Var(lambda m: m * x / (1 - p), 1 - p), p * x ** 2),
  "forgets the 1/(1-p)^2 of the rescaling: at p = 1/2, x = 1 the variance is 1",
  {"p": "1/2", "x": "1"}, assume=("p in (0,1)",), kind="constant", syntax="new")
T("uniform-second-moment", "E(u**2, u ~ Uniform(a, b)) = (a**2 + a*b + b**2)/3",
  lambda a, b: (mp.quad(lambda u: u ** 2, [a, b]) / (b - a), (a ** 2 + a * b + b ** 2) / 3),
  "(b^3 - a^3)/(3(b - a))", assume=("a in (-2, 0)", "b in (0, 2)"), syntax="new")
F("uniform-variance-6", "Var(u, u ~ Uniform(a, b)) = (b - a)**2/6",
  lambda a, b: (mp.quad(lambda u: u ** 2, [a, b]) / (b - a) - (mp.quad(lambda u: u, [a, b]) / (b - a)) ** 2,
                (b - a) ** 2 / 6),
  "the variance of a uniform is (b-a)^2/12: a = -1, b = 1 gives 1/3, not 2/3",
  {"a": "-1", "b": "1"}, assume=("a in (-2, 0)", "b in (0, 2)"), kind="constant", syntax="new")
T("binomial2-mean", "E(v, v ~ Discrete([0, 1, 2], [p**2, 2*p*(1 - p), (1 - p)**2])) = 2*(1 - p)",
  lambda p: (2 * p * (1 - p) + 2 * (1 - p) ** 2, 2 * (1 - p)),
  "the count of two independent Bernoulli(1-p) draws has mean 2(1-p)", assume=("p in (0,1)",), syntax="new")
F("binomial2-variance", "Var(v, v ~ Discrete([0, 1, 2], [p**2, 2*p*(1 - p), (1 - p)**2])) = 2*p*(1 - p)**2",
  lambda p: (2 * p * (1 - p) + 4 * (1 - p) ** 2 - (2 * p * (1 - p) + 2 * (1 - p) ** 2) ** 2, 2 * p * (1 - p) ** 2),
  "the variance is 2p(1-p): at p = 1/2 it is 1/2, not 1/4",
  {"p": "1/2"}, assume=("p in (0,1)",), kind="constant", syntax="new")
T("lognormal-mean", "E(exp(x), x ~ Normal(0, s)) = exp(s**2/2)",
  lambda s: (lognormal_mean(s), mp.exp(s ** 2 / 2)),
  "the moment generating function of N(0, s^2) at 1", assume=("s > 0",), syntax="new")
F("lognormal-mean-wrong", "E(exp(x), x ~ Normal(0, s)) = exp(s**2)",
  lambda s: (lognormal_mean(s), mp.exp(s ** 2)),
  "missing the 1/2: at s = 1 the mean is e^(1/2), not e",
  {"s": "1"}, assume=("s > 0",), kind="constant", syntax="new")

# ================================================================ information theory
T("entropy3-max", "-p*log(p) - r*log(r) - (1 - p - r)*log(1 - p - r) <= log(3)",
  lambda p, r: (H3(p, r), mp.log(3)),
  "a three-outcome distribution has entropy at most log 3, equal at p = r = 1/3",
  assume=("p in (0, 1/2)", "r in (0, 1/2)"), attained=True)
F("entropy3-one-nat", "-p*log(p) - r*log(r) - (1 - p - r)*log(1 - p - r) <= 1",
  lambda p, r: (H3(p, r), mp.mpf(1)),
  "the bound 'entropy <= 1' holds in bits for two outcomes, not in nats for three: p = r = 1/3 gives log 3",
  {"p": "1/3", "r": "1/3"}, assume=("p in (0, 1/2)", "r in (0, 1/2)"), kind="constant")
T("pinsker-bernoulli", "p*log(p/r) + (1 - p)*log((1 - p)/(1 - r)) >= 2*(p - r)**2",
  lambda p, r: (KL2(p, r), 2 * (p - r) ** 2),
  "Pinsker: KL >= 2 TV^2 with TV = |p - r|; equal at p = r",
  assume=("p in (0,1)", "r in (0,1)"), attained=True)
F("pinsker-bernoulli-4", "p*log(p/r) + (1 - p)*log((1 - p)/(1 - r)) >= 4*(p - r)**2",
  lambda p, r: (KL2(p, r), 4 * (p - r) ** 2),
  "the constant 2 is tight near r = 1/2: p = 3/5, r = 1/2 gives KL = 0.0201 < 0.04",
  {"p": "3/5", "r": "1/2"}, assume=("p in (0,1)", "r in (0,1)"), kind="constant")
F("kl-symmetric", "p*log(p/r) + (1 - p)*log((1 - p)/(1 - r)) = r*log(r/p) + (1 - r)*log((1 - r)/(1 - p))",
  lambda p, r: (KL2(p, r), KL2(r, p)),
  "KL is not symmetric: p = 1/2, r = 1/4 gives 0.1438 vs 0.1308",
  {"p": "1/2", "r": "1/4"}, assume=("p in (0,1)", "r in (0,1)"), kind="sign")

# ================================================================ softmax and log-sum-exp
T("lse3-upper", "logsumexp(o) <= max(o) + log(3)",
  lambda o: (M.lse(o), max(o) + mp.log(3)),
  "each of the three terms is at most e^max; equal when all entries are equal",
  assume=("o in R^3",), attained=True, syntax="new")
F("lse3-log2", "logsumexp(o) <= max(o) + log(2)",
  lambda o: (M.lse(o), max(o) + mp.log(2)),
  "the slack is log K with K = 3 entries: o = (0, 0, 0) gives log 3",
  {"o": ["0", "0", "0"]}, assume=("o in R^3",), kind="constant", syntax="new")
T("softmax-ce-gradient", "diff(-log(exp(a)/(exp(a) + exp(b) + exp(c))), a) = exp(a)/(exp(a) + exp(b) + exp(c)) - 1",
  lambda a, b, c: (M.d(lambda t: ce_a(t, b, c), a), M.softmax([a, b, c])[0] - 1),
  "the cross-entropy gradient at the true class is softmax - 1", kind="derivative")
F("softmax-ce-gradient-other", "diff(-log(exp(a)/(exp(a) + exp(b) + exp(c))), b) = exp(b)/(exp(a) + exp(b) + exp(c)) - 1",
  lambda a, b, c: (M.d(lambda t: ce_a(a, t, c), b), M.softmax([a, b, c])[1] - 1),
  "for a wrong class the gradient is softmax_b, without -1: a = b = c = 0 gives 1/3, not -2/3",
  {"a": "0", "b": "0", "c": "0"}, kind="derivative")
T("ema-bias-correction", "(1 - b)*sum(b**(n - k)*g, (k, 1, n))/(1 - b**n) = g",
  lambda b, g, n: ((1 - b) * mp.fsum(b ** (int(n) - k) * g for k in range(1, int(n) + 1)) / (1 - b ** n), g),
  "an EMA started at 0 of a constant g equals (1 - b^n)g; dividing by 1 - b^n removes the bias",
  assume=("b in (0,1)", "n integer >= 1"), syntax="new")
