"""Expectation and variance over independent random variables: ``E(f, m ~ Bernoulli(p))``, ``Var(...)``.

Distributions: ``Bernoulli(p)`` (1 with probability p, else 0), ``Uniform(a, b)``,
``Normal(mu, sigma)`` (sigma the standard deviation) and
``Discrete([v1, ...], [p1, ...])``.  An :class:`Expectation` (or
:class:`Variance`) computes its exact value once, when it is made, and carries
it as :class:`~derive.lang.operators.Diff` carries its derivative: a finite
distribution gives a finite sum; Uniform and Normal give an integral by
:func:`sympy.integrate`, allowed :data:`INTEGRATE_SECONDS` each.  If SymPy
cannot, :attr:`Expectation.value` is None.  :func:`sample` draws the variables
(float64, ``numpy.random.default_rng(seed)``) for Monte Carlo evidence.

>>> from derive.symbols import symbol
>>> m, x, p = symbol('m'), symbol('x'), symbol('p')
>>> e = Expectation(m*x/p, ((m, Bernoulli(p)),))
>>> e, e.value
(E(m*x/p, m ~ Bernoulli(p)), x)
>>> Variance(x, ((x, Uniform(-1, 1)),)).value
1/3
"""
from __future__ import annotations

import time

import numpy as np
import sympy as sp

from ..limits import StepTimeout, time_limit
from .operators import Carrier, resolve_derivatives

__all__ = ["Distribution", "Bernoulli", "Uniform", "Normal", "Discrete", "Expectation", "Variance", "sample",
           "INTEGRATE_SECONDS"]

INTEGRATE_SECONDS = 2.0


class Distribution(sp.Function):
    """A distribution of one real random variable; its arguments are its parameters."""

    def expect(self, f, var):
        """E f(var) for var with this distribution, or None if SymPy cannot find it."""
        raise NotImplementedError

    def _sympystr(self, printer):
        return f"{type(self).__name__}({', '.join(printer._print(a) for a in self.args)})"


class _Finite(Distribution):
    def outcomes(self):
        """[(value, probability), …]."""
        raise NotImplementedError

    def expect(self, f, var):
        return sp.Add(*(prob * f.xreplace({var: value}) for value, prob in self.outcomes()))


class Bernoulli(_Finite):
    """1 with probability p, 0 with probability 1 − p."""

    nargs = 1

    def outcomes(self):
        return [(sp.S.One, self.args[0]), (sp.S.Zero, 1 - self.args[0])]


class Discrete(_Finite):
    """The values ``args[0]`` (a Tuple) with the probabilities ``args[1]``."""

    nargs = 2

    def outcomes(self):
        return list(zip(*self.args))

    def _sympystr(self, printer):
        values, probs = ([printer._print(a) for a in t] for t in self.args)
        return f"Discrete([{', '.join(values)}], [{', '.join(probs)}])"


def _integral(integrand, var, low, high):
    """∫ integrand d var over [low, high] by SymPy, in time, or None."""
    start = time.monotonic()
    try:
        with time_limit(INTEGRATE_SECONDS):
            value = sp.integrate(integrand, (var, low, high), conds="none")
    except StepTimeout:
        if time.monotonic() - start < INTEGRATE_SECONDS:
            raise  # an enclosing limit expired
        return None
    except (ValueError, NotImplementedError, TypeError, ArithmeticError, RecursionError, AttributeError):
        return None
    if value.has(sp.Integral, sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    return value


class Uniform(Distribution):
    """Uniform on [a, b]."""

    nargs = 2

    def expect(self, f, var):
        a, b = self.args
        total = _integral(f, var, a, b)
        return None if total is None else total / (b - a)


class Normal(Distribution):
    """Normal with mean mu and standard deviation sigma; integrated as E f(mu + sigma·z), z standard normal."""

    nargs = 2

    def expect(self, f, var):
        mu, sigma = self.args
        z = sp.Dummy('z', real=True)
        density = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
        return _integral(f.xreplace({var: mu + sigma * z}) * density, z, -sp.oo, sp.oo)


def _moment(f, specs):
    """E f over the independent variables of ``specs``, innermost (last) first; None if not found."""
    for var, dist in reversed(specs):
        f = dist.expect(f, var)
        if f is None:
            return None
    return f


class Expectation(Carrier, sp.Expr):
    """``E(f, m ~ D, …)``: the expectation of f over independent variables, with its value carried.

    ``args`` are f, a Tuple of (variable, distribution) pairs and the value as
    a Tuple: (value,) or () when SymPy could not find it.
    """

    word = "E"

    def __new__(cls, f, specs, value=None):
        specs = sp.Tuple(*(sp.Tuple(*pair) for pair in specs))
        if value is None:
            found = cls._value(resolve_derivatives(f), specs)
            value = sp.Tuple() if found is None else sp.Tuple(found)
        return super().__new__(cls, f, specs, value)

    @staticmethod
    def _value(f, specs):
        return _moment(f, specs)

    @property
    def specs(self):
        """((variable, distribution), …)."""
        return tuple(tuple(pair) for pair in self.args[1])

    @property
    def value(self):
        """The exact value found when the node was made, or None."""
        return self.args[2][0] if self.args[2] else None

    @property
    def free_symbols(self):
        bound = {var for var, _ in self.specs}
        return (self.args[0].free_symbols - bound).union(*(d.free_symbols for _, d in self.specs))

    def _eval_is_extended_real(self):
        return True

    def _eval_subs(self, old, new):
        return self if any(old == var for var, _ in self.specs) else None

    def doit(self, **hints):
        return self if self.value is None else self.value

    def _sympystr(self, printer):
        specs = ", ".join(f"{printer._print(v)} ~ {printer._print(d)}" for v, d in self.specs)
        return f"{self.word}({printer._print(self.args[0])}, {specs})"


class Variance(Expectation):
    """``Var(f, m ~ D, …)`` = E f² − (E f)², with its value carried."""

    word = "Var"

    @staticmethod
    def _value(f, specs):
        mean, square = _moment(f, specs), _moment(f**2, specs)
        return None if mean is None or square is None else square - mean**2


def _number(expr, point) -> float:
    exact = {k: sp.Float(v, 30) if isinstance(v, (float, int)) else v for k, v in point.items()}
    value = expr.xreplace(exact).evalf(30)
    if not value.is_number or not value.is_real:
        raise ValueError(f"parameter {value} has no real value at this point")
    return float(value)


def sample(node, point: dict, size: int, seed: int = 0) -> dict:
    """float64 samples of ``node``'s random variables, the parameters taken at ``point`` ({symbol: number}).

    >>> from derive.symbols import symbol
    >>> m, p = symbol('m'), symbol('p')
    >>> draws = sample(Expectation(m, ((m, Bernoulli(p)),)), {p: 0.25}, 100000, seed=1)
    >>> round(float(draws[m].mean()), 2)
    0.25
    """
    rng, draws = np.random.default_rng(seed), {}
    for var, dist in node.specs:
        params = [a for a in dist.args if not isinstance(a, sp.Tuple)]
        if isinstance(dist, Bernoulli):
            draws[var] = (rng.random(size) < _number(params[0], point)).astype(np.float64)
        elif isinstance(dist, Uniform):
            draws[var] = rng.uniform(_number(params[0], point), _number(params[1], point), size)
        elif isinstance(dist, Normal):
            draws[var] = rng.normal(_number(params[0], point), _number(params[1], point), size)
        else:
            values = np.array([_number(v, point) for v in dist.args[0]], dtype=np.float64)
            probs = np.array([_number(q, point) for q in dist.args[1]], dtype=np.float64)
            draws[var] = rng.choice(values, size=size, p=probs / probs.sum())
    return draws
