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

test: env browser-deps ## Unit, integration, fault and browser tests (trains the model once if needed)
	@.venv/bin/pytest

bench: env ## Load benchmark: bare Rasa vs embedded vs production (ARGS=--quick for a smoke run)
	@.venv/bin/python scripts/bench.py $(ARGS)

bench-cpu: env ## CPU per delegate turn of each process, read from /proc (production, 20 conversations)
	@.venv/bin/python scripts/cpu_per_turn.py $(ARGS)

browser-deps: ## Chromium (Debian package) and axe-core (npm) for the browser tests, when missing
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@[ -f tests/browser/node_modules/axe-core/axe.min.js ] || npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

lint: env ## ruff and mypy
	@.venv/bin/ruff check bot actions tests
	@.venv/bin/ruff format --check bot actions tests
	@.venv/bin/mypy

bench-staff: env ## Staff console lists at 100,000 conversations / 20,000 requests (SQLite)
	@.venv/bin/python scripts/bench_staff.py

validate: env ## rasa data validate on the assistant's YAML
	@RASA_TELEMETRY_ENABLED=false .venv-rasa/bin/rasa data validate --domain bot/domain --config config.yml --data data/nlu data/rules

eval: env ## NLU pipelines and policies compared (EVAL_ARGS=--quick), then suggestion quality
	@.venv/bin/triage nlu compare $(EVAL_ARGS)
	@.venv/bin/python -m bot.catalogue.evaluate

eval-suggestions: env ## Suggestion quality: recall@3/MRR per language, dev/test/holdout, vs keyword baseline (DELEGATES=file adds real needs)
	@.venv/bin/python -m bot.catalogue.evaluate $(if $(DELEGATES),--delegates $(DELEGATES))

.PHONY: help env run run-prod test bench bench-cpu browser-deps lint validate eval eval-suggestions bench-staff
