"""Shared fixtures: an embedded FalkorDB store per test, one Neo4j connection per session.

Neo4j tests carry the ``neo4j`` marker. They connect with the usual settings (``NEO4J_URI``,
``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``.env``, or the local dev server's credentials); when no
server answers they are skipped, unless ``KGBUILD_REQUIRE_NEO4J=1`` turns that into a failure.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parent
if str(_TESTS) not in sys.path:  # so tests can `from fixtures.graph_fixture import ...`
    sys.path.insert(0, str(_TESTS))


@pytest.fixture(autouse=True, scope="session")
def _private_state_home(tmp_path_factory):
    """Tests never touch the user's store: without ``KGBUILD_HOME`` (scripts/run-tests.sh sets
    one) the session gets a temporary home, and the per-user default points there too."""
    if not os.environ.get("KGBUILD_HOME"):
        home = tmp_path_factory.mktemp("kgbuild-home")
        os.environ["KGBUILD_HOME"] = str(home)
        os.environ.setdefault("XDG_DATA_HOME", str(home / "xdg"))
    yield


@pytest.fixture
def embedded_store(tmp_path):
    """An open, empty embedded store with its schema, in a fresh data dir; stopped afterwards."""
    from kgbuild.stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "falkordb")
    store.open()
    try:
        store.ensure_schema()
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def _neo4j_session_store():
    from kgbuild.errors import StoreUnavailable
    from kgbuild.stores.neo4j import Neo4jStore

    store = Neo4jStore.from_env()
    try:
        store.open()
    except StoreUnavailable as exc:
        msg = f"Neo4j not available: {exc}"
        if os.environ.get("KGBUILD_REQUIRE_NEO4J") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    try:
        store.ensure_schema()
        yield store
    finally:
        store.close()


@pytest.fixture
def neo4j_store(request, _neo4j_session_store):
    """The session's Neo4j store, emptied before the test (constraints stay)."""
    if request.node.get_closest_marker("neo4j") is None:
        raise pytest.UsageError(f"{request.node.nodeid} uses neo4j_store without @pytest.mark.neo4j")
    _neo4j_session_store.clear()
    return _neo4j_session_store


@pytest.fixture(scope="session")
def claims_nlp():
    """A blank pipeline with only the claims components (sentences, numbers, cues): the claims
    tests hand it entities they build themselves."""
    import spacy

    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    n.add_pipe("kgbuild_numbers")
    n.add_pipe("kgbuild_cues")
    return n
