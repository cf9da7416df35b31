#!/usr/bin/env bash
# `make neueste`: the API's tests against the newest releases of Strawberry and graphql-core,
# in a second virtualenv (.venv-neueste), whatever pyproject.toml's upper bounds say: so an
# upgrade is known to work (or what breaks is known) before anyone needs it. CI runs it after
# `make test`. The tests are the ones that touch the GraphQL layer, on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-neueste
PY=$VENV/bin/python
test -x "$PY" || python3 -m venv "$VENV"
"$PY" -m pip install --quiet --upgrade pip
"$PY" -m pip install --quiet -e '.[test]'
# pip reports when the newest releases lie beyond pyproject.toml's bounds: that is the point.
"$PY" -m pip install --quiet --upgrade strawberry-graphql graphql-core 2>&1 \
  | grep -v "^$" || true
"$PY" - <<'PYTHON'
import importlib.metadata as m
print("neueste.sh: Strawberry", m.version("strawberry-graphql"), "· graphql-core",
      m.version("graphql-core"))
PYTHON
env -u WRM_TEST_DATABASE_URL WRM_TEST_FUZZ="${WRM_TEST_FUZZ:-schnell}" "$PY" -m pytest -q \
  -p no:cacheprovider tests/test_api_matrix.py tests/test_api_operationen.py \
  tests/test_api_schutz.py tests/test_api_hilfe.py tests/test_api_quoten.py \
  tests/test_api_unterkuenfte.py tests/test_ausfuehrung.py tests/test_cache.py \
  tests/test_dokumente.py tests/test_abgrenzung.py tests/test_konflikt.py \
  tests/test_fuzz.py::test_graphql_mutations tests/test_stichtag.py
