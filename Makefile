# Two commands matter: `make run` (the app, embedded mode, demo data) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The newest Python 3.12+ on this machine (pyenv installs included).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] 2>/dev/null | sort -rV) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p || echo $$p; } && break; done)
HTMX := static/vendor/htmx.min.js

.PHONY: install run test lint bench loadtest messages clean

install: $(VENV)/.installed $(HTMX)

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is required (tried python3.14, python3.13, python3.12, pyenv)"; exit 1; }
	@echo "Using $(PYTHON)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(HTMX): package.json
	npm install --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

run: install
	mkdir -p var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A crm worker --loglevel=info --concurrency=2 & \
	$(VENV)/bin/celery -A crm beat --loglevel=info --schedule var/celerybeat-schedule & \
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .

# Not part of `make test`: times the dashboard (as the network manager), the contact list,
# My network, the event year, a stakeholder group and more (median, p95, queries) with
# DEBUG off, on the database named by DATABASE_URL. An empty database is migrated and
# seeded once with BENCH_CONTACTS (50,000) contacts and over 500,000 interactions; one that
# already holds that many contacts is reused; any other is refused, never wiped. Without
# DATABASE_URL it uses its own SQLite file, var/bench.sqlite3 (not make run's db.sqlite3).
BENCH_CONTACTS ?= 50000
bench: install
	@mkdir -p var
	@test -n "$$DATABASE_URL" || echo "make bench: DATABASE_URL is not set, so this runs on SQLite in var/bench.sqlite3; set DATABASE_URL=postgres://… for figures close to production."
	@DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/var/bench.sqlite3}" DEBUG=0 \
	  SECRET_KEY="$${SECRET_KEY:-bench-$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}" \
	  ALLOWED_HOSTS=testserver,127.0.0.1 LOG_LEVEL=WARNING \
	  $(PY) manage.py benchmark_pages --ensure-contacts $(BENCH_CONTACTS)

# Not part of `make test`: gunicorn on 127.0.0.1:8055 over DATABASE_URL (PostgreSQL, seeded
# if empty) and 50 locust users for 60 s; fails on any error (see loadtest/run).
loadtest: install
	loadtest/run

messages: install
	$(PY) manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=node_modules --ignore=static --ignore=tests
	$(PY) manage.py compilemessages -l nl --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules static/vendor var
