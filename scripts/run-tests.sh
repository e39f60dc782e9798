#!/usr/bin/env bash
# The test command (make test; .ci/run calls it): start a private Neo4j for the tests, run the
# whole suite, stop the server whatever happened.
#
# The test server is separate from your own: its own data folder (.kgbuild/test-home/neo4j) and ports
# (Bolt 7688, HTTP 7475), so the suite never touches a graph you built on 7687.
# KGBUILD_REQUIRE_NEO4J=1 (set by .ci/run) turns a server that cannot start into a failure;
# without it the integration tests are skipped and say so.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

# One state location for the whole run (KGBUILD_HOME); the test server's folder is the documented
# sub-override KGBUILD_NEO4J_HOME, so per-test KGBUILD_HOME values (tmp dirs) still find its
# credentials.env.
export KGBUILD_HOME="$PWD/.kgbuild/test-home"
export KGBUILD_NEO4J_HOME="${KGBUILD_TEST_NEO4J_HOME:-$KGBUILD_HOME/neo4j}"
export KGBUILD_NEO4J_BOLT_PORT="${KGBUILD_TEST_BOLT_PORT:-7688}"
export KGBUILD_NEO4J_HTTP_PORT="${KGBUILD_TEST_HTTP_PORT:-7475}"
export NEO4J_URI="bolt://localhost:${KGBUILD_NEO4J_BOLT_PORT}"
export NEO4J_USERNAME=neo4j
unset NEO4J_PASSWORD  # the test server generates its own; clients read it from its credentials file

started=0
stop_server() {
  if [ "$started" = 1 ]; then
    "$BIN/kgbuild" neo4j stop || true
  fi
}
trap stop_server EXIT

if "$BIN/kgbuild" neo4j start --fresh; then
  started=1
elif [ "${KGBUILD_REQUIRE_NEO4J:-0}" = 1 ]; then
  echo "run-tests: Neo4j did not start and KGBUILD_REQUIRE_NEO4J=1: failing." >&2
  exit 1
else
  echo "run-tests: Neo4j did not start; integration tests will be skipped." >&2
fi

"$BIN/pytest" "$@"
