# procura — two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/procura demo

test: $(STAMP)
	$(BIN)/python -m pytest -m "not bench" -q

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
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) procura-workspace .pytest_cache .mypy_cache .ruff_cache
