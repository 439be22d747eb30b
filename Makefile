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

.PHONY: report test bench install clean

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

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .numba_cache report
