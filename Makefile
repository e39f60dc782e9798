# kgbuild — two commands on a fresh machine:
#   make demo   build the bundled corpus on the embedded store and answer a question
#   make test   start a local Neo4j, run every test, stop it (what .ci/run calls)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kgbuild-installed

.PHONY: install demo test test-fast neo4j-start neo4j-stop bench notebook browser-guide clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/kgbuild build --fresh
	$(BIN)/kgbuild query methods-beating --param baseline="full fine-tuning" --param dataset=GLUE

test: install
	BIN=$(BIN) bash scripts/run-tests.sh

test-fast: install
	$(BIN)/pytest -q -m "not neo4j and not slow"

neo4j-start: install
	$(BIN)/kgbuild neo4j start

neo4j-stop: install
	$(BIN)/kgbuild neo4j stop

# the notebook is committed with its outputs (tests/test_notebook.py checks they are current)
notebook: install
	$(BIN)/python scripts/run_notebook.py

# cypher/browser/guide.html is generated from the catalogue (tests check it is current)
browser-guide: install
	$(BIN)/python -m kgbuild.browser

bench: install
	$(BIN)/python benchmarks/extract_speed.py
	$(BIN)/python benchmarks/load.py --store embedded

clean:
	rm -rf $(VENV) .kgbuild neo4j-local/target
