"""Grading on nbgrader's Python API (instructors), and the student's self-check.

The ``coursework`` command (:mod:`coursework.cli`) puts the parts together. Each part is a
folder (the ground is four modules), and a part imports only from the parts below it::

    run/  output/  selfcheck        the commands: autograde; feedback, export, report, pages; check
      judge/                        what decides a grade: the judge, the rules, restored cells
      execute/  release/            one notebook in one confined kernel; the bundle, strip, collect
      kernel/                       runs INSIDE the student's kernel: standard library and numpy only
    course  settings  secret  exercises     the ground, which every part but kernel/ may use

- ``course`` -- the course directory, its ``nbgrader_config.py``, and the course's questions
  (submissions of an assignment, graded students, record and log paths, due date);
- ``settings`` -- :class:`~.settings.Settings`, every setting that decides a grade;
- ``secret`` -- what students never get: the course secret, the hidden-test markers, the
  parts of the packages no bundle ships;
- ``exercises`` -- exercises (an answer cell and its test cells) from cell metadata;
- ``kernel/`` -- the judge's agent and the plain data it speaks (``agent``, ``wire``), the
  sandbox, the launcher and the output cut: loaded into the student's process, so they
  import the standard library and numpy only (the kernel's own IPython where they run);
- ``execute/`` -- a notebook run in a fresh confined kernel (``notebook``), its room, the
  relay and channels between it and the grader, the bounded client, the cells' outcomes;
- ``release/`` -- ``coursework release`` (``bundle``, ``strip``) and ``collect``; nbgrader's
  exchange replaced (``no_exchange``);
- ``judge/`` -- the judge of test cells (``judge``), the exercise rules (``rules``), deleted or
  edited test cells put back (``restore``);
- ``run/`` -- a class graded into the gradebook (``classrun``: prepare, finish in batches,
  fail, progress), what a class run has graded (``state``), one submission as plain data
  (``worker``: a ``Job`` turned into a ``Result``; each notebook read and sanitized,
  ``sanitize``, run, and graded, ``graded``, where it runs), graded here (``local``) or on
  a Dask cluster (``cluster``, the bundle on every worker: ``stage_plugin``); the run's one
  gradebook session and what it writes in few statements (``gradebook``) and nbgrader's
  metadata check with its schema checked once (``schema``);
- ``output/`` -- feedback pages without hidden checks (``feedback``, ``feedback_html``,
  ``after_hidden``), pages a submission cannot script (``safe_html``, ``safe_export``,
  ``formgrader_pages``), grades as CSV (``export``) and the class report (``report``);
- ``selfcheck`` -- ``coursework check``, the student's self-check (never imports nbgrader).

:data:`LAYERS` states the rule; ``tests/grading/test_grading_layers.py`` holds the code to it (no
circle, no import from a lower part into a higher one or across one floor, no private name
used across modules, nothing but the standard library and numpy in ``kernel/``).
"""

#: The parts, from the top floor down. A module may import from its own part and from the parts
#: on lower floors, never from another part of its own floor or from a higher one. ``kernel``
#: imports nothing of the course; ``ground`` is course, settings, secret and exercises.
LAYERS = (
    ("run", "output", "selfcheck"),
    ("judge",),
    ("execute", "release"),
    ("kernel", "ground"),
)
