# Fund-supervision portal. `make run` and `make test` do all setup on a fresh machine (Python 3.11+).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help debs run test lint format install migrate demo worker bench bench-statistics clean messages

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

# What printing needs from Debian: Pango and HarfBuzz's subsetter for WeasyPrint, the documents' CJK serif font.
PRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk

debs: ## Install the Debian packages printing needs, when this user may (root or passwordless sudo)
	@missing=$$(for p in $(PRINT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done | xargs); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Printing needs Pango, HarfBuzz and the Noto CJK fonts; install them with your system's packages."; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
		echo "Printing (PDF notices) needs: sudo apt-get install $$missing"; echo "Continuing without it."; exit 0; fi; \
	echo "Installing $$missing (printing)"; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; } \
		|| echo "Could not install $$missing: printing will not work until they are installed."

# The demo serves as production does, with DEBUG off, so a wrong address shows the portal's own 404 page and
# not Django's debug page; a development key kept in var/ and plain HTTP on localhost. `DEBUG=1 make run`
# serves with the debug pages instead.
DEV_SERVE := SECRET_KEY="$$(cat var/dev-secret-key)" ALLOWED_HOSTS=127.0.0.1,localhost \
	SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0

run: debs demo ## Install, migrate, load demo data and serve at http://127.0.0.1:$(PORT)/
	@test -s var/dev-secret-key || (mkdir -p var && $(PY) -c "import secrets; print('dev-' + secrets.token_urlsafe(48))" > var/dev-secret-key)
	@echo "Portal: http://127.0.0.1:$(PORT)/  (demo accounts: see README; password $${DEMO_PASSWORD:-demo-pass-2026})"
	$(DEV_SERVE) DEBUG=$${DEBUG:-0} $(PY) manage.py runserver --insecure 127.0.0.1:$(PORT)

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

bench-statistics: install ## The statistics page, API and director home: stored aggregates vs live, side by side
	BENCH_ONLY=statistics BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pages_bench.py

clean: ## Remove the virtualenv and local data in var/
	rm -rf $(VENV) var/*.sqlite3* var/media var/static var/test-media
