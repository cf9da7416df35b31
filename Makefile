# WRM — two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install graphiql run test check lint bench schema translations clean neueste image

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "WRM braucht Python >= 3.11 ($(PYTHON) ist älter)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## GraphiQL's files from the npm registry (pinned, checksummed); in CI a failure counts
graphiql:
	bash scripts/graphiql.sh || [ "$$CI" != "true" ]

install: $(STAMP) graphiql

## make run: install, create the SQLite database with demo data when new, serve on 127.0.0.1:5000
run: $(STAMP) graphiql
	$(BIN)/wrm demo --adresse http://$(HOST):$(PORT)
	$(BIN)/wrm run --host $(HOST) --port $(PORT)

## make test [FUZZ=voll]: install and run every test, on SQLite and on PostgreSQL
## (the fuzz tests in their quick size; FUZZ=voll, or CI=true, runs all their examples)
test: $(STAMP) graphiql
	$(BIN)/ruff check .
	@# Chromium for the browser tests; in CI a missing browser is a failure, not a skip.
	bash scripts/chromium.sh || [ "$$CI" != "true" ]
	@# axe-core for the accessibility checks of the browser tests (npm registry, pinned).
	bash scripts/axe.sh || [ "$$CI" != "true" ]
	@# LibreOffice prints the XLSX downloads to PDF for the printout tests (Debian's packages).
	bash scripts/libreoffice.sh || [ "$$CI" != "true" ]
	WRM_TEST_FUZZ=$(FUZZ) bash scripts/test.sh

## make check: ruff and the tests that need no server, browser, LibreOffice or database of their own,
## on SQLite (under a minute): the edit–test loop. `make test` stays the whole truth.
check: $(STAMP)
	$(BIN)/ruff check .
	env -u WRM_TEST_DATABASE_URL WRM_TEST_FUZZ=kurz $(BIN)/python -m pytest -q \
		-p no:cacheprovider -m "not eigene_datenbank" --ignore=tests/browser \
		--ignore=tests/test_druckbild.py

## make image: the container image localhost/wrm (podman; see README, "Image")
image: graphiql
	bash scripts/image.sh

## make neueste: the API's tests against the newest Strawberry and graphql-core (a second venv; CI)
neueste: graphiql
	bash scripts/neueste.sh

## make bench [QUICK=1]: WRM against PostGraphile and the raw floor; ends with one JSON line (see README)
bench: $(STAMP)
	bash scripts/wrk.sh
	bash scripts/bench.sh $(if $(QUICK),--quick)

## make schema: regenerate the committed GraphQL SDL (a test fails when it drifts)
schema: $(STAMP)
	$(BIN)/strawberry export-schema wrm.api.schema:schema --output graphql/schema.graphql

## make translations: recompile the German catalogue that completes Flask-Admin's own
translations: $(STAMP)
	$(BIN)/pybabel compile -d admin/translations -D admin

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .venv-neueste .pytest_cache .ruff_cache tests/artifacts wrm/static/graphiql \
		tests/browser/vendor benchmarks/postgraphile/node_modules
