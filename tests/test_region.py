"""prove._region against SymPy's own ``as_set``: the same set, or the same error, for every condition.

The conditions are those Abs, Max, Min and clipping produce once written as
Piecewise (rational in the variable, where ``_region`` skips the periodicity
test) and some that are not rational (sin, exp, Abs), which go to ``as_set``.
"""
import itertools

import pytest
import sympy as sp

from derive.prove import _region

t = sp.Symbol('t', real=True)
ATOMS = [t <= 1, 1 / t >= 1, t >= 1, sp.Eq(t, 0), sp.Ne(t, 2), t**2 - 4 < 0, (t - 1) / (t + 2) > 0,
         sp.sin(t) > 0, t**3 >= t, sp.Abs(t) < 1, sp.exp(t) > 2]
CONDITIONS = [c for a, b in itertools.product(ATOMS, repeat=2)
              for c in (a, sp.And(a, b), sp.Or(a, b), sp.And(a, sp.Or(b, t > 3)))
              if c not in (sp.true, sp.false)]


def _outcome(fn, cond):
    try:
        return fn(cond)
    except Exception as exc:  # as_set's NotImplementedError for periodic solutions, say
        return type(exc).__name__


@pytest.mark.parametrize("cond", CONDITIONS[::14] + [sp.And(t <= 1, 1 / t >= 1)], ids=str)
def test_region_is_as_set(cond):
    assert _outcome(lambda c: _region(c, t), cond) == _outcome(lambda c: c.as_set(), cond)


def test_region_takes_the_fast_path_only_for_rational_relationals(monkeypatch):
    calls = []
    monkeypatch.setattr(sp.core.relational.Relational, "as_set", lambda self: calls.append(self) or sp.S.Reals)
    _region(sp.And(t <= 1, 1 / t >= 1), t)
    assert calls == []
    _region(sp.And(t <= 1, sp.sin(t) > 0), t)
    assert calls == [sp.sin(t) > 0]
