"""LaTeX/PDF derivation reports: ``derive report``.

:func:`build_tex` turns catalogue results into one deterministic ``.tex``
file: a title page, contents, a summary table (linked to each proof, with its
page), one section per proof (the source passage it checks, typeset, with its
section and lines; the statement; the numbered derivation with a
justification for every step; a verdict box; the counterexample and
correction of an erratum; the numeric evidence; figures), an appendix with
the formulas too long for a line given whole, and an appendix of the errata.

Text reaches LaTeX only through :func:`derive.render.escape.escape` (the
catalogue's prose through :func:`derive.render.rich.to_latex`, which reads its
``$…$`` maths with the safe reader), formulas only through the printers and
:mod:`derive.render.layout`, which breaks a long formula into lines rather
than scale it.  Every formula is set at the body's size.  The source's
passages come from :mod:`derive.render.passage`.  Compiling is
:mod:`derive.render.compile`'s; :class:`derive.render.output.OutputFolder`
writes the files all or nothing.

>>> from derive.catalogue import Result
>>> r = Result("demo", "1 损失函数", "A demo", "x = x", "E(θ)", "proved", "proved", False, None)
>>> tex = build_tex([r], title="50% & $x_1$")
>>> r"50\\% \\& \\$x\\_1\\$" in tex and r"\\section{\\texorpdfstring{A demo}{A demo}}" in tex
True
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import rich
from .compile import (COMPILE_SECONDS, PDF_NAME, TEX_NAME, Compiled, compile_pdf, has_cjk,  # noqa: F401
                      interrupts_deferred, tex_available, scratch_folder)
from .escape import CJK_RUN, MissingGlyph, escape
from .layout import Named, break_relation, definitions, width
from .output import OutputFolder
from .parallel import map_in_workers
from .passage import locate
from .passage import to_latex as passage_latex
from .printing import latex

FIGURE_DIR = "figures"
DEFAULT_TITLE = "Derivations and verdicts for the study notes on deep learning"
SUBJECT = "Symbolic derivations, proofs and refutations of the formulas of a deep-learning study note"
KEYWORDS = "deep learning, backpropagation, chain rule, SymPy, proof, counterexample, errata"
TEXLIVE_HINT = ("the PDF needs TeX Live; on Debian or Ubuntu: sudo apt-get install texlive-latex-base "
                "texlive-latex-recommended lmodern latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp")
VERDICT_COLOURS = {"proved": "green!45!black", "refuted": "red!70!black", "supported": "blue!60!black",
                   "demonstrated": "teal!70!black", "unknown": "orange!80!black"}
TEXT_WIDTH = 472.0     # points: A4 less two 2.2 cm margins
FORMULA_COLUMN = 262.0  # the step table's formula column; wider formulas take a full-width row
WHY_COLUMN = 150.0
FULL_ROW = FORMULA_COLUMN + WHY_COLUMN + 12.0
PDF_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
                "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _text(value) -> str:
    """Escaped text, each run of Chinese marked ``\\zh`` (the body is one CJK environment)."""
    return CJK_RUN.sub(lambda run: r"\zh{%s}" % run.group(), escape(value))


def _prose(markup) -> str:
    """The catalogue's prose (markup with ``$…$`` maths) as text-mode LaTeX."""
    return rich.to_latex(str(markup), text=_text)


def pdf_string(markup) -> str:
    r"""A bookmark's or the PDF metadata's text: Unicode, its TeX specials made literal for hyperref.

    >>> print(pdf_string(r"$x \le 1$ & 50%"))
    x \unichar{"2264} 1 \& 50\%
    """
    return "".join(PDF_SPECIALS.get(c, c) if c.isascii() else r'\unichar{"%04X}' % ord(c)
                   for c in rich.to_text(str(markup)) if c.isprintable())


def _id(pid) -> str:
    """A proof id in typewriter type that may break after each hyphen."""
    return r"\texttt{%s}" % r"-\allowbreak{}".join(escape(part) for part in str(pid).split("-"))


PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\input{glyphtounicode}\pdfgentounicode=1
\usepackage{lmodern}
\usepackage[T1]{fontenc}
\usepackage{textcomp}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{longtable,booktabs,array}
\usepackage[table]{xcolor}
%% \needspace{<length>}: break the page here unless <length> is left on it (the glue-and-penalty
%% technique of needspace.sty, defined here because that package ships in texlive-latex-extra).
\makeatletter
\newcommand{\needspace}[1]{\par\begingroup\setlength{\dimen@}{#1}%%
  \vskip\z@\@plus\dimen@\penalty-100\vskip\z@\@plus-\dimen@
  \vskip\dimen@\penalty9999\vskip-\dimen@\vskip\z@skip\endgroup}
\makeatother
\usepackage{CJK}
\usepackage[unicode,hidelinks,bookmarksnumbered,bookmarksopen]{hyperref}
\hypersetup{pdftitle={%(title)s}, pdfsubject={%(subject)s}, pdfkeywords={%(keywords)s}, pdfauthor={derive},
  pdfcreator={derive}}
%% CJK.sty, not CJKutf8: CJKutf8's ToUnicode maps leak onto Latin fonts and garble their text.
%% The whole body is one CJK environment (DOCUMENT_START): each \begin{CJK} reads UTF8.enc and UTF8.chr
%% again, and a CJK environment per Chinese run took 40 %% of a pdflatex pass. Every other character
%% reaches the body as an ASCII command (escape), so only Chinese meets CJK's active bytes; \zh marks a run.
\DeclareRobustCommand{\zh}[1]{#1}
\tracinglostchars=2
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\setlength{\emergencystretch}{2em}
\renewcommand{\topfraction}{0.85}\renewcommand{\bottomfraction}{0.6}
\renewcommand{\textfraction}{0.1}\renewcommand{\floatpagefraction}{0.8}
\newcommand{\verdictbox}[3]{\par\noindent\fcolorbox{#1}{#1!8}{\parbox{\dimexpr\linewidth-2\fboxsep-2\fboxrule}{\raggedright\textbf{\textcolor{#1}{#2}}\quad #3}}\par}
\newcommand{\heading}[1]{\par\needspace{5\baselineskip}\paragraph{#1}}
"""
DOCUMENT_START = "\\begin{document}\n\\begin{CJK}{UTF8}{gbsn}\n"  # CJK: nothing after \begin{CJK} on its line
DOCUMENT_END = "\\end{CJK}\n\\end{document}\n"


def _title_page(title, results):
    counts = {s: sum(r.status == s for r in results) for s in VERDICT_COLOURS}
    shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    errata = sum(r.erratum for r in results)
    return "\n".join([
        r"\begin{titlepage}\centering\vspace*{3cm}",
        r"{\LARGE\bfseries %s\par}\vspace{1cm}" % _text(title),
        r"{\large Generated by \texttt{derive}: every formula derived with SymPy, proved or refuted with "
        r"a certificate, and cross-checked numerically.\par}\vspace{1cm}",
        r"{\large %d proofs: %s.\par}" % (len(results), escape(shown)),
        r"{\large %d %s found in the source text.\par}" % (errata, "erratum" if errata == 1 else "errata"),
        r"\vfill{\small Source: Chinese study notes on loss functions, backpropagation, regularisation, "
        r"softmax and convolution (\texttt{proofs/seed.md}); each proof quotes the passage it checks.\par}",
        r"\end{titlepage}", r"\tableofcontents\clearpage",
    ])


def _summary(results):
    rows = [r"\section*{Summary}\addcontentsline{toc}{section}{Summary}",
            r"Errata (statements of the source text that are wrong or imprecise) are marked "
            r"\textbf{\textcolor{red!70!black}{erratum}}.  Each id links to its proof.",
            r"\begin{longtable}{@{}>{\raggedright}p{3.5cm} >{\raggedright}p{3.0cm} >{\raggedright}p{4.9cm} "
            r">{\raggedright}p{2.4cm} >{\raggedleft\arraybackslash}p{0.9cm}@{}}",
            r"\toprule id & section & title & verdict & page \\ \midrule \endhead"]
    for r in results:
        mark = r" \textbf{\textcolor{red!70!black}{erratum}}" if r.erratum else ""
        rows.append(r"\hyperref[proof:%s]{%s} & %s & %s & \textcolor{%s}{%s}%s & \pageref{proof:%s} \\" % (
            escape(r.id), _id(r.id), _text(r.section), _prose(r.title), VERDICT_COLOURS[r.status], r.status,
            mark, escape(r.id)))
    rows.append(r"\bottomrule\end{longtable}")
    return "\n".join(rows)


def _sides(relation):
    """(lhs, op, rhs) of a step's relation, or None for a sentence."""
    if type(relation).__name__ == "Rel":
        return relation.lhs, relation.op, relation.rhs
    if isinstance(relation, sp.core.relational.Relational):
        return relation.lhs, relation.rel_op.replace("==", "="), relation.rhs
    return None


def _step_row(i, step, named):
    """One step: formula and reason side by side, or the reason then the formula on a full-width row."""
    why = r"{\itshape %s}" % _prose(step.why)
    relation = step.relation
    sides = _sides(relation)
    if isinstance(relation, str):
        return r"(%d) & %s & %s \\[2pt]" % (i, _prose(relation), why)
    if type(relation).__name__ == "Phrase":
        return _phrase_row(i, relation, why, named)
    if sides is None:
        sides = (None, "", relation)
    lhs, op, rhs = sides
    if lhs is None:
        tex, _ = break_relation("", "", rhs, FORMULA_COLUMN, None)
        tex = tex.strip()
        if width(tex) > FORMULA_COLUMN:
            tex, _ = break_relation("", "", rhs, FULL_ROW - 40, named)
    else:
        tex, _ = break_relation(lhs, op, rhs, FORMULA_COLUMN, None)
    if width(tex) <= FORMULA_COLUMN:
        return r"(%d) & $\displaystyle %s$ & %s \\[2pt]" % (i, tex, why)
    if lhs is not None:
        tex, _ = break_relation(lhs, op, rhs, FULL_ROW - 40, named)
    full = r"\multicolumn{2}{>{\raggedright\arraybackslash}p{%dpt}}" % FULL_ROW
    return (r"(%d) & %s{%s} \\*" % (i, full, why) + "\n" +
            r" & %s{\hspace*{1em}$\displaystyle %s$} \\[4pt]" % (full, tex))


def _phrase_row(i, phrase, why, named):
    """A step in words and formulas; one whose formula is too wide for the column gets a full-width row,
    each formula in it broken to fit."""
    maths = [part for part in phrase if not isinstance(part, str)]
    if all(width(latex(part)) <= FORMULA_COLUMN - 40 for part in maths):
        return r"(%d) & %s & %s \\[2pt]" % (i, phrase.latex(_text, r"$\displaystyle %s$"), why)
    shown = []
    for part in phrase:
        if isinstance(part, str):
            shown.append(_text(part))
            continue
        lhs, op, rhs = _sides(part) or ("", "", part)
        tex, _ = break_relation(lhs, op, rhs, FULL_ROW - 40, named)
        shown.append(r"$\displaystyle %s$" % tex.strip())
    full = r"\multicolumn{2}{>{\raggedright\arraybackslash}p{%dpt}}" % FULL_ROW
    return (r"(%d) & %s{%s} \\*" % (i, full, why) + "\n" +
            r" & %s{\hspace*{1em}%s} \\[4pt]" % (full, "".join(shown)))


def _steps(steps, named):
    if not steps:
        return r"\emph{No derivation steps.}"
    rows = [r"\begin{longtable}{@{}r >{\raggedright}p{%dpt} >{\raggedright\arraybackslash}p{%dpt}@{}}" % (
        FORMULA_COLUMN, WHY_COLUMN)]
    rows += [_step_row(i, step, named) for i, step in enumerate(steps, 1)]
    rows.append(r"\end{longtable}")
    return "\n".join(rows)


def _number(value):
    if isinstance(value, str):
        return escape(value)
    return "0" if value == 0 else escape(f"{value:.2e}")


def _evidence(evidence):
    if not evidence:
        return r"\emph{No numeric evidence.}"
    rows = [r"\begin{longtable}{@{}>{\raggedright}p{4.6cm} r r r >{\raggedright}p{3.6cm} l@{}}",
            r"\toprule method & points & max abs err & max rel err & tolerance & agrees \\ \midrule"]
    for e in evidence:
        rows.append(r"%s & %d & %s & %s & %s & %s \\" % (
            _prose(e.method), e.points, _number(e.max_abs_err), _number(e.max_rel_err),
            _prose(e.tolerance), "yes" if e.passed else r"\textbf{no}"))
    rows.append(r"\bottomrule\end{longtable}")
    details = [r"\item %s" % _prose(e.detail) for e in evidence if e.detail]
    if details:
        rows.append(r"\begin{itemize}" + "\n".join(details) + r"\end{itemize}")
    return "\n".join(rows)


def _verdict_box(r):
    colour = VERDICT_COLOURS[r.status]
    parts = ["as the catalogue expects." if r.as_expected else
             r"\textbf{but the catalogue expects %s.}" % escape(r.expected)]
    if r.reason:
        parts.append(_prose(r.reason))
    if r.erratum:
        kind = "wrong" if r.status == "refuted" else "imprecise"
        parts.append(r"\\ \textbf{Erratum:} the source text is %s here." % kind)
        for line in r.refutations:
            parts.append(r"\\ \textbf{Counterexample:} %s" % _prose(line))
        parts.append(r"\\ \textbf{Correction:} %s" % _prose(r.correction or ""))
    return r"\verdictbox{%s}{%s}{%s}" % (colour, r.status.upper(), " ".join(parts))


def _figures(figures):
    """Each figure at its natural size, no wider than :data:`TEXT_WIDTH`: a 9 pt label prints at 9 pt.

    (Scaled to 0.72 of the line, a computation graph's edge labels printed at 6.5 pt.)
    """
    return "\n".join(r"\begin{figure}[tbp]\centering\includegraphics{%s}"
                     r"\caption{%s}\end{figure}" % (path, _prose(caption)) for path, caption in figures)


def _source(r):
    """The passage of the source the proof checks, typeset, with its section and lines."""
    passage = locate(r.quote)
    if not passage.blocks:
        return r"\heading{The text says.} %s" % _text(r.quote)
    first, last = passage.lines
    where = "line %d" % first if first == last else "lines %d--%d" % (first, last)
    section = r" \textrightarrow{} ".join(_text(s) for s in passage.section)
    return "\n".join([r"\heading{The text says} (%s, %s):" % (section, where),
                       r"\begin{quote}", passage_latex(passage, _text, TEXT_WIDTH - 60), r"\end{quote}"])


def _proof_section(r, figures, named):
    try:
        return "\n".join([
            r"\needspace{8\baselineskip}",
            r"\section{\texorpdfstring{%s}{%s}}\label{proof:%s}" % (_prose(r.title), pdf_string(r.title),
                                                                     escape(r.id)),
            r"\textbf{id} %s \quad \textbf{source section} %s" % (_id(r.id), _text(r.section)),
            _source(r),
            r"\heading{Statement checked.} %s" % _prose(r.statement),
            r"\heading{Derivation.}", _steps(r.steps, named),
            _verdict_box(r),
            r"\heading{Numeric evidence.}", _evidence(r.evidence),
            _figures(figures),
        ])
    except MissingGlyph as error:
        raise MissingGlyph(error.char, f"proof {r.id}") from None


def _in_full(parts, label="proof:%s", shown=None):
    """The appendix of formulas too long for a line: each named part, broken to fit.

    ``parts`` are (key, :class:`Named`); each links to ``label % key``, titled ``shown(key)`` (the proof id)."""
    return _in_full_appendix([row for key, named in parts for row in _in_full_rows(key, named, label, shown)])


def _in_full_rows(key, named, label="proof:%s", shown=None) -> list:
    """The appendix's rows for one key: its heading, then each part of ``named`` given whole."""
    return [r"\subsection*{\hyperref[%s]{%s}}" % (label % escape(key), (shown or _id)(key))] + \
        [r"\[%s\]" % tex for tex in definitions(named, TEXT_WIDTH - 40)]


def _in_full_appendix(rows) -> str:
    if not rows:
        return ""
    return "\n".join([r"\section{Formulas in full}",
                      r"Terms too long for one line of a derivation are named there (\(A_{1}, A_{2}, \ldots\)) and "
                      r"given here whole, broken into lines; a part named inside one is given after it.", *rows])


def _errata(results):
    errata = [r for r in results if r.erratum]
    rows = [r"\section{Errata found in the source text}",
            r"Each entry gives the original, why it fails, and the correction; the proof's "
            r"section has the full derivation."]
    if not errata:
        rows.append(r"\emph{None among the proofs in this report.}")
    for r in errata:
        passage = locate(r.quote)
        original = passage_latex(passage, _text, TEXT_WIDTH - 80) if passage.blocks else _text(r.quote)
        rows.append(r"\needspace{6\baselineskip}\subsection*{\hyperref[proof:%s]{%s} (%s)}" % (
            escape(r.id), _prose(r.title), _text(r.section)))
        rows.append(r"\begin{description}\item[Original] %s \item[Why it fails] %s (verdict: %s)"
                    r" \item[Correction] %s \end{description}" % (
                        original, _prose(why_wrong(r)), r.status, _prose(r.correction or "")))
    return "\n".join(rows)


def why_wrong(result) -> str:
    """Why an erratum's seed statement fails: its proof's ``why_wrong``, else its refutations, else its statement.

    >>> from derive.catalogue import Result
    >>> why_wrong(Result("demo", "1", "A demo", "x = x", "q", "refuted", "refuted", True, None,
    ...                  refutations=["x = 1 breaks it"]))
    'x = 1 breaks it'
    """
    from ..catalogue import REGISTRY
    proof = REGISTRY.get(result.id)
    return (proof.why_wrong if proof is not None else "") or "; ".join(result.refutations) or result.statement


def build_tex(results, title=DEFAULT_TITLE, figures=None, jobs=1) -> str:
    """The report's LaTeX source: deterministic for the same results, title and figures.

    ``figures`` maps a proof id to a list of (relative path, caption).  A
    character no font can show raises :class:`~derive.render.escape.MissingGlyph`.
    With ``jobs`` above 1 the proofs' sections are set in that many forked
    workers (:func:`derive.render.parallel.map_in_workers`); the text is the same.
    """
    figures = figures or {}
    body = [PREAMBLE % {"title": pdf_string(title), "subject": pdf_string(SUBJECT),
                        "keywords": pdf_string(KEYWORDS)} + DOCUMENT_START,
            _title_page(title, results), _summary(results)]
    if jobs > 1 and results:
        locate(results[0].quote)  # the source, read and kept here once: every worker inherits it
    parts = map_in_workers(lambda r: _proof_part(r, figures.get(r.id, ())), results, jobs=jobs)
    body += [section for section, _ in parts]
    body += [r"\appendix", _in_full_appendix([row for _, rows in parts for row in rows]), _errata(results),
             DOCUMENT_END]
    return "\n".join(body)


def _proof_part(r, figures):
    """(the section of the proof ``r``, its rows of the appendix of formulas in full)."""
    named = Named()
    section = _proof_section(r, figures, named)
    return section, _in_full_rows(r.id, named) if named.parts else []


# -- the command -------------------------------------------------------------------------

@dataclass
class ReportOutcome:
    results: list
    written: list
    pdf: str  # "written", "skipped", "no TeX", "failed"
    log: str = ""


def _figure_specs(ids):
    """The :class:`~derive.render.figures.Figure` of each proof in ``ids``, in the catalogue's order."""
    from .figures import catalogue_figures
    return list(catalogue_figures(ids).values())


def _output_names(ids):
    """Every file a report of the proofs ``ids`` may write, relative to its folder."""
    return [f"{FIGURE_DIR}/{spec.name}.pdf" for spec in _figure_specs(ids)] + [TEX_NAME, PDF_NAME]


def _render_figures(specs):
    """(relative name, bytes) of each figure of ``specs``, drawn here."""
    from .figures import render
    with scratch_folder("derive-figures-") as tmp:
        return [(f"{FIGURE_DIR}/{spec.name}.pdf", render(spec, tmp).read_bytes()) for spec in specs]


class _Figures:
    """The report's figures, drawn in a worker while the proofs run and the .tex is built.

    Drawing them is a fifth of a report's time and needs nothing the proofs
    compute; the worker is forked from this process, so it draws exactly
    what this process would.  Should it fail (a limit, a crash, an error in
    a drawing), :meth:`files` draws them here, so any error is raised as it
    would be without the worker.
    """

    def __init__(self, ids, progress):
        from ..limits import start_limited
        self.specs = _figure_specs(ids)
        progress(f"drawing {len(self.specs)} figures: " + ", ".join(spec.name for spec in self.specs))
        self._job = start_limited(_render_figures, self.specs, timeout=FIGURE_SECONDS, memory_mb=None)

    @property
    def captions(self) -> dict:
        """{proof id: [(relative name, caption), …]}, what :func:`build_tex` needs of the figures."""
        by_proof = {}
        for spec in self.specs:
            by_proof.setdefault(spec.proof, []).append((f"{FIGURE_DIR}/{spec.name}.pdf", spec.caption))
        return by_proof

    def files(self) -> list:
        """[(relative name, bytes), …] in the catalogue's order, once the worker is done."""
        outcome = self._job.outcome()
        return outcome.value if outcome.ok else _render_figures(self.specs)

    def cancel(self):
        self._job.cancel()


FIGURE_SECONDS = 600.0  # a backstop for the figure worker only; past it the figures are drawn here


def make_report(directory="reports", ids=None, title=DEFAULT_TITLE, pdf="auto", progress=None,
                timeout=None, cache=None) -> ReportOutcome:
    """Run the proofs, draw the figures, write ``.tex`` (and, with TeX, ``.pdf``) into ``directory``.

    ``pdf`` is "auto" (compile when TeX is installed), "yes" (a missing TeX is
    an error) or "no".  ``timeout`` is the wall-clock limit of one proof
    (default: the catalogue's).  ``cache``, a :class:`derive.cache.ResultCache`
    (default: none), gives the verdicts it holds (their progress lines say
    "(cached)") and keeps the new ones; the .tex is the same either way.
    Nothing is written until everything is ready, and the writing itself holds
    Ctrl-C and SIGTERM until it is done, so an interrupted run leaves the
    folder as it was or complete.
    """
    from ..cache import run_proofs
    from ..catalogue import JOBS, PROOF_SECONDS, discover
    progress = progress or (lambda message: None)
    registry = discover()
    ids = list(ids) if ids else list(registry)
    for pid in ids:
        if pid not in registry:
            raise KeyError(f"no proof with id {pid!r}; `derive list` shows them")
    folder = OutputFolder(directory)
    folder.check(_output_names(set(ids)))  # before the work: a folder that cannot take it fails now
    figures = _Figures(set(ids), progress)
    try:
        progress(f"running {len(ids)} proofs")
        results, _ = run_proofs(ids, cache, timeout=PROOF_SECONDS if timeout is None else timeout,
                                on_result=lambda i, r, cached: progress(f"[{i + 1}/{len(ids)}] {r.id}: {r.status}"
                                                                        + (" (cached)" if cached else "")))
        tex = build_tex(results, title=title, figures=figures.captions, jobs=JOBS)
        figure_files = figures.files()
    finally:
        figures.cancel()  # after an error or Ctrl-C: stop the worker (nothing once it is done)
    compiled, status = None, "skipped"
    if pdf != "no":
        if tex_available() and has_cjk():
            progress("compiling the PDF (pdflatex)")
            compiled = compile_pdf(tex, figure_files)
            status = "written" if compiled.ok else "failed"
        else:
            status = "no TeX"
    files = dict(figure_files)
    files[TEX_NAME] = tex.encode("utf-8")
    if compiled is not None and compiled.ok:
        files[PDF_NAME] = compiled.pdf
    with interrupts_deferred():
        written = folder.write(files)
    return ReportOutcome(results, written, status, compiled.log if compiled else "")
