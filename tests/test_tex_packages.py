"""Every file the report's preamble makes TeX read comes from the Debian packages the README installs.

A machine that happens to have more of TeX Live (``texlive-latex-extra``, a
hand-installed ``.sty``) compiles a preamble that a clean machine cannot: the
report's ``\\needspace`` once came from such a package.  The test compiles the
preamble with ``-recorder``, asks ``dpkg`` who owns each file read, and checks
each owner is one of the README's packages or something they depend on
(``apt-cache depends --recurse``, required dependencies only).
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.render.report import DOCUMENT_END, DOCUMENT_START, PREAMBLE, TEXLIVE_HINT

ROOT = Path(__file__).resolve().parents[1]
# Made by Debian's tex-common triggers on the machine (format, font map, merged texmf.cnf), owned by no package.
GENERATED = ("/var/lib/texmf/", "/etc/texmf/")


def readme_packages() -> set:
    line = next(l for l in (ROOT / "README.md").read_text().splitlines() if "apt-get install -y" in l)
    return set(line.split("apt-get install -y", 1)[1].split("&&", 1)[0].split())


def ci_packages() -> set:
    found = re.search(r'^TEX_PACKAGES="([^"]*)"', (ROOT / ".ci" / "run").read_text(), re.M)
    return set(found.group(1).split())


def test_the_readme_and_ci_install_the_same_packages():
    assert readme_packages() == ci_packages()
    assert set(TEXLIVE_HINT.split("apt-get install", 1)[1].split()) == readme_packages() - {"poppler-utils"}
    assert {"texlive-latex-base", "poppler-utils"} <= readme_packages()


def owners(paths) -> dict:
    """{path: set of Debian packages owning it}; a path no package owns maps to the empty set."""
    out = subprocess.run(["dpkg-query", "-S", *paths], capture_output=True, text=True).stdout
    found = {p: set() for p in paths}
    for line in out.splitlines():
        names, _, path = line.partition(": ")
        if path in found and not names.startswith("diversion "):
            found[path] |= {n.strip().split(":")[0] for n in names.split(",")}
    return found


def depends_closure(packages) -> set:
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(packages)],
                         capture_output=True, text=True, check=True).stdout
    return {line.strip().split(":")[0] for line in out.splitlines() if line and not line.startswith(" ")}


@pytest.mark.skipif(not all(shutil.which(t) for t in ("pdflatex", "dpkg-query", "apt-cache")),
                    reason="needs TeX Live from Debian packages (dpkg-query, apt-cache)")
def test_the_preamble_reads_only_files_of_the_installed_packages(tmp_path):
    body = (PREAMBLE % {"title": "t", "subject": "s", "keywords": "k"} + DOCUMENT_START
            + "Text $x^2 \\le \\sum_i w_i$ \\zh{中文} \\textbf{b} \\texttt{t} \\textit{i}\n"
            + "\\heading{h}\\section{s}\\needspace{3\\baselineskip}\\verdictbox{teal}{v}{w}\n" + DOCUMENT_END)
    (tmp_path / "t.tex").write_text(body, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                          "-recorder", "t.tex"], cwd=tmp_path, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    read = sorted({line.split(None, 1)[1] for line in (tmp_path / "t.fls").read_text().splitlines()
                   if line.startswith("INPUT /")})
    assert any(p.endswith("CJK.sty") for p in read) and any(p.endswith(".pfb") for p in read)
    allowed = depends_closure(readme_packages())
    stray = {p: sorted(o) or "no package" for p, o in owners(read).items()
             if not (o & allowed) and not p.startswith(GENERATED)}
    assert not stray, f"the preamble reads files the README does not install: {stray}"
