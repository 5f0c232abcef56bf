"""Every setting that decides how a submission is graded, in one frozen record.

:class:`Settings` is what ``coursework autograde`` reads for its options' defaults, what
each submission's :class:`~coursework.grading.run.worker.Job` carries to the machine that
grades it, and what the "already graded" fingerprint hashes whole
(:func:`coursework.grading.run.state.fingerprint`): a submission graded under other
settings is graded again. A new field is therefore a new setting everywhere at once.

The limits' reasons:

Four fields are the course's: ``None`` until a class run
(:class:`coursework.grading.run.classrun.ClassRun`) fills them, so that every submission
is graded, and fingerprinted, with the values in force:

- ``timeout``: seconds per cell, unless given (the course's ``Execute(Preprocessor).timeout``);
- ``lang``: the language of the messages the checks write (``COURSEWORK_LANG`` in the
  kernel), unless given (the language in force, :func:`coursework.i18n.language`);
- ``due_date`` / ``late_penalty``: always the assignment's due date in the gradebook and
  the course's ``LateSubmissionPlugin.penalty_method``, which nbgrader applies to the score
  (they are here so that a change of either grades the class again).

The others:

- ``memory_mb``: each kernel's address space (``RLIMIT_AS``; 0: none), so a runaway
  allocation raises ``MemoryError`` in the student's cell;
- ``max_output_bytes`` / ``max_notebook_output_bytes``: output kept per cell and per
  notebook (the largest honest graded notebook holds 0.85 MB); the rest is dropped with
  a note;
- ``disk_mb``: what a kernel may keep in its folder before it is stopped;
- ``threads``: BLAS / OpenMP threads per kernel: parallelism comes from running several
  kernels, and on a loaded machine spinning BLAS threads made a notebook's small
  scikit-learn fits 50x slower (74 s instead of 1.4 s, measured);
- ``total_seconds``: all cells of one submission together;
- ``max_notebook_mb`` / ``max_cells``: a larger submitted notebook is not graded (scored 0
  with the reason);
- ``sandbox``: False only with ``--no-sandbox`` (the run, the record and every page say so).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["Settings", "DEFAULTS"]


@dataclass(frozen=True)
class Settings:
    """How to grade one submission (see the module docstring for each field)."""

    timeout: float | None = None
    memory_mb: int = 4096
    max_output_bytes: int = 1 << 20
    max_notebook_output_bytes: int = 8 << 20
    disk_mb: int = 512
    threads: int = 1
    total_seconds: float = 1800.0
    max_notebook_mb: float = 20.0
    max_cells: int = 2000
    sandbox: bool = True
    lang: str | None = None
    due_date: str | None = None
    late_penalty: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            kind = _COURSE_DEFAULTS.get(f.name) or type(f.default)
            if value is None and f.name in _COURSE_DEFAULTS:
                continue
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, f.name, float(value))
            elif not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise TypeError(f"Settings.{f.name}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
        numbers = {f.name: getattr(self, f.name) for f in fields(self) if type(f.default) in (int, float)}
        numbers["timeout"] = self.timeout if self.timeout is not None else 1.0
        negative = [name for name, value in numbers.items() if value < 0]
        if negative:
            raise ValueError(
                f"Settings: {', '.join(negative)} must not be negative, got "
                + ", ".join(f"{name}={numbers[name]!r}" for name in negative)
            )

    def resolved(self, **values: Any) -> Settings:
        """A copy with each of ``values`` set where this one has None (the course's)."""
        unknown = sorted(set(values) - set(_COURSE_DEFAULTS))
        if unknown:
            raise TypeError(f"Settings.resolved: {', '.join(unknown)} are not the course's to set")
        return replace(self, **{k: v for k, v in values.items() if getattr(self, k) is None})

    @property
    def is_resolved(self) -> bool:
        """Every field has a value (none is left for the course to give)."""
        return all(getattr(self, name) is not None for name in _COURSE_DEFAULTS)

    def as_dict(self) -> dict[str, Any]:
        """The fields as plain data (what the fingerprint hashes)."""
        return asdict(self)


#: The fields that are the course's unless given (None), and their types.
_COURSE_DEFAULTS: dict[str, type] = {"timeout": float, "lang": str, "due_date": str, "late_penalty": str}

#: The defaults, for the command line's help and for code that runs one notebook.
DEFAULTS = Settings()
