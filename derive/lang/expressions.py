"""The safe expression builder: an allow-listed walk over Python's AST, with size limits.

User text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``: after length
and bracket-depth checks, :func:`ast.parse` reads it and ``_Builder`` walks the tree with
an allow-list of node types, building every SymPy object itself.  The callable names and
their arities come from the op table (:mod:`derive.ops`); ``diff``, ``max`` and ``min``
are the claim language's own (:mod:`derive.lang.operators`).  Variables are the plain
real symbols of :func:`derive.symbols.symbol`; decimals become exact rationals.  Numbers
stay quick to build: no exact number, numeric power or exponential above 4096 bits, no
numeric power of a variable above 1000, towers like ``9**9**9`` judged from logarithms
first.  As a backstop, building gives up after 5 s (main thread only;
:func:`derive.limits.run_limited` is the hard limit).

>>> parse_expression("sigmoid(x)*(1 - sigmoid(x)) + 0.5")
(1 - sigmoid(x))*sigmoid(x) + 1/2
>>> parse_variable("w_1")
w_1
"""
from __future__ import annotations

import ast
import math
import re
import time
import warnings

import sympy as sp

from ..limits import StepTimeout, time_limit
from ..ops import MissingRule, parser_arity, parser_functions, size_class
from ..ops.piecewise import MAX_EXTREMUM_ARGS
from ..render.terminal import visible
from ..symbols import BadName, symbol
from .operators import Diff, Infimum, Supremum, checked_args, resolve_derivatives

__all__ = ["ParseError", "parse_expression", "parse_variable", "FUNCTIONS", "CONSTANTS"]

MAX_TEXT, MAX_BRACKET_DEPTH = 2000, 50            # checked before ast.parse
MAX_NODES, MAX_AST_DEPTH = 500, 60                # AST nodes, not counting operator tokens
MAX_LITERAL_DIGITS, MAX_DECIMAL_EXPONENT = 100, 400
MAX_NUMBER_BITS = 4096        # an exact number, or the size of a numeric power or exponential
MAX_ROOT_DEGREE = 1000        # SymPy decides signs of roots through minimal polynomials
MAX_ROUNDING_BITS = 64        # floor/ceil of an irrational number evaluates it to the last digit
MAX_SYMBOLIC_EXPONENT = 1000
MAX_DERIVATIVE_NODES = 10000  # nested diff() grows exponentially
BUILD_SECONDS = 5.0           # backstop for SymPy's own work on numbers (main thread only)
LOG10_2 = math.log10(2)
MAX_DIGITS = int(MAX_NUMBER_BITS * LOG10_2)  # 1233

CONSTANTS = {"pi": sp.pi, "E": sp.E}
_NON_FINITE = {"nan", "inf", "oo", "zoo", "infinity"}
_CALLABLE = parser_functions()  # the op table's names: exp, sigmoid, gelu, Max, …
_LANGUAGE = {"diff": (2, 2), "max": (1, 2), "min": (2, 2),  # the claim language's own constructs;
             "sum": (2, 2), "prod": (2, 2), "where": (3, 3), "argmax": (2, 2), "limit": (3, 4),
             "E": (2, 8), "Var": (2, 8), "norm": (1, 2), "dot": (2, 2), "logsumexp": (1, 1), "softmax": (1, 1)}
EXTENSIONS: dict = {}  # name (or "[]", "~") -> handler; filled in by derive.lang.language
_ARITY = {**parser_arity(), **_LANGUAGE}
ONE_ARGUMENT = frozenset(name for name, (low, high) in parser_arity().items() if (low, high) == (1, 1))
FUNCTIONS = frozenset(_ARITY)
_BAD_OPERATORS = {
    ast.BitXor: "use ** for powers, not ^", ast.FloorDiv: "// is not allowed; write floor(a/b)",
    ast.Mod: "% is not allowed", ast.MatMult: "@ is not allowed", ast.Not: "'not' is not allowed",
    ast.Invert: "~ is not allowed", ast.BitAnd: "& is not allowed", ast.BitOr: "| is not allowed",
    ast.LShift: "<< is not allowed", ast.RShift: ">> is not allowed"}
_FORBIDDEN = {ast.Attribute: "attribute access (a.b)",
              ast.BoolOp: "and/or", ast.IfExp: "if-else", ast.NamedExpr: ":=", ast.JoinedStr: "f-strings",
              **dict.fromkeys((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "comprehensions")}
_BINARY = {ast.Add: sp.Add, ast.Sub: lambda a, b: sp.Add(a, sp.Mul(sp.S.NegativeOne, b)),
           ast.Mult: sp.Mul, ast.Div: lambda a, b: sp.Mul(a, sp.Pow(b, sp.S.NegativeOne)),
           ast.Pow: sp.Pow}
_TOKEN_NODES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
_NUMBER_RE = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\Z")
_RELATIONS = ("<=", ">=", "==", "!=", "=<", "=>", "<", ">", "=", "!")


class ParseError(ValueError):
    """Text that cannot be read as a claim, expression or assumption; the message is one line.

    >>> str(ParseError("bad\\n  input"))
    'bad input'
    """

    def __init__(self, message):
        super().__init__(visible(" ".join(str(message).split())))


def _shorten(text, limit=60) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _too_large(shown, log2_bits) -> ParseError:
    """The error for a number of about 2**log2_bits bits, its size given in digits."""
    log10_digits = log2_bits * LOG10_2 + math.log10(LOG10_2)
    if not math.isfinite(log10_digits):
        size = "far too many"
    elif log10_digits < 6:
        size = f"about {math.ceil(10 ** log10_digits)}"
    else:
        exponent = math.floor(log10_digits)
        size = f"about {10 ** (log10_digits - exponent):.1f}e{exponent}"
    return ParseError(f"number too large: {shown} has {size} digits (limit {MAX_DIGITS})")


def _log2_abs(value) -> float:
    """log2 |value| of a numeric SymPy expression, exact for rationals, else from 15 digits."""
    if value.is_zero:
        return -math.inf
    if value.is_Rational:
        return math.log2(abs(value.p)) - math.log2(value.q)
    approx = value.evalf(15)
    if not approx.is_Float:
        raise ParseError(f"cannot estimate the size of {_shorten(value)}")
    _sign, mantissa, exponent, _bits = approx._mpf_
    return exponent + math.log2(mantissa) if mantissa else math.inf


def _check_power(base, exponent, shown, roots=True):
    """Refuse a power too large to build or evaluate, judging its size from logarithms."""
    if not exponent.is_number:
        if base.is_number:  # SymPy may split b**(c*y + d) into (b**c)**y * b**d
            for term in sp.Add.make_args(exponent):
                _check_power(base, term.as_coeff_Mul()[0], shown, roots=False)
        return
    if not base.is_number:
        if (abs(exponent) > MAX_SYMBOLIC_EXPONENT if exponent.is_Rational
                else _log2_abs(exponent) > math.log2(MAX_SYMBOLIC_EXPONENT)):
            raise ParseError(f"exponent too large: {shown} "
                             f"(limit {MAX_SYMBOLIC_EXPONENT} for a power of a variable)")
        _check_power(base.as_coeff_Mul()[0], exponent, shown)  # (c*x)**e may become c**e * x**e
        return
    if base.is_zero and exponent.is_extended_negative:
        raise ParseError(f"division by zero: {shown}")
    if roots and exponent.is_Rational and exponent.q > MAX_ROOT_DEGREE:
        raise ParseError(f"root of too high a degree: {shown} (limit {MAX_ROOT_DEGREE})")
    if base.is_Rational:
        size = max(math.log2(abs(base.p)) if base.p else 0.0, math.log2(base.q))
    else:
        size = abs(_log2_abs(base))
    if size != 0 and not exponent.is_zero:
        log2_bits = _log2_abs(exponent) + math.log2(size)  # bits ≈ |exponent|·log2|base|
        if log2_bits > math.log2(MAX_NUMBER_BITS):
            raise _too_large(shown, log2_bits)


def _check_argument(function, arg, shown):
    """exp(a) has |a|·log2(e) bits; floor(a) or sin(a) computes a to its last integer digit;
    c·log(a) may become log(a**c).  The op table says which functions are which (``Op.size``)."""
    if function is sp.log:
        coefficient, rest = arg.as_coeff_Mul()
        for factor in sp.Mul.make_args(rest):
            if isinstance(factor, sp.log) and factor.args[0].is_number:
                _check_power(factor.args[0], coefficient, shown, roots=False)
    elif size_class(function) == "rounding" and arg.is_number and not arg.is_Rational:
        if _log2_abs(arg) > MAX_ROUNDING_BITS:
            raise ParseError(f"number too large to round: {shown} (limit 2**{MAX_ROUNDING_BITS})")
    elif size_class(function) == "exponential" and arg.is_number:
        log2_bits = _log2_abs(arg) + math.log2(math.log2(math.e))
        if log2_bits > math.log2(MAX_NUMBER_BITS):
            raise _too_large(shown, log2_bits)


def _number(literal: str) -> sp.Rational:
    """The exact rational of a decimal literal: '1.5e-3' -> 3/2000."""
    match = _NUMBER_RE.match(literal.replace("_", ""))
    if not match or not (match[1] or match[2]):
        raise ParseError(f"only decimal numbers are allowed: {_shorten(literal)}")
    whole, fraction, exponent = match[1], match[2] or "", match[3] or "0"
    if len(whole + fraction) > MAX_LITERAL_DIGITS:
        raise ParseError(f"number literal too long: {len(whole + fraction)} digits "
                         f"(limit {MAX_LITERAL_DIGITS})")
    if len(exponent.lstrip("+-").lstrip("0")) > 4 or abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
        raise ParseError(f"decimal exponent too large: {_shorten(literal)} (limit e±{MAX_DECIMAL_EXPONENT})")
    scale = int(exponent) - len(fraction)
    if scale >= 0:
        return sp.Integer(int(whole + fraction) * 10 ** scale)
    return sp.Rational(int(whole + fraction), 10 ** -scale)


class _Builder:
    """Builds the SymPy object of an allow-listed AST, checking every new subexpression."""

    def __init__(self, source: str, tilde: bool = False):
        self.source, self.tilde = source, tilde  # tilde: each '@' stands for a '~' of E(f, m ~ D)
        self.seen: set = set()

    def show(self, node) -> str:
        shown = _shorten(ast.get_source_segment(self.source, node) or type(node).__name__)
        return shown.replace("@", "~") if self.tilde else shown

    def build(self, node) -> sp.Expr:
        handler = self.HANDLERS.get(type(node))
        if handler is None:
            if isinstance(node, ast.Compare):
                raise ParseError("a comparison cannot appear inside an expression "
                                 f"(a claim has exactly one relation): {self.show(node)}")
            what = _FORBIDDEN.get(type(node), type(node).__name__.lower())
            raise ParseError(f"{what} not allowed: {self.show(node)}")
        try:
            value = handler(self, node)
            self.validate(node, value)
        except ParseError:
            raise
        except (ArithmeticError, ValueError, TypeError, AttributeError, LookupError,
                RecursionError, MemoryError, NotImplementedError) as exc:
            raise ParseError(f"cannot build {self.show(node)}: {type(exc).__name__}") from None
        return value

    def validate(self, node, value):
        """Every subexpression not seen before is finite, real and of bounded size."""
        shown, stack = self.show(node), [value]
        while stack:
            expr = stack.pop()
            if expr in self.seen:
                continue
            self.seen.add(expr)
            if expr in (sp.zoo, sp.nan, sp.oo, -sp.oo):
                raise ParseError(f"undefined or infinite value: {shown}")
            if expr is sp.I:
                raise ParseError(f"not a real number: {shown}")
            if expr.is_Rational and max(abs(expr.p).bit_length(), expr.q.bit_length()) > MAX_NUMBER_BITS:
                raise _too_large(shown, math.log2(max(abs(expr.p).bit_length(), expr.q.bit_length())))
            if expr.is_Pow:
                _check_power(expr.base, expr.exp, shown)
            elif size_class(expr.func) is not None:
                _check_argument(expr.func, expr.args[0], shown)
            elif expr.is_Mul:
                _check_argument(sp.log, expr, shown)
            elif isinstance(expr, (sp.Max, sp.Min)) and len(expr.args) > MAX_EXTREMUM_ARGS:
                raise ParseError(f"too many arguments: {shown} (limit {MAX_EXTREMUM_ARGS})")
            stack.extend(checked_args(expr))  # a carried value: checked once taken
        if not isinstance(value, sp.Expr):
            raise ParseError(f"not an expression: {shown}")
        if value.is_number and value.is_extended_real is False:
            raise ParseError(f"not a real number: {shown}")

    def constant(self, node):
        if type(node.value) not in (int, float):  # bool, None, complex, str, bytes, ...
            kind = {complex: "complex numbers", str: "strings", bytes: "strings"}.get(type(node.value))
            raise ParseError(f"only real numbers are allowed, not {kind or repr(node.value)}: "
                             f"{self.show(node)}")
        return _number(ast.get_source_segment(self.source, node) or "")

    def name(self, node):
        return CONSTANTS[node.id] if node.id in CONSTANTS else _symbol(node.id)

    def unary(self, node):
        if type(node.op) in _BAD_OPERATORS:
            raise ParseError(f"{_BAD_OPERATORS[type(node.op)]}: {self.show(node)}")
        operand = self.build(node.operand)
        return sp.Mul(sp.S.NegativeOne, operand) if isinstance(node.op, ast.USub) else operand

    def binary(self, node):
        op = type(node.op)
        if op is ast.MatMult and self.tilde:
            raise ParseError(f"'~' is allowed only as 'm ~ Bernoulli(p)' inside E(...) or Var(...): "
                             f"{self.show(node)}")
        if op in _BAD_OPERATORS:
            raise ParseError(f"{_BAD_OPERATORS[op]}: {self.show(node)}")
        left, right = self.build(node.left), self.build(node.right)
        if op is ast.Div and right.is_zero:
            raise ParseError(f"division by zero: {self.show(node)}")
        if op is ast.Pow:
            _check_power(left, right, self.show(node))
        return _BINARY[op](left, right)

    def call(self, node):
        shown = self.show(node)
        if not isinstance(node.func, ast.Name):
            raise ParseError(f"only the allowed functions can be called, by name: {shown}")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ParseError(f"unknown function {_shorten(name, 32)!r}; allowed: "
                             f"{', '.join(sorted(FUNCTIONS))}")
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ParseError(f"only plain positional arguments are allowed: {shown}")
        low, high = _ARITY[name]
        if not low <= len(node.args) <= high:
            raise ParseError(_arity_message(name, len(node.args), shown))
        if name in EXTENSIONS and not (name == "max" and len(node.args) == 2):
            return EXTENSIONS[name](self, node, shown)
        if name in ("diff", "max", "min"):
            return self.bound_call(node, name, shown)
        args = [self.build(arg) for arg in node.args]
        function = _CALLABLE[name]
        if name in ("Max", "Min") and sum(
                len(a.args) if isinstance(a, function) else 1 for a in args) > MAX_EXTREMUM_ARGS:
            raise ParseError(f"too many arguments: {shown} (limit {MAX_EXTREMUM_ARGS})")
        if name == "log" and args[0].is_number and (args[0].is_zero or args[0].is_extended_negative):
            raise ParseError(f"log of a non-positive number: {shown}")
        if name == "sqrt":
            _check_power(args[0], sp.S.Half, shown)
        _check_argument(function, args[0], shown)  # before SymPy evaluates floor/ceil
        return function(*args)

    def bound_call(self, node, name, shown):
        """diff(expr, x), max(expr, x), min(expr, x): the second argument names a variable."""
        expr_node, var_node = node.args
        if not isinstance(var_node, ast.Name) or var_node.id in CONSTANTS or var_node.id in FUNCTIONS:
            if name == "diff":
                raise ParseError(f"diff(expr, x) needs a variable name as its second argument: {shown}")
            which = "larger" if name == "max" else "smaller"
            raise ParseError(f"{name}(expr, x) is the {name}imum of expr over the variable x; for the "
                             f"{which} of two values write {name.capitalize()}(a, b): {shown}")
        var, expr = _symbol(var_node.id), self.build(expr_node)
        if name != "diff":
            return (Supremum if name == "max" else Infimum)(expr, var)
        try:
            result = Diff(expr, var)  # the derivative is taken here, once, and carried
        except MissingRule as exc:
            raise ParseError(f"cannot differentiate {shown}: {_shorten(exc, 120)}") from None
        for count, _ in enumerate(sp.preorder_traversal(result.value)):
            if count >= MAX_DERIVATIVE_NODES:
                raise ParseError(f"derivative too large: {shown} has more than "
                                 f"{MAX_DERIVATIVE_NODES} parts")
        return result

    def subscript(self, node):
        return EXTENSIONS["[]"](self, node, self.show(node))

    HANDLERS = {ast.Constant: constant, ast.Name: name, ast.UnaryOp: unary,
                ast.BinOp: binary, ast.Call: call, ast.Subscript: subscript}


def _symbol(name: str) -> sp.Symbol:
    """The plain real symbol of a variable name, or ParseError."""
    if name.lower() in _NON_FINITE:
        raise ParseError(f"{name!r} is not allowed: numbers must be finite "
                         "(for an unbounded range write e.g. 'T > 0')")
    if name in CONSTANTS:
        raise ParseError(f"{name!r} is a constant, not a variable")
    if name in FUNCTIONS:
        raise ParseError(f"{name!r} is a function; call it, as in {name}(x)")
    try:
        return symbol(name)
    except BadName as exc:
        raise ParseError(str(exc)) from None


def _arity_message(name, count, shown) -> str:
    if name == "log":
        return f"log takes 1 argument (the natural log); for base b write log(x)/log(b): {shown}"
    if name in ("max", "min") and count > 1:
        return (f"{name}(expr, x) takes an expression and a variable; for the {name}imum of "
                f"several values write {name.capitalize()}(a, b, ...): {shown}")
    low, high = _ARITY[name]
    wanted = str(low) if low == high else f"{low} to {high}"
    return f"{name} takes {wanted} argument{'s' * (high > 1)}, got {count}: {shown}"


def _check_text(text) -> str:
    """Type, length and bracket depth, checked before any parsing; the text with blanks as spaces."""
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ParseError(f"text too long: {len(text)} characters (limit {MAX_TEXT})")
    depth = deepest = 0
    for char in text:
        depth += (char in "([{") - (char in ")]}")
        deepest = max(deepest, depth)
    if deepest > MAX_BRACKET_DEPTH:
        raise ParseError(f"too deeply nested: {deepest} levels of brackets (limit {MAX_BRACKET_DEPTH})")
    return re.sub(r"\s", " ", text).strip()


def syntax_tree(source, error=ParseError) -> ast.Expression:
    """The syntax tree of checked ``source`` (see :func:`_check_text`), itself checked for size and depth.

    Errors are one line, of class ``error`` (the matrix parser passes its own).

    >>> type(syntax_tree("(x + 1)*y").body.op).__name__
    'Mult'
    >>> syntax_tree("x +")
    Traceback (most recent call last):
    ...
    derive.lang.expressions.ParseError: syntax error: invalid syntax: x +
    """
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like: errors follow
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at column {exc.offset}" if exc.offset else ""
        raise error(f"syntax error{where}: {exc.msg}: {_shorten(source)}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise error(f"cannot parse {_shorten(source)}: {type(exc).__name__}") from None
    count, stack = 0, [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, _TOKEN_NODES):
            count += 1
            if count > MAX_NODES:
                raise error(f"expression too large: more than {MAX_NODES} parts")
            if depth > MAX_AST_DEPTH:
                raise error(f"expression too deeply nested: more than {MAX_AST_DEPTH} levels")
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def parse_expression(text: str, keep_diff: bool = False) -> sp.Expr:
    """The SymPy expression of ``text`` over real variables; ParseError if not allowed.

    ``diff(e, x)`` is differentiated by the rule table; with ``keep_diff`` it
    stays a :class:`Diff` marker (the verifier shows that step).

    >>> parse_expression("relu(w*x + b) / 2")
    relu(b + w*x)/2
    >>> parse_expression("1.5e-3 + diff(x**3, x)")
    3*x**2 + 3/2000
    >>> parse_expression("9**9**9")
    Traceback (most recent call last):
    ...
    derive.lang.expressions.ParseError: number too large: 9**9**9 has about 3.7e8 digits (limit 1233)
    """
    source = _check_text(text)
    if not source:
        raise ParseError("empty expression")
    source, tilde = EXTENSIONS["~"](source) if "~" in source and "@" not in source else (source, False)
    tree = syntax_tree(source)
    start = time.monotonic()
    try:
        with time_limit(BUILD_SECONDS):
            builder = _Builder(source, tilde)
            expr = builder.build(tree.body)
            resolved = resolve_derivatives(expr)
            if resolved is not expr:  # log(diff(y, x)) is log(0): check what the derivatives make
                try:
                    builder.validate(tree.body, resolved)
                except ParseError as exc:
                    raise ParseError(f"{exc} (once the derivatives are taken)") from None
            return expr if keep_diff else resolved
    except StepTimeout:
        if time.monotonic() - start < BUILD_SECONDS:
            raise  # an enclosing limit expired: the caller's timeout, not ours
        raise ParseError(f"expression too costly to build: gave up after {BUILD_SECONDS:g} s: "
                         f"{_shorten(source)}") from None


def parse_variable(var) -> sp.Symbol:
    """The plain real symbol of one variable, named by text or by a SymPy symbol; ParseError if not one.

    >>> parse_variable("x"), parse_variable(symbol("T", positive=True)).is_positive
    (x, None)
    >>> parse_variable("x + 1")
    Traceback (most recent call last):
    ...
    derive.lang.expressions.ParseError: expected a variable name, got 'x + 1'
    """
    result = parse_expression(var.name if isinstance(var, sp.Symbol) else var)
    if not isinstance(result, sp.Symbol):
        shown = " ".join(var.split()) if isinstance(var, str) else sp.sstr(var)
        raise ParseError(f"expected a variable name, got {shown!r}")
    return result


def _relations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, operator) of each relation sign outside brackets."""
    found, depth, i = [], 0, 0
    while i < len(text):
        depth += (text[i] in "([{") - (text[i] in ")]}")
        if depth == 0 and text[i] in "<>=!":
            op = next(r for r in _RELATIONS if text.startswith(r, i))
            found.append((i, i + len(op), op))
            i += len(op)
        else:
            i += 1
    return found

