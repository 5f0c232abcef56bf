# The course's commands. Each target creates or updates the virtual environment
# (.venv) first, so `make lab` and `make test` work on a machine with only python3.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# nbgrader runs `alembic` by name: the venv's bin must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
export MPLBACKEND ?= Agg

# The assignment of release / collect / autograde / feedback / export / report: no default
# (a command without one says which assignments there are).
A ?=
# `make collect A=... FROM=folder-or-zip [RECEIVED=times.csv]`: where the students' hand-ins are,
# and (optional) when each was received (an LMS's export; see `coursework collect --help`).
FROM ?=
RECEIVED ?=
# `make lab` opens the student release; lecturers: `make lab DIR=solutions` for the worked notebooks.
DIR ?= notebooks
# Jupyter refuses to run as root unless told (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab lab-instructor demo test test-fast test-blas lint bench gpu-check release autograde feedback export report similarity check clean-grading help collect

help:
	@echo "make lab        open the course in JupyterLab (DIR=solutions for the worked notebooks); no nbgrader in it"
	@echo "make lab-instructor   JupyterLab on the course root with Formgrader (browse submissions, grade by hand)"
	@echo "make demo TOPIC=03_activations   a topic's live lecture demos in JupyterLab"
	@echo "make test       run every test (unit, notebooks, nbgrader end to end)"
	@echo "make test-fast  the tests without those marked slow"
	@echo "make test-blas  the fast tests under OpenBLAS's Sandybridge and Haswell kernels, 2 threads"
	@echo "make lint       ruff (lint and format check) and mypy on coursework/grading (pyproject.toml says how)"
	@echo "make bench      the benchmarks"
	@echo "make gpu-check  on a machine with an NVIDIA GPU: the CuPy tests and the NumPy-vs-CuPy benchmark"
	@echo "make release [A=03_activations]   regenerate notebooks/ from solutions/ and build the student bundles (dist/); A: only that one"
	@echo "make collect A=03_activations FROM=handins/ [RECEIVED=times.csv]   file the hand-ins (folder or zip) as submitted/<student>/03_activations/"
	@echo "make autograde A=03_activations   grade submitted/*/03_activations (parallel, resumable); prints each student's score"
	@echo "make feedback  A=03_activations   HTML feedback into feedback/<student>/03_activations/"
	@echo "make export [A=03_activations]    grades.csv from the gradebook (one column per exercise too)"
	@echo "make report A=03_activations      pass rates, score distribution, who did not submit (reports/)"
	@echo "make similarity A=03_activations  pairs of submissions with alike answer cells (reports/03_activations/similarity.html, .csv)"
	@echo "make check NB=notebooks/01_features/01_features.ipynb   a student's self-check"
	@echo "make clean-grading [YES=1]        DELETES the collected work and all grading results (lists them, asks first)"
	@echo "make help       this list"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	@touch $@

# The PyTorch oracle (tests only): a CPU build, kept out of the course's dependencies.
$(VENV)/.oracle: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,oracle]'
	@touch $@

# Students' lab: no nbgrader in it (jupyter/student/). Instructors: `make lab-instructor`,
# Formgrader on the course root (jupyter/instructor/) for browsing and manual grading.
# Both use the course's JupyterLab defaults (jupyter/lab/settings/overrides.json): no news
# or update pop-up on the first start.
LAB_SETTINGS := $(abspath jupyter/lab/settings)
lab: $(VENV)/.installed
	JUPYTER_CONFIG_PATH=$(abspath jupyter/student) $(BIN)/jupyter lab --ServerApp.root_dir=$(DIR) --LabApp.app_settings_dir=$(LAB_SETTINGS) $(ROOT_FLAG)

lab-instructor: $(VENV)/.installed
	JUPYTER_CONFIG_PATH=$(abspath jupyter/instructor) $(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.app_settings_dir=$(LAB_SETTINGS) $(ROOT_FLAG)

TOPIC ?= 01_features
demo: $(VENV)/.installed
	$(COURSEWORK) demo $(TOPIC)

# Two test processes share the two cores: one BLAS thread each keeps timings stable.
# --dist loadfile keeps each test file (and its module-scoped nbgrader class) on one worker;
# tests/conftest.py hands the files out longest first (tests/helpers/schedule.py).
test: $(VENV)/.oracle
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow"

# The fast tests under two other OpenBLAS kernels, 2 BLAS threads: a comparison that
# needs the last bits of a BLAS result fails here. Where the BLAS is not OpenBLAS (or
# lacks a kernel), tests/helpers/blas_kernels.py says what stands in and it runs once instead.
BLAS_KERNELS ?= Sandybridge Haswell
BLAS_ENV := OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2
BLAS_PYTEST ?= -q -m "not slow" -n 2 --dist loadfile
test-blas: $(VENV)/.oracle
	@other=0; for k in $(BLAS_KERNELS); do \
	  if OPENBLAS_CORETYPE=$$k $(BLAS_ENV) $(BIN)/python tests/helpers/blas_kernels.py; then \
	    OPENBLAS_CORETYPE=$$k $(BLAS_ENV) $(BIN)/python -m pytest $(BLAS_PYTEST) || exit 1; \
	  else other=1; fi; done; \
	if [ $$other = 1 ]; then $(BLAS_ENV) $(BIN)/python -m pytest $(BLAS_PYTEST); fi

# ruff and mypy read their settings from pyproject.toml ([tool.ruff], [tool.mypy]).
lint: $(VENV)/.installed
	$(BIN)/ruff check coursework/grading
	$(BIN)/ruff format --check coursework/grading
	$(BIN)/mypy

bench: $(VENV)/.oracle
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Needs CuPy in .venv (pip install -e '.[gpu]'); installs nothing itself.
gpu-check: $(VENV)/.installed
	PYTHON=$(BIN)/python bash benchmarks/gpu_check.sh

ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))

COURSEWORK := $(BIN)/coursework
NB ?= notebooks/$(A)/$(A).ipynb

release: $(VENV)/.installed
	$(COURSEWORK) release $(A)

collect: $(VENV)/.installed
	$(COURSEWORK) collect $(A) $(FROM) $(if $(RECEIVED),--received $(RECEIVED),)

autograde: $(VENV)/.installed
	$(COURSEWORK) autograde $(A)

feedback: $(VENV)/.installed
	$(COURSEWORK) feedback $(A)

export: $(VENV)/.installed
	$(COURSEWORK) export $(if $(A),--assignment $(A))

report: $(VENV)/.installed
	$(COURSEWORK) report $(A)

similarity: $(VENV)/.installed
	$(COURSEWORK) similarity $(A)

check: $(VENV)/.installed
	$(COURSEWORK) check $(NB)

# Student work and grades: says what it would delete and asks (YES=1: no question).
GRADING_DATA := submitted autograded feedback gradebook.db grades.csv reports dist
clean-grading:
	@found="$$(for p in $(GRADING_DATA); do [ -e "$$p" ] && echo "$$p"; done)"; \
	if [ -z "$$found" ]; then echo "nothing to delete"; exit 0; fi; \
	echo "This deletes the students' collected work and every grade:"; \
	for p in $$found; do echo "  $$p ($$(find "$$p" -type f | wc -l) files)"; done; \
	if [ "$(YES)" != "1" ]; then \
	  printf "Delete them? [y/N] "; read answer || answer=""; \
	  case "$$answer" in y|Y|yes) ;; *) echo "nothing deleted"; exit 1;; esac; \
	fi; \
	rm -rf $$found; echo "deleted: $$found" | tr '\n' ' '; echo
