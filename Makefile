# Qianlu — `make run` serves the app on SQLite; `make test` runs every test.
# Python 3.11 to 3.13. Unless PYTHON=… is given, the first of these that runs and is at least
# 3.11 is used (pyenv shims for versions that are not installed do not run, and are skipped).
PYTHON_CANDIDATES := python3.13 python3.12 python3.11 python3
PYTHON_CHECK := import sys; sys.exit(sys.version_info < (3, 11))
ifeq ($(origin PYTHON), undefined)
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c '$(PYTHON_CHECK)' >/dev/null 2>&1 && echo $(p))))
endif
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-pythons venv venv-dev translations i18n lint setup-db clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Qianlu needs Python 3.11, 3.12 or 3.13: none of $(PYTHON_CANDIDATES) runs here with a version of at least 3.11." >&2; \
	  echo "Install one, or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.x" >&2; exit 1; fi
	@$(PYTHON) -c '$(PYTHON_CHECK)' 2>/dev/null || { \
	  echo "PYTHON=$(PYTHON) is older than Python 3.11 (it is: $$($(PYTHON) --version 2>&1))." >&2; exit 1; }
	@echo "Using $(PYTHON): $$($(PYTHON) -c 'import sys; print("Python", sys.version.split()[0], "at", sys.executable)')"
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] > (3, 13))' || \
	  echo "Note: Qianlu is tested on Python 3.11 to 3.13; this one is newer." >&2
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.req: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.req-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.req $@

venv: $(VENV)/.req
venv-dev: $(VENV)/.req-dev

translations: venv
	$(BIN)/pybabel -q compile -d app/translations

## Extract strings and update both catalogues (then fill in the new entries).
i18n: venv
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --no-location --omit-header --sort-output app
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --omit-header
	$(BIN)/python tools/i18n.py fill-en
	$(BIN)/python tools/i18n.py apply
	$(BIN)/pybabel -q compile -d app/translations
	@$(BIN)/python tools/i18n.py missing || echo "add the entries above to the feature's i18n_zh.json, then run make i18n again"

setup-db: venv translations
	$(BIN)/flask db upgrade
	$(BIN)/flask areas load
	$(BIN)/flask catalog load
	$(BIN)/flask demo seed --if-empty

run: setup-db
	@echo "Qianlu on http://127.0.0.1:5000 — demo logins are in README.md (password qianlu2025)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## ruff on everything, mypy on app/, the package layers (lint-imports); all configured in
## pyproject.toml.
lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: venv-dev translations lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## The unit tests on every other supported Python found here (CI runs this after `make test`).
test-pythons: venv
	@tools/test_pythons.sh "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

clean:
	rm -rf $(VENV) .venv-3.* .venv-deploy instance test-output
