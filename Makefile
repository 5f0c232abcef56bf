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

.PHONY: lab demo test test-fast bench gpu-check release autograde feedback export report check clean-grading help

help:
	@echo "make lab        open the course in JupyterLab (DIR=solutions for the worked notebooks)"
	@echo "make demo TOPIC=03_activations   a topic's live lecture demos in JupyterLab"
	@echo "make test       run every test (unit, notebooks, nbgrader end to end)"
	@echo "make test-fast  the tests without those marked slow"
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

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.root_dir=$(DIR) $(ROOT_FLAG)

TOPIC ?= 01_features
demo: $(VENV)/.installed
	$(COURSEWORK) demo $(TOPIC)

# Two test processes share the two cores: one BLAS thread each keeps timings stable.
# --dist loadfile keeps each test file (and its module-scoped nbgrader class) on one worker.
test: $(VENV)/.oracle
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow"

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
