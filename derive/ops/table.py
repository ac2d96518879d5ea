"""The table itself: :class:`Op`, the registry, what is derived from it, and the traversal.

The entries are registered by the modules beside this one; :mod:`derive.ops`
imports them all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp


class MissingRule(LookupError):
    """No table entry for an operation; the message names it."""


@dataclass(frozen=True)
class Op:
    """One primitive: its SymPy class, derivative rule, kernels, parser names, kinks and printed names."""

    name: str
    forward: object
    grad: Callable[..., tuple]
    numpy: Callable | None = None
    names: tuple = ()
    arity: tuple = (1, 1)
    kinks: Callable[..., list] | None = None
    size: str | None = None
    latex: str = ""
    text: str = ""
    notation: bool = False
    activation: Callable | None = None
    interval: Callable | None = None

    def partials(self, out, *args):
        """The local derivatives ∂out/∂argᵢ, checked to be one per argument."""
        result = tuple(self.grad(out, *args))
        if len(result) != len(args):
            raise AssertionError(f"rule {self.name!r} gave {len(result)} derivatives for {len(args)} inputs")
        return result


OPS: dict[str, Op] = {}
_BY_CLASS: dict = {}


def defop(name, grad, *, forward, **fields):
    """Register ``grad`` as the derivative rule of operation ``name``, with the rest of its entry."""
    fields.setdefault("text", name)
    OPS[name] = Op(name, forward, grad, **fields)
    _NUMPY_MODULE.clear()
    if isinstance(forward, type):
        _BY_CLASS[forward] = name
    return grad


# --- derived tables ---------------------------------------------------------------

def parser_functions() -> dict:
    """Every name the claim language may call, mapped to its SymPy class (from ``Op.names``)."""
    return {n: op.forward for op in OPS.values() for n in op.names}


def parser_arity() -> dict:
    """(least, most) arguments for each callable name."""
    return {n: op.arity for op in OPS.values() for n in op.names}


_NUMPY_MODULE: dict = {}  # derived from OPS on first use; defop clears it


def numpy_module() -> dict:
    """lambdify's namespace: the table's float64 kernels by the name SymPy prints (the class name)."""
    if not _NUMPY_MODULE:
        _NUMPY_MODULE.update({op.forward.__name__: op.numpy for op in OPS.values() if op.numpy is not None
                              and isinstance(op.forward, type) and issubclass(op.forward, sp.Function)})
    return _NUMPY_MODULE


def notation_ops() -> frozenset:
    """Unary functions whose local derivative a textbook writes f′(z)."""
    return frozenset(name for name, op in OPS.items() if op.notation)


def network_activations() -> dict:
    """The network builders' activations by name: each maps a node to its activated expression."""
    return {name: op.activation for name, op in OPS.items() if op.activation is not None}


def size_class(function) -> str | None:
    """``"exponential"``, ``"rounding"`` or None: how evaluating ``function`` at a number grows."""
    name = _BY_CLASS.get(function)
    return OPS[name].size if name else None


# --- the traversal ------------------------------------------------------------------

def op_of(expr) -> str:
    """The table key of the top operation of ``expr``.

    >>> x = sp.Symbol('x')
    >>> op_of(sp.sqrt(x)), op_of(x**3), op_of(OPS['relu'].forward(x)), op_of(sp.Sum(x, (x, 1, 3)))
    ('sqrt', 'pow', 'relu', 'sum')
    """
    if isinstance(expr, sp.Pow):
        return "sqrt" if expr.exp == sp.S.Half else "pow"
    if isinstance(expr, sp.Sum):
        return "sum"
    if isinstance(expr, sp.Piecewise):
        return "piecewise"
    name = _BY_CLASS.get(type(expr))
    return name if name is not None else type(expr).__name__


def rule_for(expr) -> Op:
    """The :class:`Op` of the top operation of ``expr``, or :class:`MissingRule`."""
    name = op_of(expr)
    try:
        return OPS[name]
    except KeyError:
        raise MissingRule(f"no derivative rule for operation {name!r} (in {expr})") from None


def kinks(expr) -> list:
    """Expressions whose zero sets are the kinks (non-smooth points) of ``expr``.

    Each operation's entry says where its kinks are; the conditions of a
    Piecewise are kinks too.

    >>> x, y = sp.symbols('x y', real=True)
    >>> kinks(OPS['relu'].forward(x) + sp.Max(x, y) + sp.Piecewise((1, x > 2), (0, True)))
    [x - y, x - 2, x]
    """
    found = []
    for e in sp.preorder_traversal(expr):
        if isinstance(e, sp.Piecewise):
            found.extend(r.lhs - r.rhs for _, cond in e.args for r in sp.preorder_traversal(cond)
                         if isinstance(r, sp.core.relational.Relational))
        elif isinstance(e, sp.Heaviside):
            found.append(e.args[0])
        elif not e.is_Atom and type(e) in _BY_CLASS:
            op = OPS[_BY_CLASS[type(e)]]
            if op.kinks is not None:
                found.extend(op.kinks(*e.args))
    return [k for k in dict.fromkeys(found) if k.free_symbols]


ZERO, ONE = sp.S.Zero, sp.S.One  # singletons: `is` tests them without SymPy's costly __eq__


def times(p, q):
    """p·q, skipping the multiplications by 0 and 1 that the chain rule is full of."""
    if p is ONE:
        return q
    if q is ONE:
        return p
    if p is ZERO or q is ZERO:
        return ZERO
    return sp.Mul(p, q)


def plus(terms):
    """Σ terms, without building an Add for a single term."""
    terms = [t for t in terms if t is not ZERO]
    if not terms:
        return sp.S.Zero
    return terms[0] if len(terms) == 1 else sp.Add(*terms)


def derivative(expr, var):
    """d expr / d var by the table: Σᵢ (∂op/∂argᵢ)·(d argᵢ/d var).

    ``var`` is a Symbol or an ``Indexed`` element; sums ``Sum(t, (k, a, b))``
    are differentiated term by term (the rule of the ``sum`` entry), with
    ∂o[k]/∂o[j] = δₖⱼ.  Shared subexpressions are differentiated once.

    >>> x = sp.Symbol('x', real=True)
    >>> derivative(sp.exp(x) * x, x)
    x*exp(x) + exp(x)
    >>> derivative(sp.gamma(x), x)
    Traceback (most recent call last):
    ...
    derive.ops.table.MissingRule: no derivative rule for operation 'gamma' (in gamma(x))
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
        if not isinstance(var, sp.Indexed) and var not in e.free_symbols:
            return sp.S.Zero  # constant in var: y[i] (a vector's entry) under d/dw, whatever its operation
        if isinstance(e, sp.Sum):
            result = sp.Sum(d(e.function), *e.limits)
        elif isinstance(e, sp.Piecewise):  # the conditions are constant away from the kinks
            result = sp.Piecewise(*((d(val), cond) for val, cond in e.args))
        else:
            partials = rule_for(e).partials(e, *e.args)
            result = plus(times(p, d(a)) for p, a in zip(partials, e.args))
        memo[e] = result
        return result

    return d(sp.sympify(expr, strict=True))  # strict: SymPy objects and numbers only, never text

