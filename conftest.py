"""The test session's setup: no test shares a result cache, or reads the user's.

``derive check`` and ``derive report`` keep verdicts in ``$DERIVE_CACHE_DIR``
(:mod:`derive.cache`).  Every test gets a folder of its own that does not
exist yet, and the processes it starts inherit it, so no test depends on
what an earlier one (or the user) cached, and nothing is written to
``~/.cache``.
"""
import itertools
import os

import pytest

_COUNT = itertools.count()


@pytest.fixture(scope="session")
def _cache_root(tmp_path_factory):
    return tmp_path_factory.mktemp("derive-result-caches")


@pytest.fixture(autouse=True)
def _own_result_cache(_cache_root, monkeypatch):
    """``DERIVE_CACHE_DIR`` for this test alone (created only if something is cached)."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", os.path.join(_cache_root, f"test-{next(_COUNT)}"))
