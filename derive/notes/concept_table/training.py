"""Regularisation and optimisation: L1/L2 penalties and norms, dropout, BatchNorm, LayerNorm, clipping, SGD, momentum, Adam."""
from __future__ import annotations

import sympy as sp

from ...lang.vectors import Entry, Norm
from ...symbols import symbol

from .base import (Fit, Form, _EPSILONS, _PROBABILITIES, _STRENGTHS, _VELOCITIES, add, entry_vector, is_grad, is_sum,
                    linear_in, name_of, one_minus_symbol, positive, positive_assumptions, split_scale, split_update,
                    symbols_of)


# --- regularisation ---------------------------------------------------------------------------------

def _penalty_kind(f):
    """'abs', 'square', 'plain' (Σ|w_i|, Σw_i², Σw_i), with ' root' under a square root; else None."""
    root = f.is_Pow and f.exp == sp.Rational(1, 2)
    s = f.base if root else f
    if not is_sum(s):
        return None
    body, j = s.function, s.limits[0][0]
    kind = ("abs" if isinstance(body, sp.Abs) and entry_vector(body.args[0], j) is not None else
            "square" if body.is_Pow and body.exp == 2 and entry_vector(body.base, j) is not None else
            "plain" if entry_vector(body, j) is not None else None)
    return kind and kind + " root" * root


def _penalty(link):
    """(base, strength, the sum, kind, sign) for rhs = base ± strength·penalty, else None."""
    for term in sp.Add.make_args(link.rhs_s):
        found = split_scale(term, lambda f: _penalty_kind(f) is not None)
        if found is not None:
            c, core = found
            s = core.base if core.is_Pow else core
            return link.rhs_s - term, positive(c), s, _penalty_kind(core), c.could_extract_minus_sign()
    return None


def _penalty_fit(link, kinds, square):
    found = _penalty(link)
    if found is None or found[3] not in kinds or found[0] == 0:
        return None
    base, lam, s, kind, _ = found
    if not all(name_of(v).startswith(_STRENGTHS) for v in lam.free_symbols) or len(lam.free_symbols) > 1:
        return None  # the weight of a penalty is a number or one hyperparameter (λ, α, β, …)
    body = (lambda w: w ** 2) if square else sp.Abs
    w = entry_vector(s.function.base if s.function.is_Pow else s.function.args[0] if kind.startswith("abs")
                     else s.function)
    penalty = sp.Sum(body(Entry(w, s.limits[0][0])), s.limits)
    note, ref = link.rhs_s, base + lam * penalty
    mistakes = [Form("the penalty is subtracted; a penalty is added to the loss", base - lam * penalty,
                     (note, ">=", base))]
    if square:
        mistakes.append(Form("the norm is not squared: the L2 penalty is $\\lambda \\|w\\|^2$",
                             base + lam * sp.sqrt(penalty)))
    else:
        plain = sp.Sum(Entry(w, s.limits[0][0]), s.limits)
        mistakes.append(Form("the absolute values are missing", base + lam * plain))
    strong = kind == kinds[0] and isinstance(base, sp.Symbol)  # loss + λΣ|w_i|; another base needs words
    return Fit(note, (Form("the penalty added to the loss", ref),), strong, positive_assumptions(lam),
               tuple(mistakes), how="a loss plus a multiple of a sum over the weights")


def fit_l1_penalty(link):
    """loss + λ Σ|w_i|, λ > 0."""
    return _penalty_fit(link, ("abs", "plain"), square=False)


def fit_l2_penalty(link):
    """loss + λ Σ w_i² (λ or λ/2), λ > 0."""
    return _penalty_fit(link, ("square", "square root"), square=True)


add("l1-penalty", "L1 penalty", ("l1", "lasso", "正则", "regulari", "penalty", "惩罚", "稀疏"),
    r"$\tilde{L} = L + \lambda \sum_i |w_i|$, $\lambda > 0$",
    "a penalty is added to the loss: λ Σ|wᵢ| ≥ 0, so the penalised loss is ≥ the loss", fit_l1_penalty)
add("l2-penalty", "L2 penalty (weight decay)",
    ("l2", "weight decay", "权重衰减", "ridge", "正则", "regulari", "penalty", "惩罚"),
    r"$\tilde{L} = L + \frac{\lambda}{2} \|w\|_2^2$ (or $\lambda \|w\|_2^2$), $\lambda > 0$",
    "a penalty is added to the loss: it is the squared norm, λ Σ wᵢ² ≥ 0", fit_l2_penalty)


def _norm_of(lhs):
    """(the norm node, squared) when the lhs is ‖w‖ or ‖w‖², else None."""
    if isinstance(lhs, Norm):
        return lhs, False
    if lhs.is_Pow and lhs.exp == 2 and isinstance(lhs.base, Norm) and lhs.base.p == 2:
        return lhs.base, True
    return None


def fit_l2_norm(link):
    """‖w‖₂ = √(Σ w_i²), and ‖w‖₂² = Σ w_i²."""
    found = _norm_of(link.lhs)
    if found is None or found[0].p != 2:
        return None
    squared = found[1]
    s = next(iter(link.lhs_s.atoms(sp.Sum)))
    mistakes = (Form("the square root is missing: that is the squared norm", s),) if not squared else (
        Form("that is the norm itself; its square has no root", sp.sqrt(s)),)
    label = "the squared norm" if squared else "the square root of the sum of squares"
    return Fit(link.rhs_s, (Form(label, link.lhs_s),), True, (), mistakes, how="the lhs is a norm", named=True)


def fit_l1_norm(link):
    """‖w‖₁ = Σ|w_i|."""
    if not (isinstance(link.lhs, Norm) and link.lhs.p == 1):
        return None
    s = link.lhs_s
    plain = sp.Sum(s.function.args[0], s.limits)
    return Fit(link.rhs_s, (Form("the sum of absolute values", s),), True, (),
               (Form("the absolute values are missing", plain),), how="the lhs is an L1 norm", named=True)


add("l2-norm", "L2 norm", ("l2", "norm", "范数", "模长", "euclidean", "欧几里得"),
    r"$\|w\|_2 = \sqrt{\sum_i w_i^2}$",
    "a norm is the square root of the sum of squares: ‖2w‖ = 2‖w‖", fit_l2_norm)
add("l1-norm", "L1 norm", ("l1", "norm", "范数", "manhattan", "曼哈顿"),
    r"$\|w\|_1 = \sum_i |w_i|$", "the sum of the absolute values of the entries", fit_l1_norm)


def _dropout_parts(link):
    """(p, scale, unit) when rhs = unit·scale(p), the unit a product of one or two names (h, or mask·h)."""
    rhs = link.rhs
    probs = [s for s in symbols_of(rhs) if _PROBABILITIES.match(name_of(s))]
    if len(probs) != 1 or rhs.has(sp.Sum, Entry):
        return None
    p = probs[0]
    factors = sp.Mul.make_args(sp.factor(rhs))
    unit = [f for f in factors if not f.has(p) and not f.is_number]
    scale = sp.Mul(*[f for f in factors if f.has(p) or f.is_number])
    if not unit or not all(isinstance(f, sp.Symbol) for f in unit) or len(unit) > 2 or scale.free_symbols != {p}:
        return None
    return p, scale, sp.Mul(*unit)


def _dropout_forms(p, h, inverted):
    name = name_of(p)
    keep = [Form("$p$ the keep probability", h / p if inverted else h * p)]
    drop = [Form("$p$ the drop probability", h / (1 - p) if inverted else h * (1 - p))]
    return tuple(keep if "keep" in name else drop if "drop" in name else drop + keep)


def fit_inverted_dropout(link):
    """Inverted dropout: a kept unit is divided by the keep probability, h/(1 − p) for drop probability p."""
    found = _dropout_parts(link)
    if found is None:
        return None
    p, _, h = found
    mistakes = tuple(Form("the scale is not inverted: that is standard dropout's test-time scaling", f.expr)
                     for f in _dropout_forms(p, h, inverted=False))
    return Fit(link.rhs, _dropout_forms(p, h, inverted=True), False, (f"{p} in (0, 1)",), mistakes,
               how="a unit scaled by a function of a probability")


def fit_dropout(link):
    """Standard dropout at test time: the unit times the keep probability, (1 − p)h for drop probability p."""
    found = _dropout_parts(link)
    if found is None:
        return None
    p, _, h = found
    return Fit(link.rhs, _dropout_forms(p, h, inverted=False), False, (f"{p} in (0, 1)",),
               how="a unit scaled by a function of a probability")


add("inverted-dropout", "inverted dropout",
    ("inverted dropout", "inverted", "倒置", "反向丢弃", "dropout", "暂退", "丢弃法"),
    r"$h' = \frac{m h}{1 - p}$, $m \sim \operatorname{Bernoulli}(1 - p)$ ($p$ the drop probability)",
    "a kept unit is divided by the keep probability, so E[h'] = h and test time needs no scaling",
    fit_inverted_dropout)
add("dropout", "standard dropout", ("dropout", "暂退", "丢弃法", "随机失活"),
    r"training $h' = m h$, $m \sim \operatorname{Bernoulli}(1 - p)$; test $h' = (1 - p) h$",
    "units are kept with probability 1 − p; at test time they are multiplied by it", fit_dropout)


def _normalise_roles(syms):
    """{role: symbol} for the symbols of a normalisation: x, mu, var (or sigma), epsilon, gamma, beta."""
    roles = {}
    for s in syms:
        name = name_of(s)
        role = ("mu" if name.startswith("mu") or name == "mean" else "epsilon" if name in _EPSILONS else
                "var" if name.startswith("var") or name in {"sigma2", "sigma_sq", "s2"} else
                "sigma" if name.startswith("sigma") else "gamma" if name.startswith("gamma") else
                "beta" if name.startswith("beta") else "x")
        if role in roles:
            return None
        roles[role] = s
    return roles


def fit_normalise(link):
    """(x − μ)/√(σ² + ε), then γ·x̂ + β: the normalisation step of BatchNorm and LayerNorm."""
    roles = _normalise_roles(symbols_of(link.rhs))
    if roles is None or "x" not in roles or link.rhs.has(sp.Sum, Entry):
        return None
    x, gamma, beta = roles["x"], roles.get("gamma", 1), roles.get("beta", 0)
    if set(roles) <= {"x", "gamma", "beta"} and "gamma" in roles and "beta" in roles:
        return Fit(link.rhs, (Form("the scale and shift", gamma * x + beta),), False,
                   mistakes=(Form("the shift is scaled too", gamma * (x + beta)),), how="a scale and a shift")
    if not {"mu", "epsilon"} <= set(roles) or ("var" in roles) == ("sigma" in roles):
        return None
    var, eps, mu = roles.get("var", roles.get("sigma", 0) ** 2), roles["epsilon"], roles["mu"]
    shown = lambda core: gamma * core + beta  # noqa: E731
    mistakes = (Form("the square root is missing", shown((x - mu) / (var + eps))),
                Form("ε is added to the standard deviation; it belongs to the variance, under the root",
                     shown((x - mu) / (sp.sqrt(var) + eps))))
    assume = (f"{eps} > 0", *((f"{roles['var']} >= 0",) if "var" in roles else ()))
    return Fit(link.rhs, (Form("the normalisation", shown((x - mu) / sp.sqrt(var + eps))),), False, assume,
               mistakes, how="an input centred by a mean and divided by a spread")


_NORM_CANONICAL = r"$\hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}$, $y = \gamma \hat{x} + \beta$"
_NORM_PROPERTIES = "ε is added to the variance under the square root; γ scales, β shifts"
add("batchnorm", "batch normalisation",
    ("batch norm", "batchnorm", "batch normali", "批量归一化", "批归一化", "批量规范化", "批标准化"),
    _NORM_CANONICAL + " (μ, σ² over the batch)", _NORM_PROPERTIES, fit_normalise)
add("layernorm", "layer normalisation", ("layer norm", "layernorm", "layer normali", "层归一化", "层规范化"),
    _NORM_CANONICAL + " (μ, σ² over the features)", _NORM_PROPERTIES, fit_normalise)


# --- optimisation ---------------------------------------------------------------------------------------

def fit_clip_norm(link):
    """Clipping by norm: g ← c·g/‖g‖ when ‖g‖ > c (or g·min(1, c/‖g‖))."""
    norms = [a for a in link.rhs.atoms(Norm) if a.p == 2]
    if len(norms) != 1:
        return None
    norm = norms[0]
    g = norm.args[0]
    others = [s for s in symbols_of(link.rhs) if s != g]
    if len(others) != 1 or not link.rhs.subs(norm, 1).has(g):
        return None
    c = others[0]
    forms = (Form("both cases at once", g * sp.Min(1, c / norm)),
             Form("both cases", sp.Piecewise((c * g / norm, norm > c), (g, True)))) if link.rhs.has(
        sp.Min, sp.Piecewise) else (Form("the rescaled gradient, where $\\|g\\| > c$", c * g / norm),)
    mistakes = (Form("the ratio is inverted: the gradient is scaled by $c/\\|g\\|$", g * norm / c),
                Form("the threshold is missing: the clipped norm is $c$", g / norm))
    return Fit(link.rhs, forms, False, (f"{c} > 0",), mistakes, how="a gradient scaled by its norm")


add("clip-by-norm", "gradient clipping by norm", ("clip", "裁剪", "截断", "exploding", "梯度爆炸"),
    r"$g \leftarrow \min\left(1, \frac{c}{\|g\|}\right) g$",
    "the direction is kept and the norm becomes at most c", fit_clip_norm)


def fit_clip_value(link):
    """Clipping by value: min(max(g, −c), c)."""
    rhs = link.rhs
    syms = symbols_of(rhs)
    grads = [s for s in syms if is_grad(s)]
    if not rhs.has(sp.Max, sp.Min, sp.Piecewise) or len(syms) != 2 or len(grads) != 1:
        return None
    g, c = grads[0], next(s for s in syms if s != grads[0])
    mistakes = (Form("the lower bound is $0$; clipping keeps $[-c, c]$", sp.Min(sp.Max(g, 0), c)),)
    return Fit(rhs, (Form("the clipped value", sp.Min(sp.Max(g, -c), c)),), False, (f"{c} > 0",), mistakes,
               how="a gradient between bounds")


add("clip-by-value", "gradient clipping by value", ("clip", "裁剪", "截断"),
    r"$g_i \leftarrow \min(\max(g_i, -c), c)$", "each entry is kept in [−c, c]", fit_clip_value)


def fit_sgd(link):
    """SGD: θ ← θ − η g, η > 0."""
    step = split_update(link.lhs, link.rhs)
    found = step is not None and split_scale(step, lambda f: is_grad(f, link.lhs))
    if not found or not isinstance(positive(found[0]), sp.Symbol):
        return None
    eta, g, theta = positive(found[0]), found[1], link.lhs
    descent = found[0].could_extract_minus_sign()  # θ + ηg is also gradient ascent: words decide
    return Fit(link.rhs, (Form("a step against the gradient", theta - eta * g),), descent, (f"{eta} > 0",),
               (Form("the step goes up the gradient: descent subtracts $\\eta g$", theta + eta * g),),
               how="a parameter plus a multiple of a gradient")


add("sgd", "gradient descent (SGD) update", ("sgd", "gradient descent", "descent", "梯度下降", "随机梯度", "下降"),
    r"$\theta \leftarrow \theta - \eta g$, $\eta > 0$", "the step is against the gradient", fit_sgd)


def _moment_parts(link):
    """(β, swapped, the rest) for lhs = β·lhs + rest (or (1 − β)·lhs + rest)."""
    m = link.lhs
    split = isinstance(m, sp.Symbol) and linear_in(link.rhs, m)
    beta = split and one_minus_symbol(split[0])
    return (beta[0], beta[1], split[1]) if beta else None


def _moment_fit(link, order):
    parts = _moment_parts(link)
    if parts is None:
        return None
    beta, _, rest = parts
    grads = [s for s in symbols_of(rest) if is_grad(s)]
    digit = name_of(beta)[-1:]
    if len(grads) != 1 or digit not in ("1", "2") or int(digit) != order:
        return None
    g, m = grads[0], link.lhs
    mistakes = [Form("the weights are swapped: $\\beta$ weighs the old average", (1 - beta) * m + beta * g ** order)]
    mistakes.append(Form("the gradient must be squared" if order == 2 else "that is the second moment",
                         beta * m + (1 - beta) * g ** (3 - order)))
    return Fit(link.rhs, (Form("the moving average", beta * m + (1 - beta) * g ** order),), True,
               (f"{beta} in (0, 1)",), tuple(mistakes), how="a moving average of the gradient")


def fit_adam_first(link):
    """Adam's first moment m ← β₁ m + (1 − β₁) g."""
    return _moment_fit(link, 1)


def fit_adam_second(link):
    """Adam's second moment v ← β₂ v + (1 − β₂) g²."""
    return _moment_fit(link, 2)


_ADAM = ("adam", "一阶矩", "二阶矩", "moment", "矩估计")
add("adam-first-moment", "Adam first moment", _ADAM, r"$m \leftarrow \beta_1 m + (1 - \beta_1) g$",
    "an exponential moving average of the gradient", fit_adam_first)
add("adam-second-moment", "Adam second moment", _ADAM, r"$v \leftarrow \beta_2 v + (1 - \beta_2) g^2$",
    "an exponential moving average of the squared gradient", fit_adam_second)


def fit_adam_bias(link):
    """Bias correction m̂ = m/(1 − β₁ᵗ)."""
    name = link.lhs.name if isinstance(link.lhs, sp.Symbol) else ""
    if not name.endswith("_hat"):
        return None
    base, syms = symbol(name[:-4]), symbols_of(link.rhs)
    betas = [s for s in syms if name_of(s).startswith(("beta", "b"))]
    steps = [s for s in syms if name_of(s) in {"t", "k", "step"}]
    if base not in syms or len(betas) != 1 or len(steps) > 1 or len(syms) != 2 + len(steps):
        return None
    beta, t = betas[0], steps[0] if steps else symbol("t")
    mistakes = (Form("the power $t$ is missing: the bias fades as $\\beta^t$", base / (1 - beta)),
                Form("the correction divides by $1 - \\beta^t$", base * (1 - beta ** t)))
    return Fit(link.rhs, (Form("the bias correction", base / (1 - beta ** t)),), True,
               (f"{beta} in (0, 1)", f"{t} integer >= 1"), mistakes, how="a moment over 1 − β to a power")


add("adam-bias-correction", "Adam bias correction", _ADAM + ("bias", "偏差", "修正"),
    r"$\hat{m} = \frac{m}{1 - \beta_1^t}$, $\hat{v} = \frac{v}{1 - \beta_2^t}$",
    "the moving averages start at 0; dividing by 1 − βᵗ removes that bias", fit_adam_bias)


def fit_adam_update(link):
    """Adam's step θ ← θ − η m̂/(√v̂ + ε)."""
    step = split_update(link.lhs, link.rhs)
    if step is None:
        return None
    roles = {}
    for s in symbols_of(step):
        name = name_of(s)
        role = ("m" if name in {"m", "m_hat", "m_t"} else "v" if name in {"v", "v_hat", "v_t"} else
                "epsilon" if name in _EPSILONS else "eta")
        if role in roles:
            return None
        roles[role] = s
    if set(roles) != {"m", "v", "epsilon", "eta"}:
        return None
    theta, eta, m, v, eps = link.lhs, roles["eta"], roles["m"], roles["v"], roles["epsilon"]
    forms = (Form("as in the paper", theta - eta * m / (sp.sqrt(v) + eps)),
             Form("with $\\epsilon$ under the root (a common variant)", theta - eta * m / sp.sqrt(v + eps)))
    mistakes = (Form("the square root of $\\hat{v}$ is missing", theta - eta * m / (v + eps)),
                Form("the step goes up the gradient", theta + eta * m / (sp.sqrt(v) + eps)))
    return Fit(link.rhs, forms, True, (f"{eta} > 0", f"{eps} > 0", f"{v} >= 0"), mistakes,
               how="a parameter stepped by m over the root of v")


add("adam-update", "Adam update", _ADAM, r"$\theta \leftarrow \theta - \eta \frac{\hat{m}}{\sqrt{\hat{v}} + \epsilon}$",
    "the step divides the first moment by the square root of the second", fit_adam_update)


def fit_momentum(link):
    """Momentum: v ← βv + g, v ← βv + (1 − β)g, v ← μv − ηg or v ← γv + ηg."""
    parts = _moment_parts(link)
    if parts is None or name_of(parts[0])[-1:] in ("1", "2"):
        return None
    beta, swapped, rest = parts
    found = split_scale(sp.factor(rest), is_grad)
    if not found:
        return None
    scale, g, v = sp.expand(found[0]), found[1], link.lhs
    if scale in (1, -1) or scale == 1 - beta or (swapped and scale == beta):
        eta = sp.S.One
    elif isinstance(positive(scale), sp.Symbol) and positive(scale) != beta:
        eta = positive(scale)
    else:
        return None
    forms = [Form("$v \\leftarrow \\beta v + g$", beta * v + g),
             Form("the moving average", beta * v + (1 - beta) * g)]
    if eta != 1:
        forms += [Form("$v \\leftarrow \\mu v - \\eta g$, then $\\theta \\leftarrow \\theta + v$",
                       beta * v - eta * g),
                  Form("$v \\leftarrow \\gamma v + \\eta g$, then $\\theta \\leftarrow \\theta - v$",
                       beta * v + eta * g)]
    mistakes = (Form("the weights are swapped: $\\beta$ weighs the old velocity", (1 - beta) * v + beta * g),)
    return Fit(link.rhs, tuple(forms), name_of(v) in _VELOCITIES and is_grad(g),
               (f"{beta} in (0, 1)", *positive_assumptions(eta)), mistakes,
               how="a velocity decayed and pushed by a gradient")


def fit_momentum_step(link):
    """The parameter step of momentum: θ ← θ − ηv, θ − v or θ + v, by the velocity's convention."""
    step = split_update(link.lhs, link.rhs)
    found = step is not None and split_scale(step, lambda f: name_of(f) in _VELOCITIES)
    if not found or not (found[0] in (1, -1) or isinstance(positive(found[0]), sp.Symbol)):
        return None
    eta, v, theta = positive(found[0]), found[1], link.lhs
    forms = [Form("with $v \\leftarrow \\gamma v + \\eta g$", theta - v),
             Form("with $v \\leftarrow \\mu v - \\eta g$", theta + v)]
    if eta != 1:
        forms.insert(0, Form("with $v \\leftarrow \\beta v + g$", theta - eta * v))
    mistakes = (Form("the step goes up: it is $\\theta - \\eta v$", theta + eta * v),) if eta != 1 else ()
    return Fit(link.rhs, tuple(forms), False, positive_assumptions(eta), mistakes,
               how="a parameter moved by a velocity")


_MOMENTUM = ("momentum", "动量", "nesterov", "velocity", "速度")
add("momentum", "momentum (velocity update)", _MOMENTUM,
    r"$v \leftarrow \beta v + g$ (or $\beta v + (1 - \beta) g$, or $\mu v - \eta g$)",
    "the velocity keeps a fraction β of itself and adds the gradient", fit_momentum)
add("momentum-step", "momentum (parameter step)", _MOMENTUM,
    r"$\theta \leftarrow \theta - \eta v$ (or $\theta - v$, or $\theta + v$ for $v = \mu v - \eta g$)",
    "the parameter moves along the velocity, against the gradient", fit_momentum_step)
