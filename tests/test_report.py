"""Reports: escaping and injection, a sandboxed compile, determinism, and a real PDF."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derive.catalogue import Result
from derive.numeric import Evidence
from derive.render.escape import SPECIALS, escape
from derive.render.report import build_tex, compile_pdf, tex_available
from derive.steps import Rel, Step

ROOT = Path(__file__).resolve().parents[1]
HAVE_TEX = tex_available() and shutil.which("pdftotext") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="TeX Live and poppler-utils are not installed")
HOSTILE = [r"\input{/etc/passwd}", r"\begin{input}{/etc/passwd}", r"\immediate\write18{id}",
           r"\def\x{\x}\x", r"\errorstopmode\undefinedcs", r"50% & $x_1$ ~ ^ \ { } #"]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_command_and_no_group(text):
    out = escape(text)
    # every backslash starts one of our own safe macros
    stripped = out
    for safe in sorted(set(SPECIALS.values()), key=len, reverse=True):
        stripped = stripped.replace(safe, "")
    assert "\\" not in stripped and "{" not in stripped and "}" not in stripped
    assert "%" not in stripped and "#" not in stripped and "&" not in stripped


def demo_result(title="A demo", symbol_name="w"):
    s = sp.Symbol(symbol_name, real=True)
    steps = [Step(Rel(sp.diff(s**2, s), "=", 2 * s), "power rule"), Step("a sentence with 50% & #", "note")]
    ev = Evidence("finite differences", 10, 1e-12, 2e-10, "atol 1e-05, rtol 0.001", True, "detail 100%")
    return Result("demo-proof", "3(3) 过拟合和欠拟合", title, "w² ≤ |w| for |w| ≤ 1", "real_loss=loss-Σ|w_i|",
                  "refuted", "refuted", True, "loss + λΣ|wᵢ|", steps, [ev], 0.1, "", 1,
                  ["w² ≥ |w| fails at w = 1/2"])


def test_tex_is_deterministic():
    assert build_tex([demo_result()], title="t") == build_tex([demo_result()], title="t")


def only_chinese_is_not_ascii(tex: str) -> list:
    """The characters of ``tex`` that are neither ASCII nor Chinese (the body is one CJK environment)."""
    from derive.render.escape import is_cjk
    return sorted({c for c in tex if not c.isascii() and not is_cjk(c)})


def test_the_body_holds_only_ascii_and_chinese():
    """Inside the document-wide CJK environment any other raw character would be set in the CJK font."""
    r = demo_result(title="Décodé: σ′(z) → ∞ in 梯度消失 (é ü ß ‖g‖₂)", symbol_name="θ")
    tex = build_tex([r], title="Titre: ü, ∑ and 损失函数")
    assert "梯度消失" in tex and "损失函数" in tex
    assert only_chinese_is_not_ascii(tex) == []


def test_every_erratum_proof_declares_why_it_fails():
    from derive.catalogue import discover
    registry = discover()
    errata = {pid: cls.why_wrong for pid, cls in registry.items() if cls.erratum}
    assert len(errata) >= 20
    missing = [pid for pid, why in errata.items() if not why.strip()]
    assert not missing, f"errata without why_wrong: {missing}"
    assert all(why.rstrip().endswith(".") and len(why) > 40 for why in errata.values())
    from derive.render.escape import missing_glyphs
    assert not {pid: missing_glyphs(why) for pid, why in errata.items() if missing_glyphs(why)}


def test_the_errata_appendix_gives_the_proof_s_own_why_wrong():
    from derive.catalogue import get
    r = demo_result()
    r.id = "l2-stronger"  # an erratum of the catalogue: its declared sentence, not the refutation
    tex = build_tex([r], title="t")
    appendix = tex[tex.index("Errata found in the source text"):]
    from derive.render.report import _prose
    assert r"\item[Why it fails] %s" % _prose(get("l2-stronger").why_wrong)[:40] in appendix
    unknown = build_tex([demo_result()], title="t")  # no such proof: its refutations
    assert r"\item[Why it fails] %s" % _prose("w² ≥ |w| fails") in unknown


@needs_tex
def test_hostile_title_and_symbol_name_print_literally(tmp_path):
    title = " ".join(HOSTILE)
    r = demo_result(title=r"\input{/etc/hostname}", symbol_name=r"\input{/etc/hostname}")
    compiled = compile_pdf(build_tex([r], title=title))
    assert compiled.ok, compiled.log
    (tmp_path / "r.pdf").write_bytes(compiled.pdf)
    text = pdf_text(tmp_path / "r.pdf")
    assert r"\input{/etc/hostname}" in text.replace(" ", "") or "input{/etc/hostname}" in text
    assert "50% & $x_1$" in text
    hostname = Path("/etc/hostname").read_text().strip()
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    assert passwd_line not in text
    if hostname and hostname not in title:
        assert text.count(hostname) == 0


@needs_tex
def test_the_compiler_cannot_read_files_outside_the_build_folder():
    secret = Path("/etc/passwd").read_text().splitlines()[0]
    tex = "\\documentclass{article}\\begin{document}\n\\input{/etc/passwd}\n\\end{document}\n"
    compiled = compile_pdf(tex, timeout=60)
    if compiled.ok:  # TeX may refuse quietly; the file must not be in the PDF either way
        tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "derive-read-test.pdf"
        tmp.write_bytes(compiled.pdf)
        assert secret not in pdf_text(tmp)
        tmp.unlink()
    else:
        assert "not allowed" in compiled.log or "openin_any" in compiled.log or "!" in compiled.log


@needs_tex
def test_shell_escape_is_off(tmp_path):
    marker = tmp_path / "pwned"
    tex = ("\\documentclass{article}\\begin{document}\\immediate\\write18{touch %s}ok\\end{document}\n"
           % marker)
    compile_pdf(tex, timeout=60)
    assert not marker.exists()


def derive_cli(*args, env_extra=None, timeout=600):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def test_without_tex_the_tex_is_written_and_the_hint_given(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    os.symlink(sys.executable, bare / "python3")
    r = derive_cli("report", "-o", str(tmp_path / "out"), "sigmoid-derivative", env_extra={"PATH": str(bare)})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "derive-report.tex").exists()
    assert not (tmp_path / "out" / "derive-report.pdf").exists()
    assert "texlive-latex-base" in r.stderr
    r = derive_cli("report", "--pdf", "-o", str(tmp_path / "out"), "sigmoid-derivative",
                   env_extra={"PATH": str(bare)})
    assert r.returncode == 1


def test_two_runs_write_the_same_tex_and_leave_other_files_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    ids = ["sigmoid-derivative-max", "l1-sign", "formula-2-chain-rule"]
    first = derive_cli("report", "--no-pdf", "-o", str(out), *ids)
    assert first.returncode == 0, first.stderr
    tex1 = (out / "derive-report.tex").read_bytes()
    figures1 = {p.name: p.read_bytes() for p in (out / "figures").iterdir()}
    second = derive_cli("report", "--no-pdf", "-o", str(out), *ids)
    assert second.returncode == 0
    assert (out / "derive-report.tex").read_bytes() == tex1
    assert {p.name: p.read_bytes() for p in (out / "figures").iterdir()} == figures1
    assert (out / "notes.txt").read_text() == "mine"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


@needs_tex
def test_full_report_pdf_holds_every_proof_and_the_errata(tmp_path):
    from derive.catalogue import discover
    registry = discover()
    r = derive_cli("report", "--pdf", "-o", str(tmp_path), timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "errata found" in r.stdout
    text = pdf_text(tmp_path / "derive-report.pdf")
    flat = " ".join(text.split())
    for pid, cls in registry.items():
        assert pid in flat, pid
    for verdict in ("PROVED", "REFUTED", "DEMONSTRATED"):
        assert verdict in flat
    assert "Errata found in the source text" in flat
    assert "Summary" in flat
    # what a reader sees: no raw LaTeX, no "?" for a character, nothing off the page, nothing scaled
    import re
    commands = re.findall(r"\\[A-Za-z]+|_\{|\^\{|\\frac", text)
    assert commands == [], commands[:20]
    assert not re.search(r"\w\?\w|\?\?", text), re.findall(r".{20}\?.{20}", text)[:5]
    tex = (tmp_path / "derive-report.tex").read_text()
    assert "resizebox" not in tex and "scalebox" not in tex and r"\small" not in tex.split(r"\end{titlepage}")[1]
    figures = [(str(p.relative_to(tmp_path)), p.read_bytes()) for p in (tmp_path / "figures").iterdir()]
    compiled = compile_pdf(tex, figures)
    assert compiled.ok, compiled.log
    assert compiled.missing == []
    assert [w for w, _ in compiled.overfull if w > 1.0] == [], compiled.overfull
    info = subprocess.run(["pdfinfo", str(tmp_path / "derive-report.pdf")], capture_output=True, text=True).stdout
    assert "Title:           Derivations and verdicts" in info and "Keywords:        deep learning" in info


def test_written_files_follow_the_umask(tmp_path):
    from derive.render.output import OutputFolder
    old = os.umask(0o027)
    try:
        OutputFolder(tmp_path).write({"a.txt": b"x", "figures/b.pdf": b"y"})
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "figures" / "b.pdf").stat().st_mode & 0o777 == 0o640
