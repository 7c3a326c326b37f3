# Two commands on a fresh machine with only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# An existing demo is kept (what was entered in it stays); `make demo REBUILD=1` starts afresh;
# `make demo DESK=services` opens it at VIP All In's desk (the caseload).
demo: $(STAMP)
	$(BIN)/vip $(if $(DESK),--desk $(DESK)) demo $(if $(REBUILD),--rebuild)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests

clean:
	rm -rf $(VENV) .pytest_cache
