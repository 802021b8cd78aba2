# procura — two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench bench-load clean translations vendor browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/procura demo

test: $(STAMP) browser
	$(BIN)/python -m pytest -m "not bench" -q

# Debian's Chromium for the browser tests (Playwright drives it; never a browser download).
browser:
	@command -v chromium >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not bench and not slow and not spark and not browser" -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/link.py
	$(BIN)/python bench/link_febrl.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/lake.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/pages.py

# Issue 10's load targets (ADR 0560, 0566): 200 users on PostgreSQL and 50 on SQLite,
# API and workbench pages, ~1 s pause and burst. Each run prints its figures and load average.
bench-load: $(STAMP)
	for args in "--db postgres --users 200 --workers 2" "--db postgres --users 200 --workers 2 --burst" \
	    "--db postgres --users 200 --workers 2 --pages" "--db postgres --users 200 --workers 2 --pages --burst" \
	    "--db sqlite --users 50" "--db sqlite --users 50 --burst"; do \
	  $(BIN)/python bench/load.py --duration 60 $$args || true; done

clean:
	rm -rf $(VENV) procura-workspace .pytest_cache .mypy_cache .ruff_cache

# The workbench's translations: re-extract the message ids, merge them into the catalogues
# (then translate the new entries of locale/zh/LC_MESSAGES/messages.po by hand).
WEB := src/procura/web
translations: $(STAMP)
	$(BIN)/pybabel extract -F $(WEB)/babel.cfg -k N_ --no-location --sort-output --omit-header -o $(WEB)/locale/messages.pot $(WEB)
	$(BIN)/pybabel update --omit-header --no-fuzzy-matching --ignore-obsolete -i $(WEB)/locale/messages.pot -d $(WEB)/locale

# Refresh the vendored browser assets (htmx, ECharts, cytoscape.js + fcose, Swagger UI, axe-core) from npm.
vendor:
	scripts/vendor_assets.sh
