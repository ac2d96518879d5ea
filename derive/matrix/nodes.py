"""Matrix nodes in a :class:`~derive.graph.Graph`: shaped leaves, and nodes defined by matrix expressions.

>>> from derive.graph import Graph
>>> g = Graph()
>>> W, x = g.param('W', shape=(3, 2)), g.input('x', shape=(3, 1))
>>> g.let('z', W @ x)
Traceback (most recent call last):
...
derive.matrix.shapes.ShapeError: matrix product W·x: W is (3 × 2) and x is (3 × 1), so 2 ≠ 3
>>> z = g.let('z', W.T @ x)
>>> z, g.node('z').shape
(Mat(z : (2 × 1)), (2, 1))
"""
from __future__ import annotations

from ..symbols import symbol
from .expr import node_ref
from .shapes import ShapeError, as_shape


def matrix_leaf(graph, name, kind, size, shape, distribution, GraphError=ValueError):
    """Declare a matrix input or parameter; ``GraphError`` is the graph's error class (graph.py passes it)."""
    if size is not None:
        raise GraphError(f"{name!r}: give size= (a family of scalar nodes) or shape= (a matrix node), not both")
    if shape is None:
        raise GraphError(f"{name!r}: distribution=True needs a shape")
    shape = as_shape(shape)
    axis = None
    if distribution:
        if kind != "input":
            raise GraphError(f"{name!r}: only an input (labels) can be declared a distribution")
        axis = 0 if shape[1] == 1 else 1  # a column vector sums down its column; a batch along each row
    graph._add(name, kind, shape=shape)
    graph.node(name).distribution = axis
    return node_ref(name, shape, axis)


def matrix_let(graph, name, expr, GraphError=ValueError):
    """Define node ``name`` by the matrix expression ``expr`` of earlier matrix nodes; return its leaf."""
    parents = []
    for e in expr.walk():
        if e.op == "adjoint":
            raise GraphError(f"node {name!r}: an adjoint is not a node of the graph")
        if e.op == "scale":
            used = [s.name for s in e.attr.free_symbols if s in graph]
            if used:
                raise GraphError(f"node {name!r} multiplies by the node {used[0]!r} as a constant; "
                                 f"make it a matrix node of shape (1, 1)")
        if e.op != "node":
            continue
        if e.attr.name not in graph._by_name:
            raise GraphError(f"node {name!r} uses {e.attr.name!r}, which is not an earlier node of this graph")
        node = graph.node(e.attr.name)
        if node.shape != e.shape or node.distribution != e.attr.distribution:
            raise ShapeError(f"node {name!r} uses {e.attr.name!r} as {e.shape}, but the graph's node is {node.shape}")
        parents.append(symbol(e.attr.name))
    graph._add(name, "let", expr, sorted(set(parents), key=lambda s: s.name), shape=expr.shape)
    return node_ref(name, expr.shape)
