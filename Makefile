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

.PHONY: help install run worker test lint format lock check audit e2e compose-test bench certs init app clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements/development.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/development.txt
	$(BIN)/python -m pip check
	touch $@

.env:
	$(PYTHON) scripts/create_dotenv.py

install: $(INSTALLED) .env ## Create .venv from the lock and .env from .env.example

run: install ## Serve the API on http://127.0.0.1:8001 (migrates first)
	HOST=$${HOST:-127.0.0.1} ./start.sh

worker: install ## Run background jobs until Ctrl-C (beside `make run`, in a second terminal)
	./worker.sh

test: install ## Run the test suite with branch coverage of at least 95% (SQLite, or DATABASE_URL)
	$(BIN)/python -m pytest --cov --cov-fail-under=95 $(PYTEST_ARGS)

lint: install ## ruff, mypy, import contracts, hadolint; compose, GitLab CI and k8s files against their schemas
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/hadolint --failure-threshold warning Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml docker-compose.override.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml
	$(BIN)/kubernetes-validate --strict --quiet $(filter-out k8s/kustomization.yaml,$(wildcard k8s/*.yaml))

# Production with only the variables an operator must set: every security setting keeps its
# default. The check runs on a copy of the code without .env, so nothing else can leak in; the
# secrets are throwaway values for the check.
PRODUCTION_LIKE := DEBUG=false ALLOWED_HOSTS=api.example.com DATABASE_URL=postgres://api@db.example.com:5432/api

check: install ## Migrations match the models, OpenAPI schema valid, deploy checklist clean
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null
	bare=$$(mktemp -d) && trap 'rm -rf "$$bare"' EXIT && cp -r apps config manage.py "$$bare" && \
	env -i PATH="$$PATH" HOME="$$HOME" $(PRODUCTION_LIKE) \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		JWT_SIGNING_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(BIN)/python "$$bare/manage.py" check --deploy --fail-level WARNING

format: install ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(INSTALLED) ## Recompile requirements/*.txt from the .in files
	$(PIP_COMPILE) --output-file requirements/production.txt requirements/production.in
	$(PIP_COMPILE) --output-file requirements/development.txt requirements/development.in

audit: install ## pip-audit both locks against PyPI's advisory data (needs pypi.org's JSON API)
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements/production.txt --progress-spinner off
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements/development.txt --progress-spinner off

bench: install ## Benchmark the chain with wrk: req/s, latency, ratios, cold start, memory
	$(BIN)/python -m bench.run

e2e: install ## End-to-end: start.sh, gunicorn, PostgreSQL and nginx for real, on loopback
	$(BIN)/python -m pytest -m e2e tests/e2e

compose-test: install ## docker compose for real: image, stack, README flows, restart, stop, down -v (needs Docker)
	$(BIN)/python -m pytest -m e2e tests/compose -p no:cacheprovider -s

certs: ## A self-signed certificate in nginx/certs for the compose nginx (local use only)
	mkdir -p nginx/certs
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
		-addext "subjectAltName=DNS:localhost" -keyout nginx/certs/tls.key -out nginx/certs/tls.crt

init: ## Make the clone your project: make init NAME=acme-api [FORCE=1] [FRESH_GIT=1]
	@test -n "$(NAME)" || { echo "usage: make init NAME=acme-api [FORCE=1] [FRESH_GIT=1]"; exit 2; }
	$(PYTHON) scripts/init_project.py "$(NAME)" $(if $(FORCE),--force) $(if $(FRESH_GIT),--fresh-git)

app: install ## Scaffold an app, wired in, migrated and tested: make app NAME=orders [MODEL=Order]
	@test -n "$(NAME)" || { echo "usage: make app NAME=orders [MODEL=Order]"; exit 2; }
	$(BIN)/python scripts/new_app.py "$(NAME)" $(if $(MODEL),--model "$(MODEL)")

clean: ## Remove .venv, caches and collected static files (keeps .env and the database)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov staticfiles
