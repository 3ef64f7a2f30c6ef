# The two commands of the README: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export TRACKER_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run test test-pg lint fmt translations clean bench fuzz load

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(STAMP)
	TRACKER_DEBUG=1 $(BIN)/tracker db upgrade
	TRACKER_DEBUG=1 $(BIN)/tracker demo --if-empty
	@echo ""
	@echo "Systemfel tracker: http://127.0.0.1:5000"
	@echo "Demo logins (password: demo-lösenord): ombud@demo.se samordnare@demo.se ledamot@demo.se admin@demo.se"
	@echo "  and ombud.nacka@demo.se samordnare.nacka@demo.se ledamot.nacka@demo.se admin.nacka@demo.se"
	@echo ""
	# Reloader on; the interactive debugger off, so errors show the Swedish error pages.
	TRACKER_DEBUG=1 TRACKER_PROPAGATE_EXCEPTIONS=false TRACKER_EMBED_SCHEDULER=true $(BIN)/tracker run --debug --no-debugger --host 127.0.0.1 --port 5000

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# National-scale benchmark (docs/benchmarks.md): builds the data set on SQLite (bench/) and on
# a fresh PostgreSQL database (dropped afterwards), measures both over HTTP. Not part of test.
BENCH_SCALE ?= 1.0
BENCH_PG    ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --scale $(BENCH_SCALE) --pg '$(BENCH_PG)' $(BENCH_ARGS)

# Load test (docs/benchmarks.md, "Load test"): Locust's ombud, samordnare and members against
# `tracker serve` on a fresh demo database, SQLite and PostgreSQL (a scratch database through
# BENCH_PG, dropped afterwards; BENCH_PG= for SQLite only), 50 users for 5 minutes, then the
# check that every acknowledged write is stored exactly once. Locust is installed only here.
# A short run: make load LOAD_ARGS="--duration 30s --users 10"
load: $(STAMP)
	$(BIN)/pip install -q -e '.[load]'
	$(BIN)/python benchmarks/load.py --pg '$(BENCH_PG)' $(LOAD_ARGS)

# Property-based fuzzing of every route (tests/test_fuzz.py) with many examples and a new
# random seed each run; `make test` runs the same file with a few fixed examples.
FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/test_fuzz.py $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check tracker tests
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format tracker tests

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d tracker/translations

clean:
	rm -rf $(VENV) node_modules build dist *.egg-info
