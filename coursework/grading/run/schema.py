"""nbgrader's cell metadata check without checking its schema again for every cell.

nbgrader's ``CheckCellMetadata`` (run twice per submission: when it is sanitized and when
it is scored) validates every cell's ``nbgrader`` metadata with ``jsonschema.validate``,
which first checks the *schema* against its meta-schema and builds a validator: about
3 ms per cell, so half of the coordinator's own time on a notebook of 34 cells. Inside
:func:`schema_checked_once` nbgrader's metadata module calls :func:`validate` instead: the
same check (the validator class the schema names, ``check_schema`` on it, then
``best_match`` of the instance's errors raised), with the schema's check and the
validator made once per schema. Outside the block nbgrader is untouched; blocks may overlap
(the class run's, and each worker thread's around grading a notebook): the first to enter
swaps, the last to leave swaps back.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import jsonschema
from nbgrader.nbgraderformat import common

__all__ = ["validate", "schema_checked_once"]

_VALIDATORS: dict[str, Any] = {}


def validate(instance: Any, schema: dict) -> None:
    """``jsonschema.validate(instance, schema)``: raises the best-matching
    ``jsonschema.ValidationError`` of ``instance``; a bad schema raises ``SchemaError``."""
    key = json.dumps(schema, sort_keys=True)
    validator = _VALIDATORS.get(key)
    if validator is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _VALIDATORS[key] = cls(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


class _Jsonschema:
    """What nbgrader's metadata module uses of ``jsonschema``: :func:`validate`."""

    validate = staticmethod(validate)


_LOCK = threading.Lock()
_OPEN: dict[str, Any] = {"blocks": 0, "original": None}  # the blocks open now; nbgrader's own module


@contextlib.contextmanager
def schema_checked_once() -> Iterator[None]:
    """nbgrader's metadata validation (``nbgrader.nbgraderformat.common``) with :func:`validate`
    while any such block is open, in any thread of this process."""
    with _LOCK:
        if _OPEN["blocks"] == 0:
            _OPEN["original"], common.jsonschema = common.jsonschema, _Jsonschema()
        _OPEN["blocks"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _OPEN["blocks"] -= 1
            if _OPEN["blocks"] == 0:
                common.jsonschema = _OPEN["original"]
