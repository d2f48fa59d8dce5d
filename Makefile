# Vigil developer commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: help install run test bench lint format kafka-start kafka-stop pg-start pg-stop clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	VIGIL_PYTHON=$(PYTHON) scripts/venv.sh

install: $(STAMP) ## create .venv and pip install -e '.[dev]' (again when pyproject.toml changes)

run: $(STAMP) ## run all four services in one process (embedded mode, no Kafka/PostgreSQL)
	$(VENV)/bin/python -m services

test: ## lint + all tests against a local Kafka and PostgreSQL (ARGS="..." go to pytest)
	scripts/test.sh $(ARGS)

bench: $(STAMP) ## throughput/latency ratios vs baselines (starts Kafka + PostgreSQL; ~10 min)
	$(VENV)/bin/python -m bench $(ARGS)

lint: $(STAMP) ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

kafka-start: ## start the local Kafka broker (127.0.0.1:9092) and create the topics
	deploy/kafka/kafka.sh start

kafka-stop: ## stop the local Kafka broker
	deploy/kafka/kafka.sh stop

pg-start: ## start the local PostgreSQL cluster (see: deploy/postgres/pg.sh url)
	deploy/postgres/pg.sh start

pg-stop: ## stop the local PostgreSQL cluster
	deploy/postgres/pg.sh stop

clean: ## stop the local broker, remove .venv, .run (Kafka data) and tool caches
	-deploy/kafka/kafka.sh stop
	rm -rf $(VENV) .run .mypy_cache .ruff_cache .pytest_cache
	find . -path ./.git -prune -o \( -name __pycache__ -o -name '*.egg-info' \) -type d -prune -exec rm -rf {} +
