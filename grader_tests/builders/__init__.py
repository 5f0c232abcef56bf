"""Builders of the visible checks' stored values, one module per assignment.

Each module defines ``ASSIGNMENT`` and ``build() -> dict[str, numpy.ndarray]``, made
from the ``coursework`` reference. Instructor tooling: the visible checks read only
the stored ``expected/<assignment>.npz``.
"""
