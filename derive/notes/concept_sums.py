"""The sums of a concept comparison: vectors written as sums, and sums taken as numbers of known sign.

:mod:`derive.notes.concepts` compares a note's formula with a standard one;
a sum over a symbolic length cannot be proved equal by the verifier, so the
comparison splits sums by linearity and treats each distinct sum as one
number (:class:`Abstraction`), with its sign where the terms give it.
"""
from __future__ import annotations

import re

import sympy as sp

from ..lang import Diff, parse_expression  # noqa: F401  (parse_expression: the doctests' reader)
from ..lang.vectors import Entry, LogSumExp, Norm, SoftmaxEntry, VectorDot, VectorNode
from ..limits import StepTimeout, time_limit
from ..ops import to_elementary
from ..symbols import symbol
from .concept_table import Link, fresh

SAME_SECONDS = 2.0   # in-process work (fits, exact comparisons) per link, main thread only
_EXPECTED = (StepTimeout, ArithmeticError, TypeError, ValueError, NotImplementedError, AttributeError,
             RecursionError, IndexError, KeyError, sp.PolynomialError)


# --- vectors as sums ------------------------------------------------------------------------------------

def link_of(lhs, rhs) -> Link:
    """The :class:`Link` of two parsed sides, with the vector nodes also written as sums.

    >>> link_of(parse_expression("r"), parse_expression("norm(w)")).rhs_s
    sqrt(Sum(w[k]**2, (k, 1, n)))
    """
    lhs, rhs = entries_by_name(lhs, rhs)
    lengths = vector_lengths(lhs, rhs)
    return Link(lhs, rhs, with_sums(lhs, lengths), with_sums(rhs, lengths), lengths)


def entries_by_name(*exprs) -> list:
    """``exprs`` with each name ``v_i`` or ``v_1`` of a vector v of the link as the entry v[i]: outside a sum
    the translator writes :math:`o_i` as the name o_i, though it is an entry of o.

    >>> entries_by_name(parse_expression("exp(o_i)"), parse_expression("sum(exp(o[k]), (k, 1, n))"))[0]
    exp(o[i])
    """
    vectors = {v.name: v for e in exprs for node in e.atoms(VectorNode) for v in node.args[:node.vectors]}
    swap = {}
    for s in (s for e in exprs for s in e.free_symbols):
        match = re.fullmatch(r"([A-Za-z]\w*?)_([a-z]|[1-9][0-9]?)", s.name)
        if match and match[1] in vectors:
            index = sp.Integer(match[2]) if match[2].isdigit() else symbol(match[2])
            swap[s] = Entry(vectors[match[1]], index)
    return [e.xreplace(swap) for e in exprs]


def vector_lengths(*exprs) -> dict:
    """{vector: its length}: the upper bound of a sum from 1 over its entries, else ``n`` (or a free name).

    >>> vector_lengths(parse_expression("sum(w[i]**2, (i, 1, m)) + norm(v)"))
    {v: n, w: m}
    """
    vectors = sorted({v for e in exprs for node in e.atoms(VectorNode) for v in node.args[:node.vectors]},
                     key=sp.default_sort_key)
    found = {}
    for s in (s for e in exprs for s in e.atoms(sp.Sum) if len(s.limits) == 1):
        index, low, high = s.limits[0]
        for entry in s.function.atoms(Entry, SoftmaxEntry):
            if low == 1 and entry.args[1] == index:
                found.setdefault(entry.args[0], high)
    default = symbol(fresh("n", {a.name for e in exprs for a in e.atoms(sp.Symbol)}))
    return {v: found.get(v, default) for v in vectors}


def with_sums(expr, lengths: dict):
    """``expr`` with norms, dots, log-sum-exps and softmax entries written as sums over the vectors' lengths.

    >>> with_sums(parse_expression("logsumexp(z) + norm(w, 1)"), {symbol('z'): symbol('n'), symbol('w'): 3})
    log(Sum(exp(z[k]), (k, 1, n))) + Sum(Abs(w[k]), (k, 1, 3))
    """
    k = symbol(fresh("k", {a.name for a in expr.atoms(sp.Symbol)}), integer=True)

    def over(body, vector):
        return sp.Sum(body, (k, 1, lengths.get(vector, symbol("n"))))

    def rule(node):
        if isinstance(node, Norm):
            w = node.args[0]
            return over(sp.Abs(Entry(w, k)), w) if node.p == 1 else sp.sqrt(over(Entry(w, k) ** 2, w))
        if isinstance(node, VectorDot):
            return over(Entry(node.args[0], k) * Entry(node.args[1], k), node.args[0])
        if isinstance(node, LogSumExp):
            return sp.log(over(sp.exp(Entry(node.args[0], k)), node.args[0]))
        z, i = node.args
        return sp.exp(Entry(z, i)) / over(sp.exp(Entry(z, k)), z)

    return expr.replace(lambda e: isinstance(e, (Norm, VectorDot, LogSumExp, SoftmaxEntry)), rule)


# --- sums written as numbers -------------------------------------------------------------------------

class Abstraction:
    """Sums, free-index entries, unknown derivatives and max(z) replaced by plain numbers, one name each.

    A proof over arbitrary numbers (with the sign each sum must have) holds for
    the sums themselves; a refutation of the written-as-numbers claim would not
    count, so only proofs use it.

    The expressions to be written are given first, so that no new name (nor
    the index every split sum gets) is one of theirs.

    >>> e = parse_expression("sum(w[i]**2, (i, 1, n)) + sum(w[j]**2, (j, 1, n))")
    >>> a = Abstraction(e)
    >>> a.numbers(e), a.facts()
    (2*S, ('S >= 0',))
    """

    def __init__(self, *exprs):
        self.used = {s.name for e in exprs for s in e.atoms(sp.Symbol)}  # bound indices too
        self.table, self.signs = {}, {}
        self.index = symbol(fresh("i", self.used), integer=True)  # every sum's index, once split

    def name(self, node, stem, sign=None):
        if node not in self.table:
            name = fresh(re.sub(r"\W", "", stem)[:24] or "S", self.used)
            name = name.replace("__", "_")
            self.used.add(name)
            self.table[node] = symbol(name)
            self.signs[name] = sign
        return self.table[node]

    def gradients(self, expr):
        """Each diff(L, w) of an unknown L (which the parser takes as 0) as a number dL_dw."""
        unknown = [d for d in expr.atoms(Diff) if not d.args[0].has(d.args[1])]
        return expr.xreplace({d: self.name(d, f"d{d.args[0]}_d{d.args[1]}") for d in unknown})

    def numbers(self, expr):
        """``expr`` with its sums split by linearity, then each sum and free entry a number."""
        expr = _linear(self.gradients(expr), self.index)
        for s in sorted(set(_outer_sums(expr)), key=sp.default_sort_key):  # an inner sum may use an outer index
            expr = expr.xreplace({s: self.name(s, "S", _sign(s))})
        for node in sorted(expr.atoms(VectorNode), key=sp.default_sort_key):
            word = node.word or type(node).__name__.lower()
            stem = f"{node.args[0]}_{node.args[1]}" if isinstance(node, Entry) else f"{word}_{node.args[0]}"
            sign = "> 0" if isinstance(node, SoftmaxEntry) else ">= 0" if isinstance(node, Norm) else None
            expr = expr.xreplace({node: self.name(node, stem, sign)})
        return expr

    def facts(self) -> tuple:
        """The signs of the numbers that stand for sums, as assumptions ('S > 0')."""
        return tuple(f"{n} {s}" for n, s in sorted(self.signs.items()) if s)

    def signed(self, expr):
        """``expr`` with those signs in its symbols, for SymPy's own rules."""
        swap = {symbol(n): symbol(n, **{"> 0": {"positive": True}, ">= 0": {"nonnegative": True}}[s])
                for n, s in self.signs.items() if s}
        return expr.xreplace(swap)


def _outer_sums(expr):
    """The sums of ``expr`` that no other sum contains."""
    if isinstance(expr, sp.Sum):
        yield expr
    else:
        for arg in expr.args:
            yield from _outer_sums(arg)


def _sign(s: sp.Sum):
    """'> 0' or '>= 0' for a sum from 1 of positive or nonnegative terms, else None."""
    index, low, high = s.limits[0]
    entries = sorted(s.function.atoms(Entry), key=sp.default_sort_key)
    body = s.function.xreplace({a: sp.Dummy(real=True) for a in entries})  # each entry its own number
    if body.is_nonnegative is not True:
        return None
    over_a_vector = any(a.args[1] == index for a in entries)  # a vector's length is at least 1
    nonempty = len(s.limits) == 1 and low == 1 and ((high.is_Symbol and over_a_vector) or
                                                    (high.is_Integer and high >= 1))
    return "> 0" if nonempty and body.is_positive else ">= 0"


def _linear(expr, canonical):
    """``expr`` with each sum's body expanded and split: Σ(a + b) = Σa + Σb, Σ c·f = c·Σf, Σ c = (b − a + 1)c."""
    def split(s):
        if len(s.limits) > 1:
            return s  # a double sum stays whole
        index, low, high = s.limits[0]
        total = sp.S.Zero
        for term in sp.Add.make_args(sp.expand(s.function, power_exp=True, log=False)):
            factors = sp.Mul.make_args(term)
            inside = sp.Mul(*[f for f in factors if f.has(index)])
            outside = sp.Mul(*[f for f in factors if not f.has(index)])
            name = index if inside.has(sp.Sum) else canonical  # renaming into a nested sum could capture
            total += outside * (sp.Sum(inside.xreplace({index: name}), (name, low, high)) if inside != 1
                                else high - low + 1)
        return total
    return expr.replace(lambda e: isinstance(e, sp.Sum), split)


def _same(a, b) -> bool:
    """Whether ``a`` and ``b`` are equal by exact rewriting (sums as numbers); False when unsure.

    Only chooses which claim to verify: the outcome always rests on a verdict.

    >>> read = parse_expression
    >>> _same(read("sum((y_hat[i] - y[i])**2, (i, 1, n))/n"), read("sum((y[j] - y_hat[j])**2, (j, 1, n))/n"))
    True
    """
    ab = Abstraction(a, b)
    try:
        with time_limit(SAME_SECONDS):
            d = ab.signed(ab.numbers(_resolved(a)) - ab.numbers(_resolved(b)))
            for step in (lambda e: e, lambda e: sp.expand(e, power_exp=True), sp.expand_log,
                         lambda e: sp.cancel(sp.together(e))):
                d = step(d)
                if d == 0:
                    return True
    except _EXPECTED:
        return False
    return False


def _resolved(expr):
    """``expr`` with derivatives taken (unknown ones kept) and the activations written with exp, erf, Piecewise."""
    known = {d: d.value for d in expr.atoms(Diff) if d.args[0].has(d.args[1])}
    return to_elementary(expr.xreplace(known))
