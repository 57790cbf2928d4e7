# mentorlink — every command a contributor needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck layers unit bench sandbox clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install mentorlink with its dev tools (pinned by constraints.txt)

run: $(STAMP) ## Migrate + seed the SQLite database, start the Slack sandbox and the app (SOCKET_MODE=1: over Socket Mode)
	$(BIN)/mentorlink run-local $(if $(SOCKET_MODE),--socket-mode)

lint: $(STAMP) ## ruff
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP) ## mypy --strict on src
	$(BIN)/mypy

layers: $(STAMP) ## import-linter: the dependency rule
	$(BIN)/lint-imports

test: lint typecheck layers ## Lint, type-check, check layers, run every test
	$(BIN)/pytest

unit: $(STAMP) ## Only the fast unit tests
	$(BIN)/pytest tests/unit

sandbox: $(STAMP) ## Start only the Slack sandbox
	$(BIN)/mentorlink sandbox

bench: $(STAMP) ## Benchmarks (not part of the test run)
	$(BIN)/python -m bench

clean: ## Remove the venv, local databases, the sandbox state and the .env run-local wrote
	rm -rf $(VENV) mentorlink.db mentorlink.db-* mentorlink.sandbox.json* .env .pytest_cache .mypy_cache .ruff_cache
