# Herald: `make run` serves a populated site at http://127.0.0.1:8000; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/herald run --sample-pack

lint: $(STAMP)
	$(BIN)/ruff check herald tests bench
	$(BIN)/ruff format --check herald tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint unit

bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/summaries.py
	$(BIN)/python bench/ask.py
	$(BIN)/python bench/panel.py
	$(BIN)/python bench/comments.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
