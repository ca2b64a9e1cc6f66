# VVP-assistent. `make run` installs, ingests the bundled documents and serves on :8000.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
POLICYQA := $(SHARED)/bench/policyqa-rijksoverheid
REGEERAKKOORD := $(SHARED)/bench/regeerakkoord-vlaanderen-2019-2024
DEV_QUESTIONS := $(SHARED)/eval/vvp-dev-questions.jsonl

# Nothing may call out at run time.
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-browser test ingest run serve eval bench clean

install: $(STAMP)

# torch is pinned to the CPU wheel (2.13.0); a bare `torch` would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# Browser tests drive Debian's chromium through Playwright (never a downloaded browser).
install-browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium ontbreekt: sudo apt-get install chromium (browsertests worden overgeslagen)"; fi; \
	fi

test: install
	$(BIN)/pytest -q

ingest: install
	$(BIN)/vvp ingest --prune

run: ingest
	$(BIN)/vvp serve

serve: install
	$(BIN)/vvp serve

eval: install
	$(BIN)/vvp eval $(DEV_QUESTIONS) --docs knowledge/documents $(if $(wildcard $(REGEERAKKOORD)/corpus.jsonl),--docs $(REGEERAKKOORD)/corpus.jsonl) --output bench/results/eval-vvp.json
	@if [ -f $(POLICYQA)/questions.jsonl ]; then \
		$(BIN)/vvp eval $(POLICYQA)/questions.jsonl --docs $(POLICYQA)/corpus.jsonl --split test --output bench/results/eval-policyqa.json; \
	else echo "$(POLICYQA) ontbreekt: benchmark overgeslagen"; fi

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf data .pytest_cache bench/results/*.json test-artifacts
