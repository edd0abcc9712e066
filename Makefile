# Zicht: two commands set up a fresh Debian machine with Python 3.11.
#   make demo  - virtual environment, install, SQLite, demo data, serve on 127.0.0.1:$(PORT)
#                with the background worker (mail, tasks) beside the web server
#   make test  - lint, import contracts, mypy and the whole test suite (unit, integration, browser)
# DATABASE_URL=postgres://... make test  runs the suite on PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install lint typecheck chromium serve messages clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@# compile the LCMCR sampler into numba's disk cache now, not on the first estimate
	$(BIN)/python -c "from zicht.estimation.lcmcr import warm_up; warm_up()"
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_accounts
	@echo "Zicht runs on http://127.0.0.1:$(PORT)/ with its background worker (stop both with Ctrl+C)"
	@# The worker delivers mail (to the console in development) and runs queued tasks; a
	@# background job of a non-interactive shell ignores Ctrl+C, so the trap stops it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests (Playwright drives it; no browser download),
# redis-server for the tests of the Redis cache option (tests/redis_server.py starts one)
# and the PostgreSQL client tools (pg_dump, pg_restore) for the backup drill.
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/redis-server ] || [ ! -x /usr/bin/pg_dump ]; then \
		echo "Installing Debian's chromium, redis-server and postgresql-client for the tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium redis-server postgresql-client >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml

# mypy checks the files listed in pyproject.toml's [tool.mypy] (with django-stubs).
typecheck: install
	$(BIN)/mypy

test: install chromium lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check_lessons
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

messages:
	cd src/zicht && ../../$(BIN)/python ../../manage.py makemessages -l nl --ignore "estimation/*" --ignore "simulation/*" && ../../$(BIN)/python ../../manage.py compilemessages -l nl

clean:
	rm -rf $(VENV) var .pytest_cache
