# Fund-supervision portal. `make run` and `make test` do all setup on a fresh machine (Python 3.11+).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint format install migrate demo worker bench clean messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools

migrate: install ## Apply database migrations
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input

demo: migrate ## Load the demo organisation, accounts and data (idempotent)
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo

run: demo ## Install, migrate, load demo data and serve at http://127.0.0.1:$(PORT)/
	@echo "Portal: http://127.0.0.1:$(PORT)/  (demo accounts: see README; password $${DEMO_PASSWORD:-demo-pass-2026})"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: migrate ## Run the background task worker (imports, PDF batches, nightly jobs)
	DEBUG=$${DEBUG:-1} $(PY) manage.py db_worker

test: install ## Install test tools and run the whole suite (uses DATABASE_URL when set)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff lint + format check, and models/migrations agreement
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install ## Refresh the zh-hans catalogue from the code and compile it (needs gettext)
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# The benchmarks' own PostgreSQL database: created, migrated and loaded with `seed_demo --bench` when missing.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench

bench: install ## Benchmarks on PostgreSQL with the bench data (not tests); figures go to bench/results.md
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 \
		|| echo "could not install wrk (Debian package): the throughput figure will be skipped"
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages_bench.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/lead_import_bench.py
	$(PY) bench/pdf_bench.py
	$(PY) bench/casefile_bench.py
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/screening_bench.py
	@echo "Load and fault test (restarts PostgreSQL; run by hand): $(PY) bench/load_fault.py --help"

clean: ## Remove the virtualenv and local data in var/
	rm -rf $(VENV) var/*.sqlite3* var/media var/static var/test-media
