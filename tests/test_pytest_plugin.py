"""The pytest plugin, run as a user would run it (pytester, in a subprocess): a file of textbook
claims passes when they hold, and a false claim fails with a readable message."""
import os
import tomllib
from pathlib import Path

import pytest

import derive

pytest_plugins = ["pytester"]

ROOT = Path(derive.__file__).resolve().parents[1]
# By module name, whether or not the package is installed: blocking the entry point's name first
# keeps an installed copy from registering the same module a second time.
PLUGIN = ("-p", "no:derive", "-p", "derive.pytest_plugin")


@pytest.fixture
def run(pytester, monkeypatch):
    """Run pytest in a subprocess (derive's limits fork) on ``source``; the result and its output."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)

    def run(source, *args, plugin=PLUGIN):
        pytester.makepyfile(test_claims=source)
        result = pytester.runpytest_subprocess(*plugin, "-p", "no:cacheprovider", *args, timeout=600)
        return result, result.stdout.str()
    return run


TEXTBOOK = '''
import pytest

@pytest.mark.claim("diff(sigmoid(x), x) <= 1/4")
def test_sigmoid_slope_is_at_most_a_quarter():
    pass

@pytest.mark.claim("max(diff(sigmoid(x), x), x) = 1/4")
@pytest.mark.claim("-p*log(p) - (1-p)*log(1-p) >= 0", assume="p in (0, 1)")
def test_two_claims_one_with_an_assumption():
    pass

@pytest.mark.claim("w**2 >= abs(w)", expect="refuted")
def test_an_erratum_of_the_textbook():
    pass

@pytest.mark.claim("x**2 + y**2 >= 2*x*y", allow_numeric=True)
def test_numeric_support_allowed():
    pass

def test_the_fixture(derive_verify):
    verdict = derive_verify("diff(softplus(x), x) = sigmoid(x)")
    assert verdict.status == "proved"
'''


def test_a_file_of_true_claims_passes(run):
    result, _ = run(TEXTBOOK, "--strict-markers")
    result.assert_outcomes(passed=5)


FALSE = '''
import pytest

@pytest.mark.claim("diff(sigmoid(x), x) <= 1/5")
def test_false_bound():
    raise RuntimeError("the body ran")

@pytest.mark.claim("sigmoid(x) + sigmoid(-x) = 1")
@pytest.mark.claim("w**2 >= abs(w)")
def test_one_of_two_false():
    pass

@pytest.mark.claim("sigmoid(0) = 1/2")
def test_true_claim_then_the_body_runs():
    assert 1 == 2, "the body ran"
'''


def test_a_false_claim_fails_with_a_readable_message(run):
    result, out = run(FALSE)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "*_ test_false_bound _*",
        "claim diff(sigmoid(x), x) <= 1/5 is REFUTED",
        "  counterexample at x = 0: lhs = 0.25, rhs = 0.2",
        "steps tried:",
        "  1. d/dx (σ(x)) = (1 − σ(x))·σ(x)    [rule table: sigmoid]",
        "*_ test_one_of_two_false _*",
        "claim w**2 >= abs(w) is REFUTED",
        "  counterexample at w = -1/2: lhs = 0.25, rhs = 0.5",
        "*_ test_true_claim_then_the_body_runs _*",
        "*AssertionError: the body ran*",
        "FAILED test_claims.py::test_false_bound - Failed: claim diff(sigmoid(x)*",
    ])
    assert "RuntimeError" not in out  # a false claim stops the test before its body
    assert "sigmoid(x) + sigmoid(-x) = 1 is" not in out  # the true claim of the pair is not reported
    assert "Traceback" not in out and "derive/testing.py" not in out and "_judge" not in out


def test_the_fixture_fails_at_the_users_line_without_derive_internals(run):
    result, out = run('''
def test_softplus(derive_verify):
    derive_verify("diff(softplus(x), x) = sigmoid(-x)")
''')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        '>       derive_verify("diff(softplus(x), x) = sigmoid(-x)")',
        "E       derive.testing.ClaimFailed: claim diff(softplus(x), x) = sigmoid(-x) is REFUTED",
        "E         counterexample at x = 1: lhs = 0.73105857863, rhs = 0.26894142137",
        "E       steps tried:",
        "E       evidence:",
    ])
    assert "derive/testing.py" not in out and "derive/limits.py" not in out


def test_the_marker_with_an_assumption(run):
    result, out = run('''
import pytest

@pytest.mark.claim("sqrt(p**2) = p", assume="p > 0")
def test_with_the_assumption():
    pass

@pytest.mark.claim("sqrt(p**2) = p", assume=["p > -1", "p < 1"])
def test_with_too_weak_an_assumption():
    pass
''')
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["claim sqrt(p**2) = p is REFUTED", "  counterexample at p = -*",
                                 "  assuming p > -1; p < 1"])


def test_a_bad_or_hostile_claim_is_a_clean_failure(run, tmp_path):
    marker = tmp_path / "pwned"
    result, out = run(f'''
import pytest

@pytest.mark.claim("__import__('os').system('touch {marker}') = 0")
def test_hostile():
    pass

@pytest.mark.claim("x = 1", assume="q > 0")
def test_stray_assumption():
    pass

@pytest.mark.claim()
def test_no_claim():
    pass
''')
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines([
        "cannot verify claim \"__import__('os').system(*\": left-hand side: only the allowed functions*",
        "cannot verify claim 'x = 1': assumption on 'q', which the claim does not use",
        "cannot verify claim (no claim): *missing 1 required positional argument*",
    ])
    assert not marker.exists() and "Traceback" not in out


def test_the_marker_is_registered(run):
    result, _ = run("def test_nothing(): pass", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.claim(text, assume=None, *, allow_numeric=False, *"])


def test_the_pytest11_entry_point_loads_the_plugin(run, tmp_path, monkeypatch):
    """The entry point declared in pyproject.toml, installed as a distribution would install it."""
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        pytest.skip("plugin autoloading is disabled")
    entry_points = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["pytest11"]
    assert entry_points == {"derive": "derive.pytest_plugin"}
    dist = tmp_path / "site" / "derive_entry_point_test-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: derive-entry-point-test\nVersion: 0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\nderive = derive.pytest_plugin\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(dist.parent), str(ROOT)]))
    result, out = run('''
import pytest

@pytest.mark.claim("w**2 >= abs(w)")
def test_false():
    pass

def test_fixture(derive_verify):
    derive_verify("sigmoid(0) = 1/2")
''', plugin=())
    result.assert_outcomes(passed=1, failed=1)
    assert "claim w**2 >= abs(w) is REFUTED" in out
