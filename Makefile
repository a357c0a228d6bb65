# Qianlu — `make run` serves the app on SQLite; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test venv venv-dev translations i18n lint setup-db clean

$(BIN)/python:
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

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: venv-dev translations lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance test-output
