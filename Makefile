# Make targets; `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

env: ## Create or update both environments (.venv, .venv-rasa)
	@scripts/bootstrap.sh

run: env ## Train if needed, migrate, start Rasa + actions + web (Ctrl-C stops all)
	@.venv/bin/triage run

run-prod: env ## Production deployment: 2 Rasa, 2 actions, 2 web behind nginx, PostgreSQL, Redis (.env)
	@.venv/bin/triage run-prod

test: env ## Unit and integration tests (trains the model once if needed)
	@.venv/bin/pytest

bench: env ## Load benchmark: bare Rasa vs embedded vs production (ARGS=--quick for a smoke run)
	@.venv/bin/python scripts/bench.py $(ARGS)

lint: env ## ruff and mypy
	@.venv/bin/ruff check bot actions tests
	@.venv/bin/ruff format --check bot actions tests
	@.venv/bin/mypy

validate: env ## rasa data validate on the assistant's YAML
	@RASA_TELEMETRY_ENABLED=false .venv-rasa/bin/rasa data validate --domain bot/domain --config config.yml --data data/nlu data/rules --fail-on-warnings

.PHONY: help env run run-prod test bench lint validate
