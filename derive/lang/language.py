"""The builder's handlers for the textbook constructs: sums, products, vectors, where, argmax, limits, E and Var.

Each handler reads the AST of one construct strictly and builds its SymPy
object; :mod:`derive.lang.expressions` calls them from its allow-listed walk
(the table :data:`~derive.lang.expressions.EXTENSIONS`, filled in here).

- ``sum(f, (i, a, b))``, ``prod(f, (i, a, b))``: an unevaluated sp.Sum / sp.Product over an integer index;
- ``o[i]``, ``softmax(o)[j]``, ``norm(g)``, ``norm(g, 1)``, ``dot(w, x)``, ``logsumexp(o)``, ``max(o)``;
- ``where(x > 0, a, b)``: a Piecewise; the only place a comparison may appear;
- ``argmax(f, x)``, ``limit(f, x, a)``, ``limit(f, x, a, '+')``: ``oo`` and '+'/'-' only there;
- ``E(f, m ~ Bernoulli(p), …)``, ``Var(…)``: ``~`` only there.  Python cannot
  parse ``m ~ D``, so :func:`rewrite_tilde` turns each binary ``~`` into ``@``
  (only in text with no ``@`` of its own); ``@`` anywhere but here is then an error about ``~``.

>>> from derive.lang.expressions import parse_expression
>>> parse_expression("sum(o[i]**2, (i, 1, n)) + where(x > 0, x, 0)")
Piecewise((x, x > 0), (0, True)) + Sum(o[i]**2, (i, 1, n))
>>> parse_expression("Var(m*x, m ~ Bernoulli(p))").value
-p**2*x**2 + p*x**2
"""
from __future__ import annotations

import ast
import re

import sympy as sp

from ..symbols import symbol
from .domains import MAX_LENGTH
from .expectations import Bernoulli, Discrete, Expectation, Normal, Uniform, Variance
from .expressions import CONSTANTS, EXTENSIONS, FUNCTIONS, ParseError, _symbol
from .operators import Argmax, LimitAt
from .vectors import VectorDot, Entry, LogSumExp, Norm, SoftmaxEntry, VectorMax

__all__ = ["rewrite_tilde", "DISTRIBUTIONS"]

DISTRIBUTIONS = {"Bernoulli": (Bernoulli, 1), "Uniform": (Uniform, 2), "Normal": (Normal, 2),
                 "Discrete": (Discrete, 2)}
_COMPARISONS = {ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Lt: sp.Lt, ast.LtE: sp.Le}
_TILDE_RE = re.compile(r"(?<=[\w)\]])(\s*)~")


def rewrite_tilde(source: str) -> tuple[str, bool]:
    """(``source`` with each binary ``~`` as ``@``, whether any was); a unary ``~x`` stays (and is refused).

    >>> rewrite_tilde("E(m, m ~ Bernoulli(p))"), rewrite_tilde("~x")
    (('E(m, m @ Bernoulli(p))', True), ('~x', False))
    """
    rewritten = _TILDE_RE.sub(r"\1@", source)
    return rewritten, rewritten != source


def _variable(node, what, shown) -> sp.Symbol:
    if not isinstance(node, ast.Name) or node.id in CONSTANTS or node.id in FUNCTIONS:
        raise ParseError(f"{what} must be a variable name: {shown}")
    return _symbol(node.id)


def _integer_bound(builder, node, shown):
    bound = builder.build(node)
    if bound.is_number and not bound.is_integer:
        raise ParseError(f"the bounds of a sum or product must be integers: {shown}")
    return bound


def sum_or_product(builder, node, shown):
    """``sum(f, (i, a, b))`` or ``prod(f, (i, a, b))``, unevaluated, over the integer index i."""
    name = node.func.id
    body, limits = node.args
    if (not isinstance(limits, ast.Tuple) or len(limits.elts) != 3 or not isinstance(limits.elts[0], ast.Name)):
        raise ParseError(f"write {name}(expr, (i, a, b)) with an index name i and integer bounds a, b: {shown}")
    plain = _variable(limits.elts[0], f"the index of {name}", shown)
    low, high = (_integer_bound(builder, n, shown) for n in limits.elts[1:])
    if plain in low.free_symbols | high.free_symbols:
        raise ParseError(f"the bounds of {name} cannot use its own index {plain}: {shown}")
    index = symbol(plain.name, integer=True)
    function = builder.build(body).xreplace({plain: index})
    return (sp.Sum if name == "sum" else sp.Product)(function, (index, low, high))


EXTENSIONS["sum"] = EXTENSIONS["prod"] = sum_or_product


def _vector(node, shown) -> sp.Symbol:
    return _variable(node, "a vector argument", shown)


def subscript(builder, node, shown):
    """``o[i]`` or ``softmax(o)[j]``: an entry of a named vector."""
    value, index_node = node.value, node.slice
    if isinstance(index_node, (ast.Slice, ast.Tuple)):
        raise ParseError(f"subscripts take one index, as in o[i]: {shown}")
    index = builder.build(index_node)
    if index.is_number and not (index.is_Integer and index >= 1):
        raise ParseError(f"subscripts index a vector from 1, as in o[1] or o[i]: {shown}")
    if isinstance(value, ast.Name):
        return Entry(_vector(value, shown), index)
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "softmax"
            and len(value.args) == 1 and not value.keywords):
        return SoftmaxEntry(_vector(value.args[0], shown), index)
    raise ParseError(f"subscripts are allowed only on a vector name or softmax(vector), as in o[i]: {shown}")


EXTENSIONS["[]"] = subscript


def vector_function(builder, node, shown):
    """``norm(g)``, ``norm(g, 1)``, ``dot(w, x)``, ``logsumexp(o)``, ``max(o)``; ``softmax(o)`` needs an index."""
    name, args = node.func.id, node.args
    if name == "softmax":
        raise ParseError(f"softmax(o) is a vector: take an entry, as in softmax(o)[j]: {shown}")
    if name == "max" and len(args) == 2:
        return builder.bound_call(node, name, shown)
    if name == "norm" and len(args) == 2:
        p = builder.build(args[1])
        if p not in (1, 2):
            raise ParseError(f"norm(g, p) takes p = 1 or 2: {shown}")
        return Norm(_vector(args[0], shown), p)
    vectors = [_vector(a, shown) for a in args]
    return {"norm": Norm, "dot": VectorDot, "logsumexp": LogSumExp, "max": VectorMax}[name](*vectors)


for _name in ("norm", "dot", "logsumexp", "max", "softmax"):
    EXTENSIONS[_name] = vector_function


def where(builder, node, shown):
    """``where(a > b, x, y)``: x where the comparison holds, else y."""
    cond, yes, no = node.args
    if not isinstance(cond, ast.Compare) or len(cond.ops) != 1 or type(cond.ops[0]) not in _COMPARISONS:
        raise ParseError(f"where(cond, a, b) needs one comparison (<, <=, > or >=) as cond: {shown}")
    left, right = builder.build(cond.left), builder.build(cond.comparators[0])
    relation = _COMPARISONS[type(cond.ops[0])](left, right)
    return sp.Piecewise((builder.build(yes), relation), (builder.build(no), True))


EXTENSIONS["where"] = where


def argmax(builder, node, shown):
    """``argmax(f, x)``: the maximiser of f over the variable x."""
    var = _variable(node.args[1], "argmax(expr, x) needs x, which", shown)
    return Argmax(builder.build(node.args[0]), var)


EXTENSIONS["argmax"] = argmax


def _limit_point(builder, node):
    if isinstance(node, ast.Name) and node.id == "oo":
        return sp.oo
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Name)
            and node.operand.id == "oo"):
        return -sp.oo
    return builder.build(node)


def limit(builder, node, shown):
    """``limit(f, x, a)``, ``limit(f, x, a, '+')`` or ``'-'``; a may be ``oo`` or ``-oo``."""
    var = _variable(node.args[1], "limit(expr, x, a) needs x, which", shown)
    point, direction = _limit_point(builder, node.args[2]), ""
    if len(node.args) == 4:
        side = node.args[3]
        if not (isinstance(side, ast.Constant) and side.value in ("+", "-")):
            raise ParseError(f"the side of a limit is '+' or '-': {shown}")
        if point.is_infinite:
            raise ParseError(f"a limit at {point} has no side: {shown}")
        direction = side.value
    if var in point.free_symbols:
        raise ParseError(f"the limit point cannot use the variable {var}: {shown}")
    return LimitAt(builder.build(node.args[0]), var, point, direction)


EXTENSIONS["limit"] = limit


def _check_probability(value, shown):
    if value.is_number and not (0 <= value <= 1):
        raise ParseError(f"a probability must be in [0, 1]: {shown}")


def _distribution(builder, node, shown):
    """Bernoulli(p), Uniform(a, b), Normal(mu, sigma) or Discrete([values], [probabilities])."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DISTRIBUTIONS
            and not node.keywords):
        raise ParseError(f"a distribution is one of {', '.join(DISTRIBUTIONS)}, as in m ~ Bernoulli(p): {shown}")
    cls, arity = DISTRIBUTIONS[node.func.id]
    if len(node.args) != arity:
        raise ParseError(f"{node.func.id} takes {arity} argument{'s' * (arity > 1)}: {shown}")
    if cls is Discrete:
        lists = node.args
        if not all(isinstance(a, ast.List) for a in lists) or len(lists[0].elts) != len(lists[1].elts):
            raise ParseError(f"write Discrete([v1, v2, ...], [p1, p2, ...]) with as many values as "
                             f"probabilities: {shown}")
        if not 1 <= len(lists[0].elts) <= MAX_LENGTH:
            raise ParseError(f"Discrete takes 1 to {MAX_LENGTH} values: {shown}")
        values, probs = ([builder.build(e) for e in a.elts] for a in lists)
        for q in probs:
            _check_probability(q, shown)
        if all(q.is_number for q in probs) and sp.Add(*probs) != 1:
            raise ParseError(f"the probabilities of Discrete must sum to 1: {shown}")
        return Discrete(sp.Tuple(*values), sp.Tuple(*probs))
    args = [builder.build(a) for a in node.args]
    if cls is Bernoulli:
        _check_probability(args[0], shown)
    if cls is Uniform and (args[1] - args[0]).is_number and not (args[1] - args[0]).is_positive:
        raise ParseError(f"Uniform(a, b) needs a < b: {shown}")
    if cls is Normal and args[1].is_number and not args[1].is_positive:
        raise ParseError(f"Normal(mu, sigma) needs sigma > 0 (the standard deviation): {shown}")
    return cls(*args)


def expectation(builder, node, shown):
    """``E(f, m ~ D, …)`` or ``Var(f, m ~ D, …)`` over independent variables; ``E`` alone is e."""
    specs, seen = [], set()
    for spec in node.args[1:]:
        if not (builder.tilde and isinstance(spec, ast.BinOp) and isinstance(spec.op, ast.MatMult)):
            raise ParseError(f"write {node.func.id}(expr, m ~ Bernoulli(p), ...): {shown}")
        var = _variable(spec.left, "the random variable of m ~ D", shown)
        if var in seen:
            raise ParseError(f"the random variable {var} is given twice: {shown}")
        seen.add(var)
        specs.append((var, _distribution(builder, spec.right, shown)))
    for _, dist in specs:
        if dist.free_symbols & seen:
            raise ParseError(f"a distribution's parameters cannot use the random variables: {shown}")
    return (Expectation if node.func.id == "E" else Variance)(builder.build(node.args[0]), specs)


EXTENSIONS["E"] = EXTENSIONS["Var"] = expectation
EXTENSIONS["~"] = rewrite_tilde
