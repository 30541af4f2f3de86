# Empathy KPI Warehouse. `make run` and `make test` set everything up from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SCALE ?= small
SEED ?= 42
RAW_DIR := $(or $(EMPATHY_RAW_DIR),data/raw)
# dbt needs a key to render the staging models it lints; this one never hashes real data.
LINT_ENV := EMPATHY_PII_KEY=lint-only-key

.PHONY: help install run demo-data refresh test lint pytest clean lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements/constraints.txt
	@echo "==> Creating $(VENV) and installing pinned dependencies"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev]"
	@touch $(INSTALLED)

install: $(INSTALLED) ## create .venv and install the project (pinned)

run: $(INSTALLED) ## set up, generate demo data (if $(RAW_DIR) is missing) and refresh the warehouse
	@if [ -d "$(RAW_DIR)" ]; then \
		echo "==> Using the raw data in $(RAW_DIR) (make demo-data regenerates the demo set)"; \
	else \
		$(BIN)/empathy generate --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR); \
	fi
	$(BIN)/empathy refresh

demo-data: $(INSTALLED) ## (re)generate the demo raw data: make demo-data SCALE=medium SEED=7
	$(BIN)/empathy generate --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)

refresh: $(INSTALLED) ## build, audit and publish from the current raw data
	$(BIN)/empathy refresh

test: $(INSTALLED) lint pytest ## every check: ruff, sqlfluff, then pytest (which runs dbt build and its tests)

lint: $(INSTALLED) ## ruff (Python) and sqlfluff (SQL, dbt templater on an in-memory target)
	$(BIN)/ruff check src tests orchestration
	$(BIN)/ruff format --check src tests orchestration
	$(LINT_ENV) $(BIN)/sqlfluff lint models tests/dbt --processes 2

pytest: $(INSTALLED) ## unit and end-to-end tests (builds the warehouse on small demo data)
	$(LINT_ENV) $(BIN)/pytest

lock: $(INSTALLED) ## re-pin requirements/constraints.txt from the current environment
	@{ echo "# Every package of the tested environment, pinned. Regenerate with: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^empathy-kpi-warehouse'; } > requirements/constraints.txt

clean: ## remove build artefacts (keeps data/ and .venv)
	rm -rf target logs .pytest_cache .ruff_cache
