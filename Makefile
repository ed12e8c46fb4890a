# Two commands set everything up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQUIREMENTS_STAMP := $(VENV)/.requirements-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes: one per CPU core (pytest-xdist's `auto`); `make test TEST_WORKERS=0` runs
# the suite in this one process, in order.
TEST_WORKERS ?= auto

# A developer's machine runs with DEBUG on unless told otherwise.
export DEBUG ?= 1

.PHONY: run test lint setup install translations bench audit loadtest worker clean

$(REQUIREMENTS_STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.requirements-*
	@touch $@

install: $(REQUIREMENTS_STAMP)

translations: install
	$(BIN)/python manage.py compile_translations

setup: install translations
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# A Celery worker for background work; needs REDIS_URL (without it, work runs in the web
# process and no worker is needed). See docs/OPERATIONS.md.
worker: install translations
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL, e.g. redis://127.0.0.1:6379/0"; exit 1; }
	$(BIN)/celery --app config worker --loglevel INFO --concurrency $${WORKER_CONCURRENCY:-2}

test: install translations
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# ruff, mypy and djLint (configured in pyproject.toml): every tool runs, and any finding fails.
lint: install
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/mypy || status=1; \
	$(BIN)/djlint templates --lint || status=1; \
	exit $$status

# Every benchmark in one run, under 10 minutes. `make bench BENCH_ARGS=` adds `make run` on a
# fresh clone (mostly the time pip takes to install the packages: 2-5 minutes more).
BENCH_ARGS ?= --skip-clone
bench: install translations
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Checks the pinned dependencies against the Python vulnerability database (needs the
# internet; CI's machine cannot reach the service, so CI does not run it).
audit: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	$(BIN)/pip-audit --requirement requirements.txt --requirement requirements-dev.txt --strict

# Load without loss: fifty simulated applicants and contact points for three minutes against
# gunicorn and a scratch PostgreSQL database (tests/load/run.py); then the deadline rush: two
# hundred in the last three minutes before a deadline and thirty seconds past it, across two
# gunicorn instances, a Celery worker and Redis (tests/load/rush.py). `make test` runs a short
# version of each.
loadtest: install translations
	$(BIN)/python -m tests.load.run --users 50 --seconds 180
	$(BIN)/python -m tests.load.run --rush --users 200 --seconds 180 --after-deadline 30 --spawn-rate 20

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis .mypy_cache .ruff_cache
