"""The rule table: one entry per primitive operation, apart from the traversal.

Each :class:`Rule` holds the SymPy forward expression, the local-derivative
rule (``grad(out, *args)`` returns one partial per argument, the way HIPS
autograd's VJPs take ``ans, x``), a float64 NumPy implementation that is
stable for large inputs, and a LaTeX and a Unicode name.  Each rule is a
named function registered on the line after it.  :func:`derivative` is the
small generic traversal that applies the table to any SymPy expression;
:func:`op_of` says which entry an expression node uses.  A node with no
entry raises :class:`MissingRule`, naming the operation.

>>> import sympy as sp
>>> x, w, b = sp.symbols('x w b', real=True)
>>> derivative(sigmoid(w*x + b), b)
(1 - sigmoid(b + w*x))*sigmoid(b + w*x)
>>> RULES['relu'].grad(relu(x), x)
(Piecewise((1, x > 0), (0, True)),)
>>> sorted(RULES)[:6]
['abs', 'add', 'ceil', 'div', 'elu', 'exp']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp

from . import numeric
from .functions import ActivationBase, elu, leaky_relu, relu, sigmoid, softplus, step


class MissingRule(LookupError):
    """No rule-table entry for an operation; the message names it."""


@dataclass(frozen=True)
class Rule:
    """One primitive: forward expression, local derivatives, NumPy code, names."""

    name: str
    forward: Callable[..., sp.Expr]
    grad: Callable[..., tuple]
    numpy: Callable[..., np.ndarray]
    latex: str
    text: str

    def partials(self, out, *args):
        """The local derivatives ∂out/∂argᵢ, checked to be one per argument."""
        result = tuple(self.grad(out, *args))
        if len(result) != len(args):
            raise AssertionError(
                f"rule {self.name!r} gave {len(result)} derivatives for {len(args)} inputs")
        return result


RULES: dict[str, Rule] = {}


def defrule(name, grad, *, forward, numpy, latex, text=None):
    """Register ``grad`` as the derivative rule of operation ``name``."""
    RULES[name] = Rule(name, forward, grad, numpy, latex, text or name)
    return grad


def _others(args, i):
    if len(args) == 2:
        return args[1 - i]
    return sp.Mul(*(a for j, a in enumerate(args) if j != i))


# SymPy's 0 and 1 are singletons, so `is` tests them without SymPy's costly __eq__.
ZERO, ONE = sp.S.Zero, sp.S.One


def times(p, q):
    """p·q, skipping the multiplications by 0 and 1 that the chain rule is full of."""
    if p is ONE:
        return q
    if q is ONE:
        return p
    if p is ZERO or q is ZERO:
        return ZERO
    return sp.Mul(p, q)


def unevaluated_product(*factors):
    """The product as written: σ·(1 − σ).

    Built with ``Mul._from_args``, which skips SymPy's canonical ordering and
    its cache; the reverse pass builds thousands of these (see benchmarks/).
    """
    return sp.Mul._from_args(factors, is_commutative=True)  # real scalars commute


def one_minus(e):
    """1 − e as written (unevaluated, hence cheap)."""
    return sp.Add._from_args((ONE, unevaluated_product(sp.S.NegativeOne, e)), is_commutative=True)


def plus(terms):
    """Σ terms, without building an Add for a single term."""
    terms = [t for t in terms if t is not ZERO]
    if not terms:
        return sp.S.Zero
    return terms[0] if len(terms) == 1 else sp.Add(*terms)


# --- arithmetic -----------------------------------------------------------

def add_grad(out, *args):
    return (sp.S.One,) * len(args)
defrule("add", add_grad, forward=sp.Add, numpy=np.add, latex="+")


def sub_grad(out, a, b):
    return sp.S.One, sp.S.NegativeOne
defrule("sub", sub_grad, forward=lambda a, b: a - b, numpy=np.subtract, latex="-", text="−")


def mul_grad(out, *args):
    return tuple(_others(args, i) for i in range(len(args)))
defrule("mul", mul_grad, forward=sp.Mul, numpy=np.multiply, latex=r"\cdot", text="·")


def div_grad(out, a, b):
    return 1 / b, -a / b**2
defrule("div", div_grad, forward=lambda a, b: a / b, numpy=np.divide, latex="/")


def pow_grad(out, base, exponent):
    return exponent * base ** (exponent - 1), out * sp.log(base)
defrule("pow", pow_grad, forward=sp.Pow, numpy=np.power, latex="^", text="^")


def sqrt_grad(out, x, *half):
    """SymPy stores √x as x**(1/2): the constant exponent is an input too."""
    return (1 / (2 * out),) + tuple(out * sp.log(x) for _ in half)
defrule("sqrt", sqrt_grad, forward=sp.sqrt, numpy=np.sqrt, latex=r"\sqrt", text="√")


# --- elementary functions ---------------------------------------------------

def exp_grad(out, x):
    return (out,)
defrule("exp", exp_grad, forward=sp.exp, numpy=np.exp, latex=r"\exp", text="exp")


def log_grad(out, x):
    return (1 / x,)
defrule("log", log_grad, forward=sp.log, numpy=np.log, latex=r"\log", text="log")


def tanh_grad(out, x):
    return (1 - out**2,)
defrule("tanh", tanh_grad, forward=sp.tanh, numpy=np.tanh, latex=r"\tanh", text="tanh")


def abs_grad(out, x):
    return (sp.sign(x),)
defrule("abs", abs_grad, forward=sp.Abs, numpy=np.abs, latex=r"\left|\cdot\right|", text="|·|")


def _extremum_grad(strictly_wins):
    def grad(out, *args):
        return tuple(
            sp.Piecewise((sp.S.One, sp.And(*(strictly_wins(a, b) for b in args if b is not a))),
                         (sp.S.Zero, True))
            for a in args)
    return grad


max_grad = _extremum_grad(lambda a, b: a > b)  # a tie sends the gradient nowhere: relu′(0) = 0
defrule("max", max_grad, forward=sp.Max, numpy=np.maximum, latex=r"\max", text="max")
min_grad = _extremum_grad(lambda a, b: a < b)
defrule("min", min_grad, forward=sp.Min, numpy=np.minimum, latex=r"\min", text="min")


def floor_grad(out, x):
    return (sp.S.Zero,)  # zero away from the integers, where floor jumps
defrule("floor", floor_grad, forward=sp.floor, numpy=np.floor, latex=r"\lfloor\cdot\rfloor", text="floor")


def ceil_grad(out, x):
    return (sp.S.Zero,)
defrule("ceil", ceil_grad, forward=sp.ceiling, numpy=np.ceil, latex=r"\lceil\cdot\rceil", text="ceil")


def sign_grad(out, x):
    return (sp.S.Zero,)  # zero away from the kink at 0
defrule("sign", sign_grad, forward=sp.sign, numpy=np.sign, latex=r"\operatorname{sign}", text="sign")


# --- activations --------------------------------------------------------------

def sigmoid_grad(out, x):
    return (unevaluated_product(out, one_minus(out)),)
defrule("sigmoid", sigmoid_grad, forward=sigmoid, numpy=numeric.sigmoid, latex=r"\sigma", text="σ")


def softplus_grad(out, x):
    return (sigmoid(x),)
defrule("softplus", softplus_grad, forward=softplus, numpy=numeric.softplus,
        latex=r"\operatorname{softplus}", text="softplus")


def relu_grad(out, x):
    return (step(x),)
defrule("relu", relu_grad, forward=relu, numpy=numeric.relu, latex=r"\operatorname{ReLU}", text="ReLU")


def leaky_relu_grad(out, x, a):
    return (sp.Piecewise((1, x > 0), (a, True)), sp.Piecewise((0, x > 0), (x, True)))
defrule("leaky_relu", leaky_relu_grad, forward=leaky_relu, numpy=numeric.leaky_relu,
        latex=r"\operatorname{LeakyReLU}", text="LeakyReLU")


def elu_grad(out, x, a):
    return (sp.Piecewise((1, x > 0), (a * sp.exp(x), True)),
            sp.Piecewise((0, x > 0), (sp.exp(x) - 1, True)))
defrule("elu", elu_grad, forward=elu, numpy=numeric.elu, latex=r"\operatorname{ELU}", text="ELU")


# --- families -------------------------------------------------------------------

def softmax_grad(out, *o):
    """The Jacobian ∂ŷᵢ/∂oⱼ = ŷᵢ(δᵢⱼ − ŷⱼ), one row per output component."""
    return tuple(tuple(out[i] * (sp.KroneckerDelta(i, j) - out[j]) for j in range(len(o)))
                 for i in range(len(o)))


def softmax_forward(*o):
    total = sp.Add(*(sp.exp(ok) for ok in o))
    return tuple(sp.exp(oi) / total for oi in o)
defrule("softmax", softmax_grad, forward=softmax_forward, numpy=numeric.softmax,
        latex=r"\operatorname{softmax}", text="softmax")


def sum_grad(out, *terms):
    return (sp.S.One,) * len(terms)
defrule("sum", sum_grad, forward=sp.Add, numpy=np.sum, latex=r"\sum", text="Σ")


# --- the traversal ----------------------------------------------------------------

_CLASS_OPS = {
    sp.Add: "add", sp.Mul: "mul", sp.exp: "exp", sp.log: "log", sp.tanh: "tanh",
    sp.Abs: "abs", sp.Max: "max", sp.Min: "min", sp.floor: "floor",
    sp.ceiling: "ceil", sp.sign: "sign",
}


def op_of(expr) -> str:
    """The rule-table key of the top operation of ``expr``.

    >>> x = sp.Symbol('x')
    >>> op_of(sp.sqrt(x)), op_of(x**3), op_of(relu(x)), op_of(sp.Sum(x, (x, 1, 3)))
    ('sqrt', 'pow', 'relu', 'sum')
    """
    if isinstance(expr, ActivationBase):
        return expr.op
    if isinstance(expr, sp.Pow):
        return "sqrt" if expr.exp == sp.S.Half else "pow"
    if isinstance(expr, sp.Sum):
        return "sum"
    if isinstance(expr, sp.Piecewise):
        return "piecewise"
    name = _CLASS_OPS.get(type(expr))
    if name is None:
        name = type(expr).__name__
    return name


def rule_for(expr) -> Rule:
    """The :class:`Rule` for the top operation of ``expr``, or :class:`MissingRule`."""
    name = op_of(expr)
    try:
        return RULES[name]
    except KeyError:
        raise MissingRule(f"no derivative rule for operation {name!r} (in {expr})") from None


def derivative(expr, var):
    """d expr / d var by the rule table: Σᵢ (∂op/∂argᵢ)·(d argᵢ/d var).

    ``var`` is a Symbol or an ``Indexed`` element; sums ``Sum(t, (k, a, b))``
    are differentiated term by term (the rule of the ``sum`` entry), with
    ∂o[k]/∂o[j] = δₖⱼ.  Shared subexpressions are differentiated once.

    >>> x = sp.Symbol('x', real=True)
    >>> derivative(sp.exp(x) * x, x)
    x*exp(x) + exp(x)
    >>> derivative(sp.gamma(x), x)
    Traceback (most recent call last):
    ...
    derive.rules.MissingRule: no derivative rule for operation 'gamma' (in gamma(x))
    """
    memo: dict = {}

    def d(e):
        if e is var:
            return ONE
        if e.is_Symbol:  # comparing the cached hashes first spares SymPy's __eq__
            return ONE if hash(e) == hash(var) and e == var else ZERO
        if isinstance(e, sp.Indexed):  # ∂o[k]/∂o[j] = δₖⱼ; an Indexed counts as an atom in SymPy
            if isinstance(var, sp.Indexed) and e.base == var.base:
                return sp.Mul(*(sp.KroneckerDelta(i, j) for i, j in zip(e.indices, var.indices)))
            return sp.S.Zero
        if e.is_Atom:
            return sp.S.Zero
        if e in memo:
            return memo[e]
        if isinstance(e, sp.Sum):
            result = sp.Sum(d(e.function), *e.limits)
        elif isinstance(e, sp.Piecewise):  # the conditions are constant away from the kinks
            result = sp.Piecewise(*((d(val), cond) for val, cond in e.args))
        else:
            rule = rule_for(e)
            partials = rule.partials(e, *e.args)
            result = plus(times(p, d(a)) for p, a in zip(partials, e.args))
        memo[e] = result
        return result

    return d(sp.sympify(expr, strict=True))  # strict: SymPy objects and numbers only, never text
