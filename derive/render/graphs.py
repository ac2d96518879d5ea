"""Drawings of a :class:`~derive.graph.Graph`: Graphviz DOT text and a matplotlib figure.

Both label each edge with its local derivative ∂child/∂parent (the textbook's
``σ′(z₄)`` for a table function) and mark in red the paths from ``wrt`` to the
output.  :meth:`Graph.to_dot <derive.graph.Graph.to_dot>` and
:meth:`Graph.draw <derive.graph.Graph.draw>` are one-line delegates to
:func:`to_dot` and :func:`draw`; the report draws the seed's chain with
:func:`computation_graph_figure`.  matplotlib is imported only when drawing.

>>> from derive.graph import Graph
>>> g = Graph(); w, x = g.param('w'), g.input('x')
>>> to_dot(g, g.let('f', w * x), wrt=w).splitlines()[-3]
'  "w" -> "f" [label="x", color="#d62728", penwidth=2];'
"""
from __future__ import annotations

from pathlib import Path

from . import latex as tex
from .figures import STYLE, new_figure, save_pdf
from .printing import latex, text
from .text import edge_label

FILLS = {"input": "white", "param": "#dcebf7", "let": "#eeeeee"}  # a node's colour by its kind
RED = "#d62728"


def _dot_string(s):
    """``s`` as a double-quoted DOT string: backslashes, quotes and newlines escaped."""
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(graph, output=None, wrt=None) -> str:
    """The graph in Graphviz DOT, each edge labelled with its local derivative ∂child/∂parent.

    ``output`` (default: the last node defined) limits the drawing to its
    ancestors; the paths from ``wrt`` (a node or a list) to it are red.
    Labels are :func:`derive.render.text.edge_label`, with quotes and
    backslashes escaped.  Render with ``dot -Tsvg``; nothing here needs Graphviz.
    """
    output = graph._last(output)
    keep = graph.ancestors(output)
    hot = graph._on_path(output, wrt)
    red = f', color="{RED}", penwidth=2'
    lines = ["digraph derive {", "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];',
             '  edge [fontname="DejaVu Sans", fontsize=10];']
    for n in graph.nodes:
        if n.symbol in keep:
            tip = "" if n.expr is None else ", tooltip=%s" % _dot_string(
                "%s = %s" % (text(n.symbol), text(n.expr)))
            lines.append("  %s [label=%s%s, fillcolor=\"%s\"%s];" % (
                _dot_string(n.name), _dot_string(text(n.symbol)), tip, FILLS[n.kind],
                red if n.symbol in hot else ""))
    for p, c in graph.edges(output):
        lines.append("  %s -> %s [label=%s%s];" % (
            _dot_string(p.name), _dot_string(c.name), _dot_string(edge_label(graph, c, p)),
            red if p in hot and c in hot else ""))
    lines.append("}")
    return "\n".join(lines)


def draw(graph, output=None, wrt=None):
    """A matplotlib drawing of the graph with the local derivatives on the edges; returns the Figure.

    The same drawing as the report's (:func:`graph_drawing`): the ancestors of
    ``output`` (default: the last node defined), the paths from ``wrt`` (a node
    or a list) in red.  Save it with ``fig.savefig("graph.pdf")``; Jupyter
    shows it (as PNG) when it is the last value of a cell.

    >>> from derive.graph import Graph
    >>> g = Graph(); w, x = g.param('w'), g.input('x'); _ = g.let('f', w * x)
    >>> draw(g, wrt=w).axes[0].get_title()[:12]
    'Edges: ∂chil'
    """
    import matplotlib
    output = graph._last(output)
    with matplotlib.rc_context(STYLE):
        fig = graph_drawing(graph, output, [] if wrt is None else wrt)
        if wrt is None:
            fig.axes[0].set_title("Edges: the local derivatives ∂child/∂parent", fontsize=9)
    # The figure is made without pyplot, so no backend displays it by itself: give it
    # the PNG that Jupyter shows for the last value of a cell (IPython's _repr_png_).
    fig._repr_png_ = lambda: _png(fig)
    return fig


def _png(fig):
    """The figure as PNG bytes, at a resolution for the screen."""
    import io
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()



def _layout(graph, nodes):
    """Column of each node: 1 + the deepest parent for a computed node; a leaf just left of its first use."""
    depth = {}
    for node in graph.nodes:
        if node.symbol in nodes and node.kind == "let":
            depth[node.symbol] = 1 + max((depth.get(p, 0) for p in node.parents if p in nodes), default=0)
    for node in graph.nodes:
        if node.symbol in nodes and node.kind != "let":
            uses = [depth[c] for c in graph.children(node.symbol) if c in depth]
            depth[node.symbol] = min(uses) - 1 if uses else 0
    return depth


def _spine(graph, output, allowed):
    """The longest chain of ``allowed`` nodes ending at ``output``: the nodes drawn on row 0."""
    length, before = {}, {}
    for node in graph.nodes:
        if node.symbol in allowed:
            best = max((p for p in node.parents if p in length), key=lambda p: length[p], default=None)
            length[node.symbol] = 0 if best is None else length[best] + 1
            before[node.symbol] = best
    chain, s = [], output
    while s is not None:
        chain.append(s)
        s = before.get(s)
    return chain


def _rows(columns, main):
    """Row of each node: ``main`` on row 0, the others of each column alternately above and below."""
    row = {s: 0 for s in main}
    for col in sorted(columns):
        slot = 0
        for s in [s for s in columns[col] if s not in row]:
            slot = row[s] = -slot + 1 if slot <= 0 else -slot
    return row


def _edge_label(graph, child, parent):
    """The local derivative ∂child/∂parent as mathtext (σ′(z₄) for a table function), short."""
    from matplotlib.mathtext import MathTextParser
    if graph.node(child).shape is not None:  # a matrix node: the adjoint that flows back, as text
        from .text import edge_label
        shown = edge_label(graph, child, parent)
        return shown if len(shown) <= 14 else r"$\partial %s/\partial %s$" % (latex(child), latex(parent))
    value = graph.local(child, parent)
    rule = graph.unary_rule(child)
    label = tex.prime(rule, parent) if rule else latex(value)
    if not rule and len(text(value)) > 14:  # too long for an edge: name it instead
        label = r"\partial %s/\partial %s" % (latex(child), latex(parent))
    try:
        MathTextParser("path").parse(f"${label}$")
    except ValueError:
        return text(value)
    return f"${label}$"


def computation_graph_figure(graph, output, wrt, path) -> Path:
    """Draw ``graph`` left to right, local derivatives on the edges, into a PDF at ``path`` (atomically).

    The ancestors of ``output`` are drawn; the paths from ``wrt`` (a node or a list) to it are in red.

    >>> import tempfile, pathlib
    >>> from derive.graph import Graph
    >>> g = Graph(); w, x = g.param('w'), g.input('x'); f = g.let('f', w * x)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     computation_graph_figure(g, f, w, pathlib.Path(tmp) / "g.pdf").read_bytes()[:4]
    b'%PDF'
    """
    import matplotlib
    with matplotlib.rc_context(STYLE):
        return save_pdf(graph_drawing(graph, output, wrt), path)


def graph_drawing(graph, output, wrt):
    """The matplotlib figure of :func:`computation_graph_figure` (call it inside ``rc_context(STYLE)``)."""
    wrt = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
    nodes, reached = graph.ancestors(output), set(wrt)
    for node in graph.nodes:
        if any(p in reached for p in node.parents):
            reached.add(node.symbol)
    on_path, depth, columns = reached & nodes, _layout(graph, nodes), {}
    for s in (n.symbol for n in graph.nodes if n.symbol in nodes):
        columns.setdefault(depth[s], []).append(s)
    row = _rows(columns, _spine(graph, output, on_path or nodes))
    ncols, nrows = max(columns) + 1, max(row.values()) - min(row.values()) + 1
    fig = new_figure((min(6.5, max(4.5, 0.9 + 0.62 * ncols)), 0.9 + 0.62 * nrows))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set(xlim=(-0.5, ncols - 0.5), ylim=(min(row.values()) - 0.5, max(row.values()) + 0.5))
    boxes = {}
    for s in sorted(nodes, key=lambda s: (depth[s], row[s])):
        frame = dict(boxstyle="round,pad=0.3", fc=FILLS[graph.node(s).kind], ec="C3" if s in on_path else "0.3",
                     lw=1.6 if s in on_path else 0.8)
        boxes[s] = ax.text(depth[s], row[s], f"${latex(s)}$", ha="center", va="center", fontsize=10, zorder=3,
                           gid=f"node {s.name}", bbox=frame)
    for c in (n.symbol for n in graph.nodes if n.symbol in nodes and n.kind == "let"):
        for p in graph.node(c).parents:
            hot = p in on_path and c in on_path
            ax.annotate("", xy=(depth[c], row[c]), xytext=(depth[p], row[p]), zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color="C3" if hot else "0.35", lw=1.5 if hot else 0.8,
                                        patchA=boxes[p].get_bbox_patch(), shrinkA=2,
                                        patchB=boxes[c].get_bbox_patch(), shrinkB=2))
            # a flat edge's label above its last gap; a slanted one's 0.6 rows from the child's row
            rise = row[p] - row[c]
            t = 1 - 0.5 / (depth[c] - depth[p]) if rise == 0 else 1 - 0.6 / abs(rise)
            x = depth[p] + t * (depth[c] - depth[p])
            y = row[p] - t * rise + (0.3 if rise == 0 else 0)
            ax.text(x, y, _edge_label(graph, c, p), ha="center", va="center", fontsize=9,
                    color="C3" if hot else "0.15", zorder=2, gid=f"edge {c.name} {p.name}",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.85))
    names = ", ".join(f"${latex(w)}$" for w in wrt)
    ax.set_title(f"Edges: ∂child/∂parent.  Red: the paths from {names} to ${latex(output)}$", fontsize=9)
    return fig
