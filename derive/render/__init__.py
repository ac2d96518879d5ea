"""Presentation: every result of the engine turned into text, LaTeX, drawings and the report.

The engine (graphs, the reverse pass, the verifier, the catalogue) returns
data; the modules here lay it out, one layout per result type and format:

- :mod:`~derive.render.printing`  the expression printers (Unicode and LaTeX), by class name;
- :mod:`~derive.render.text`      the text layouts of steps, gradients, verdicts, results, evidence;
- :mod:`~derive.render.latex`     their LaTeX layouts, for Jupyter's MathJax;
- :mod:`~derive.render.escape`    the one escaper of text for LaTeX;
- :mod:`~derive.render.terminal`  text safe to echo on a terminal, and JSON;
- :mod:`~derive.render.graphs`    a graph as Graphviz DOT or a matplotlib drawing;
- :mod:`~derive.render.figures`   the figures the proofs declare, drawn to PDF;
- :mod:`~derive.render.report`    the LaTeX/PDF report and its compile sandbox;
- :mod:`~derive.render.output`    the output folder, written all or nothing.

Importing this package imports none of them.
"""
