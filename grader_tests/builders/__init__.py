"""Builders of the visible checks' stored values, one module per assignment.

Each module defines ``ASSIGNMENT`` and ``build(rng=None) -> dict[str, numpy.ndarray]``,
made from the ``coursework`` reference. Without ``rng`` it returns the stored values
(``expected/<assignment>.npz``, the student's self-check); with a student's ``rng``
(when the judge grades, :func:`grader_tests.harness.stored`) it draws every input the
same way (same shapes, kinks, ties and zeros, unless a docstring says otherwise), so a
table of the stored answers is worth nothing there. Instructor tooling: never shipped.
"""
