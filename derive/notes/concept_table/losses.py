"""Losses and softmax: MSE, least squares, cross-entropy, binary cross-entropy, softmax (plain, with temperature, log), log-sum-exp."""
from __future__ import annotations

import sympy as sp

from ...lang.vectors import Entry, SoftmaxEntry

from .base import (Fit, Form, _PREDICTIONS, _TARGETS, _TEMPERATURES, add, entry_vector, is_sum, name_of, split_scale,
                    symbols_of)


# --- losses ---------------------------------------------------------------------------------------------

def _squared_difference(e):
    """(a, b) when e = (a − b)², else None."""
    if not (e.is_Pow and e.exp == 2 and e.base.is_Add and len(e.base.args) == 2):
        return None
    a, b = e.base.args
    return (a, -b) if b.could_extract_minus_sign() else (b, -a) if a.could_extract_minus_sign() else None


def _squared_errors(link):
    """(scale, core, number of terms or None, strong) for scale·Σ(u_i − v_i)² or scale·(u − v)²."""
    found = split_scale(link.rhs_s, lambda f: is_sum(f) or _squared_difference(f) is not None)
    if found is None:
        return None
    scale, core = found
    body, index = (core.function, core.limits[0][0]) if is_sum(core) else (core, None)
    pair = _squared_difference(body)
    if pair is None:
        return None
    parts = [entry_vector(t, index) if index is not None else t for t in pair]
    if not all(isinstance(p, sp.Symbol) for p in parts):
        return None
    names = {name_of(p) for p in parts}
    count = core.limits[0][2] - core.limits[0][1] + 1 if index is not None else None
    return scale, core, count, bool(names & _TARGETS) and bool(names & _PREDICTIONS)


def fit_mse(link):
    """MSE: c·Σ(y_i − ŷ_i)² with c = 1/N or 1/(2N), N the number of terms."""
    found = _squared_errors(link)
    if found is None or found[2] is None:
        return None
    scale, core, count, strong = found
    forms = (Form("the mean over the terms", core / count), Form("half the mean", core / (2 * count)))
    return Fit(link.rhs_s, forms, strong, how="a scaled sum of squared differences",
               detail="the factor is neither $1/N$ nor $1/(2N)$ for the $N$ terms of the sum")


add("mse", "mean squared error", ("mse", "mean squared error", "mean squared", "mean square", "均方"),
    r"$\frac{1}{n}\sum_{i=1}^{n} (y_i - \hat{y}_i)^2$ (or with $\frac{1}{2n}$)",
    "the mean of the squared errors: the sum of squares divided by the number of terms", fit_mse)


def fit_least_squares(link):
    """Least squares: Σ(y_i − ŷ_i)² or ½Σ(…)², and the per-sample ½(y − ŷ)²."""
    found = _squared_errors(link)
    if found is None:
        return None
    scale, core, _, strong = found
    forms = (Form("the plain sum of squares", core), Form("half the sum of squares", core / 2))
    return Fit(link.rhs_s, forms, strong, how="a scaled square of differences")


add("least-squares", "least-squares (squared-error) loss",
    ("least squares", "least-squares", "squared error", "squared loss", "sum of squares", "最小二乘", "平方损失",
     "平方误差", "平方和"),
    r"$\sum_i (y_i - \hat{y}_i)^2$ or $\frac{1}{2}\sum_i (y_i - \hat{y}_i)^2$",
    "a sum of squared errors, with or without the factor 1/2 that cleans up the gradient", fit_least_squares)


def _roles(weight, argument):
    """(target, prediction): the logarithm's argument is the prediction, unless the names say otherwise."""
    u, v = name_of(entry_vector(weight) or weight), name_of(entry_vector(argument) or argument)
    swapped = (u in _PREDICTIONS and v in _TARGETS) or (u, v) == ("q", "p")
    return (argument, weight) if swapped else (weight, argument)


def fit_cross_entropy(link):
    """Cross-entropy −Σ_i y_i log p_i (target y, prediction p)."""
    found = split_scale(link.rhs_s, is_sum)
    if found is None:
        return None
    s = found[1]
    index, factors = s.limits[0][0], sp.Mul.make_args(s.function)
    logs = [f for f in factors if isinstance(f, sp.log)]
    others = [f for f in factors if not isinstance(f, sp.log)]
    weight = others[0] if len(others) == 1 else None
    u = weight is not None and entry_vector(weight, index)
    if len(logs) != 1 or not u or logs[0].args[0].has(u) or not logs[0].args[0].has(index):
        return None  # an entropy (Σ p log p) or a divergence (Σ p log(p/q)) is another concept
    target, prediction = _roles(weight, logs[0].args[0])
    ref = sp.Sum(target * sp.log(prediction), s.limits)
    count = s.limits[0][2] - s.limits[0][1] + 1
    forms = (Form("the sum over the classes", -ref), Form("averaged over the terms", -ref / count))
    mistakes = (Form("the minus sign is missing: a cross-entropy is $\\ge 0$", ref),
                Form("the roles are swapped: the logarithm is of the prediction, weighted by the target",
                     -sp.Sum(prediction * sp.log(target), s.limits)))
    vectors = sorted({v for v in (entry_vector(target), entry_vector(prediction)) if v is not None}, key=str)
    assume = tuple(f"{v} in simplex^{link.lengths.get(v, s.limits[0][2])}" for v in vectors)
    negative = found[0].could_extract_minus_sign()  # + Σ y log p is also a log-likelihood: words decide
    return Fit(link.rhs_s, forms, negative, assume, mistakes, how="a sum of target × log(prediction)")


add("cross-entropy", "cross-entropy", ("cross-entropy", "cross entropy", "交叉熵", "负对数似然", "log loss"),
    r"$-\sum_{i=1}^{n} y_i \log \hat{y}_i$ ($y$ the target, $\hat{y}$ the predicted distribution)",
    "the target weighs the log of the prediction, with a minus sign: it is ≥ 0", fit_cross_entropy)


def fit_bce(link):
    """Binary cross-entropy −(y log p + (1 − y) log(1 − p)) for one sample."""
    e = sp.expand(link.rhs_s)
    logs = {a.args[0] for a in e.atoms(sp.log)}
    pairs = {frozenset((x, sp.expand(1 - x))) for x in logs if sp.expand(1 - x) in logs}
    if len(pairs) != 1 or e.has(sp.Sum):
        return None
    x = min(pairs.pop(), key=lambda v: (sp.count_ops(v), sp.default_sort_key(v)))
    a, b = e.coeff(sp.log(x)), e.coeff(sp.log(sp.expand(1 - x)))
    if sp.expand(e - a * sp.log(x) - b * sp.log(sp.expand(1 - x))) != 0:
        return None
    t = a if isinstance(a, sp.Symbol) else -a if isinstance(-a, sp.Symbol) else None
    if t is None or x.has(t):
        return None
    t, x = _roles(t, x)
    ref = -(t * sp.log(x) + (1 - t) * sp.log(1 - x))
    mistakes = (Form("the minus sign is missing: the loss must be $\\ge 0$", -ref),
                Form("the roles are swapped: the logarithms are of the prediction, weighted by the label",
                     -(x * sp.log(t) + (1 - x) * sp.log(1 - t))))
    assume = tuple(f"{v} in (0, 1)" for v in (t, x) if isinstance(v, sp.Symbol))
    return Fit(link.rhs_s, (Form("the definition", ref),), a.could_extract_minus_sign(), assume, mistakes,
               how="log(p) and log(1 − p) weighted by a label")


add("binary-cross-entropy", "binary cross-entropy",
    ("binary cross-entropy", "binary cross entropy", "bce", "二元交叉熵", "二分类交叉熵", "logistic loss"),
    r"$-\left(y \log p + (1 - y) \log (1 - p)\right)$",
    "the label weighs the log of the prediction and 1 − label the log of 1 − prediction, with a minus sign",
    fit_bce)


# --- softmax ---------------------------------------------------------------------------------------

def _softmax_shape(e):
    """(z, i, c, the sum, exact) when e = N/Σ_j D_j over the entries of z; exact for exp(c·z_i)/Σ exp(c·z_j)."""
    num, den = sp.fraction(e)
    if not is_sum(den):
        return None
    j = den.limits[0][0]
    below = {entry_vector(a, j) for a in den.function.atoms(Entry)} - {None}
    above = [a for a in num.atoms(Entry) if not a.args[1].has(j) and a.args[0] in below]
    if len(below) != 1 or len(above) != 1:
        return None
    top = above[0]
    z, i = top.args
    c = sp.log(num).expand(force=True) / top if isinstance(num, sp.exp) else None
    exact = (c is not None and not c.has(Entry) and den.function == sp.exp(c * Entry(z, j)))
    return z, i, c, den, exact


def _softmax_form(z, i, s, scale=1):
    return sp.exp(scale * Entry(z, i)) / sp.Sum(sp.exp(scale * Entry(z, s.limits[0][0])), s.limits)


def fit_softmax(link):
    """softmax(z)_i = exp(z_i)/Σ_j exp(z_j): from the lhs softmax(z)[i] or the rhs's shape."""
    shape = _softmax_shape(link.rhs_s)
    if isinstance(link.lhs, SoftmaxEntry):
        _, s = sp.fraction(link.lhs_s)
        z, i = link.lhs.args
        strong = True
    elif shape is not None and (shape[2] == 1 or not shape[4]):
        z, i, _, s, exact = shape
        strong = exact
    else:
        return None
    mistakes = (Form("the denominator must sum the exponentials $e^{z_j}$", sp.exp(Entry(z, i)) / sp.Sum(
        Entry(z, s.limits[0][0]), s.limits)),)
    return Fit(link.rhs_s, (Form("the definition", _softmax_form(z, i, s)),), strong, (), mistakes,
               how="exp of one entry over a sum of exponentials", named=isinstance(link.lhs, SoftmaxEntry))


def fit_temperature(link):
    """softmax with temperature T: exp(z_i/T)/Σ_j exp(z_j/T)."""
    shape = _softmax_shape(link.rhs_s)
    if shape is None or shape[2] is None or not shape[4] or shape[2] == 1:
        return None
    z, i, c, s, _ = shape
    temps = [t for t in symbols_of(c) if name_of(t) in _TEMPERATURES]
    if len(temps) != 1 or c.free_symbols != {temps[0]}:
        return None
    t = temps[0]
    mistakes = (Form("the logits are multiplied by the temperature; they are divided by it",
                     _softmax_form(z, i, s, t)),)
    return Fit(link.rhs_s, (Form("the definition", _softmax_form(z, i, s, 1 / t)),), True, (f"{t} > 0",),
               mistakes, how="a softmax of scaled logits")


add("softmax-temperature", "softmax with temperature",
    ("temperature", "温度", "distillation", "蒸馏"),
    r"$\operatorname{softmax}(z/T)_i = \frac{e^{z_i/T}}{\sum_j e^{z_j/T}}$, $T > 0$",
    "the logits are divided by the temperature T; T → ∞ flattens the distribution", fit_temperature)
add("softmax", "softmax", ("softmax", "soft-max", "归一化指数"),
    r"$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}$",
    "positive entries summing to 1; adding a constant to every logit changes nothing", fit_softmax)


def _exp_sum(e):
    """The vector z when e = Σ_j exp(z_j), else None."""
    if not is_sum(e) or not isinstance(e.function, sp.exp):
        return None
    return entry_vector(e.function.args[0], e.limits[0][0])


def fit_log_softmax(link):
    """log softmax(z)_i = z_i − log Σ_j exp(z_j)."""
    lhs = link.lhs
    if isinstance(lhs, sp.log) and isinstance(lhs.args[0], SoftmaxEntry):
        z, i = lhs.args[0].args
        s, strong = sp.fraction(link.lhs_s.args[0])[1], True
    else:
        sums = sorted((a for a in link.rhs_s.atoms(sp.Sum) if _exp_sum(a) is not None), key=sp.default_sort_key)
        tops = [a for a in link.rhs_s.atoms(Entry) if not any(a in x.atoms(Entry) for x in sums)]
        if len(sums) != 1 or len(tops) != 1 or tops[0].args[0] != _exp_sum(sums[0]):
            return None
        s, (z, i) = sums[0], tops[0].args
        if sp.expand(link.rhs_s).coeff(tops[0]) != 1:
            return None  # log Σ exp − z_i is the negative log-likelihood, another quantity
        strong = link.rhs_s.has(sp.log(s))
    ref = Entry(z, i) - sp.log(s)
    mistakes = (Form("the sign is flipped: it is $z_i$ minus the log-sum-exp", -ref),
                Form("the logarithm of the sum is missing", Entry(z, i) - s))
    return Fit(link.rhs_s, (Form("the definition", ref),), strong, (), mistakes,
               how="an entry minus the log of a sum of exponentials", named=isinstance(link.lhs, sp.log))


add("log-softmax", "log-softmax", ("log-softmax", "log softmax", "logsoftmax", "对数softmax"),
    r"$\log \operatorname{softmax}(z)_i = z_i - \log \sum_j e^{z_j}$",
    "an entry minus the log-sum-exp of all entries: it is ≤ 0", fit_log_softmax)


def fit_logsumexp(link):
    """logsumexp(z) = log Σ_j exp(z_j); the stable form m + log Σ exp(z_j − m) also matches."""
    lhs_sums = [a for a in link.lhs_s.atoms(sp.Sum) if _exp_sum(a) is not None]
    if isinstance(link.lhs_s, sp.log) and len(lhs_sums) == 1 and link.lhs_s.args[0] == lhs_sums[0]:
        ref, strong = link.lhs_s, True
    else:
        inner = [a.args[0] for a in link.rhs_s.atoms(sp.log) if _exp_sum(a.args[0]) is not None]
        if len(inner) != 1:
            return None
        ref, strong = sp.log(inner[0]), False
    shift = sp.Add(*[t for t in sp.Add.make_args(link.rhs_s) if not t.has(sp.log)])
    if not strong and shift != 0 and not inner[0].function.args[0].has(shift):
        return None  # m + log Σ exp(z_j) with another m is not a log-sum-exp the words could name
    unshifted = Form("the shift is added outside but not subtracted inside the sum", shift + ref)
    mistakes = (unshifted,) if shift != 0 else ()
    return Fit(link.rhs_s, (Form("the definition", ref),), strong, (), mistakes,
               how="the log of a sum of exponentials", named=strong)


add("log-sum-exp", "log-sum-exp", ("logsumexp", "log-sum-exp", "log sum exp", "数值稳定", "上溢", "overflow"),
    r"$\operatorname{LSE}(z) = \log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}$ for any $m$",
    "shifting every entry by m inside and adding m outside changes nothing", fit_logsumexp)
