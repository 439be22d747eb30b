# Two entry points do all set-up on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SIZE ?= small
STAMP := $(VENV)/.installed

.PHONY: report test bench install clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/hopfieldlab report --size $(SIZE) --out report

test: $(STAMP)
	NUMBA_CACHE_DIR=$(CURDIR)/.numba_cache $(PY) -m pytest -n 2 tests

bench: $(STAMP)
	NUMBA_CACHE_DIR=$(CURDIR)/.numba_cache $(PY) benchmarks/bench_montecarlo.py

clean:
	rm -rf $(VENV) .numba_cache report
