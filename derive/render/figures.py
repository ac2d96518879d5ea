"""The report's figures: each proof declares its own; this module draws them as vector PDF.

A proof lists its figures in its ``figures`` attribute, a tuple of
:class:`Figure` (file stem, caption, drawing function); the drawing functions
live in the proof's module in ``proofs/``.  :func:`catalogue_figures` collects
them through the catalogue's registry (it never imports a proof by name),
:func:`render` writes one figure, :func:`render_all` several.  matplotlib
(Agg) is imported inside the functions, so ``import derive`` stays quick.

Every figure is deterministic: seeded generators, fixed sizes and fonts, and
PDF metadata without dates or version strings, so two renders are identical
byte for byte.

>>> shown = catalogue_figures()
>>> len(shown), shown["sigmoid"].proof
(10, 'sigmoid-derivative-max')
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

SIZE = (5.5, 3.2)  # inches: a figure at the report's text width
METADATA = {"CreationDate": None, "Creator": None, "Producer": None}
STYLE = {"font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9,
         "legend.fontsize": 9, "legend.framealpha": 0.9, "lines.linewidth": 1.6, "axes.grid": True,
         "grid.alpha": 0.3, "pdf.fonttype": 3, "pdf.compression": 6, "mathtext.fontset": "dejavusans"}


@dataclass(frozen=True)
class Figure:
    """A figure a proof declares: file stem, caption, and ``draw(fig)`` filling a figure of ``size`` inches.

    With ``size=None``, ``draw()`` takes nothing and returns a figure it sized itself (a
    computation graph).  ``proof`` is the id of the proof that declares it, set by
    :func:`catalogue_figures`.
    """

    name: str
    caption: str
    draw: Callable
    size: tuple | None = SIZE
    proof: str = ""


def catalogue_figures(proofs=None) -> dict:
    """{file stem: :class:`Figure`} of every proof of the catalogue (of those in ``proofs`` when given).

    The figures come in the catalogue's order, through its registry; a stem may be used once.
    """
    from ..catalogue import discover
    found = {}
    for pid, cls in discover().items():
        if proofs is not None and pid not in proofs:
            continue
        for spec in cls.figures:
            if spec.name in found:
                raise ValueError(f"two figures are called {spec.name!r}")
            found[spec.name] = replace(spec, proof=pid)
    return found


def save_pdf(fig, path) -> Path:
    """Write ``fig`` to ``path`` as PDF atomically: a temporary file beside it, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".pdf", dir=path.parent)
    os.close(fd)  # savefig reopens it by name
    try:
        with _one_math_parser():
            fig.savefig(tmp, format="pdf", metadata=METADATA)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is not
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


_PARSES = None  # a derive.memo.Memo: (formula, dpi, font, antialiased) -> its parse, for every save_pdf
_MAX_PARSES = 4096


@contextlib.contextmanager
def _one_math_parser():
    """Every renderer made inside shares one mathtext parser, which parses each formula once.

    matplotlib gives each renderer a parser of its own (``TextToPath.mathtext_parser``), and a parse
    cached by one is not found by the next: savefig with a layout engine makes two renderers (the
    layout, then the page), so every label and log-axis tick was parsed at least twice per figure,
    1–1.5 s of the ten figures' 8 s here.  A parse depends only on the formula, dpi, font and antialiasing,
    and is only read, so the figures come out byte for byte the same
    (tests/test_figures.py compares them with a render without it).  matplotlib's own class is
    restored on leaving.
    """
    global _PARSES
    from matplotlib import rcParams, textpath
    from matplotlib.mathtext import MathTextParser
    init = textpath.TextToPath.__init__
    if getattr(init, "shares_parses", False):  # already inside
        yield
        return
    if _PARSES is None:  # made here, not at import: importing this module imports neither SymPy nor matplotlib
        from ..memo import Memo
        _PARSES = Memo(_MAX_PARSES)
    parser, kept = MathTextParser("path"), _PARSES
    parse = parser.parse

    def parse_once(s, dpi=72, prop=None, *, antialiased=None):
        key = (s, dpi, prop.copy() if prop is not None else None,  # a copy: FontProperties is mutable
               rcParams["text.antialiased"] if antialiased is None else antialiased)
        return kept.get_or_make(key, lambda: parse(s, dpi, prop, antialiased=antialiased))

    parser.parse = parse_once

    def shared(self):
        init(self)
        self.mathtext_parser = parser

    shared.shares_parses = True
    textpath.TextToPath.__init__ = shared
    try:
        yield
    finally:
        textpath.TextToPath.__init__ = init


def new_figure(size):
    """An empty matplotlib figure outside pyplot's global state (no figure manager, no leaks).

    >>> new_figure(SIZE).get_size_inches().tolist()
    [5.5, 3.2]
    """
    from matplotlib.figure import Figure as MplFigure
    return MplFigure(figsize=size, layout="constrained")


def drawn(spec):
    """The matplotlib figure of ``spec``, drawn in :data:`STYLE` outside pyplot (a notebook's backend is left alone).

    >>> drawn(Figure("line", "A line.", lambda fig: fig.add_subplot().plot([0, 1]))).get_size_inches().tolist()
    [5.5, 3.2]
    """
    import matplotlib
    with matplotlib.rc_context(STYLE):
        if spec.size is None:
            return spec.draw()
        fig = new_figure(spec.size)
        spec.draw(fig)
        return fig


def render(figure, directory) -> Path:
    """Draw ``figure`` (a :class:`Figure` or the stem of one in the catalogue) into ``directory/stem.pdf``."""
    if isinstance(figure, str):
        known = catalogue_figures()
        if figure not in known:
            raise KeyError(f"no figure called {figure!r}; known: {', '.join(known)}")
        figure = known[figure]
    import matplotlib
    with matplotlib.rc_context(STYLE):
        return save_pdf(drawn(figure), Path(directory) / f"{figure.name}.pdf")


def render_all(directory, proofs=None, progress=None) -> list[Path]:
    """Render every figure of the catalogue (only those of the proof ids in ``proofs`` when given).

    ``progress(name)`` is called before each figure is drawn.
    """
    paths = []
    for spec in catalogue_figures(None if proofs is None else set(proofs)).values():
        if progress is not None:
            progress(spec.name)
        paths.append(render(spec, directory))
    return paths
