"""docker-compose.yml: the conventional Neo4j 5.26 Community + APOC service for Docker users.

Docker is not available on CI, so these tests check the file itself: what a user relies on
(image line, APOC, ports, auth from the environment, a volume that survives `down`, a
healthcheck other services can wait on).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kgbuild.neo4j_local import NEO4J_VERSION

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def neo4j(compose) -> dict:
    return compose["services"]["neo4j"]


def _env(service: dict) -> dict[str, str]:
    env = service["environment"]
    if isinstance(env, list):  # "KEY=value" form
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_image_is_the_same_lts_line_as_the_local_server(neo4j):
    assert neo4j["image"] == "neo4j:5.26-community"
    assert NEO4J_VERSION.startswith("5.26.")


def test_apoc_plugin_is_enabled(neo4j):
    env = _env(neo4j)
    assert yaml.safe_load(env["NEO4J_PLUGINS"]) == ["apoc"]


def test_auth_comes_from_the_environment_and_is_required(neo4j):
    auth = _env(neo4j)["NEO4J_AUTH"]
    # ${VAR:?message} makes `docker compose up` refuse to start without a password.
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]+\}", auth), auth


def test_bolt_and_http_ports_are_published(neo4j):
    published = {p.rsplit(":", 2)[-1] for p in neo4j["ports"]}
    hosts = {p.rsplit(":", 1)[0].split(":")[-1] for p in neo4j["ports"]}
    assert published == {"7474", "7687"}
    assert hosts == {"7474", "7687"}


def test_data_lives_in_a_named_volume(compose, neo4j):
    mounts = {v.split(":")[0]: v.split(":")[1] for v in neo4j["volumes"]}
    name = next(src for src, dest in mounts.items() if dest == "/data")
    assert name in compose["volumes"]  # named volume, not a bind mount
    assert not name.startswith((".", "/"))


def test_healthcheck_probes_neo4j(neo4j):
    check = neo4j["healthcheck"]
    test = " ".join(check["test"]) if isinstance(check["test"], list) else check["test"]
    assert ("cypher-shell" in test) or ("wget" in test and "7474" in test)
    assert check["retries"] >= 3
