"""A check that needs no concept: a sum whose index its term never uses while a variable of the term is
bound by nothing (the source text's discrete convolution sums over i but writes τ).

>>> from derive.notes.audit import audit
>>> [f.outcome for f in audit(r"$x(n)*y(n)=\\sum_{i=-\\infty}^{\\infty}x(\\tau)y(n-\\tau)$").findings]
['wrong']
"""
from __future__ import annotations

import re

from ..lang.texmacros import MACROS
from ..render.texmath import to_text
from .findings import Finding
from .texnodes import _GREEK_NAMES

__all__ = ["structural_findings"]

_TOKEN = re.compile(r"(?<![\w.])([A-Za-z][A-Za-z0-9_]*)(?![\w(])")


def _names(text) -> list:
    return _TOKEN.findall(text)


def structural_findings(formula, parsed, reading) -> list:
    r"""A sum whose index its term never uses while a variable of the term is bound by nothing: wrong.

    The source text's discrete convolution sums over i but writes τ.
    """
    out = []
    counts = _name_counts(parsed.items)
    for which, var, body, low, high in reading.unused:
        body_counts = {}
        for n in _names(body):
            body_counts[n] = body_counts.get(n, 0) + 1
        loose = [n for n, c in body_counts.items() if c >= counts.get(n, 0) and n != var and n not in ("E", "pi")
                 and len(n) <= 8 and "_" not in n]
        if not loose:
            continue
        sign = "Σ" if which == "sum" else "∏"
        free = loose[0]
        reason = (f"the {sign} over ${_tex(var)}$ never uses ${_tex(var)}$, while ${_tex(free)}$ in its term is "
                  f"bound by nothing: the term is the same for every ${_tex(var)}$"
                  + (", so the sum diverges" if "oo" in (low, high) and which == "sum" else "")
                  + f"; the index should be ${_tex(free)}$")
        correction = f"sum over ${_tex(free)}$ from {_bound(low)} to {_bound(high)}, not over ${_tex(var)}$"
        out.append(Finding(line=formula.line, col=formula.col, source=formula.source, display=formula.display,
                           section=tuple(formula.section), outcome="wrong", reason=reason, correction=correction,
                           parsed=f"{which}({body}, ({var}, {low}, {high}))", summary=to_text(parsed)))
    return out


def _bound(b) -> str:
    return {"oo": "∞", "-oo": "−∞"}.get(b, b)


def _tex(name) -> str:
    greek = {v: k for k, v in _GREEK_NAMES.items()}
    base = greek.get(name, name)
    return f"\\{base}" if base in MACROS and MACROS[base].kind == "symbol" and len(base) > 1 else name


def _name_counts(items) -> dict:
    counts = {}

    def walk(node):
        if node is None:
            return
        if node.kind == "char" and isinstance(node.value, str) and node.value.isascii() and node.value.isalpha():
            counts[node.value] = counts.get(node.value, 0) + 1
        elif node.kind == "macro" and isinstance(node.value, str) and node.value in MACROS \
                and MACROS[node.value].kind == "symbol" and node.value.isalpha():
            name = _GREEK_NAMES.get(node.value, node.value)
            counts[name] = counts.get(name, 0) + 1
        for arg in node.args or ():
            if isinstance(arg, tuple):
                for a in arg:
                    walk(a)
            elif hasattr(arg, "kind"):
                walk(arg)
    for item in items:
        walk(item)
    return counts
