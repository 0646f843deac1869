# Two commands on a fresh machine: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages migrate demo run test test-postgres lint browser-deps office-deps pdf-deps test-deps clean

# uv (from PyPI) installs the same pinned ranges as pip, several times faster.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "uv>=0.5"
	$(VENV)/bin/uv pip install -q --python $(PY) -e ".[test]"
	@rm -f $(VENV)/.installed-*; touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-*; touch $@

install: $(STAMP) $(NODE_STAMP)

# gettext's msgfmt compiles the catalogues; install it from Debian when a fresh machine lacks it.
messages: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: messages
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py seed_demo --if-empty

# The server and the background-job worker (imports, exports: docs/deploy.md), stopped together: the
# trap ends the worker whenever the server stops (Ctrl+C, an error, a kill).
# Without the PDF libraries every page still works; the PDFs then say in French how to install them.
run: demo
	@$(MAKE) --no-print-directory pdf-deps || echo "WARNING: the PDF libraries (make pdf-deps) could not be" \
		"installed: the stay summary and discharge letter PDFs will be unavailable" >&2
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@$(PY) manage.py db_worker --no-reload --interval 1 -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collects nothing: that is a failure here, said out loud.
test: messages lint
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "ERROR: pytest collected no test" >&2; exit $$rc; }

# The same suite on PostgreSQL (a throw-away database named by PG_URL), its test database built by the
# migrations themselves (the SQLite run builds it from the models): the migrations and what only they
# create (the audit trail's append-only trigger) are tested here.
PG_URL ?= postgres://postgres@127.0.0.1:5432/unit_ci
test-postgres: messages
	DATABASE_URL=$(PG_URL) $(PY) -m pytest --migrations $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "ERROR: pytest collected no test" >&2; exit $$rc; }

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot download one).
browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# LibreOffice Calc and poppler for the workbook test that opens the workbook as a funder would (converted to
# PDF by soffice --headless, read back with pdftotext); the test is skipped, saying so, without them.
office-deps:
	@command -v soffice >/dev/null && command -v pdftotext >/dev/null || (apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends libreoffice-calc poppler-utils >/dev/null)

# Pango and HarfBuzz for WeasyPrint (the stay summary and discharge letter PDFs): WeasyPrint's own list for
# Debian >= 11, and a font with the French accents. WeasyPrint itself comes from PyPI (pyproject.toml).
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@dpkg -s $(PDF_LIBS) >/dev/null 2>&1 || (apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends $(PDF_LIBS) >/dev/null)

# The README's screenshots (docs/screenshots), taken by a browser test on a small demo unit.
.PHONY: screenshots
screenshots: messages browser-deps
	DOCS_SCREENSHOTS=1 $(PY) -m pytest -m browser tests/browser/test_readme_screenshots.py -q

# Everything the whole suite drives outside Python: Chromium, LibreOffice, poppler, Pango.
test-deps: browser-deps office-deps pdf-deps

# Production: gunicorn behind a TLS reverse proxy (docs/deploy.md), static files collected and served by
# whitenoise. SECRET_KEY and ALLOWED_HOSTS come from the environment; DATABASE_URL names PostgreSQL.
# Imports and exports run in a separate worker: `make worker` with the same environment (or the systemd
# unit of docs/deploy.md); without it they wait in the queue.
WORKERS ?= $(shell echo $$((2 * $$(nproc 2>/dev/null || echo 1) + 1)))
.PHONY: serve worker bench bench-load
serve: messages
	@test -n "$$SECRET_KEY" || { echo "ERROR: make serve needs SECRET_KEY in the environment" \
		"(e.g. export SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'))" >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "ERROR: make serve needs ALLOWED_HOSTS in the environment" \
		"(the site's host names, comma-separated, e.g. export ALLOWED_HOSTS=dossier.example.org)" >&2; exit 2; }
	@test -n "$$DATABASE_URL" || echo "WARNING: DATABASE_URL is not set: serving the SQLite file in var/" \
		"(production runs on PostgreSQL, docs/deploy.md)" >&2
	PROFILE=production $(PY) manage.py collectstatic --noinput -v 0
	PROFILE=production $(PY) manage.py migrate --noinput -v 0
	@echo "Imports and exports need the background worker: run 'make worker' beside this (docs/deploy.md)." >&2
	exec env PROFILE=production $(VENV)/bin/gunicorn config.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--timeout 120 --access-logfile - $(GUNICORN_ARGS)

# The background-job worker of production (django-tasks' database backend), same environment as serve.
worker: install
	@test -n "$$SECRET_KEY" || { echo "ERROR: make worker needs the same environment as make serve" >&2; exit 2; }
	exec env PROFILE=production $(PY) manage.py db_worker --no-reload --interval 1

# Benchmarks on PostgreSQL (throw-away databases bench_s and bench_l; writes docs/performance.md).
# Long, and never part of `make test` or CI.
# Locust (the load test of both) comes from the optional `bench` extra of pyproject.toml.
bench: messages
	$(VENV)/bin/uv pip install -q --python $(PY) -e ".[test,bench]"
	$(PY) bench/run.py $(BENCH_ARGS)

# The load test alone (a unit's staff at work, Locust against gunicorn on PostgreSQL), written into its
# section of docs/performance.md: `make bench-load BENCH_SCALE=S LOAD_ARGS="--run-time 60s"` to try it small.
BENCH_SCALE ?= L
bench-load: messages
	$(VENV)/bin/uv pip install -q --python $(PY) -e ".[test,bench]"
	$(PY) bench/load.py --scale $(BENCH_SCALE) --write $(LOAD_ARGS)

# The layers (pyproject.toml [tool.importlinter], docs/architecture.md): apps import downward only.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v 0

clean:
	rm -rf $(VENV) node_modules var/static
