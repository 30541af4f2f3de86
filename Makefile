# Empathy KPI Warehouse. `make run` and `make test` set everything up from nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_POSTGRES := $(VENV)/.installed-postgres
INSTALLED_SPARK := $(VENV)/.installed-spark
SCALE ?= small
SEED ?= 42
RAW_DIR := $(or $(EMPATHY_RAW_DIR),data/raw)
# dbt needs a key to render the staging models it lints; this one never hashes real data.
LINT_ENV := EMPATHY_PII_KEY=lint-only-key
# Dagster's instance folder: run history, schedule state, and dagster.yaml (one writer at a time).
DAGSTER_HOME := $(CURDIR)/orchestration/dagster_home

.PHONY: help install install-postgres install-spark run demo-data refresh dagster browser postgres-server test \
	test-engines test-engines-spark java lint unit pytest benchmark clean lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements/constraints.txt
	@echo "==> Creating $(VENV) and installing pinned dependencies"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev]"
	@touch $(INSTALLED)

install: $(INSTALLED) ## create .venv and install the project (pinned)

$(INSTALLED_POSTGRES): $(INSTALLED)
	@echo "==> Installing the postgres extra (dbt-postgres, psycopg2) into $(VENV)"
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt \
		-e ".[dev,postgres]"
	@touch $(INSTALLED_POSTGRES)

install-postgres: $(INSTALLED_POSTGRES) ## add the PostgreSQL client stack (extra postgres) to .venv

$(INSTALLED_SPARK): $(INSTALLED)
	@echo "==> Installing the spark extra (dbt-spark with the session method, pyspark; ~500 MB) into $(VENV)"
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt \
		-e ".[dev,spark]"
	@touch $(INSTALLED_SPARK)

install-spark: $(INSTALLED_SPARK) ## add a local Spark (extra spark: dbt-spark session, pyspark; needs Java 17) to .venv

run: $(INSTALLED) ## set up, generate demo data (if missing), refresh and write the weekly review pack
	@if [ -d "$(RAW_DIR)" ]; then \
		echo "==> Using the raw data in $(RAW_DIR) (make demo-data regenerates the demo set)"; \
	else \
		$(BIN)/empathy generate --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR); \
	fi
	$(BIN)/empathy refresh --cadence weekly

demo-data: $(INSTALLED) ## (re)generate the demo raw data: make demo-data SCALE=medium SEED=7
	$(BIN)/empathy generate --scale $(SCALE) --seed $(SEED) --out $(RAW_DIR)

refresh: $(INSTALLED) ## build, audit and publish from the current raw data
	$(BIN)/empathy refresh

dagster: $(INSTALLED) ## Dagster UI on http://127.0.0.1:3000: asset graph, checks, cadence schedules
	@mkdir -p $(DAGSTER_HOME)
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev --host 127.0.0.1 --port 3000

# $(call debian_package,TEST,PACKAGE,NAME,PURPOSE): nothing if the shell test TEST succeeds; else, as
# root on Debian, apt-get install PACKAGE; else a message saying what to install.
define debian_package
	@if $(1) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> Installing $(3) (Debian package) for $(4)"; \
		apt-get install -y -qq $(2) >/dev/null 2>&1 \
			|| { apt-get update -qq && apt-get install -y -qq $(2) >/dev/null; }; \
	else \
		echo "$(3) is missing: install the $(2) package (sudo apt-get install $(2))" >&2; \
		exit 1; \
	fi
endef

browser: ## headless Chromium (Debian package) for the review-pack rendering tests
	$(call debian_package,command -v chromium,chromium,Chromium,the review-pack tests)

java: ## a Java runtime (Debian package) for the local Spark of the engine tests
	$(call debian_package,java -version,openjdk-17-jre-headless,Java 17,the Spark engine tests)

postgres-server: ## PostgreSQL server binaries (Debian package) for the engine tests' throw-away server
	$(call debian_package,ls /usr/lib/postgresql/*/bin/initdb,postgresql,PostgreSQL,the engine tests)

test: $(INSTALLED) browser lint unit pytest ## every check: ruff, sqlfluff, dbt unit tests, then pytest (dbt build, GX, Dagster, packs)

lint: $(INSTALLED) ## ruff (Python) and sqlfluff (SQL, dbt templater on an in-memory target)
	$(BIN)/ruff check src tests orchestration
	$(BIN)/ruff format --check src tests orchestration
	$(LINT_ENV) $(BIN)/sqlfluff lint models tests/dbt --processes 2

# dbt unit tests need the models' relations to exist, not their data: an empty build (dbt --empty)
# of every model and seed from a freshly generated demo set, in a throw-away folder.
unit: $(INSTALLED) ## the dbt unit tests (fixtures of the KPI formulas), on an empty build
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	export EMPATHY_RAW_DIR="$$tmp/raw" EMPATHY_BUILD_PATH="$$tmp/warehouse.duckdb" $(LINT_ENV) && \
	dbt_args="--target build --target-path $$tmp/target --log-path $$tmp/logs" && \
	echo "==> dbt unit tests (empty build of the models in $$tmp)" && \
	$(BIN)/empathy generate --scale small --seed $(SEED) --out "$$tmp/raw" >/dev/null && \
	$(BIN)/dbt build --empty --exclude-resource-type unit_test --exclude-resource-type test \
		--quiet $$dbt_args && \
	$(BIN)/dbt test --select "test_type:unit" $$dbt_args

pytest: $(INSTALLED) ## unit and end-to-end tests (builds the warehouse on small demo data)
	$(LINT_ENV) $(BIN)/pytest

test-engines: $(INSTALLED_POSTGRES) $(INSTALLED_SPARK) postgres-server java ## the engine tests: a throw-away PostgreSQL, a local Spark
	@$(BIN)/python -c "import psycopg2" || { echo "the postgres extra is missing: rm $(INSTALLED_POSTGRES) and run make test-engines" >&2; exit 1; }
	@$(BIN)/python -c "import pyspark" || { echo "the spark extra is missing: rm $(INSTALLED_SPARK) and run make test-engines" >&2; exit 1; }
	$(LINT_ENV) $(BIN)/pytest -m engines tests/engines

test-engines-spark: $(INSTALLED_SPARK) java ## the Spark engine tests only: raw tables and staging on a local Spark
	@$(BIN)/python -c "import pyspark" || { echo "the spark extra is missing: rm $(INSTALLED_SPARK) and run make test-engines-spark" >&2; exit 1; }
	$(LINT_ENV) $(BIN)/pytest -m engines tests/engines/test_spark_engine.py

# make benchmark: the scales and interleaved rounds, and where the JSON results go.
SCALES ?= small medium
REPEAT ?= 3
BENCHMARK_JSON ?= $(or $(TMPDIR),/tmp)/empathy-benchmark.json
benchmark: $(INSTALLED) ## refresh vs the raw-scan floor, peak memory, BI speed: make benchmark SCALES=small REPEAT=1
	$(BIN)/python benchmarks/refresh_benchmark.py --scales $(SCALES) --repeat $(REPEAT) \
		--json $(BENCHMARK_JSON) --markdown

lock: $(INSTALLED_POSTGRES) $(INSTALLED_SPARK) ## re-pin requirements/constraints.txt from the current environment (extras included)
	@{ echo "# Every package of the tested environment, pinned. Regenerate with: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^empathy-kpi-warehouse'; } > requirements/constraints.txt

clean: ## remove build artefacts (keeps data/ and .venv)
	rm -rf target logs .pytest_cache .ruff_cache
