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

# Until the service exists: check the sample templates in corpus/ and print the report.
# Findings make the checker exit 1; that is the report working, not make failing.
run: $(STAMP)
	$(BIN)/compliance-check messages corpus/templates/cn-samples.jsonl --pack cn-collection --format text || [ $$? -eq 1 ]
	$(BIN)/compliance-check messages corpus/templates/us-samples.jsonl --pack us-federal --format text || [ $$? -eq 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/messages.py

clean:
	rm -rf $(VENV) build *.egg-info
