"""pytest plugin: a ``claim`` marker and a ``derive_verify`` fixture, so a test file reads like the textbook.

It is registered through the ``pytest11`` entry point under the name ``derive``:
``-p no:derive`` turns it off.  Without the installed package, ``-p derive.pytest_plugin``
turns it on (with it installed, pytest refuses that second registration of the module;
``-p no:derive -p derive.pytest_plugin`` works either way).  It adds one marker and one
fixture, and nothing else::

    import pytest

    @pytest.mark.claim("diff(sigmoid(x), x) <= 1/4")
    def test_the_sigmoid_slope_is_at_most_a_quarter():
        pass

    @pytest.mark.claim("-p*log(p) - (1-p)*log(1-p) >= 0", assume="p in (0, 1)")
    @pytest.mark.claim("w**2 >= abs(w)", expect="refuted")   # an erratum of the textbook
    def test_entropy():
        pass

    def test_softplus(derive_verify):
        derive_verify("diff(softplus(x), x) = sigmoid(x)")

The claims of a marked test are verified (:func:`derive.testing.assert_claim`) before
its body runs; a claim that is not shown fails the test with the verdict, the
counterexample with both sides evaluated, the steps tried and the evidence, and
no traceback into derive.  Importing the plugin does not import SymPy: a test
session that uses neither the marker nor the fixture pays nothing for it.
"""
from __future__ import annotations

import pytest

MARKER = ('claim(text, assume=None, *, allow_numeric=False, expect="proved", timeout=30): '
          "verify a derive claim (derive.testing.assert_claim) before the test body runs")


def pytest_configure(config):
    """Register the ``claim`` marker, so ``--strict-markers`` accepts it.

    >>> class Config:
    ...     def addinivalue_line(self, name, line): print(name, line.split(":")[0])
    >>> pytest_configure(Config())
    markers claim(text, assume=None, *, allow_numeric=False, expect="proved", timeout=30)
    """
    config.addinivalue_line("markers", MARKER)


def claim_failures(item) -> list[str]:
    """The failure messages of the ``claim`` markers of a test item, in the order they are written.

    >>> from types import SimpleNamespace as Mark
    >>> class Item:
    ...     def iter_markers(self, name): return [Mark(args=("sigmoid(0) = 1/2",), kwargs={})]
    >>> claim_failures(Item())
    []
    """
    from .lang import ParseError
    from .testing import ClaimFailed, assert_claim
    failures = []
    for mark in reversed(list(item.iter_markers("claim"))):  # decorators apply bottom-up
        shown = repr(mark.args[0]) if mark.args else "(no claim)"
        try:
            assert_claim(*mark.args, **mark.kwargs)
        except ClaimFailed as exc:
            failures.append(str(exc))
        except (ParseError, TypeError, ValueError) as exc:
            failures.append(f"cannot verify claim {shown}: {exc}")
    return failures


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """Verify the claims of a marked test before its body; fail it with their messages, no traceback.

    >>> class Item:
    ...     def iter_markers(self, name): return []
    >>> pytest_runtest_call(Item())
    """
    if next(iter(item.iter_markers("claim")), None) is None:
        return
    failures = claim_failures(item)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.fixture
def derive_verify():
    """The fixture: :func:`derive.testing.assert_claim`, which returns the Verdict or fails the test.

    >>> from derive.testing import assert_claim
    >>> assert_claim("diff(softplus(x), x) = sigmoid(x)").status
    'proved'
    """
    from .testing import assert_claim
    return assert_claim
