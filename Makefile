# Rapport — the two commands a newcomer needs: `make demo` and `make test`.
# Everything else (the virtualenv, packages, translations, PostgreSQL and Chromium
# for the tests) is prepared by these targets on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres serve install messages pango lint bench eval model worker clean help

help:
	@echo "make demo   — install, migrate, load the demo workspace and serve http://$(HOST):$(PORT)"
	@echo "             (web server + background worker + scheduler; make serve: the same without the demo)"
	@echo "make test   — the whole suite on SQLite and PostgreSQL, browser journeys included"
	@echo "make lint   — ruff;  make bench — benchmarks as JSON;  make worker — background tasks"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Rapport needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) messages pango

# WeasyPrint prints the invoice PDFs with Pango, a system library.
pango: $(STAMP)
	@$(BIN)/python -c "import weasyprint" >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else \
	    echo "Invoice PDFs need the Pango library: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
	    exit 1; \
	  fi; }

# .po files live in the repository; the compiled .mo files are built here (Babel,
# so GNU gettext is not needed).
messages: $(STAMP)
	@$(BIN)/pybabel compile --domain django --directory rapport/locale --statistics 2>&1 | tail -n 1

# `rapport serve` runs the web server, the background worker and the scheduler together;
# Ctrl-C stops all three.
# Links printed and mailed point at the address served (unless RAPPORT_BASE_URL says otherwise).
BASE_URL_ENV = RAPPORT_BASE_URL="$${RAPPORT_BASE_URL:-http://$(HOST):$(PORT)}"

demo: install
	$(BIN)/rapport migrate --no-input
	$(BASE_URL_ENV) $(BIN)/rapport demo
	$(BASE_URL_ENV) $(BIN)/rapport serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/rapport migrate --no-input
	$(BASE_URL_ENV) $(BIN)/rapport serve --host $(HOST) --port $(PORT)

worker: install
	$(BIN)/rapport worker --tick-every 15

test: install
	@scripts/ensure-test-packages.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== Test suite on PostgreSQL =="
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench: install
	@$(BIN)/python bench/run.py

# Precision and recall of the warning-sign detectors on the labelled corpus, as JSON.
eval: install
	@$(BIN)/rapport eval-signals --cross-validate
	@$(BIN)/rapport eval-feedback

# The learned detectors' weights (rapport/signals/data/model/*.tsv) are committed; this
# retrains them from the development corpus, byte for byte the same unless the corpus or
# the training changed (`rapport train-signals --check` verifies that).
model: install
	@$(BIN)/rapport train-signals

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
	find rapport -name '*.mo' -delete
