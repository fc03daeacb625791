# `make shell` and `make test` create .venv on first use; only Python 3.11+ is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/scp-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

.PHONY: install shell emulator test lint
install: $(BIN)/scp-bot

shell: install
	$(BIN)/scp-bot shell

emulator: install
	$(BIN)/scp-bot emulator

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check bot tests
