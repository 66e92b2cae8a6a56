# Herald: `make run` serves a populated site at http://127.0.0.1:8000; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit install bench clean messages

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
	$(BIN)/python bench/api.py

# The interface's catalogs: extract every marked sentence, then merge it into each language's .po (translate
# the new entries there; tests/web/test_i18n.py fails while one is missing). A new language:
# $(BIN)/pybabel init -i herald/web/locale/messages.pot -d herald/web/locale -l <code>
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o herald/web/locale/messages.pot herald
	$(BIN)/pybabel update -i herald/web/locale/messages.pot -d herald/web/locale --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
