# Tenderbox: `make run` serves the portal with demo data; `make test` passes the tests.
# Both install everything they need on first use and reuse it afterwards.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STATIC_BUILD := build/static
SASS := node_modules/.bin/sass
GOVUK := node_modules/govuk-frontend/dist/govuk
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser lint format setup assets migrate demo worker bench clean

$(BIN)/.installed: pyproject.toml
	@PY=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$PY"; "$$PY" -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(STATIC_BUILD)/.built: node_modules/.installed $(wildcard tenderbox/assets/*.scss)
	mkdir -p $(STATIC_BUILD)/govuk $(STATIC_BUILD)/tenderbox
	$(SASS) --no-source-map --style=compressed --quiet-deps --load-path=node_modules/govuk-frontend/dist \
	  tenderbox/assets/tenderbox.scss $(STATIC_BUILD)/tenderbox/tenderbox.css
	rm -rf $(STATIC_BUILD)/govuk/assets && cp -R $(GOVUK)/assets $(STATIC_BUILD)/govuk/assets
	cp $(GOVUK)/govuk-frontend.min.js $(STATIC_BUILD)/govuk/govuk-frontend.min.js
	@touch $@

setup: $(BIN)/.installed $(STATIC_BUILD)/.built

assets: $(STATIC_BUILD)/.built

migrate: setup
	$(BIN)/tenderbox migrate --no-input -v 0

demo: migrate
	$(BIN)/tenderbox demo

# The embedded default runs the background worker beside the web server, so alerts and scheduled
# jobs work with nothing else installed; stopping `make run` stops both.
run: demo
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/tenderbox worker & \
	  echo "Tenderbox is at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"; \
	  $(BIN)/tenderbox runserver --noreload $(HOST):$(PORT)

worker: migrate
	$(BIN)/tenderbox worker

# One worker a core (pytest-xdist); each test module stays on one worker, so its module-scoped
# worlds are built once. Each worker has its own test database (test_<name>_gw0, _gw1, ...).
test: setup
	$(BIN)/pytest -q -n auto --dist loadfile

# The browser tests on every core too, test by test (each has its own live server and data): on 2
# cores 190 s against about 340 s one at a time; more workers than cores made it slower.
test-browser: setup
	$(BIN)/pytest -q -m browser -n auto --dist load tests/browser

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Speed figures on this machine (benchmarks/bench.py; docs/performance.md). CI runs a small SIZE.
SIZE ?= 10000
# Then the deadline rush, a heavy person's access export and the retention sweep, at the sizes of
# their targets unless given smaller ones (CI does).
RUSH_ARGS ?= --suppliers 1000 --window 60
EXPORT_ARGS ?= --records 10000
RETENTION_ARGS ?= --users 1000000
bench: setup
	$(BIN)/python benchmarks/bench.py --size $(SIZE) $(BENCH_ARGS)
	$(BIN)/python benchmarks/deadline_rush.py $(RUSH_ARGS)
	$(BIN)/python benchmarks/subject_export.py $(EXPORT_ARGS)
	$(BIN)/python benchmarks/retention_memory.py $(RETENTION_ARGS)

clean:
	rm -rf $(VENV) node_modules build var
