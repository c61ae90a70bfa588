# The two set-up commands of the README: `make run` and `make test`. `make ui` opens the Dagster UI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FEEDBACK_PLATFORM_DATA_DIR ?= $(CURDIR)/data
export PATH := $(CURDIR)/$(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_DISABLE_TELEMETRY := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test ui lint clean manifest lexicon

run: manifest
	$(BIN)/feedback-platform run

test: $(STAMP)
	$(BIN)/pytest

ui: manifest
	$(BIN)/feedback-platform ui

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf data dbt_project/target dbt_project/logs

# The dbt manifest the join layer's assets are built from, parsed afresh so edited models are seen.
manifest: $(STAMP)
	cd dbt_project && ../$(BIN)/dbt parse --quiet

# One install (the project in editable mode with its dev extras), redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Rebuild the shipped list of the served languages' ordinary words (feedback_platform/lib/pii/foreign_words.py).
lexicon: $(STAMP)
	$(BIN)/python -c "from feedback_platform.lib.pii.foreign_words import write_foreign_words; print(write_foreign_words(), 'words')"
