r"""The expression grammar of :mod:`derive.notes.translate`: LaTeX items to claim-language text.

A recursive descent over the reader's nodes (its depth is bounded by the
reader's own nesting cap).  Every name it writes passes
:data:`derive.symbols.NAME_RE`; every function is one the claim language has,
or one the note defined.  The text it writes is parsed afterwards by the
claim parser, which checks it again.

>>> from derive.notes.translate import translate
>>> translate(r"\frac{\partial}{\partial x} e^{-x} = -e^{-x}").links[0].lhs
'diff(exp(-x), x)'
>>> translate(r"-\sum_{i=1}^{K} y_i \log \hat{y}_i \ge 0").links[0].lhs
'-sum(y[i]*log(y_hat[i]), (i, 1, K))'
"""
from __future__ import annotations

import re

from ..lang.texreader import Node
from ..symbols import NAME_RE
from .texnodes import (OPERATION_WORDS, _FUNCTION_LETTERS, _GREEK_NAMES, _TIMES, FUNCTION_NAMES, MAX_OUTPUT,
                       Unreadable, _blank, _ch, _checked, _factor, _flatten_delimiters, _index_text, _is_operator,
                       _mac, _paren, _relation, _Seq, _shown, _stop)
from .translate_calls import _Calls
from .translate_forms import _Forms


def entry_of(family, index) -> str:
    """A family's body (``x_i - mu_B`` for ``x̂_i``) for the entry ``index``: ``x_i`` becomes ``x[index]``.

    >>> from derive.notes.texnodes import Definition
    >>> entry_of(Definition("x_hat", ("i",), "(x_i - mu_B)/sqrt(sigma_B**2 + epsilon) + i"), "k")
    '(x[k] - mu_B)/sqrt(sigma_B**2 + epsilon) + k'
    """
    letter = family.params[0]
    body = re.sub(rf"(?<![\w.])([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*?)_{letter}(?![\w(\[])", rf"\1[{index}]",
                  family.body)
    return re.sub(rf"(?<![\w.]){letter}(?![\w(\[])", index, body)


class _Parser(_Forms, _Calls):
    """One formula's grammar; ``bound`` holds the indices of the sums being read."""

    def __init__(self, reading, definitions):
        self.reading, self.definitions, self.bound, self.defining = reading, definitions, [], False

    def note(self, text):
        if text not in self.reading.notes:
            self.reading.notes.append(text)

    # -- chains ---------------------------------------------------------------------------------

    def chain(self, items):
        items = [it for it in _flatten_delimiters(items) if not _blank(it) or _ch(it, ",")]
        sides, rels, current = [], [], []
        k = 0
        while k < len(items):
            node = items[k]
            rel = _relation(node)
            if _ch(node, ":") and k + 1 < len(items) and _ch(items[k + 1], "="):
                rel, k = ("define", ":="), k + 1
            elif _ch(node, "<") and k + 1 < len(items) and _ch(items[k + 1], "="):
                rel, k = ("claim", "<="), k + 1
            elif _ch(node, ">") and k + 1 < len(items) and _ch(items[k + 1], "="):
                rel, k = ("claim", ">="), k + 1
            if rel is not None:
                sides.append(current)
                rels.append(rel)
                current = []
            else:
                current.append(node)
            k += 1
        sides.append(current)
        self.reading.sides = [tuple(side) for side in sides]
        if not rels:
            raise Unreadable("no relation: an expression, not a claim")
        while sides and not [n for n in sides[-1] if not _ch(n, ",") and not _ch(n, ".")] and rels:
            raise Unreadable("a relation with nothing after it")
        texts, failed = [], None
        for k, side in enumerate(sides):
            while side and (_ch(side[-1], ",") or _ch(side[-1], ".")):  # the sentence's own punctuation
                side = side[:-1]
            if not side:
                raise Unreadable("a relation with nothing before it")
            self.defining = k == 0 and len(sides) > 1
            try:
                texts.append(self.side(side))
            except Unreadable as error:  # read the other sides still: their sums may be checked
                failed = failed or error
                texts.append("")
                continue
            finally:
                self.defining = False
            if k == 0 and self.reading.head is None and NAME_RE.match(texts[0]) and texts[0] not in ("E", "pi"):
                self.reading.head = ("name", texts[0])
        if failed is not None:
            raise failed
        return texts, rels

    def side(self, items) -> str:
        seq = _Seq([n for n in _flatten_delimiters(items) if not _blank(n) or _ch(n, ",")])
        text = self.expr(seq)
        if not seq.done():
            raise Unreadable(f"cannot read {_shown(seq.peek())} here")
        if len(text) > MAX_OUTPUT:
            raise Unreadable("a side too long to check")
        return text

    # -- sums and products --------------------------------------------------------------------

    def expr(self, seq) -> str:
        out = ""
        while not seq.done():
            node = seq.peek()
            if _ch(node, "+") or _ch(node, "-"):
                seq.take()
                term = self.term(seq)
                out = f"{out} {node.value} {term}" if out else ("-" + _factor(term) if node.value == "-" else term)
                continue
            if _mac(node, "pm", "mp"):
                raise Unreadable("± gives two formulas: write each")
            if out:
                if _stop(node):
                    break
                raise Unreadable(f"cannot read {_shown(node)} here")
            out = self.term(seq)
        if not out:
            raise Unreadable("an empty expression")
        return out

    def term(self, seq) -> str:
        factors = []
        while not seq.done():
            node = seq.peek()
            if _stop(node):
                break
            if _mac(node, *_TIMES) or _mac(node, "odot"):
                seq.take()
                if not factors:
                    raise Unreadable("a product with nothing before it")
                if node.value == "odot":
                    self.note("read ⊙ as the product of matching entries")
                continue
            if _ch(node, "*"):
                raise Unreadable("* between functions is a convolution, not a product" if factors else "a stray *")
            if _ch(node, "/") or _mac(node, "div"):
                seq.take()
                if not factors:
                    raise Unreadable("a division with nothing before it")
                factors[-1] = f"{_paren(factors[-1])}/{_paren(self.factor(seq))}"
                continue
            factors.append(self.factor(seq))
        if not factors:
            raise Unreadable("an empty term")
        return "*".join(_factor(f) for f in factors)

    # -- factors --------------------------------------------------------------------------------

    def factor(self, seq) -> str:
        node = seq.take()
        base = self.atom(node, seq)
        return self.postfix(base, seq)

    def postfix(self, base, seq) -> str:
        if not seq.done() and _ch(seq.peek(), "!"):
            raise Unreadable("a factorial")
        return base

    def atom(self, node, seq) -> str:
        if node.kind == "scripts":
            return self.scripted(node, seq)
        if node.kind == "char":
            return self.char(node, seq)
        if node.kind == "group":
            if any(_relation(n) for n in node.args):
                raise Unreadable("a relation inside braces")
            return _paren(self.side(list(_flatten_delimiters(node.args))))
        if node.kind == "delimited":
            return self.delimited(node, seq)
        if node.kind == "text":
            return self.word(node.value.strip(), seq)
        if node.kind == "env":
            return self.environment(node)
        if node.kind == "frac":
            return self.fraction(node.args[0].args, node.args[1].args, seq)
        if node.kind == "macro":
            return self.macro(node, seq)
        raise Unreadable(f"cannot read {_shown(node)}")

    def char(self, node, seq) -> str:
        c = node.value
        if c.isdigit() or c == ".":
            digits = c
            while not seq.done() and _ch(seq.peek()) and (seq.peek().value.isdigit() or seq.peek().value == "."):
                digits += seq.take().value
            if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", digits):
                raise Unreadable(f"a number {digits!r}")
            return digits
        if c.isascii() and c.isalpha():
            run, sub, sup = c, None, None
            while not seq.done():
                nxt = seq.peek()
                if _ch(nxt) and nxt.value.isascii() and nxt.value.isalpha():
                    run += seq.take().value
                elif _mac(nxt, "_") and seq.i + 1 < len(seq.items) and _ch(seq.items[seq.i + 1]) \
                        and seq.items[seq.i + 1].value.isascii() and seq.items[seq.i + 1].value.isalpha():
                    seq.take()  # real\_loss: an escaped underscore inside a name
                    run += "_"
                elif nxt.kind == "scripts" and _ch(nxt.args[0]) and nxt.args[0].value.isascii() \
                        and nxt.args[0].value.isalpha() and run.lower() + nxt.args[0].value.lower() != "e":
                    seq.take()
                    run += nxt.args[0].value
                    sub, sup = nxt.args[1], nxt.args[2]
                    break
                else:
                    break
            if sup is not None and len(run) > 1:
                text = self.letters(run, seq, sub)
                return self.power(text, sup, seq, run if len(run) >= 3 else None)
            if sub is not None or sup is not None:
                return self.scripted(Node("scripts", args=(Node("char", run), sub, sup)), seq) if len(run) == 1 \
                    else self.letters(run, seq, sub)
            return self.letters(run, seq)
        if c == "(" or c == "[":
            inner = self.enclosed(seq, ")" if c == "(" else "]")
            return self.trailing(_paren(inner), seq)
        if c == "|":
            if not seq.done() and _ch(seq.peek(), "|"):  # ||g||: a norm typed with two bars
                seq.take()
                inner = self.enclosed(seq, "|")
                if seq.done() or not _ch(seq.peek(), "|"):
                    raise Unreadable("|| without its closing ||")
                seq.take()
                return self.norm(inner, seq)
            return self.trailing(f"abs({self.enclosed(seq, '|')})", seq)
        if c == "‖":
            return self.norm(self.enclosed(seq, "‖"), seq)
        if c == "'":
            raise Unreadable("a prime with nothing before it")
        raise Unreadable(f"cannot read {_shown(node)}")

    def trailing(self, text, seq) -> str:
        """A power written on a closing delimiter: ``(a+b)^2``, ``|x|^2``."""
        if not seq.done() and seq.peek().kind == "scripts" and _ch(seq.peek().args[0], ""):
            node = seq.peek()
            if node.args[1] is not None:
                return text  # an index: the caller's (softmax(z)_i) or nobody's
            seq.take()
            return self.power(text, node.args[2], seq)
        return text

    def enclosed(self, seq, close) -> str:
        inner = []
        depth = 0
        opens = {")": "(", "]": "["}.get(close)
        while not seq.done():
            node = seq.take()
            if node.kind == "scripts" and _ch(node.args[0], close) and depth == 0:
                seq.items.insert(seq.i, Node("scripts", args=(Node("char", ""), node.args[1], node.args[2])))
                return self.side(inner)
            if _ch(node, close) and depth == 0:
                return self.side(inner)
            if opens and _ch(node, opens):
                depth += 1
            elif opens and _ch(node, close):
                depth -= 1
            inner.append(node)
        raise Unreadable(f"an unclosed {opens or close}")

    def letters(self, run, seq, sub=None) -> str:
        """A run of letters: a function name, one name of three letters or more, or single-letter names."""
        lower = run.lower()
        if len(run) > 1 and lower in FUNCTION_NAMES:
            return self.call(FUNCTION_NAMES[lower], seq, sub)
        if lower in OPERATION_WORDS:
            return self.operation_word(run, seq, sub)
        if len(run) >= 3:
            self.note(f"read {run} as one name")
            return self.name(run, seq, sub)
        if len(run) == 2:
            self.note(f"read {run} as the product {run[0]}·{run[1]}")
            return f"{self.name(run[0], seq)}*{self.name(run[1], seq, sub)}"
        return self.name(run, seq, sub)

    def operation_word(self, word, seq, sub=None) -> str:
        """MSE, BCE, Var, …: a name the note may define (``MSE = …``, ``BCE(y, p) = …``), never applied unread."""
        applied = not seq.done() and (_ch(seq.peek(), "(") or _ch(seq.peek(), "["))
        if word.lower() in ("argmax", "argmin", "arg") or (applied and not (self.defining and not self.bound)
                                                          and self.raw_name(word, sub) not in self.definitions):
            raise Unreadable(f"{word} is an operation the audit does not read as a formula")
        return self.name(word, seq, sub)

    def name(self, name, seq, sub=None) -> str:
        """A variable, or a call of a function the note defined, with its index and prime."""
        if name == "e" and sub is None and (seq.done() or not _ch(seq.peek(), "(")):
            self.note("read e as Euler's number")
            return "E"
        key = _GREEK_NAMES.get(name, name) if sub is None else None
        if not seq.done() and _ch(seq.peek(), "'"):
            seq.take()
            if not seq.done() and _ch(seq.peek(), "'"):
                raise Unreadable("a derivative of second order written with primes")
            if name in FUNCTION_NAMES.values() or name.lower() in ("relu", "tanh", "sigmoid", "elu", "gelu"):
                return self.call(FUNCTION_NAMES.get(name.lower(), name), seq, None, prime=True)
            return self.primed(self.raw_name(name, sub), seq)
        if key == "E" and not seq.done() and (_ch(seq.peek(), "(") or _ch(seq.peek(), "[")):
            start = seq.i
            try:
                return self.expectation(seq)
            except Unreadable:
                seq.i = start
                if _ch(seq.peek(), "[") or not self.defining:
                    raise
        if not seq.done() and _ch(seq.peek(), "("):
            text = self.raw_name(name, sub)
            d = self.definitions.get(text + "()")
            head = self.head_call(text, seq) if self.defining and not self.bound else None
            if head is not None:  # f(x) = … again: a new definition (Xavier's Var(W) then He's), not a claim
                return head
            if d is not None:
                return self.defined_call(d, seq)
            if d is None and (name in _FUNCTION_LETTERS or key in ("E", "P", "L", "J", "l", "R", "Q", "V")):
                opaque = self.opaque_call(text, seq)
                if opaque is not None:
                    return opaque
                raise Unreadable(f"{text}(…) is a function the note has not defined")
            self.note(f"read {text}(…) as a product")
            return text
        return self.indexed(name, sub)

    def raw_name(self, name, sub) -> str:
        """The name as a function's: E and the like are allowed here, as they never reach the claim."""
        name = _GREEK_NAMES.get(name, name)
        if sub is None:
            if not NAME_RE.match(name):
                raise Unreadable(f"a name the claim language cannot hold: {name[:20]}")
            return name
        return self.indexed(name, sub)

    def indexed(self, name, sub) -> str:
        name = _GREEK_NAMES.get(name, name)
        if sub is None:
            return _checked(name)
        index = _index_text(sub)
        if index is None:
            raise Unreadable(f"a subscript the reader does not know on {name}")
        if index in self.bound:
            family = self.definitions.get(f"{name}[]")
            if family is not None:  # x̂_i = (x_i − μ)/σ defined before: its entry under this sum, written out
                self.reading.used.add(f"{name}_{family.params[0]}")
                return f"({entry_of(family, index)})"
            return f"{_checked(name)}[{index}]"
        if any(len(b) == 1 and b in index for b in self.bound) or any(b in index for b in self.bound if len(b) > 1):
            # w_{ij} or x_{i-1} under a sum over i: an entry that moves with i, which a plain name would not
            raise Unreadable(f"the subscript {index} moves with the sum's index: matrix entries and shifted "
                             "indices are not read")
        return _checked(f"{name}_{index}")

    def call(self, function, seq, sub, prime=False, defined=False) -> str:
        """``function`` applied: ``\\log x``, ``\\log(x)``, ``\\max(a, b)``, ``\\text{softmax}(z)_i``."""
        if not seq.done() and _ch(seq.peek(), "("):
            seq.take()
            args = self.arguments(seq)
        elif function in ("max", "min", "softmax") or defined:
            raise Unreadable(f"{function} needs its arguments in parentheses")
        else:
            args = [self.operand(seq)]
        if function == "softmax":
            if len(args) != 1:
                raise Unreadable("softmax of several arguments")
            entry = self.entry_after(seq) or (_index_text(sub) if sub is not None else None)
            if entry is None:
                raise Unreadable("softmax of a vector, not an entry: matrix notation")
            return f"softmax({args[0]})[{entry}]"
        if function in ("max", "min"):
            if len(args) < 2:
                raise Unreadable(f"\\{function} of one argument: over what?")
            function = function.capitalize()  # max(a, b) pointwise; the claim language's max(f, x) is a supremum
        text = f"{function}({', '.join(args)})"
        if prime:
            if len(args) != 1:
                raise Unreadable(f"{function}′ of several arguments")
            text = f"diff({text}, {args[0]})" if NAME_RE.match(args[0]) else self.at_point(function, args[0])
        return self.trailing(text, seq)  # σ(x)^2: the power written on the closing )

    def arguments(self, seq) -> list:
        """The arguments up to the closing ``)``; scripts on it (``softmax(z)_i``, ``σ(x)^2``) stay for the caller,
        on an empty base, as :meth:`enclosed` leaves them."""
        args, current, depth = [], [], 0
        while not seq.done():
            node = seq.take()
            scripted = node.kind == "scripts" and _ch(node.args[0], ")")
            if depth == 0 and (scripted or _ch(node, ")")):
                args.append(self.side(current))
                if scripted:
                    seq.items.insert(seq.i, Node("scripts", args=(Node("char", ""), node.args[1], node.args[2])))
                return args
            if depth == 0 and _ch(node, ","):
                args.append(self.side(current))
                current = []
                continue
            depth += _ch(node, "(") - (scripted or _ch(node, ")"))
            current.append(node)
        raise Unreadable("an unclosed (")

    def operand(self, seq, body=False) -> str:
        """What ``\\log x`` applies to: the juxtaposed factors up to the next +, −, ·, relation or operator.

        A sum's ``body`` runs on over products and operators, up to the next +, − or relation."""
        factors = []
        while not seq.done():
            node = seq.peek()
            if body and _mac(node, *_TIMES) and factors:
                seq.take()
                continue
            if _ch(node, "/") and body and factors:
                seq.take()
                factors[-1] = f"{_paren(factors[-1])}/{_paren(self.factor(seq))}"
                continue
            if _stop(node) or _mac(node, *_TIMES) or (factors and not body and _is_operator(node)):
                break
            factors.append(self.factor(seq))
        if not factors:
            raise Unreadable("an operator with no argument")
        return "*".join(_factor(f) for f in factors)

    def entry_after(self, seq):
        """``(z)_i`` after a call: the reader gives ``_i`` as scripts on an empty base."""
        if not seq.done() and seq.peek().kind == "scripts" and _ch(seq.peek().args[0], ""):
            node = seq.take()
            return _index_text(node.args[1]) if node.args[1] is not None else None
        return None

    def norm(self, inner, seq, sub=None) -> str:
        order = None
        if not seq.done() and seq.peek().kind == "scripts" and _ch(seq.peek().args[0], ""):
            node = seq.take()
            sub, sup = node.args[1], node.args[2]
            order = _index_text(sub) if sub is not None else None
            if sup is not None:
                power = self.side(list(sup.args))
                text = self.norm_of(inner, order)
                return f"{text}**{_paren(power)}"
        return self.norm_of(inner, order)

    def norm_of(self, inner, order) -> str:
        if not NAME_RE.match(inner):
            raise Unreadable("the norm of an expression: the reader takes the norm of a named vector")
        if order in (None, "2"):
            return f"norm({inner})"
        if order == "1":
            return f"norm({inner}, 1)"
        raise Unreadable(f"an L{order} norm")
