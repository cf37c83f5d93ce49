# ASN learning portal. `make run` and `make test` are all a newcomer needs.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The address absolute links point at (e-mail links, certificate QR codes, Open Badges
# ids; config/links.py): derived from HOST/PORT unless set, e.g. for a tunnel or a LAN IP.
WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)


.PHONY: bench
.PHONY: help run serve install install-dev install-bench migrate seed messages translations static test test-postgres lint format check typecheck security e2e e2e-deps ralph vendor-scorm-again vendor-h5p-standalone lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when the lock files change.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Create .venv and install the runtime dependencies

$(VENV)/.installed-bench: requirements.txt requirements-dev.txt requirements-bench.txt | $(PY)
	$(PIP) install --quiet -r requirements-bench.txt
	@touch $(VENV)/.installed $(VENV)/.installed-dev $@

install-dev: $(VENV)/.installed-dev ## Create .venv and install runtime and development dependencies

install-bench: $(VENV)/.installed-bench ## Also install the load-test tools that only `make bench` uses (locust)

migrate: install ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	@mkdir -p var
	$(MANAGE) migrate --no-input

seed: migrate ## Load the demo data (idempotent) and print the demo logins
	$(MANAGE) seed_demo

translations: install ## Compile the .po catalogues
	$(MANAGE) compile_translations

static: install ## Collect static files into var/staticfiles
	$(MANAGE) collectstatic --no-input --verbosity 0

run: migrate translations static ## Set everything up and serve http://127.0.0.1:8000 (demo data, eager Celery)
	WAGTAILADMIN_BASE_URL=$(WAGTAILADMIN_BASE_URL) $(MANAGE) seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/, press Ctrl+C to stop)"
	@echo "Links in e-mails and certificate QR codes point at $(WAGTAILADMIN_BASE_URL) (WAGTAILADMIN_BASE_URL)"
	WAGTAILADMIN_BASE_URL=$(WAGTAILADMIN_BASE_URL) $(MANAGE) runserver $(HOST):$(PORT)

serve: ## Serve without the set-up steps
	@echo "Links in e-mails and certificate QR codes point at $(WAGTAILADMIN_BASE_URL) (WAGTAILADMIN_BASE_URL)"
	WAGTAILADMIN_BASE_URL=$(WAGTAILADMIN_BASE_URL) $(MANAGE) runserver $(HOST):$(PORT)

lint: install-dev ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev ## Format and fix what ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install-dev ## mypy with django-stubs
	$(VENV)/bin/mypy accounts competencies lms config

check: install-dev ## Django system checks and the migrations check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

security: install-dev ## bandit security lint (medium severity and up)
	$(VENV)/bin/bandit -c pyproject.toml -r accounts competencies lms config -ll -q

# axe-core for the accessibility checks, pinned by tests/e2e/package-lock.json and
# installed under var/node (git-ignored); nothing is fetched while the tests run.
var/node/node_modules/axe-core/axe.min.js: tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null; then \
	  mkdir -p var/node && cp tests/e2e/package.json tests/e2e/package-lock.json var/node/ && \
	  npm ci --prefix var/node --no-audit --no-fund --loglevel error; \
	else echo "npm not found: the e2e tests will skip (axe-core missing)"; fi

# scorm-again, the SCORM runtime of SCORM lessons (docs/scorm.md), is committed under
# static/vendor/scorm-again/ so that the build and the deploy need no npm. This target
# refreshes it from the pinned npm tarball (checked against its SHA-256).
SCORM_AGAIN_VERSION := 3.4.3
SCORM_AGAIN_SHA256 := f182724b4614c34a616a92d7e4d8967392013c5fae74116db98a5c5a11db5edb
vendor-scorm-again: ## Refresh static/vendor/scorm-again from the pinned npm package
	mkdir -p var/vendor && cd var/vendor && npm pack scorm-again@$(SCORM_AGAIN_VERSION) --silent
	echo "$(SCORM_AGAIN_SHA256)  var/vendor/scorm-again-$(SCORM_AGAIN_VERSION).tgz" | sha256sum -c -
	rm -rf var/vendor/package && tar xzf var/vendor/scorm-again-$(SCORM_AGAIN_VERSION).tgz -C var/vendor
	for f in scorm12.min.js scorm2004.min.js; do \
	  sed '/^\/\/# sourceMappingURL=/d' var/vendor/package/dist/$$f > static/vendor/scorm-again/$$f; done
	cp var/vendor/package/LICENSE static/vendor/scorm-again/LICENSE

# The Ralph LRS for the xAPI tests (tests/lms/xapi, docs/xapi.md), in a venv of its own
# (its pinned FastAPI/pydantic clash with ours); without it those tests skip, and under
# REQUIRE_SERVICES=1 (CI) fail.
RALPH_VENV := var/ralph-venv
$(RALPH_VENV)/.installed: requirements-ralph.txt
	rm -rf $(RALPH_VENV) && $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet -r requirements-ralph.txt
	@touch $@

ralph: $(RALPH_VENV)/.installed ## Install the Ralph LRS the xAPI tests start (var/ralph-venv)

# h5p-standalone, the player of H5P lessons (docs/h5p.md), is committed under
# static/vendor/h5p-standalone/ like scorm-again: the player scripts, its styles, fonts
# and images from the pinned npm tarball (checked against its SHA-256).
H5P_STANDALONE_VERSION := 3.8.2
H5P_STANDALONE_SHA256 := de7844ac07d5baddf5664c03738f25755914854b472f9b093251300ea1fec391
vendor-h5p-standalone: ## Refresh static/vendor/h5p-standalone from the pinned npm package
	mkdir -p var/vendor && cd var/vendor && npm pack h5p-standalone@$(H5P_STANDALONE_VERSION) --silent
	echo "$(H5P_STANDALONE_SHA256)  var/vendor/h5p-standalone-$(H5P_STANDALONE_VERSION).tgz" | sha256sum -c -
	rm -rf var/vendor/package && tar xzf var/vendor/h5p-standalone-$(H5P_STANDALONE_VERSION).tgz -C var/vendor
	rm -rf static/vendor/h5p-standalone/styles static/vendor/h5p-standalone/fonts static/vendor/h5p-standalone/images
	cp -R var/vendor/package/dist/styles var/vendor/package/dist/fonts var/vendor/package/dist/images static/vendor/h5p-standalone/
	cp var/vendor/package/dist/main.bundle.js var/vendor/package/dist/frame.bundle.js \
	  var/vendor/package/dist/main.bundle.js.LICENSE.txt static/vendor/h5p-standalone/
	cp var/vendor/package/LICENSE static/vendor/h5p-standalone/LICENSE

e2e-deps: install-dev var/node/node_modules/axe-core/axe.min.js ## Install what the browser tests need (axe-core; chromium comes from apt)

e2e: e2e-deps ## Browser, accessibility and journey tests only (screenshots in var/e2e/)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) compile_translations --verbosity 0
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# pytest-xdist processes for `make test` (docs/testing.md, "Running in parallel"): the
# tests marked `services` or `e2e` run afterwards in one process (--serial=only).
# TEST_SERIAL=no runs them among the others instead: only where none of them can start
# anything (CI's SQLite pass without e2e, where the services tests skip).
TEST_WORKERS ?= auto
TEST_SERIAL ?= yes

test: install-dev e2e-deps ralph lint typecheck security check ## Lint, checks and the whole test suite (e2e included)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) compile_translations --verbosity 0
ifeq ($(TEST_SERIAL),no)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
else
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --serial=exclude $(PYTEST_ARGS)
	$(VENV)/bin/pytest --serial=only $(PYTEST_ARGS)
endif

messages: install-dev ## Extract new strings into the .po files (needs GNU gettext)
	$(MANAGE) makemessages --locale id --locale en --ignore ".venv/*" --ignore "var/*" --no-obsolete

lock: ## Re-resolve requirements.in into requirements.txt in a throw-away venv
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Every runtime package pinned. Generated from requirements.in by \`make lock\`; do not edit by hand."; echo; var/lock-venv/bin/pip freeze; } > requirements.txt
	rm -rf var/lock-venv

clean: ## Remove the virtualenv, database and generated files
	rm -rf $(VENV) var/db.sqlite3* var/staticfiles var/mail
	find . -name "*.mo" -path "./locale/*" -delete

bench: install-bench ## Measure the PRODUCT.md targets on PostgreSQL with the scale data (bench/RESULTS.md)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } || echo "wrk missing: the HTTP load test will be skipped"
	$(PY) bench/run.py $(BENCH_ARGS)
