# Zaixian: `make run` serves the demo city; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
PG_URL ?= postgres://postgres@127.0.0.1:5432/zaixian
export REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install install-dev system-deps test test-sqlite test-postgres lint lock bench messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(PY)
	$(UV) pip install --quiet --python $(PY) -r requirements/base.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .

install-dev: $(PY)
	$(UV) pip install --quiet --python $(PY) -r requirements/dev.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .

# Debian packages the tests and reports need: Chromium for browser tests, a CJK font so
# Chinese renders in screenshots and PDFs, gettext for translations. Installed only when
# missing and when we may (root); otherwise the tests that need them say why they skip.
system-deps:
	@bash scripts/system-deps.sh

# Pango and a CJK font for the PDF decision documents (installed when root, else a note).
run: install
	@bash scripts/system-deps.sh runtime
	$(VENV)/bin/zaixian demo

test: install-dev system-deps
	@bash scripts/run-tests.sh

test-sqlite: install-dev
	$(PY) -m pytest

test-postgres: install-dev
	DATABASE_URL=$(PG_URL) $(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

lock: $(PY)
	$(UV) pip compile --quiet --python-version 3.11 pyproject.toml -o requirements/base.txt
	$(UV) pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements/dev.txt

bench: install-dev
	$(PY) bench/search_bench.py --vendor both

messages: install-dev
	cd zaixian && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete
	cd zaixian && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
