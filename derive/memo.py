"""Results kept by the SymPy expressions they were computed from: the key, and a bounded store.

Main statements
  :func:`expression_key` is a hashable key that two requests share only when
  their expressions are the same, number types included; :class:`Memo` keeps
  the last ``size`` results under such keys.

Implementation notes
  SymPy's ``==`` is structural, so equal expressions print, compile and
  evaluate alike, with one exception: equal numbers of different types or
  precisions (``Float(2) == 2`` before SymPy 1.13; a Float prints as many
  digits as its precision).  The key therefore adds each number's type and
  precision.  The compiled functions of :func:`derive.numeric.lambdify_numpy`
  and the LaTeX of :func:`derive.render.printing.latex` are kept this way; a
  :class:`Memo` also keeps the figures' mathtext parses (:mod:`derive.render.figures`).

>>> x = sp.Symbol('x', real=True)
>>> expression_key(x + 1) == expression_key(x + 1), expression_key(x + 1) == expression_key(x + 1.0)
(True, False)
>>> memo = Memo(2)
>>> memo.get_or_make(expression_key(x), lambda: "made"), memo.get_or_make(expression_key(x), lambda: "again")
('made', 'made')
"""
from __future__ import annotations

import sympy as sp

__all__ = ["expression_key", "Memo"]


def expression_key(*parts):
    """A hashable key of ``parts`` (expressions, tuples of them, settings), or None if one is unhashable.

    >>> expression_key(sp.Matrix([1])) is None
    True
    """
    numbers = frozenset((type(n), n, getattr(n, "_prec", None))
                        for e in _expressions(parts) for n in e.atoms(sp.Number))
    key = (tuple((type(p), p) for p in parts), numbers)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _expressions(parts):
    for p in parts:
        if isinstance(p, sp.Basic):
            yield p
        elif isinstance(p, (list, tuple)):
            yield from _expressions(p)


class Memo:
    """The last ``size`` results by key; a None key is never kept.

    >>> memo = Memo(1)
    >>> memo.get_or_make(None, lambda: 1), memo.get_or_make(None, lambda: 2)
    (1, 2)
    """

    def __init__(self, size: int):
        self.size, self._kept = size, {}

    def get_or_make(self, key, make):
        """The result kept under ``key``, else ``make()``, kept (the oldest result goes when full)."""
        if key is None:
            return make()
        if key in self._kept:
            return self._kept[key]
        result = make()
        if len(self._kept) >= self.size:
            del self._kept[next(iter(self._kept))]
        self._kept[key] = result
        return result

    def __len__(self):
        return len(self._kept)

    def clear(self):
        self._kept.clear()
