"""Calls in the audit's reading: defined functions, heads of definitions, expectations, derivatives.

A mixin of :class:`derive.notes.translate_expr._Parser`, kept apart so each
module stays small: ``f(2)`` for a function the note defined, ``f(x) = …``
as the head of a definition, ``E(x′)`` over the outcomes or the distribution
the note gave, ``σ′(0)`` and ``y′``.
"""
from __future__ import annotations

import re

from ..symbols import NAME_RE
from .texnodes import Unreadable, _ch, _checked, _factor, expand, substitute_params


class _Calls:
    """The parser's methods for calls; they use its ``definitions``, ``reading`` and ``defining``."""

    def expectation(self, seq) -> str:
        """``E(x′)``, ``E[x′]``: the mean of a variable the note gave outcomes with probabilities."""
        close = ")" if seq.take().value == "(" else "]"
        inner = self.enclosed(seq, close)
        d = self.definitions.get(inner)
        if d is not None and d.outcomes:
            self.reading.used.add(inner)
            self.note(f"wrote E({inner}) out over the outcomes the note gives")
            return "(" + " + ".join(f"{_factor(v)}*{_factor(p)}" for v, p in d.outcomes) + ")"
        body = expand(inner, self.definitions)  # m_i ∼ Bernoulli(1 − p) stated before: E over those variables
        laws = [(name[1:], law.body) for name, law in self.definitions.items()
                if name.startswith("~") and re.search(rf"(?<![\w.]){re.escape(name[1:])}(?![\w(\[])", body)]
        if not laws:
            raise Unreadable("an expectation of something the note gives no distribution for")
        self.note("the expectation over " + ", ".join(f"{v} ∼ {law}" for v, law in laws) + ", as the note states")
        return f"E({body}, {', '.join(f'{v} ~ {law}' for v, law in laws)})"

    def opaque_call(self, text, seq):
        """``L(w)`` on the right of a definition ``J(w) = L(w) − λ Σ|wᵢ|``: one quantity, when its
        arguments are the definition's own parameters.  The definition then serves the comparison with
        a standard one only: the audit keeps no definition built on a quantity it cannot see into."""
        head = self.reading.head
        if self.defining or head is None or self.bound:
            return None
        params = head[2] if head[0] == "call" else ()
        args = self.arguments_if(seq, lambda args: all(a in params for a in args))
        if args is None:
            return None
        self.reading.opaque = True
        self.note(f"read {text}({', '.join(args)}) as one quantity {text}: the note does not define {text}")
        return _checked(text)

    def arguments_if(self, seq, accept):
        """The parenthesised arguments at ``seq`` when they read and ``accept`` them; else None, nothing taken."""
        start = seq.i
        seq.take()
        try:
            args = self.arguments(seq)
        except Unreadable:
            args = []
        if args and accept(args):
            return args
        seq.i = start
        return None

    def defined_call(self, d, seq) -> str:
        seq.take()
        args = self.arguments(seq)
        if len(args) != len(d.params):
            raise Unreadable(f"{d.name} takes {len(d.params)} arguments, given {len(args)}")
        self.reading.used.add(d.name)
        return f"({substitute_params(d.body, d.params, args)})"

    def head_call(self, text, seq):
        """``f(x, y)`` on the first side, f undefined: the head of a definition (parameters are names), or None."""
        args = self.arguments_if(seq, lambda args: all(NAME_RE.match(a) for a in args) and len(set(args)) == len(args))
        if args is None:
            return None
        self.reading.head = ("call", text, tuple(args))
        return f"{text}({', '.join(args)})"

    def at_point(self, function, point) -> str:
        """``σ′(0)``: the derivative in a variable of its own, which the audit then sets to the point."""
        var = f"at_{len(self.reading.points) + 1}"
        self.reading.points[var] = point
        return f"diff({function}({var}), {var})"

    def primed(self, text, seq) -> str:
        """``y′`` or ``f′(x)`` for a name the note defined: the derivative in its one variable.

        ``x′`` of a name the note never defined is a name of its own (``x_prime``), when the
        note defines it here or did before (dropout's ``x_i′``)."""
        function = self.definitions.get(text + "()")
        d = function if function is not None and not seq.done() and _ch(seq.peek(), "(") else \
            self.definitions.get(text)
        if d is None or d.outcomes:
            own = _checked(f"{text}_prime")
            if own in self.definitions or (self.defining and not self.bound):
                if own not in self.definitions:
                    self.note(f"read {text}′ as a name of its own")
                return own
            raise Unreadable(f"{text}′: {text} is not defined in the note")
        if d.params:
            if seq.done() or not _ch(seq.peek(), "("):
                raise Unreadable(f"{text}′ needs its argument")
            seq.take()
            args = self.arguments(seq)
            if len(d.params) != 1 or len(args) != 1:
                raise Unreadable(f"{text}′ of a function of several variables")
            self.reading.used.add(text)
            body = expand(d.body, self.definitions, frozenset({d.params[0]}))
            derivative = f"diff({body}, {d.params[0]})"
            return f"({substitute_params(derivative, d.params, args)})" if args[0] != d.params[0] else derivative
        if len(d.variables) != 1:
            raise Unreadable(f"{text}′: {text} depends on {len(d.variables)} variables, not one")
        self.reading.used.add(text)
        return f"diff({expand(d.body, self.definitions)}, {d.variables[0]})"
