# The project's commands. `make help` lists them. Everything runs inside .venv, created on first use
# from the hash-pinned development lock, so a fresh clone needs only Python 3.11+ and make.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-find-links --no-emit-index-url
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install run test lint format lock check-lock schema e2e clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements/development.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/development.txt
	touch $@

.env:
	$(PYTHON) scripts/create_dotenv.py

install: $(INSTALLED) .env ## Create .venv from the lock and .env from .env.example

run: install ## Serve the API on http://127.0.0.1:8001 (migrates first)
	HOST=$${HOST:-127.0.0.1} ./start.sh

test: install ## Run the test suite (SQLite; PostgreSQL when DATABASE_URL points there)
	$(BIN)/python -m pytest

lint: install ## ruff: lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(INSTALLED) ## Recompile requirements/*.txt from the .in files
	$(PIP_COMPILE) --output-file requirements/production.txt requirements/production.in
	$(PIP_COMPILE) --output-file requirements/development.txt requirements/development.in

e2e: install ## End-to-end: start.sh, gunicorn, PostgreSQL and nginx for real, on loopback
	$(BIN)/python -m pytest -m e2e tests/e2e

schema: install ## Validate the OpenAPI schema (warnings fail)
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

clean: ## Remove .venv, caches and collected static files (keeps .env and the database)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov staticfiles
