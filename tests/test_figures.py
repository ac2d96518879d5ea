"""The report's figures: every one renders, deterministically, legibly, for a proof that exists."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from derive import sigmoid
from derive.catalogue import discover, load_catalogue
from derive.graph import Graph
from derive.render import figures, graphs
from derive.render.figures import Figure, catalogue_figures, render, render_all
from derive.render.graphs import computation_graph_figure

load_catalogue()
from proofs.vanishing import FIGURE_SEEDS as SEEDS, chain_gradients  # noqa: E402  (derive's own proofs/, loaded above)

FIGURES = catalogue_figures()
NAMES = {"sigmoid", "depth", "learning-rate", "fitting", "penalties", "dropout", "temperature",
         "activations", "conv-size"}  # drawn on a page of the report's width; chain-graph sizes itself
ROOT = Path(__file__).resolve().parents[1]


def seed_chain():
    """The seed's formula (2) network: four sigmoid layers and C = (y₄ − y)²/2."""
    from derive.nets import sigmoid_chain
    return sigmoid_chain(depth=4)


def drawn(draw, size=figures.SIZE):
    """A figure drawn by ``draw(fig)`` and laid out on an Agg canvas, with its renderer."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    with matplotlib.rc_context(figures.STYLE):
        fig = figures.new_figure(size)
        draw(fig)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    return fig, canvas.get_renderer()


def texts(fig):
    from matplotlib.text import Text
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def inside(fig, renderer):
    """Does everything drawn (ticks in view, labels, legends, annotations) lie within the page?"""
    box = fig.get_tightbbox(renderer)  # inches
    width, height = fig.get_size_inches()
    return box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= width + 0.01 and box.y1 <= height + 0.01


def test_the_proofs_declare_the_ten_figures():
    assert set(FIGURES) == NAMES | {"chain-graph"}
    for name, spec in FIGURES.items():
        assert spec.name == name and callable(spec.draw)
        assert spec.caption.endswith(".") and len(spec.caption) > 40
    assert FIGURES["chain-graph"].size is None and FIGURES["chain-graph"].proof == "formula-2-chain-rule"


def test_the_library_does_not_import_the_catalogue_s_modules():
    for module in ("figures", "graphs", "report", "text", "latex"):
        source = (ROOT / "derive" / "render" / f"{module}.py").read_text()
        assert "import proofs" not in source and "from proofs" not in source


def test_every_figure_illustrates_a_proof_of_the_catalogue():
    registry = discover()
    missing = {name: spec.proof for name, spec in FIGURES.items() if spec.proof not in registry}
    assert not missing


def test_the_fitting_figure_says_it_replaces_the_missing_image():
    assert "img/过拟合和欠拟合.png" in FIGURES["fitting"].caption


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_figure_renders_to_the_same_pdf_twice(name, tmp_path):
    first = render(name, tmp_path / "a")
    second = render(name, tmp_path / "b")
    assert first == tmp_path / "a" / f"{name}.pdf"
    data = first.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert data == second.read_bytes(), "two renders differ: the figure is not deterministic"
    assert b"CreationDate" not in data and b"Producer" not in data
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and (float(box[1]), float(box[2])) == pytest.approx((72 * 5.5, 72 * 3.2))
    assert sorted(p.name for p in first.parent.iterdir()) == [f"{name}.pdf"]  # no temporary left


def test_every_figure_is_included_at_its_natural_size_and_fits_the_text_width(tmp_path):
    """The report prints figures unscaled (a 9 pt label at 9 pt), so none may be wider than the text."""
    from derive.render.report import TEXT_WIDTH, _figures
    assert r"\includegraphics{figures/x.pdf}" in _figures([("figures/x.pdf", "A caption.")])
    text_width = TEXT_WIDTH * 72 / 72.27  # TeX points to the PDF's big points
    assert 72 * figures.SIZE[0] <= text_width
    data = render("chain-graph", tmp_path).read_bytes()  # the one that sizes itself, the widest
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box and 72 * 4.5 <= float(box[1]) <= text_width


@pytest.mark.parametrize("name", ["depth", "temperature"])  # log-axis ticks and labels, all in mathtext
def test_one_shared_math_parser_leaves_the_pdf_byte_for_byte_the_same(name, tmp_path, monkeypatch):
    import contextlib
    from matplotlib import textpath
    matplotlib_init = textpath.TextToPath.__init__
    monkeypatch.setattr(figures, "_PARSES", None)  # a fresh store, made by the first save
    shared = render(name, tmp_path / "shared").read_bytes()
    assert len(figures._PARSES) > 0, "no formula went through the shared parser"
    assert textpath.TextToPath.__init__ is matplotlib_init  # matplotlib's own class, restored on leaving
    monkeypatch.setattr(figures, "_one_math_parser", contextlib.nullcontext)
    assert render(name, tmp_path / "own").read_bytes() == shared


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_figure_has_legible_unclipped_text_and_labelled_axes(name):
    fig, renderer = drawn(FIGURES[name].draw)
    shown = texts(fig)
    assert shown
    small = [(t.get_text(), t.get_fontsize()) for t in shown if t.get_fontsize() < 9]
    assert not small, f"text below 9 pt: {small}"
    assert inside(fig, renderer), "something is clipped at the edge of the page"
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_title()
    assert any(ax.get_legend() for ax in fig.axes) or fig.legends


def test_render_all_selects_by_proof_and_reports_progress(tmp_path):
    seen = []
    paths = render_all(tmp_path, proofs=["sigmoid-derivative-max", "dropout-unbiased", "no-such-proof"],
                       progress=seen.append)
    assert seen == ["sigmoid", "dropout"]
    assert paths == [tmp_path / "sigmoid.pdf", tmp_path / "dropout.pdf"]
    assert render_all(tmp_path / "none", proofs=[]) == []


def test_render_rejects_an_unknown_name(tmp_path):
    with pytest.raises(KeyError, match="no figure called"):
        render("no-such-figure", tmp_path)


def test_a_failing_drawing_leaves_neither_a_file_nor_a_temporary(tmp_path, monkeypatch):
    def broken(fig):
        fig.add_subplot().plot([0, 1])
        raise RuntimeError("boom")
    (tmp_path / "broken.pdf").write_bytes(b"old")
    with pytest.raises(RuntimeError, match="boom"):
        render(Figure("broken", "Broken.", broken, proof="sigmoid-derivative"), tmp_path)
    assert (tmp_path / "broken.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.pdf"]


def test_a_failing_save_keeps_the_old_file(tmp_path, monkeypatch):
    from matplotlib.figure import Figure as MplFigure
    (tmp_path / "sigmoid.pdf").write_bytes(b"old")

    def refuse(self, *args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(MplFigure, "savefig", refuse)
    with pytest.raises(OSError):
        render("sigmoid", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sigmoid.pdf"]
    assert (tmp_path / "sigmoid.pdf").read_bytes() == b"old"


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, derive, derive.render.figures, derive.render.graphs; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"


# -- the depth figure's numbers -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sigmoid", "relu", "residual"])
def test_chain_gradients_agree_with_the_graph_reverse_pass(kind):
    """Width 1 is the scalar chain: compare with derive.graph's compiled reverse pass."""
    from derive import relu
    depth, seed = 5, 3
    grads, _ = chain_gradients(kind, depth=depth, width=1, seed=seed)
    rng = np.random.default_rng(seed)
    weights = rng.normal(0.0, np.sqrt(2.0 if kind == "relu" else 1.0), depth)
    x0, u = rng.normal(), np.sign(rng.normal())
    for n in range(1, depth + 1):
        g = Graph()
        x = g.input("x_1")
        for i in range(1, n + 1):
            z = g.let(f"z_{i}", g.param(f"w_{i}") * x + g.param(f"b_{i}"))
            if kind == "residual":
                x = g.let(f"x_{i + 1}", x + sigmoid(z))
            else:
                x = g.let(f"x_{i + 1}", (relu if kind == "relu" else sigmoid)(z))
        C = g.let("C", float(u) * x)
        points = {g["x_1"]: x0, **{g[f"w_{i}"]: weights[i - 1] for i in range(1, n + 1)},
                  **{g[f"b_{i}"]: 0.0 for i in range(1, n + 1)}}
        _, d = g.grad(C, g["b_1"]).numeric()(points)
        assert abs(float(d[g["b_1"]])) == pytest.approx(grads[n - 1], rel=1e-12, abs=1e-300)


def test_the_depth_figure_shows_what_its_caption_says():
    runs = {k: [chain_gradients(k, seed=s) for s in SEEDS] for k in ("sigmoid", "relu", "residual")}
    for g, bound in runs["sigmoid"]:
        assert np.all(g <= bound * (1 + 1e-12))  # the (1/4)ⁿ∏‖Wᵢ‖ bound holds
    median = {k: np.median([g for g, _ in r], axis=0) for k, r in runs.items()}
    assert median["sigmoid"][-1] < 1e-12 * median["sigmoid"][0]
    assert 1e-2 < median["relu"][-1] < 1e2 and 1e-2 < median["residual"][-1] < 1e2


# -- the computation graph ----------------------------------------------------------------------


def test_the_seed_chain_graph_renders_deterministically(tmp_path):
    g, C = seed_chain()
    first = computation_graph_figure(g, C, g["b_1"], tmp_path / "a" / "chain.pdf")
    second = computation_graph_figure(g, C, g["b_1"], tmp_path / "b" / "chain.pdf")
    data = first.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000
    assert data == second.read_bytes()


def test_the_seed_chain_graph_is_laid_out_with_its_local_derivatives():
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    g, C = seed_chain()
    with matplotlib.rc_context(figures.STYLE):
        fig = graphs.graph_drawing(g, C, g["b_1"])
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    shown = texts(fig)
    assert all(t.get_fontsize() >= 9 for t in shown)
    assert inside(fig, canvas.get_renderer())
    gids = [((t.get_gid() or "").split(), t) for t in shown]
    node = {gid[1]: t for gid, t in gids if gid[:1] == ["node"]}
    edge = {tuple(gid[1:]): t.get_text() for gid, t in gids if gid[:1] == ["edge"]}
    assert set(node) == {n.name for n in g.nodes}
    assert node["z_3"].get_text() == "$z_{3}$"
    assert len(edge) == 18  # 3 into each zᵢ, 1 into each xᵢ₊₁ (y₄), 2 into C
    for i in range(1, 5):
        out = f"x_{i + 1}" if i < 4 else "y_4"
        assert edge[(out, f"z_{i}")] == f"$\\sigma'\\left(z_{{{i}}}\\right)$"  # σ′(zᵢ), the textbook's way
        assert edge[(f"z_{i}", f"b_{i}")] == "$1$"
        assert edge[(f"z_{i}", f"w_{i}")] == ("$x_{1}$" if i == 1 else f"$x_{{{i}}}$")
        assert edge[(f"z_{i}", "x_1" if i == 1 else f"x_{i}")] == f"$w_{{{i}}}$"
    assert edge[("C", "y_4")] == "$y_{4} - y$" and edge[("C", "y")] == "$y - y_{4}$"
    # the path b₁ → z₁ → x₂ → … → C lies on one row, left to right, drawn in red; the rest is not red
    path = ["b_1", "z_1", "x_2", "z_2", "x_3", "z_3", "x_4", "z_4", "y_4", "C"]
    positions = [node[n].get_position() for n in path]
    assert len({y for _, y in positions}) == 1
    assert [x for x, _ in positions] == sorted(set(x for x, _ in positions))
    red = {n for n, t in node.items() if t.get_bbox_patch().get_edgecolor()[0] > 0.5 >
           t.get_bbox_patch().get_edgecolor()[1]}
    assert red == set(path)


def test_edge_labels_fall_back_when_too_long():
    g = Graph()
    x = g.input("x")
    h = g.let("h", x + x ** 3 * sigmoid(x) ** 2)
    label = graphs._edge_label(g, h, x)
    assert label == r"$\partial h/\partial x$"


def test_the_report_draws_its_figures_in_a_worker_exactly_as_here(monkeypatch):
    from derive import limits
    from derive.render import report
    ids = {"sigmoid-derivative-max", "learning-rate-quadratic"}
    here = report._render_figures(report._figure_specs(ids))
    assert [name for name, _ in here] == ["figures/learning-rate.pdf", "figures/sigmoid.pdf"]
    drawn = report._Figures(ids, lambda message: None)
    assert drawn.files() == here
    assert drawn.captions == {spec.proof: [(f"figures/{spec.name}.pdf", spec.caption)]
                              for spec in report._figure_specs(ids)}

    class Failed:  # a worker that crashed: the figures are drawn here instead
        def outcome(self):
            return limits.Outcome(False, reason="worker crashed (signal 9)")

        def cancel(self):
            pass

    monkeypatch.setattr(limits, "start_limited", lambda *args, **kwargs: Failed())
    assert report._Figures(ids, lambda message: None).files() == here
