# Kennisbank — everyday commands. `make run` and `make test` do all the set-up.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL for `make test-postgres`; the test database is test_$(PG_DB).
PG_URL ?= postgres://postgres@127.0.0.1:5432/$(PG_DB)
PG_DB ?= kennisbank

# The first Python 3.12+ on the PATH (pyenv reads .python-version).
PYTHON := $(shell for p in python3.14 python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)

# make test and make test-postgres run the suite in two processes, a test file each at
# a time; PYTEST_PARALLEL= runs it in one.
PYTEST_PARALLEL ?= -n 2 --dist loadfile
# Tests never need a real secret; the key below is only ever used by them. They read
# from the primary only: tests/test_replicas.py and integration/ set up replicas themselves.
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_DEBUG=false DJANGO_DATABASE_REPLICA_URLS=

.PHONY: help install run migrate seed test test-postgres lint clean browser-tools audit
.PHONY: serve backup restore benchmark test-integration translations

help:
	@echo "make run            install, migrate, load the seed columns, serve on http://127.0.0.1:$(PORT)/"
	@echo "make test           the whole test suite on SQLite"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL))"
	@echo "make lint           ruff and lint-imports (the apps' one-way dependencies)"
	@echo "make serve          production: collectstatic, migrate, gunicorn (WEB_CONCURRENCY workers)"
	@echo "make backup         a consistent snapshot in backups/ (DJANGO_BACKUP_DIR)"
	@echo "make restore FILE=… restore a snapshot into an empty database"
	@echo "make benchmark      requests/s of the main pages under gunicorn + wrk"
	@echo "make test-integration  gunicorn, PostgreSQL and Redis together: load and fault tests"
	@echo "make browser-tools  Chromium (apt, as root) and the web checkers (npm ci) for the browser tests"
	@echo "make audit          Lighthouse on a production-like server; fails below 0.95"
	@echo "make translations   compile locale/*.po (the admin's missing Dutch) to .mo; needs gettext"

$(BIN)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Kennisbank needs Python 3.12 or newer (Django 6.1 does). Install it, e.g. 'pyenv install 3.12', and try again." >&2; \
		exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

install: $(BIN)/.installed

# The browser tests (tests/browser/) need Debian's Chromium and the checkers in
# package.json. Chromium is installed when missing and we are root; otherwise the
# tests say what is missing (and fail under CI=true).
browser-tools: node_modules/.installed
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else echo "Chromium is missing: sudo apt-get install chromium chromium-driver" >&2; fi; fi

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing (install Node.js 20): the checker tests skip, and fail under CI=true." >&2; fi

# The .mo files are committed, so running the site needs no gettext; after editing a
# .po file, run this and commit both (tests/test_translations.py checks they match).
translations:
	@for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

migrate: install
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=true $(BIN)/python manage.py createcachetable

seed: migrate
	DJANGO_DEBUG=true $(BIN)/python manage.py load_seed --if-empty

run: seed
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install browser-tools
	$(BIN)/lint-imports --no-cache
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-postgres: install browser-tools
	@$(BIN)/python -c "import psycopg, sys; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=5).close()" \
		|| { echo "PostgreSQL is not reachable at $(PG_URL)." >&2; exit 1; }
	$(TEST_ENV) DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# Lighthouse on home, a column, a theme (and search once it exists), served by
# gunicorn with debug off and collected, hashed static files.
audit: install browser-tools
	$(BIN)/python scripts/audit.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache node_modules

# --- Production (ops app) ---
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=false $(BIN)/gunicorn --config gunicorn.conf.py

backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=backups/kennisbank-....sqlite3 (or .dump)" >&2; exit 1; }
	$(BIN)/python manage.py restore "$(FILE)"

benchmark: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk >/dev/null; } \
		|| { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m benchmarks.http $(BENCH_ARGS)

test-integration: install
	$(TEST_ENV) $(BIN)/python -m pytest integration $(PYTEST_ARGS)
