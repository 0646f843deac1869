# Two commands on a fresh machine: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_STAMP := node_modules/.installed-$(shell cksum package-lock.json | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages migrate demo run test test-postgres lint browser-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
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

run: demo
	$(PY) manage.py demo_logins
	$(PY) manage.py runserver $(HOST):$(PORT)

# pytest exits 5 when it collects nothing: that is a failure here, said out loud.
test: messages lint
	$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "ERROR: pytest collected no test" >&2; exit $$rc; }

# The same suite on PostgreSQL (a throw-away database named by PG_TEST_DB).
PG_URL ?= postgres://postgres@127.0.0.1:5432/unit_ci
test-postgres: messages
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "ERROR: pytest collected no test" >&2; exit $$rc; }

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot download one).
browser-deps:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules var/static
