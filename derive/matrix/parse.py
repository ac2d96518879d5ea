"""Matrix expressions typed by a user: a safe parser, and the graph that ``derive grad`` differentiates.

Main statements:

- :func:`parse_shape` reads one declaration ``W=m,n`` (a single dimension ``x=n`` is the column n × 1);
- :func:`parse_matrix` reads ``sqnorm(W @ x + b - y)/2`` over declared leaves into a
  :class:`~derive.matrix.expr.Mat`, its shape checked at every operation;
- :func:`matrix_graph` declares the leaves (``--wrt`` names are parameters, ``--labels`` names
  inputs whose entries sum to 1) and defines the expression as nodes of a :class:`~derive.graph.Graph`.

Notation, as NumPy reads it: ``@`` the matrix product, ``*`` the Hadamard product or a scalar
multiple, ``/`` by a number (a scale) or by a matrix (elementwise), ``+`` and ``-`` (a row or a
column broadcast), unary minus, ``x**2`` (x ⊙ x; no other power), ``x.T`` (no other attribute).
Calls: the unary functions of the op table that the matrix table applies entry by entry
(:data:`ELEMENTWISE`: sigmoid, relu, tanh, exp, log, …), ``softmax(x[, axis])``,
``log_softmax(x[, axis])``, ``cross_entropy(o, y[, axis])``, ``sum(x[, axis])``,
``mean(x[, axis])``, ``norm``, ``sqnorm``, ``trace``; an axis is the literal 0 or 1.

Implementation notes: the approach of :mod:`derive.lang.expressions`.  The text is checked for
length and bracket depth before :func:`ast.parse`, the tree for size and depth, and an allow-listed
walk builds every object itself: user text never reaches ``eval``, ``exec``, ``sympify``,
``parse_expr`` or ``lambdify``.  Numbers are exact rationals of bounded size.

>>> from derive.matrix.expr import node_ref
>>> W, x = node_ref('W', ('m', 'n')), node_ref('x', ('n', 1))
>>> e = parse_matrix("tanh(W @ x) * 0.5", {'W': W, 'x': x})
>>> print(e, e.shape)
(1/2)·tanh(W·x) (m, 1)
>>> parse_matrix("x @ W", {'W': W, 'x': x})
Traceback (most recent call last):
...
derive.matrix.shapes.ShapeError: matrix product x·W: x is (n × 1) and W is (m × n), so 1 ≠ m
>>> parse_matrix("x.__class__", {'x': x})
Traceback (most recent call last):
...
derive.matrix.parse.MatrixParseError: only the transpose .T is allowed, not .__class__: x.__class__
"""
from __future__ import annotations

import ast
import re

import sympy as sp

from ..lang.expressions import MAX_NUMBER_BITS, ParseError, _check_text, _number, _shorten, syntax_tree
from ..ops import notation_ops
from ..symbols import BadName, valid_name
from .expr import Mat, const, cross_entropy, elementwise, log_softmax, make, mean, norm, softmax, sqnorm, total, trace
from .shapes import ShapeError, as_shape, shape_text

__all__ = ["MatrixParseError", "parse_shape", "parse_matrix", "matrix_graph", "ELEMENTWISE", "CALLS"]

MAX_SHAPE_TEXT, MAX_DIM_DIGITS, MAX_DECLARED = 100, 9, 64
MAX_WRITTEN = 4000  # the expression written out as a tree (x**2 repeats x), in operations

# Functions applied entry by entry: the op table's unary functions with a notation (as Fn.of accepts).
ELEMENTWISE = notation_ops()
# name -> (builder, number of matrix arguments, whether a last literal axis may follow)
CALLS = {"softmax": (softmax, 1, True), "log_softmax": (log_softmax, 1, True),
         "cross_entropy": (cross_entropy, 2, True), "sum": (total, 1, True), "mean": (mean, 1, True),
         "norm": (norm, 1, False), "sqnorm": (sqnorm, 1, False), "trace": (trace, 1, False),
         **{name: (None, 1, False) for name in ELEMENTWISE}}
_LIFTED_RESULTS = ("elementwise", "softmax", "log_softmax")  # named when a matrix product uses them
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult, ast.Pow)
_FORBIDDEN = {ast.Lambda: "lambda", ast.Subscript: "indexing", ast.Compare: "a comparison",
              ast.BoolOp: "and/or", ast.IfExp: "if-else", ast.NamedExpr: ":=", ast.JoinedStr: "f-strings",
              ast.Starred: "*args", ast.Tuple: "a tuple", ast.List: "a list", ast.Dict: "a dict",
              **dict.fromkeys((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "comprehensions")}
_SHAPE_RE = re.compile(r"\s*([^=\s]+)\s*=\s*(\(?)\s*([^,()\s]+)\s*(?:,\s*([^,()\s]+)\s*)?(\)?)\s*\Z")


class MatrixParseError(ParseError):
    """A matrix expression or shape that cannot be read; the message is one line (a ValueError).

    >>> str(MatrixParseError("bad\\n  shape"))
    'bad shape'
    """


def _declared_name(name, what="a variable") -> str:
    try:
        valid_name(name)
    except BadName as exc:
        raise MatrixParseError(str(exc)) from None
    if name in CALLS:
        raise MatrixParseError(f"{name!r} is a function, so it cannot be {what}")
    return name


def _dimension(text):
    if text.isdigit():
        if len(text) > MAX_DIM_DIGITS or int(text) < 1:
            raise MatrixParseError(f"a dimension must be a positive integer below 10**{MAX_DIM_DIGITS} "
                                   f"or a name, not {_shorten(text, 20)!r}")
        return int(text)
    return _declared_name(text, "a dimension")


def parse_shape(text):
    """``(name, (rows, cols))`` of a declaration ``NAME=R,C``, each dimension an integer or a name.

    >>> parse_shape("W=m,n"), parse_shape("x = n"), parse_shape("X=(B, 3)")
    (('W', (m, n)), ('x', (n, 1)), ('X', (B, 3)))
    >>> parse_shape("W=m,n,k")
    Traceback (most recent call last):
    ...
    derive.matrix.parse.MatrixParseError: a shape is NAME=ROWS,COLS (or NAME=N for a column), not 'W=m,n,k'
    """
    if not isinstance(text, str) or len(text) > MAX_SHAPE_TEXT:
        raise MatrixParseError(f"a shape is NAME=ROWS,COLS of at most {MAX_SHAPE_TEXT} characters")
    match = _SHAPE_RE.match(text)
    if not match or bool(match[2]) != bool(match[5]):
        raise MatrixParseError(f"a shape is NAME=ROWS,COLS (or NAME=N for a column), not {_shorten(text, 40)!r}")
    name, rows, cols = match[1], match[3], match[4]
    dims = [_dimension(rows)] + ([_dimension(cols)] if cols is not None else [])
    return _declared_name(name), as_shape(dims)


def _read(text) -> tuple:
    """``(source, syntax tree)`` of ``text``, checked: length, bracket depth, then size and depth of the tree."""
    try:
        source = _check_text(text)
    except ParseError as exc:
        raise MatrixParseError(str(exc)) from None
    if not source:
        raise MatrixParseError("empty expression")
    return source, syntax_tree(source, MatrixParseError).body


def _names(tree) -> list:
    """The variable names of the tree (not called ones), in first-use order."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return list(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called))


def _checked_number(value, shown):
    """An exact number, or a product of sizes (1/B), whose rational parts have at most MAX_NUMBER_BITS bits."""
    for r in value.atoms(sp.Rational):
        if max(abs(r.p).bit_length(), r.q.bit_length()) > MAX_NUMBER_BITS:
            raise MatrixParseError(f"number too large: {shown} (limit {MAX_NUMBER_BITS} bits)")
    return value


class _Builder:
    """Builds the Mat (or exact number) of each allow-listed node; records the subexpressions to name."""

    def __init__(self, source, leaves):
        self.source, self.leaves = source, leaves
        self.dims = {d.name: d for leaf in leaves.values() for d in leaf.shape if not isinstance(d, int)}
        self.lift = set()  # subexpressions a textbook names: a function's argument, an activation multiplied

    def show(self, node) -> str:
        return _shorten(ast.get_source_segment(self.source, node) or type(node).__name__)

    def build(self, node):
        handler = self.HANDLERS.get(type(node))
        if handler is None:
            what = _FORBIDDEN.get(type(node), type(node).__name__.lower())
            raise MatrixParseError(f"{what} not allowed: {self.show(node)}")
        try:
            value = handler(self, node)
            for e in (value, *value.args) if isinstance(value, Mat) else ():
                if e.op in ("scale", "const"):  # numbers merge into a scale: 1e400*1e400*x
                    _checked_number(e.attr, self.show(node))
            return value
        except (ParseError, ShapeError):
            raise
        except (ArithmeticError, TypeError, AttributeError, LookupError, RecursionError, MemoryError,
                NotImplementedError) as exc:
            raise MatrixParseError(f"cannot build {self.show(node)}: {type(exc).__name__}") from None

    def matrix(self, node, what):
        value = self.build(node)
        if not isinstance(value, Mat):
            raise MatrixParseError(f"{what} needs a matrix expression, not the number {self.show(node)}")
        return value

    def constant(self, node):
        if type(node.value) not in (int, float):
            raise MatrixParseError(f"only real numbers are allowed, not {self.show(node)}")
        try:
            return _number(ast.get_source_segment(self.source, node) or "")
        except ParseError as exc:
            raise MatrixParseError(str(exc)) from None

    def name(self, node):
        if node.id in self.leaves:
            return self.leaves[node.id]
        if node.id in self.dims:  # a size as a scalar: the 1/B of a minibatch mean
            return self.dims[node.id]
        if node.id in CALLS:
            raise MatrixParseError(f"{node.id!r} is a function; call it, as in {node.id}(x)")
        _declared_name(node.id)
        raise MatrixParseError(f"{node.id!r} has no declared shape (declare it: --shape {node.id}=ROWS,COLS)")

    def attribute(self, node):
        if node.attr != "T":
            raise MatrixParseError(f"only the transpose .T is allowed, not .{_shorten(node.attr, 20)}: "
                                   f"{self.show(node)}")
        value = self.build(node.value)
        return value.T if isinstance(value, Mat) else value  # a number is its own transpose

    def unary(self, node):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise MatrixParseError(f"only unary minus is allowed: {self.show(node)}")
        value = self.build(node.operand)
        return -value if isinstance(node.op, ast.USub) else value

    def binary(self, node):
        op, shown = type(node.op), self.show(node)
        if op not in _OPERATORS:
            raise MatrixParseError(f"operator not allowed: {shown} (use @ * / + - **2 .T)")
        if op is ast.Pow:
            exponent = node.right
            if not (isinstance(exponent, ast.Constant) and type(exponent.value) is int and exponent.value == 2):
                raise MatrixParseError(f"the only power is the elementwise square x**2: {shown}")
            base = self.build(node.left)
            if isinstance(base, Mat):
                return base ** 2
            if not base.is_Rational:
                raise MatrixParseError(f"a dimension is not squared here; write it as a product: {shown}")
            return _checked_number(base ** 2, shown)
        left, right = self.build(node.left), self.build(node.right)
        if op is ast.MatMult:
            if not (isinstance(left, Mat) and isinstance(right, Mat)):
                raise MatrixParseError(f"@ multiplies two matrices; for a number use *: {shown}")
            self.lift.update(a for a in (left, right) if a.op in _LIFTED_RESULTS)
            return left @ right
        if not isinstance(right, Mat) and op is ast.Div and right == 0:
            raise MatrixParseError(f"division by zero: {shown}")
        if isinstance(left, Mat) or isinstance(right, Mat):
            return self.mixed(op, left, right, shown)
        number = {ast.Add: sp.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sp.Mul, ast.Div: lambda a, b: a / b}[op]
        return _checked_number(number(left, right), shown)

    def mixed(self, op, left, right, shown):
        """+, −, * (Hadamard, or a scalar multiple), / (a scale, or entry by entry) with a matrix operand."""
        for number, scales in ((left, op is ast.Mult), (right, op in (ast.Mult, ast.Div))):
            if not isinstance(number, Mat) and not number.is_Rational and not scales:
                raise MatrixParseError(f"a dimension can multiply or divide a matrix expression, "
                                       f"nothing else: {shown}")
        if op is ast.Div and not isinstance(left, Mat):
            return make("div", const(left), right)  # c / X, entry by entry
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        return left * right if op is ast.Mult else left / right

    def call(self, node):
        shown = self.show(node)
        if not isinstance(node.func, ast.Name):
            raise MatrixParseError(f"only the allowed functions can be called, by name: {shown}")
        name = node.func.id
        if name not in CALLS:
            raise MatrixParseError(f"unknown function {_shorten(name, 32)!r}; allowed: {', '.join(sorted(CALLS))}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise MatrixParseError(f"only plain positional arguments are allowed: {shown}")
        function, arity, takes_axis = CALLS[name]
        if not arity <= len(node.args) <= arity + takes_axis:
            wanted = f"{arity} matrix argument{'s' * (arity > 1)}" + (" and an optional axis 0 or 1" * takes_axis)
            raise MatrixParseError(f"{name} takes {wanted}, got {len(node.args)}: {shown}")
        args = [self.matrix(a, name) for a in node.args[:arity]]
        self.lift.update(a for a in args if not _is_leaf(a))
        if function is None:
            return elementwise(name, args[0])
        if len(node.args) > arity:
            return function(*args, self.axis(node.args[-1], shown))
        return function(*args)

    def axis(self, node, shown):
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (0, 1):
            return node.value
        raise MatrixParseError(f"an axis is the literal 0 (down each column) or 1 (along each row): {shown}")

    HANDLERS = {ast.Constant: constant, ast.Name: name, ast.Attribute: attribute, ast.UnaryOp: unary,
                ast.BinOp: binary, ast.Call: call}


def _is_leaf(e) -> bool:
    return e.op in ("node", "const", "identity") or (e.op == "transpose" and _is_leaf(e.args[0]))


def _written_size(expr) -> int:
    size = {}
    for e in expr.walk():
        size[e] = 1 + sum(size[a] for a in e.args)
    return size[expr]


def _build(source, tree, leaves):
    builder = _Builder(source, leaves)
    value = builder.build(tree)
    if not isinstance(value, Mat):
        raise MatrixParseError(f"the expression is a number, with no declared variable: {_shorten(source)}")
    if _written_size(value) > MAX_WRITTEN:
        raise MatrixParseError(f"expression too large once written out: more than {MAX_WRITTEN} operations")
    return value, builder.lift


def parse_matrix(text, leaves):
    """The :class:`~derive.matrix.expr.Mat` of ``text`` over ``leaves`` ({name: Mat leaf}).

    >>> from derive.matrix.expr import node_ref
    >>> o, y = node_ref('o', ('K', 1)), node_ref('y', ('K', 1), distribution=0)
    >>> print(parse_matrix("cross_entropy(o, y) + 1e-3*sqnorm(o)", {'o': o, 'y': y}))
    CE(o, y) + (1/1000)·‖o‖²
    >>> parse_matrix("o**3", {'o': o})
    Traceback (most recent call last):
    ...
    derive.matrix.parse.MatrixParseError: the only power is the elementwise square x**2: o**3
    """
    source, tree = _read(text)
    return _build(source, tree, leaves)[0]


def matrix_graph(text, shapes, wrt=(), labels=(), output="f"):
    """``(graph, output leaf)``: the declared leaves and the expression ``text`` as nodes of a Graph.

    ``shapes`` maps each variable to its shape; the names in ``wrt`` become
    parameters, the others inputs, and those in ``labels`` inputs whose entries
    sum to 1 along the class axis.  Each argument of a function, and each
    activation that a matrix product uses, becomes a node ``u1``, ``u2``, … as a
    textbook names z = W·x + b; the expression is the 1 × 1 node ``output``.

    >>> g, f = matrix_graph("cross_entropy(W @ x + b, y)", {'W': ('K', 'n'), 'x': ('n', 1),
    ...                     'b': ('K', 1), 'y': ('K', 1)}, wrt=['W', 'b'], labels=['y'])
    >>> print(g)
    inputs      x : (n × 1), y : (K × 1)
    parameters  W : (K × n), b : (K × 1)
      u₁ = W·x + b : (K × 1)
      f = CE(u₁, y) : (1 × 1)
    >>> for a in g.grad(f, [g['W'], g['b']]).program: print(a)
    f̄ = 1 : (1 × 1)
    ū₁ = f̄·(softmax(u₁) − y) : (K × 1)
    W̄ = ū₁·xᵀ : (K × n)
    b̄ = ū₁ : (K × 1)
    >>> matrix_graph("W @ x", {'W': ('m', 'n'), 'x': ('n', 1)}, wrt=['W'])
    Traceback (most recent call last):
    ...
    derive.matrix.parse.MatrixParseError: the expression is (m × 1); derive grad needs a scalar (1 × 1) expression: sum or norm it
    """
    from ..graph import Graph
    source, tree = _read(text)
    if len(shapes) > MAX_DECLARED:
        raise MatrixParseError(f"too many declared shapes: {len(shapes)} (limit {MAX_DECLARED})")
    shapes = {_declared_name(name): as_shape(shape) for name, shape in shapes.items()}
    dims = {d.name for shape in shapes.values() for d in shape if not isinstance(d, int)}
    clash = [name for name in shapes if name in dims]
    if clash:
        raise MatrixParseError(f"{clash[0]!r} is both a variable and a dimension; give them different names")
    for name in [*wrt, *labels]:
        _declared_name(name)
    both = [name for name in labels if name in wrt]
    if both:
        raise MatrixParseError(f"{both[0]!r} is labels (an input) and cannot be differentiated with --wrt")
    g = Graph()
    leaves = {name: g.param(name, shape=shape) if name in wrt else
              g.input(name, shape=shape, distribution=name in labels) for name, shape in shapes.items()}
    expr, lift = _build(source, tree, leaves)  # errors in the expression itself come first
    used = _names(tree)
    for name in [*wrt, *labels, *shapes]:
        if name not in used:
            flag = "--wrt" if name in wrt else "--labels" if name in labels else "--shape"
            raise MatrixParseError(f"{name!r} ({flag}) does not occur in the expression")
    if not expr.is_scalar:
        raise MatrixParseError(f"the expression is {shape_text(expr.shape)}; derive grad needs a scalar "
                               f"(1 × 1) expression: sum or norm it")
    taken = set(shapes) | dims
    names = (f"u{i}" for i in range(1, 10 ** 6) if f"u{i}" not in taken | {output})
    if output in taken:  # a variable called f: the loss is L (or J, or loss)
        output = next((n for n in ("L", "J", "loss") if n not in taken), None) or next(names)
    memo = {}
    for e in expr.walk():  # operands first: u1, u2, … in evaluation order
        new = tuple(memo[a] for a in e.args)
        memo[e] = e if new == e.args else make(e.op, *new, attr=e.attr)
        if e in lift and e is not expr and not _is_leaf(memo[e]):
            memo[e] = g.let(next(names), memo[e])
    return g, g.let(output, memo[expr])
