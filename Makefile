# Circuit Court: `make run` to try it, `make test` to check it. Needs only Python 3.11+.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test migrate demo lint format check messages serve worker bench clean

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	@touch $@

install: $(VENV)/.installed

# axe-core (npm registry) for the browser tests' accessibility checks; skipped without npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the browser tests' accessibility checks will need it"; fi

install-test: $(VENV)/.installed-test node_modules/.installed

migrate: install
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) load_demo_data
	$(MANAGE) create_dev_admin

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Tests run in parallel, one process per core (TEST_WORKERS=0 runs them in one process).
TEST_WORKERS ?= auto

test: install-test
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install-test
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# The French catalogues (GNU gettext): extract every string, each app's into <app>/locale/,
# templates/ and site/ into locale/, then compile. Translate the new empty msgstr in the .po
# files and run it again; tests/test_translations.py checks nothing is left untranslated.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench \
	--ignore=docs --ignore=deploy --ignore=static
messages: install
	$(MANAGE) makemessages -l fr $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages -l fr $(MESSAGES_IGNORE)

# Production-style serving: production settings read everything from the environment
# (see deploy/production.env.example and the README).
serve: install
	DJANGO_SETTINGS_MODULE=circuitcourt.site.settings.production $(PY) manage.py collectstatic --no-input --verbosity 0
	DJANGO_SETTINGS_MODULE=circuitcourt.site.settings.production $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=circuitcourt.site.settings.production $(VENV)/bin/gunicorn circuitcourt.site.wsgi \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} --access-logfile - --max-requests 2000 --max-requests-jitter 200

# The background worker production needs beside `make serve` (TASKS_BACKEND=database):
# e-mails, webhooks and standing-order drafts queued in the database.
worker: install
	DJANGO_SETTINGS_MODULE=circuitcourt.site.settings.production $(PY) manage.py db_worker --no-reload

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .ruff_cache *.egg-info node_modules .browser-artifacts

# Every benchmark in bench/, the load test last:
# it starts its own servers and writes docs/performance.md. BENCH_ARGS go to the load test
# (e.g. BENCH_ARGS="--duration 10").
BENCH_SCRIPTS := distance_search supply_orders supply_documents recall
bench: install-test
	@set -e; for name in $(BENCH_SCRIPTS); do \
		echo "== bench/$$name.py"; $(PY) bench/$$name.py; \
	done
	@echo "== bench/load.py"
	$(PY) bench/load.py $(BENCH_ARGS)
