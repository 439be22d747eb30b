# Two entry points do all set-up on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SIZE ?= small
STAMP := $(VENV)/.installed
TORCH_STAMP := $(VENV)/.torch
# numba's on-disk cache does not notice edits to a jitted function's callees in other modules,
# so the cache folder is keyed on the source of every module that uses numba
NUMBA_SOURCES := $(shell grep -rl "import numba" src 2>/dev/null | sort)
NUMBA_KEY := $(shell cat $(NUMBA_SOURCES) /dev/null | sha1sum | cut -c1-12)
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache/$(NUMBA_KEY)

FLOORS_VENV := .venv-floors
FLOORS_STAMP := $(FLOORS_VENV)/.installed
# a fast subset touching every declared dependency: numerics, numba kernels, zarr/netCDF stores,
# Dask and process sweeps, the typer CLI, figures
FLOOR_TESTS := tests/test_layers.py tests/test_models.py tests/test_theory.py tests/test_sweep.py \
	tests/test_sweep_spec.py tests/test_cli.py tests/test_resume.py tests/test_patterns.py \
	tests/test_series.py tests/test_activations.py tests/test_mechanics.py tests/test_lse.py \
	tests/test_side_effects.py

.PHONY: report test test-floors bench install clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

# The differentiable layers' tests need torch; the CPU build is installed where the machine has
# it, and those tests are skipped (with a reason) where it is not.
$(TORCH_STAMP): | $(STAMP)
	$(PY) -m pip install -q "torch==2.13.0" || echo "torch 2.13.0 unavailable: its tests will be skipped"
	touch $(TORCH_STAMP)

install: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/hopfieldlab report --size $(SIZE) --out report

test: $(STAMP) $(TORCH_STAMP)
	$(PY) -m pytest -n 2 tests
	$(MAKE) test-floors

# The declared dependency floors, installed exactly (tools/floors.py), under a fast subset.
$(FLOORS_STAMP): pyproject.toml tools/floors.py
	rm -rf $(FLOORS_VENV)
	$(PYTHON) -m venv $(FLOORS_VENV)
	$(FLOORS_VENV)/bin/python -m pip install -q --upgrade pip
	$(PYTHON) tools/floors.py > $(FLOORS_VENV)/floors.txt
	$(FLOORS_VENV)/bin/python -m pip install -q -r $(FLOORS_VENV)/floors.txt "pytest>=8" "hypothesis>=6"
	$(FLOORS_VENV)/bin/python -m pip install -q --no-deps -e .
	touch $(FLOORS_STAMP)

test-floors: $(FLOORS_STAMP)
	NUMBA_CACHE_DIR=$(NUMBA_CACHE_DIR)-floors $(FLOORS_VENV)/bin/python -m pytest -q $(FLOOR_TESTS)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(FLOORS_VENV) .numba_cache report
