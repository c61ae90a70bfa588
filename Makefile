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

.PHONY: run test ui lint clean manifest lexicon chromium

run: manifest
	$(BIN)/feedback-platform run

test: $(STAMP) chromium
	$(BIN)/pytest

ui: manifest
	$(BIN)/feedback-platform ui

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

clean:
	rm -rf data dbt_project/target dbt_project/logs

# Debian's chromium, for the report's browser test (Playwright drives it; it never downloads a browser).
# Best effort: where apt cannot install it (not root, no apt), the test is skipped and says why.
chromium:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || \
		echo "chromium not installed: the report's browser test will be skipped"

# The dbt manifest the join layer's assets are built from, parsed afresh so edited models are seen.
manifest: $(STAMP)
	cd dbt_project && ../$(BIN)/dbt parse --quiet

# One install (the project in editable mode with its dev extras), redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Rebuild the PII engine's shipped word lists from wordfreq: the served languages' ordinary words
# (feedback_platform/lib/pii/foreign_words.py) and the known words (feedback_platform/lib/pii/known_words.py).
lexicon: $(STAMP)
	$(BIN)/python -c "from feedback_platform.lib.pii.foreign_words import write_foreign_words; print(write_foreign_words(), 'foreign words')"
	$(BIN)/python -c "from feedback_platform.lib.pii.known_words import write_known_words; print(write_known_words(), 'known words')"
