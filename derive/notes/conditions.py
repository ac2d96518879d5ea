r"""What a note assumes: bounds on a variable (``λ > 0``, ``0 < p < 1``, ``a, b \ge 0``) and where they apply.

A formula that only bounds variables by numbers states an assumption; the
:class:`~derive.notes.context.Context` keeps it for the formulas after it in
its section.  When the prose ties such a formula to the one before it ("… when
$0 < u \le 1$", "…，当 $0<u\le 1$ 时"), :func:`condition_after` reads it for
that formula too.

>>> from derive.notes.extract import extract
>>> first, second = extract(r"Then $-\log u \ge 0$ when $0 < u \le 1$.", "md")
>>> condition_after(first, second, {})
{'u': '0 < u <= 1'}
>>> listed_bounds(r"a, b \ge 0", {})
[('a', 'a >= 0'), ('b', 'b >= 0')]
"""
from __future__ import annotations

import re

from ..lang.texreader import read
from .texnodes import Unreadable
from .translate import translate

__all__ = ["stated_bounds", "listed_bounds", "condition_after"]

# a connective that ties the inline formula after it to the formula before: "$f \ge 0$ when $x > 0$"
_CONDITION = re.compile(r"\s*[,，]?\s*(?:when(?:ever)?|if|for(?: all| every| any)?|provided(?: that)?|given(?: that)?|"
                        r"as long as|with|on|当|若|如果|对于|对|只要)\s*\$([^$]+)\$")
# several variables before one bound: "a, b \ge 0", "x_1, x_2 > 0"
_LISTED = re.compile(r"^\s*([^,<>=$]+(?:,[^,<>=$]+)+?)\s*((?:\\geq?|\\leq?|\\gt|\\lt|>|<)\s*[^,]+)$")


def condition_after(formula, following, definitions) -> dict:
    """{name: assumption} that ``following`` states, when the prose ties it to ``formula``; else {}.

    Only an inline formula right after a connective (when, if, for, provided,
    当, 若, …) in the same paragraph, and only bounds of variables by numbers.
    """
    m = _CONDITION.match(formula.after)
    if following is None or m is None or m.group(1).strip() != following.source.strip():
        return {}
    try:
        reading = translate(following.source, definitions, formula=read(following.source))
        return dict(stated_bounds(reading, definitions))
    except Unreadable:
        return dict(listed_bounds(following.source, definitions))


def listed_bounds(source, definitions) -> list:
    r"""``a, b \ge 0``: one bound written once for several variables, as one assumption each; else []."""
    m = _LISTED.match(source)
    if m is None:
        return []
    out = []
    for name in m.group(1).split(","):
        one = f"{name.strip()} {m.group(2)}"
        try:
            got = stated_bounds(translate(one, definitions, formula=read(one)), definitions)
        except Unreadable:
            return []
        if len(got) != 1:
            return []
        out += got
    return out


def stated_bounds(reading, defined=()) -> list:
    """``λ > 0``, ``0 < p < 1``: every link an inequality between one variable and a number.

    A bound on a name in ``defined`` (``L ≥ 0`` after ``L = −log p``) is a claim about it, not an assumption.
    """
    out = []
    for link in reading.links:
        if link.kind != "claim" or link.rel == "=":
            return []
        sides = (link.lhs, link.rhs)
        names = [s for s in sides if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s) and s not in ("E", "pi")]
        numbers = [s for s in sides if re.fullmatch(r"-?\d+(\.\d+)?", s)]
        if len(names) != 1 or len(numbers) != 1:
            return []
        name = names[0]
        if name in defined:
            return []
        rel = link.rel if sides[0] == name else {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[link.rel]
        out.append((name, f"{name} {rel} {numbers[0]}"))
    if len(out) == 2 and out[0][0] == out[1][0]:
        return _interval(out)
    return out


def _interval(pair) -> list:
    (name, a), (_, b) = pair
    lows = [t for t in (a, b) if ">" in t]
    highs = [t for t in (a, b) if "<" in t]
    if len(lows) != 1 or len(highs) != 1:
        return []
    low_rel, low = lows[0].split()[1:]
    high_rel, high = highs[0].split()[1:]
    flipped = {">": "<", ">=": "<="}[low_rel]
    return [(name, f"{low} {flipped} {name} {high_rel} {high}")]
