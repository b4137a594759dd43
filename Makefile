# `make run` and `make test` work on a fresh clone with nothing but Python >= 3.11:
# each creates .venv and installs the project into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The service with the bundled packs: the web form and the JSON API on http://127.0.0.1:8000.
run: $(STAMP)
	$(BIN)/compliance-check serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/messages.py

clean:
	rm -rf $(VENV) build *.egg-info
