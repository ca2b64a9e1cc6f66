# VVP-assistent. `make run` installs, ingests the bundled documents and serves on :8000.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
POLICYQA := $(SHARED)/bench/policyqa-rijksoverheid
REGEERAKKOORD := $(SHARED)/bench/regeerakkoord-vlaanderen-2019-2024
WETTEN := $(SHARED)/bench/wetten-nl
DEV_QUESTIONS := $(SHARED)/eval/vvp-dev-questions.jsonl
# policyqa's passages among other documents (bench/answer_calibration.py MIXED): its questions
# meet many near-topic government texts of another style, as in a real mixed collection.
MIXED_DOCS := --docs knowledge/documents --docs $(REGEERAKKOORD)/corpus.jsonl --docs $(POLICYQA)/corpus.jsonl

# Nothing may call out at run time.
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-browser install-ocr test ingest run serve eval bench screenshots clean

install: $(STAMP) install-ocr

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

# Scanned PDFs are read by Debian's Tesseract with its Dutch model (VVP_OCR); without it they are refused.
install-ocr:
	@if ! command -v tesseract >/dev/null || ! tesseract --list-langs 2>/dev/null | grep -qx nld; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-nld >/dev/null; \
		else echo "tesseract ontbreekt: sudo apt-get install tesseract-ocr tesseract-ocr-nld (gescande PDF's worden anders geweigerd)"; fi; \
	fi

test: install
	$(BIN)/pytest -q

ingest: install
	$(BIN)/vvp ingest --prune

run: ingest
	$(BIN)/vvp serve

serve: install
	$(BIN)/vvp serve

# Tuning sets and test splits are printed separately, each under a line that says which it is.
eval: install
	$(BIN)/vvp eval $(DEV_QUESTIONS) --role rooktest --docs knowledge/documents $(if $(wildcard $(REGEERAKKOORD)/corpus.jsonl),--docs $(REGEERAKKOORD)/corpus.jsonl) --output bench/results/eval-vvp.json
	@if [ -f $(WETTEN)/questions.jsonl ]; then \
		$(BIN)/vvp eval $(WETTEN)/questions.jsonl --docs $(WETTEN)/corpus --split train --role afstemming --leave-out --output bench/results/eval-wetten-train.json && \
		$(BIN)/vvp eval $(WETTEN)/questions.jsonl --docs $(WETTEN)/corpus --split test --role test --leave-out --output bench/results/eval-wetten-test.json && \
		VVP_EMBEDDING=use-multilingual $(BIN)/vvp eval $(WETTEN)/questions.jsonl --docs $(WETTEN)/corpus --split test --role test --retrieval-only --output bench/results/eval-wetten-test-use.json; \
	else echo "$(WETTEN) ontbreekt: wetten-nl overgeslagen"; fi
	@if [ -f $(POLICYQA)/questions.jsonl ]; then \
		$(BIN)/vvp eval $(POLICYQA)/questions.jsonl --docs $(POLICYQA)/corpus.jsonl --split train --role afstemming --leave-out --output bench/results/eval-policyqa-train.json && \
		$(BIN)/vvp eval $(POLICYQA)/questions.jsonl --docs $(POLICYQA)/corpus.jsonl --split test --role test --leave-out --output bench/results/eval-policyqa-test.json && \
		VVP_EMBEDDING=use-multilingual $(BIN)/vvp eval $(POLICYQA)/questions.jsonl --docs $(POLICYQA)/corpus.jsonl --split test --role test --retrieval-only --output bench/results/eval-policyqa-test-use.json; \
	else echo "$(POLICYQA) ontbreekt: policyqa overgeslagen"; fi
	@if [ -f $(POLICYQA)/questions.jsonl ] && [ -f $(REGEERAKKOORD)/corpus.jsonl ]; then \
		$(BIN)/vvp eval $(POLICYQA)/questions.jsonl $(MIXED_DOCS) --split train --role afstemming --leave-out --output bench/results/eval-mixed-policyqa-train.json && \
		$(BIN)/vvp eval $(POLICYQA)/questions.jsonl $(MIXED_DOCS) --split test --role test --leave-out --output bench/results/eval-mixed-policyqa-test.json; \
	else echo "policyqa of regeerakkoord ontbreekt: gemengde kennisbank overgeslagen"; fi

bench: install
	VVP_SHARED_DIR=$(abspath $(SHARED)) $(BIN)/python -m bench.run

# docs/img/chat.png and docs/img/widget.png: a real answer with sources, in headless chromium.
screenshots: install install-browser
	$(BIN)/python -m bench.screenshots --output docs/img

clean:
	rm -rf data .pytest_cache bench/results/*.json test-artifacts
