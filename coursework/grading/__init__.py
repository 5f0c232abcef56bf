"""Grading tools on nbgrader's Python API (instructors), and the student's self-check.

The ``coursework`` command (:mod:`coursework.cli`) puts them together. One idea per
module:

- ``course`` -- the course directory and its ``nbgrader_config.py``, loaded from anywhere;
- ``exercises`` -- exercises (an answer cell and its test cells) from cell metadata;
- ``execute`` -- a notebook run in a fresh limited kernel (timeout, memory, output, dead kernel);
- ``restore`` -- deleted / edited test cells put back before grading;
- ``rules`` -- an answer cell that fails fails its exercise; the record of every check;
- ``state`` -- what a class run has graded, so a killed run goes on;
- ``autograde`` -- a class graded into the gradebook, N kernels at once;
- ``feedback`` (nbgrader plug-in) and ``feedback_html`` -- feedback pages without hidden checks;
- ``export``, ``report`` -- grades as CSV, pass rates and score distribution;
- ``strip``, ``bundle`` -- the student release and its zip, without reference implementations;
- ``selfcheck`` -- ``coursework check``, the student's self-check (never imports nbgrader).
"""
