# The course's commands. Each target creates or updates the virtual environment
# (.venv) first, so `make lab` and `make test` work on a machine with only python3.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# nbgrader runs `alembic` by name: the venv's bin must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
export MPLBACKEND ?= Agg

A ?= 01_features
# `make lab` opens the student release; lecturers: `make lab DIR=solutions` for the worked notebooks.
DIR ?= notebooks
# Jupyter refuses to run as root unless told (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test test-fast test-blas bench gpu-check release autograde feedback export report check clean-grading help

help:
	@echo "make lab        open the course in JupyterLab (DIR=solutions for the worked notebooks)"
	@echo "make test       run every test (unit, notebooks, nbgrader end to end)"
	@echo "make test-fast  the tests without those marked slow"
	@echo "make test-blas  the fast tests under OpenBLAS's Sandybridge and Haswell kernels, 2 threads"
	@echo "make bench      the benchmarks"
	@echo "make gpu-check  on a machine with an NVIDIA GPU: the CuPy tests and the NumPy-vs-CuPy benchmark"
	@echo "make release    regenerate notebooks/ from solutions/ and build the student bundle (dist/)"
	@echo "make autograde A=01_features   grade submitted/*/01_features (parallel, resumable)"
	@echo "make feedback  A=01_features   HTML feedback into feedback/"
	@echo "make export     grades.csv from the gradebook (one column per exercise too)"
	@echo "make report A=01_features      pass rates and score distribution (reports/)"
	@echo "make check NB=notebooks/01_features/01_features.ipynb   a student's self-check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The PyTorch oracle (tests only): a CPU build, kept out of the course's dependencies.
$(VENV)/.oracle: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,oracle]'
	@touch $@

# The course's JupyterLab defaults (jupyter/lab/settings/overrides.json): no news or update
# pop-up on the first start.
LAB_SETTINGS := $(abspath jupyter/lab/settings)
lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.root_dir=$(DIR) --LabApp.app_settings_dir=$(LAB_SETTINGS) $(ROOT_FLAG)

# Two test processes share the two cores: one BLAS thread each keeps timings stable.
# --dist loadfile keeps each test file (and its module-scoped nbgrader class) on one worker.
test: $(VENV)/.oracle
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow"

# The fast tests under two other OpenBLAS kernels, 2 BLAS threads: a comparison that
# needs the last bits of a BLAS result fails here. Where the BLAS is not OpenBLAS (or
# lacks a kernel), tests/blas_kernels.py says what stands in and it runs once instead.
BLAS_KERNELS ?= Sandybridge Haswell
BLAS_ENV := OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
BLAS_PYTEST ?= -q -m "not slow" -n 2 --dist loadfile
test-blas: $(VENV)/.oracle
	@other=0; for k in $(BLAS_KERNELS); do \
	  if OPENBLAS_CORETYPE=$$k $(BLAS_ENV) $(BIN)/python tests/blas_kernels.py; then \
	    OPENBLAS_CORETYPE=$$k $(BLAS_ENV) $(BIN)/python -m pytest $(BLAS_PYTEST) || exit 1; \
	  else other=1; fi; done; \
	if [ $$other = 1 ]; then $(BLAS_ENV) $(BIN)/python -m pytest $(BLAS_PYTEST); fi

bench: $(VENV)/.oracle
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Needs CuPy in .venv (pip install -e '.[gpu]'); installs nothing itself.
gpu-check: $(VENV)/.installed
	PYTHON=$(BIN)/python bash benchmarks/gpu_check.sh

ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))

COURSEWORK := $(BIN)/coursework
NB ?= notebooks/$(A)/$(A).ipynb

release: $(VENV)/.installed
	$(COURSEWORK) release

autograde: $(VENV)/.installed
	$(COURSEWORK) autograde $(A)

feedback: $(VENV)/.installed
	$(COURSEWORK) feedback $(A)

export: $(VENV)/.installed
	$(COURSEWORK) export

report: $(VENV)/.installed
	$(COURSEWORK) report $(A)

check: $(VENV)/.installed
	$(COURSEWORK) check $(NB)

clean-grading:
	rm -rf submitted autograded feedback gradebook.db grades.csv reports dist
