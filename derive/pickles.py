"""Pickling results with their SymPy expressions kept as they were built, unevaluated parts included.

SymPy pickles an expression as its class and arguments and rebuilds it by
calling the class, which evaluates: ``p·0 + (1 − p)·x/(1 − p)``, built with
``evaluate=False`` to show the seed's computation, comes back as ``x``, and
a step of the report read ``x = x``.  :func:`dumps` pickles each sum,
product, power, relation and function application so that it is rebuilt
with ``evaluate=False`` from the same arguments: an expression SymPy has
already evaluated comes back the same, since its arguments are already in
the order and form evaluation gives them, and an unevaluated one comes back
as it was.  Everything else pickles as ``pickle`` does.  What a worker
sends (:func:`derive.limits.call_message`) and what the result cache
stores (:mod:`derive.cache`) go through here; ``pickle.loads`` reads both.

>>> import pickle, sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> shown = sp.Add(sp.Mul(2, x, evaluate=False), sp.Mul(-1, x, evaluate=False), evaluate=False)
>>> pickle.loads(pickle.dumps(shown)), pickle.loads(dumps(shown))
(x, -x + 2*x)
>>> pickle.loads(dumps(shown)) == shown
True
"""
from __future__ import annotations

import io
import pickle
import sys
from functools import lru_cache

__all__ = ["dumps"]


@lru_cache(maxsize=1)
def _kept():
    """The classes that evaluate when called again, and SymPy's own reducer (imported only once SymPy is)."""
    import sympy as sp
    from sympy.core.relational import Relational
    return (sp.Add, sp.Mul, sp.Pow, Relational, sp.Function), sp.Basic.__reduce_ex__


def _rebuilt(cls, args):
    """``cls(*args)`` without evaluation: the expression as it was pickled."""
    return cls(*args, evaluate=False)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        kept, basic = _kept()
        if isinstance(obj, kept) and type(obj).__reduce_ex__ is basic:
            return _rebuilt, (type(obj), obj.args)
        return NotImplemented


def dumps(obj) -> bytes:
    """``pickle.dumps(obj)`` at the highest protocol, SymPy expressions kept unevaluated (see the module)."""
    if "sympy" not in sys.modules:  # then obj holds no SymPy expression: nothing to keep
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()
