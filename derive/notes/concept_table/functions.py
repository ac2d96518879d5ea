"""Activations and their derivatives, initialisation, convolutions and output sizes, attention scaling."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from ...lang import Diff
from ...lang.vectors import Entry
from ...ops import elu, gelu, leaky_relu, relu, sigmoid, to_elementary

from .base import Fit, Form, add, entry_vector, is_sum, name_of, split_scale, symbols_of


# --- activations and their derivatives ------------------------------------------------------------------

def _pw(x, yes, no, strict=True):
    """yes where x > 0 (x ≥ 0 unless strict), else no."""
    return sp.Piecewise((yes, x > 0 if strict else x >= 0), (no, True))


def _tanh_form(x):
    return (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))


def _erf_cdf(x):
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


@dataclass(frozen=True)
class Activation:
    """One activation's entry: its definition and derivative forms f(x, a), and the slips notes make."""

    key: str
    name: str
    cls: type
    words: tuple
    canonical: str
    properties: str
    definition: Callable          # (x, a) -> the definition
    wrong: Callable               # (x, a) -> ((label, wrong definition), ...)
    slopes: Callable              # (x, a) -> ((label, derivative), ...): the conventions
    slips: Callable               # (x, a) -> ((label, wrong derivative), ...)
    kink: bool = False            # the derivative jumps at 0, where conventions differ


def _gelu_tanh(x):
    return x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational(44715, 1000000) * x ** 3)))


_ACTIVATIONS = (
    Activation(
        "sigmoid", "sigmoid", sigmoid, ("sigmoid", "logistic", "s型", "逻辑函数"),
        r"$\sigma(x) = \frac{1}{1 + e^{-x}}$", "values in (0, 1); σ(−x) = 1 − σ(x)",
        lambda x, a: 1 / (1 + sp.exp(-x)),
        lambda x, a: (("the exponent's sign is flipped", 1 / (1 + sp.exp(x))),
                      ("a minus where the plus belongs", 1 / (1 - sp.exp(-x)))),
        lambda x, a: (("$\\sigma(1 - \\sigma)$", sigmoid(x) * (1 - sigmoid(x))),),
        lambda x, a: (("a plus where the minus belongs: $\\sigma' = \\sigma(1 - \\sigma)$",
                       sigmoid(x) * (1 + sigmoid(x))),)),
    Activation(
        "tanh", "tanh", sp.tanh, ("tanh", "双曲正切", "hyperbolic tangent"),
        r"$\tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}}$", "odd, values in (−1, 1); tanh x = 2σ(2x) − 1",
        lambda x, a: _tanh_form(x),
        lambda x, a: (("that is $\\sinh$: the denominator is missing", (sp.exp(x) - sp.exp(-x)) / 2),),
        lambda x, a: (("$1 - \\tanh^2$", 1 - sp.tanh(x) ** 2),),
        lambda x, a: (("a plus where the minus belongs: $\\tanh' = 1 - \\tanh^2$", 1 + sp.tanh(x) ** 2),)),
    Activation(
        "relu", "ReLU", relu, ("relu", "rectified linear", "线性整流", "修正线性"),
        r"$\operatorname{ReLU}(x) = \max(0, x)$", "the identity for x > 0 and 0 otherwise",
        lambda x, a: sp.Max(0, x),
        lambda x, a: (("that is the minimum", sp.Min(0, x)),),
        lambda x, a: (("$0$ at $x = 0$", _pw(x, 1, 0)), ("$1$ at $x = 0$", _pw(x, 1, 0, False))),
        lambda x, a: (("that is ReLU itself, not its slope", sp.Max(0, x)),), kink=True),
    Activation(
        "leaky-relu", "LeakyReLU", leaky_relu, ("leaky", "泄漏", "带泄露"),
        r"$\operatorname{LeakyReLU}(x) = x$ for $x > 0$, $a x$ otherwise",
        "slope 1 for x > 0 and a small slope a in (0, 1) otherwise",
        lambda x, a: _pw(x, x, a * x),
        lambda x, a: (("the slopes are swapped", _pw(x, a * x, x)),),
        lambda x, a: (("$1$ for $x > 0$, else $a$", _pw(x, 1, a)), ("with $1$ at $x = 0$", _pw(x, 1, a, False))),
        lambda x, a: (("the negative side has slope $a$, not $0$", _pw(x, 1, 0)),), kink=True),
    Activation(
        "elu", "ELU", elu, ("elu", "exponential linear", "指数线性"),
        r"$\operatorname{ELU}(x) = x$ for $x > 0$, $a(e^x - 1)$ otherwise", "continuous at 0, tending to −a as x → −∞",
        lambda x, a: _pw(x, x, a * (sp.exp(x) - 1)),
        lambda x, a: (("the $-1$ is missing: ELU is continuous at $0$", _pw(x, x, a * sp.exp(x))),),
        lambda x, a: (("$1$ for $x > 0$, else $a e^x$", _pw(x, 1, a * sp.exp(x))),
                      ("with $1$ at $x = 0$", _pw(x, 1, a * sp.exp(x), False))),
        lambda x, a: (("that is the negative branch itself, not its slope", _pw(x, 1, a * (sp.exp(x) - 1))),),
        kink=True),
    Activation(
        "gelu", "GELU", gelu, ("gelu", "gaussian error", "高斯误差"),
        r"$\operatorname{GELU}(x) = x \Phi(x) = \frac{x}{2}\left(1 + \operatorname{erf}(x/\sqrt{2})\right)$",
        "x times the standard normal CDF; the tanh formula is an approximation",
        lambda x, a: x * _erf_cdf(x),
        lambda x, a: (("that is the tanh approximation of GELU, not GELU itself (write ≈)", _gelu_tanh(x)),),
        lambda x, a: (("$\\Phi(x) + x \\varphi(x)$", _erf_cdf(x) + x * sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)),),
        lambda x, a: (("the term $x \\varphi(x)$ is missing", _erf_cdf(x)),)),
)
_SHAPES = {"sigmoid": (sp.exp,), "tanh": (sp.exp, sp.tanh), "relu": (sp.Max, sp.Piecewise),
           "leaky-relu": (sp.Max, sp.Piecewise), "elu": (sp.Piecewise,), "gelu": (sp.erf, sp.tanh)}
_SLOPES = {"a", "alpha", "lam", "negative_slope", "slope"}


def _activation_call(link, key, cls):
    """(x, a, strong): from the lhs act(x[, a]), or (weakly) from a one-variable rhs of the activation's shape."""
    lhs = link.lhs
    if isinstance(lhs, cls) and isinstance(lhs.args[0], sp.Symbol):
        return lhs.args[0], (lhs.args[1] if len(lhs.args) > 1 else None), True
    if not isinstance(lhs, sp.Symbol) or isinstance(link.rhs, sp.Symbol) or not link.rhs.has(*_SHAPES[key]):
        return None
    syms = symbols_of(link.rhs)
    slopes = [s for s in syms if name_of(s) in _SLOPES] if key in ("leaky-relu", "elu") else []
    rest = [s for s in syms if s not in slopes]
    if len(rest) != 1 or len(slopes) > 1:
        return None
    return rest[0], (slopes[0] if slopes else (sp.Rational(1, 100) if key == "leaky-relu" else 1)), False


def _activation_fit(key, cls, definition, wrong):
    def fit(link):
        found = _activation_call(link, key, cls)
        if found is None:
            return None
        x, a, named = found
        if not named and sp.expand(to_elementary(link.rhs) - to_elementary(definition(x, a))) != 0:
            return None  # a plain name is recognised only by the definition itself: it never differs
        assume = (f"{a} in (0, 1)",) if key == "leaky-relu" and isinstance(a, sp.Symbol) else \
            (f"{a} > 0",) if isinstance(a, sp.Symbol) else ()
        mistakes = tuple(Form(label, e) for label, e in wrong(x, a))
        return Fit(link.rhs, (Form("the definition", definition(x, a)),), True, assume, mistakes,
                   how="the lhs names the activation" if named else "the activation's formula",
                   refutable=named, named=named)
    fit.__name__ = f"fit_{key.replace('-', '_')}"
    return fit


def _derivative_fit(key, cls, forms, wrong, kink):
    def fit(link):
        lhs = link.lhs
        if not (isinstance(lhs, Diff) and isinstance(lhs.args[0], cls) and lhs.args[0].args[0] == lhs.args[1]):
            return None
        call, x = lhs.args[0], lhs.args[1]
        a = call.args[1] if len(call.args) > 1 else 1
        assume = (f"{a} > 0",) if isinstance(a, sp.Symbol) else ()
        return Fit(link.rhs, tuple(Form(label, e) for label, e in forms(x, a)), True, assume,
                   tuple(Form(label, e) for label, e in wrong(x, a)), ((x.name, "0"),) if kink else (),
                   how="the lhs is the derivative of the activation", named=True)
    fit.__name__ = f"fit_{key.replace('-', '_')}_derivative"
    return fit


for _a in _ACTIVATIONS:
    add(_a.key, _a.name, _a.words, _a.canonical, _a.properties,
        _activation_fit(_a.key, _a.cls, _a.definition, _a.wrong))
    add(f"{_a.key}-derivative", f"derivative of {_a.name}", _a.words + ("derivative", "导数", "梯度"),
        f"the derivative of {_a.canonical}", f"the slope of {_a.name}",
        _derivative_fit(_a.key, _a.cls, _a.slopes, _a.slips, _a.kink))


# --- initialisation ---------------------------------------------------------------------------------

def _fans(rhs):
    """(fan_in, fan_out), either possibly None, from the names of the rhs's symbols."""
    syms = symbols_of(rhs)
    ins = [s for s in syms if "in" in name_of(s)]
    outs = [s for s in syms if "out" in name_of(s)]
    if len(syms) == 1:
        return (None, syms[0]) if outs else (syms[0], None)
    if len(syms) == 2 and len(ins) == 1 and len(outs) == 1 and ins != outs:
        return ins[0], outs[0]
    return None


def _fan_shape(rhs, fans) -> bool:
    """Whether rhs = c·B⁻¹ or c·B^(−1/2) with B a fan or the sum of both (a variance, a deviation, a bound)."""
    bases = {f for f in fans if f is not None} | ({sp.Add(*fans)} if None not in fans else set())
    powers = {}
    for b, e in rhs.as_powers_dict().items():
        b, e = (b.base, e * b.exp) if b.is_Pow else (b, e)
        if not b.is_number:
            powers[b] = powers.get(b, 0) + e
    return len(powers) == 1 and next(iter(powers)) in bases and next(iter(powers.values())) in (-1, sp.Rational(-1, 2))


def _init_kinds(lhs):
    """The kinds of quantity the lhs can be: variance, standard deviation, uniform bound (all if unsure)."""
    name = name_of(lhs)
    kinds = (("variance", lambda v: v), ("standard deviation", sp.sqrt), ("uniform bound", lambda v: sp.sqrt(3 * v)))
    if "var" in name or re.fullmatch(r"(sigma|s)_?(2|sq)(_\w+)?", name) or (lhs.is_Pow and lhs.exp == 2):
        return kinds[:1]
    if name.startswith(("sigma", "std")):
        return kinds[1:2]
    return kinds[2:] if name in {"a", "r", "b", "u", "limit", "bound"} else kinds


def _init_fit(link, variances, wrong):
    fans = _fans(link.rhs)
    if fans is None or not _fan_shape(link.rhs, fans) or not variances(*fans):
        return None
    kinds = _init_kinds(link.lhs)
    forms = tuple(Form(f"{label}, as the {kind}", f(v)) for label, v in variances(*fans) for kind, f in kinds)
    mistakes = tuple(Form(f"{label} (as the {kind})", f(v)) for label, v in wrong(*fans) for kind, f in kinds)
    assume = tuple(f"{s} integer >= 1" for s in fans if s is not None)
    return Fit(link.rhs, forms, False, assume, mistakes, how="a function of the layer's fans")


def fit_xavier(link):
    """Xavier/Glorot: Var = 2/(n_in + n_out) (std √…, uniform bound √(6/(n_in + n_out))); 1/n_in with one fan."""
    both = lambda i, o: [("Glorot's average of the fans", 2 / (i + o))] if i is not None and o is not None else \
        [("the fan-in form (LeCun's; some courses call it Xavier)", 1 / i)] if i is not None else []  # noqa: E731
    he = lambda i, o: [("that is He's constant $2/n_{in}$, for ReLU", 2 / i)] if i is not None else []  # noqa: E731
    return _init_fit(link, both, he)


def fit_he(link):
    """He/Kaiming: Var = 2/n_in (std √(2/n_in), uniform bound √(6/n_in)); 2/n_out in fan-out mode."""
    own = lambda i, o: [("He's fan-in form", 2 / i)] if i is not None else [("He's fan-out mode", 2 / o)]  # noqa: E731
    xavier = lambda i, o: [("that is Xavier's constant; He doubles the fan-in variance",  # noqa: E731
                            1 / (i if i is not None else o))] + (
        [("that is Glorot's average of the fans", 2 / (i + o))] if i is not None and o is not None else [])
    return _init_fit(link, own, xavier)


add("xavier-init", "Xavier/Glorot initialisation", ("xavier", "glorot", "泽维尔"),
    r"$\operatorname{Var}(W) = \frac{2}{n_{in} + n_{out}}$, or $U(-a, a)$ with $a = \sqrt{\frac{6}{n_{in} + n_{out}}}$",
    "keeps the variance of activations and gradients for tanh-like units", fit_xavier)
add("he-init", "He/Kaiming initialisation", ("kaiming", "he init", "he initiali", "he 初始化", "何恺明", "msra"),
    r"$\operatorname{Var}(W) = \frac{2}{n_{in}}$, or $U(-a, a)$ with $a = \sqrt{\frac{6}{n_{in}}}$",
    "doubles the fan-in variance, since ReLU zeroes half of its inputs", fit_he)


# --- convolutions ------------------------------------------------------------------------------------

def _size_roles(rhs):
    """{role: symbol} for an output-size formula, the roles read from the first letters: k/f, p, s, input."""
    roles = {}
    for s in symbols_of(rhs):
        first = name_of(s)[0]
        role = "kernel" if first in "kf" else "padding" if first == "p" else "stride" if first == "s" else "input"
        if role in roles:
            return None
        roles[role] = s
    return roles if {"input", "kernel"} <= set(roles) else None


def _size(n, k, p, s, floor):
    core = (n + p - k) / s
    return (sp.floor(core) if floor else core) + 1


def fit_output_size(link):
    """⌊(n + 2p − k)/s⌋ + 1 (p per side), or ⌊(n + p − k)/s⌋ + 1 (p in total)."""
    roles = _size_roles(link.rhs)
    if roles is None or link.rhs.has(sp.Sum, Entry, sp.exp, sp.log) or any(
            not p.exp.is_Integer for p in link.rhs.atoms(sp.Pow)):
        return None
    n, k, p, s = roles["input"], roles["kernel"], roles.get("padding", 0), roles.get("stride", 1)
    floor = link.rhs.has(sp.floor)
    inner = sp.expand(sp.Add(*[a.args[0] if isinstance(a, sp.floor) else a for a in sp.Add.make_args(link.rhs)]))
    if inner.coeff(n) not in (1, 1 / s) or inner.coeff(k) not in (-1, -1 / s):
        return None  # an output size grows with the input and shrinks with the kernel, both over the stride
    exact = "" if floor or s == 1 else " (without the floor: exact when the stride divides)"
    forms = ((Form("padding $p$ on each side" + exact, _size(n, k, 2 * p, s, floor)),
              Form("$p$ the total padding" + exact, _size(n, k, p, s, floor))) if p != 0 else
             (Form("no padding" + exact, _size(n, k, 0, s, floor)),))
    subtracted = Form("the padding is subtracted; it enlarges the input", _size(n, k, -2 * p, s, floor))
    mistakes = ((subtracted,) if p != 0 else ()) + (Form("the $+1$ is missing", _size(n, k, 2 * p, s, floor) - 1),)
    names = [v for v in (n, k, p, s) if isinstance(v, sp.Symbol)]
    assume = tuple(f"{v} integer >= {0 if v == p else 1}" for v in names)
    search = tuple(f"{v} integer in [{0 if v == p else 1}, {64 if v == n else 8}]" for v in names)
    return Fit(link.rhs, forms, False, assume, mistakes, how="input, kernel, padding and stride", search=search)


add("pool-output-size", "pooling output size", ("pool", "池化"),
    r"$\left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1$ (usually $p = 0$)",
    "the window of size f slides with stride s", fit_output_size)
add("conv-output-size", "convolution output size",
    ("output size", "output shape", "输出大小", "输出尺寸", "输出形状", "feature map", "特征图", "conv", "卷积"),
    r"$\left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$ ($p$ on each side)",
    "padding enlarges the input; the kernel shrinks it; the stride divides it", fit_output_size)


def _correlation(link):
    """(the sum, signal entry, kernel entry, sign of k in the signal's index) for Σ_k x[i ± k + c]·w[k + d]."""
    s = link.rhs_s
    if not is_sum(s) or len(sp.Mul.make_args(s.function)) != 2:
        return None
    k = s.limits[0][0]
    entries = [f for f in sp.Mul.make_args(s.function) if isinstance(f, Entry)]
    kernels = [e for e in entries if e.args[1].free_symbols == {k}]
    signals = [e for e in entries if k in e.args[1].free_symbols and len(e.args[1].free_symbols) > 1]
    if len(entries) != 2 or len(kernels) != 1 or len(signals) != 1:
        return None
    sign = sp.expand(signals[0].args[1]).coeff(k)
    return (s, signals[0], kernels[0], sign) if sign in (1, -1) else None


def _oriented(s, signal, kernel, sign):
    """The sum with the signal's index running with sign·k."""
    k = s.limits[0][0]
    index = signal.args[1]
    index = index if sp.expand(index).coeff(k) == sign else index.subs(k, -k)
    return sp.Sum(Entry(signal.args[0], index) * kernel, s.limits)


def _correlation_instance(s, signal, kernel):
    """(substitution, vector lengths): two kernel taps and the first output index where every entry exists."""
    k, low, high = s.limits[0]
    outputs = sorted(signal.args[1].free_symbols - {k}, key=str)
    if not low.is_Integer or len(outputs) != 1 or (not high.is_Integer and not isinstance(high, sp.Symbol)):
        return None
    top = high if high.is_Integer else low + 1
    taps = range(int(low), int(top) + 1)
    kernel_at = [kernel.args[1].subs(k, t) for t in taps]
    if not taps or min(kernel_at) < 1:
        return None
    for i in range(1, 20):
        signal_at = [signal.args[1].subs({k: t, outputs[0]: i}) for t in taps] + [
            signal.args[1].subs({k: -t, outputs[0]: i}) for t in taps]
        if min(signal_at) >= 1:
            subs = ((outputs[0], sp.Integer(i)),) + (((high, top),) if not high.is_Integer else ())
            return subs, ((signal.args[0], max(signal_at)), (kernel.args[0], max(kernel_at)))
    return None


def _correlation_fit(link, signs, labels, wrong_signs, wrong_labels):
    found = _correlation(link)
    if found is None:
        return None
    s, signal, kernel, _ = found
    case = _correlation_instance(s, signal, kernel)
    forms = tuple(Form(label, _oriented(s, signal, kernel, sg)) for sg, label in zip(signs, labels))
    mistakes = tuple(Form(label, _oriented(s, signal, kernel, sg)) for sg, label in zip(wrong_signs, wrong_labels))
    assume = tuple(f"{v} in R^{n}" for v, n in case[1]) if case else ()
    return Fit(link.rhs_s, forms, False, assume, mistakes, how="a sum of signal × kernel entries",
               refutable=case is not None, instance=case[0] if case else ())


def fit_cross_correlation(link):
    """Cross-correlation Σ_k x[i + k]·w[k]: the kernel is not flipped."""
    return _correlation_fit(link, (1,), ("the kernel slides unflipped",), (-1,),
                            ("the kernel is flipped: that is a convolution, $x_{i-k}$",))


def fit_convolution(link):
    """Convolution Σ_k x[i − k]·w[k] (flipped), or the cross-correlation deep learning calls convolution."""
    return _correlation_fit(link, (-1, 1), ("the flipped kernel of signal processing",
                                            "the cross-correlation deep-learning libraries call convolution"), (), ())


add("cross-correlation", "cross-correlation", ("cross-correlation", "cross correlation", "互相关"),
    r"$y_i = \sum_k x_{i+k} w_k$", "the kernel slides over the input without flipping", fit_cross_correlation)
add("convolution", "convolution sum", ("convolution", "卷积"),
    r"$y_i = \sum_k x_{i-k} w_k$ (deep learning's layers compute $\sum_k x_{i+k} w_k$)",
    "the mathematical convolution flips the kernel; a CNN's layer does not", fit_convolution)


# --- attention -----------------------------------------------------------------------------------------

def fit_attention(link):
    """The scaled score q·k/√d_k."""
    def is_dot(f):
        if not is_sum(f):
            return False
        j, factors = f.limits[0][0], sp.Mul.make_args(f.function)
        return len(factors) == 2 and all(entry_vector(a, j) is not None for a in factors)
    found = split_scale(link.rhs_s, is_dot)
    if found is None:
        return None
    scale, core = found
    dims = [s for s in symbols_of(scale) if name_of(s).startswith("d")]
    if len(dims) != 1 or scale.free_symbols != {dims[0]}:
        return None
    d = dims[0]
    names = [name_of(entry_vector(a)) for a in sp.Mul.make_args(core.function)]
    strong = sorted(n[:1] for n in names) == ["k", "q"]
    mistakes = (Form("the score is divided by $d$, not by $\\sqrt{d}$", core / d),
                Form("the score is multiplied by $\\sqrt{d}$; it is divided by it", core * sp.sqrt(d)))
    return Fit(link.rhs_s, (Form("the scaled score", core / sp.sqrt(d)),), strong, (f"{d} integer >= 1",), mistakes,
               how="a dot product scaled by a dimension")


add("attention-scaling", "scaled dot-product attention", ("attention", "注意力", "scaled dot", "缩放点积", "transformer"),
    r"$\operatorname{score}(q, k) = \frac{q \cdot k}{\sqrt{d_k}}$, then a softmax over the keys",
    "dividing by √dₖ keeps the scores' variance at 1 when q and k have unit-variance entries", fit_attention)
