# Lắng Nghe — everyday commands. `make run` and `make test` work on a bare machine
# with Python 3.11: they create .venv and install the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: help install install-dev translations translations-extract run test worker up clean \
	bench load reliability faults security

help:
	@echo "make run     - install, migrate, seed demo data if empty, serve on $(HOST):$(PORT)"
	@echo "make test    - the whole test suite (SQLite; PostgreSQL too with TEST_DATABASE_URL)"
	@echo "make worker  - an RQ worker and RQ's cron scheduler (needs REDIS_URL)"
	@echo "make up      - production processes of the Procfile: gunicorn, rq worker, rq cron"
	@echo "make translations-extract - refresh the message catalog after changing texts"
	@echo "make bench / load / reliability / security - quality gates on PostgreSQL (see README)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

# Compiled catalogs are built, not committed.
translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel --quiet compile -d app/translations

translations-extract: $(VENV)/.runtime-installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		-o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# axe-core for the accessibility tests (package-lock.json pins it).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install-dev translations node_modules/.installed
	$(BIN)/python -m pytest

# The Procfile's commands find rq and gunicorn in the virtual environment.
HONCHO := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile
# Quality gates. Each makes its own database on the PostgreSQL server of
# BENCH_DATABASE_URL or TEST_DATABASE_URL (default: the local one), and drops it.
PG_SERVER ?= postgresql://postgres@127.0.0.1:5432/postgres
GATE_ENV = TEST_DATABASE_URL="$${TEST_DATABASE_URL:-$(PG_SERVER)}"

bench: install-dev translations
	$(GATE_ENV) $(BIN)/python -m bench.run

load: install-dev translations
	$(GATE_ENV) $(BIN)/python -m bench.load

reliability: install-dev translations
	$(GATE_ENV) REQUIRE_SERVICES=1 $(BIN)/python -m pytest tests/reliability -v

faults: reliability  # the gate's former name

security: install-dev translations
	command -v sqlmap >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap >/dev/null; }
	$(GATE_ENV) $(BIN)/python -m bench.security

worker: install
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL, e.g. redis://127.0.0.1:6379/0"; exit 1; }
	$(HONCHO) start worker cron

up: install translations
	@test -n "$$DATABASE_URL" || { echo "make up needs DATABASE_URL (PostgreSQL)"; exit 1; }
	@test -n "$$REDIS_URL" || { echo "make up needs REDIS_URL"; exit 1; }
	$(FLASK) db upgrade
	$(HONCHO) start --port $(PORT)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis node_modules
