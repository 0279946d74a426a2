# The way everyone runs things. `make run` and `make test` work on a fresh machine
# with Python 3.11 and make: they create .venv and install the pinned dependencies.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BENCH_INSTALLED := $(VENV)/.installed-bench
# Commands that only run locally get debug mode; tests use tests/settings.py.
DEV := DJANGO_DEBUG=1
# Where `make run` serves: make run PORT=8001
PORT ?= 8000

.PHONY: help install messages makemessages run test lint format clean bench backup restore \
	faults soak cluster

help:
	@echo "make run    set up and serve the demo directory at http://127.0.0.1:8000 (PORT=...)"
	@echo "make test   set up and run the checks and the whole test suite"
	@echo "make lint / make format   ruff"
	@echo "make bench  benchmark on PostgreSQL up to 1,000,000 companies; writes BENCHMARKS.md"
	@echo "make makemessages   update locale/*/django.po from the sources (needs GNU gettext)"
	@echo "make backup               back up the register (DATABASE_URL) into backups/"
	@echo "make restore FILE=...     replace the register by a backup (asks first)"
	@echo "make faults               database restart, worker kill: results in docs/OPERATIONS.md"
	@echo "make soak                 twice the peak load for a few minutes (SOAK_SECONDS)"
	@echo "make cluster              primary, replica, Redis, two apps, nginx; faults under load"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(INSTALLED)

# Compiled catalogues (*.mo) are built here, never committed; Babel needs no GNU gettext.
messages: install
	$(BIN)/pybabel compile -d locale -D django

makemessages: install
	$(DEV) $(BIN)/python manage.py makemessages -l ru -l zh_Hans --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=staticfiles

run: install messages
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_demo --with-editor
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Datasette (the peer) and wrk (the load generator) are for the benchmark only.
$(BENCH_INSTALLED): pyproject.toml | $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@

# BENCH_ARGS passes options, e.g. BENCH_ARGS="--sizes 1000,10000 --main-size 10000".
bench: install $(BENCH_INSTALLED)
	@command -v wrk > /dev/null || { apt-get update -q && apt-get install -y -q wrk; }
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles park.sqlite3 .pytest_cache

# --- Operations (docs/OPERATIONS.md) ---------------------------------------------------

backup: install
	$(BIN)/python manage.py backup $(if $(FORMAT),--format $(FORMAT))

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/park-....dump" && exit 2)
	$(BIN)/python manage.py restore "$(FILE)"

# Each starts gunicorn on ports 8110-8119 and, for the restart, a PostgreSQL of its own.
faults: install
	$(BIN)/python scripts/fault_database_restart.py
	$(BIN)/python scripts/fault_worker_kill.py

soak: install
	$(BIN)/python scripts/soak.py

# A primary and a streaming replica (PostgreSQL 5441, 5442), Redis (6381), two gunicorn
# instances (8201, 8202) and nginx (8200), all on loopback; faults under load; about 4 min.
cluster: install
	$(BIN)/python scripts/cluster.py $(CLUSTER_ARGS)
