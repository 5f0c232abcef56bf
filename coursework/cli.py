"""``coursework``: the course's instructor and student commands.

Instructors (from any directory; ``--course DIR`` names the course, default: the
nearest folder upwards holding ``nbgrader_config.py``, whose settings are always used)::

    coursework release [ASSIGNMENT ...]          notebooks/ from solutions/, and one student bundle (zip) each
    coursework collect ASSIGNMENT FOLDER|ZIP ... file the hand-ins as submitted/<student>/ASSIGNMENT/
                       [--lang ko|en]            ... in this language (default: c.Coursework.language)
    coursework autograde ASSIGNMENT [--jobs N]   grade submitted/*/ASSIGNMENT into the gradebook
        [--scheduler tcp://HOST:PORT | --cluster local:N]   ... on the workers of a Dask cluster
    coursework feedback ASSIGNMENT               HTML feedback per student, without hidden checks
    coursework export [--to grades.csv]          grades as CSV, one column per exercise
    coursework report ASSIGNMENT                 pass rates and score distribution (PNG + HTML)
    coursework similarity ASSIGNMENT ...         pairs of submissions with similar answer cells (HTML + CSV)

Students::

    coursework check NOTEBOOK                    run the visible checks, print each exercise's points

Lecturers::

    coursework demo TOPIC [--lang ko|en]         open lectures/TOPIC.ipynb (live demos) in JupyterLab
    coursework present TOPIC [--lang ko|en]      serve it as a code-free page with Voilà

Each command imports only what it needs: ``check`` never imports nbgrader.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

__all__ = ["main", "build_parser"]


def _course(args):
    from .grading.course import open_course

    course = open_course(args.course, verbose=args.verbose)
    _use_course_language(course)
    return course


def _use_course_language(course) -> None:
    """This command's messages in the course's language (``COURSEWORK_LANG`` still wins;
    the kernels it starts find the course's config from their folder)."""
    from .grading.course import CourseError
    from .i18n.settings import course_language, use_course_language

    try:
        use_course_language(course_language(course.config))
    except ValueError as exc:
        raise CourseError(str(exc)) from None


def cmd_release(args) -> int:
    from .grading.release.bundle import release

    course = _course(args)
    result = release(course, args.assignments or None, dist=args.dist, make_bundle=not args.no_bundle, lang=args.lang)
    for line in result.lines():
        print(line)
    return 0


def cmd_collect(args) -> int:
    from .grading.release.collect import collect

    course = _course(args)
    result = collect(course, args.assignment, args.sources, pattern=args.pattern, timestamp=args.timestamp,
                     received=args.received, received_columns=args.received_columns, replace=args.yes)
    for line in result.lines():
        print(line)
    return 1 if result.refused else 0


def _with_submissions(course) -> dict[str, int]:
    """assignment -> number of students with a folder submitted/<student>/<assignment>."""
    counts = {assignment: len(course.submissions(assignment)) for assignment in course.assignments()}
    return {assignment: n for assignment, n in counts.items() if n}


def _need_assignment(course, args, command: str) -> str:
    """The assignment named on the command line; without one, an error that lists the candidates."""
    from .grading.course import CourseError

    if args.assignment:
        return args.assignment
    have = _with_submissions(course)
    listed = ", ".join(f"{a} ({n} submission{'s' * (n != 1)})" for a, n in have.items())
    raise CourseError(f"name the assignment: coursework {command} ASSIGNMENT (make {command} A=ASSIGNMENT); "
                      + (f"assignments with submissions: {listed}" if have else
                         f"no assignment has submissions in {course.submitted_dir} yet (coursework collect)"))


def score_table(summary) -> list[str]:
    """One line per student: the score of points (after a late penalty), and what happened
    (graded, unchanged, late: the raw score and the penalty, failed)."""
    from .grading.release.collect import duration

    rows = sorted(set(summary.scores) | set(summary.failed))
    if not rows:
        return []
    width = max(len("student"), *(len(s) for s in rows))
    late = summary.late
    cells = {}
    for s in rows:
        if s in summary.failed:
            continue
        raw, points = summary.scores[s]
        penalty = late.get(s, (0.0, 0.0))[0]
        cells[s] = f"{max(0.0, raw - penalty):g} / {points:g}"
    wide = max([len("score"), *(len(c) for c in cells.values())])
    out = [f"  {'student':<{width}}  {'score':>{wide}}"]
    for student in rows:
        if student in summary.failed:
            out.append(f"  {student:<{width}}  {'-':>{wide}}  not graded (see below)")
            continue
        notes = []
        if student in late:
            penalty, seconds = late[student]
            notes.append(f"LATE by {duration(seconds)}: {summary.scores[student][0]:g} before the penalty of "
                         f"{penalty:g}" if penalty else f"LATE by {duration(seconds)} (no penalty)")
        if student in summary.skipped:
            notes.append("unchanged")
        note = f"  ({'; '.join(notes)})" if notes else ""
        out.append(f"  {student:<{width}}  {cells[student]:>{wide}}{note}")
    return out


def autograde_settings(args):
    """The grading settings of ``coursework autograde``'s options (their defaults are
    :data:`coursework.grading.settings.DEFAULTS`'; the course's fill what is not given)."""
    from .grading.settings import Settings

    return Settings(timeout=args.timeout or None, memory_mb=args.memory, max_output_bytes=int(args.max_output * 1024),
                    max_notebook_output_bytes=int(args.max_output_total * 1024 * 1024), sandbox=not args.no_sandbox,
                    disk_mb=args.disk, max_notebook_mb=args.max_notebook, max_cells=args.max_cells,
                    total_seconds=args.total_time)


def cmd_autograde(args) -> int:
    from .grading.run.classrun import Options, autograde

    course = _course(args)
    args.assignment = _need_assignment(course, args, "autograde")
    options = Options(jobs=args.jobs or os.cpu_count() or 1, force=args.force, progress=not args.no_progress,
                      students=args.student or None, settings=autograde_settings(args))
    if args.scheduler or args.cluster:
        from .grading.run.cluster import cluster_client

        with cluster_client(args.scheduler, args.cluster) as client:
            summary = autograde(course, args.assignment, options, client)
    else:
        summary = autograde(course, args.assignment, options)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=1))
    else:
        print(summary.line())
        if not (summary.graded or summary.skipped or summary.failed):
            print(f"  no submission found in {course.submitted_dir / '*' / args.assignment} "
                  f"(coursework collect {args.assignment} FOLDER files them there)")
            return 1
        for line in score_table(summary):
            print(line)
        for student, why in sorted(summary.failed.items()):
            print(f"  FAILED {student}: {why} (log: {course.log_path(args.assignment, student)})")
        for worker, why in sorted(summary.workers_down.items()):
            print(f"  worker {worker} could not start kernels ({why}); its submissions went to the others")
    return 1 if summary.failed else 0


def cmd_feedback(args) -> int:
    from .grading.output.feedback_html import generate_feedback

    course = _course(args)
    args.assignment = _need_assignment(course, args, "feedback")
    problems: dict[str, str] = {}
    pages = generate_feedback(course, args.assignment, students=args.student or None, problems=problems)
    made = sorted({p.parts[-3] for p in pages})
    where = f"{course.feedback_dir}/<student>/{args.assignment}/"
    print(f"{args.assignment}: feedback for {len(made)} student(s) in {where}")
    for student, why in sorted(problems.items()):
        print(f"  NO PAGE for {student}: {why}", file=sys.stderr)
    return 1 if problems else 0


def cmd_export(args) -> int:
    from .grading.output.export import export_csv

    course = _course(args)
    result = export_csv(course, args.to, assignments=args.assignment or None, every=args.all)
    print(f"grades written to {result.path}: {result.rows} rows ({', '.join(result.assignments) or 'no assignment'})")
    for problem in result.problems:
        print(f"  PROBLEM {problem}", file=sys.stderr)
    return 1 if result.problems else 0


def cmd_report(args) -> int:
    from .grading.output.report import write_report

    course = _course(args)
    args.assignment = _need_assignment(course, args, "report")
    page = write_report(course, args.assignment, args.out)
    print(f"report: {page}")
    return 0


def cmd_similarity(args) -> int:
    from .grading.course import CourseError
    from .integrity.pairs import Options
    from .integrity.run import similarity

    course = _course(args)
    if args.all:
        args.assignments = sorted(_with_submissions(course))
        if not args.assignments:
            raise CourseError(f"no assignment has submissions in {course.submitted_dir} yet (coursework collect)")
    if not args.assignments:
        args.assignment = None
        _need_assignment(course, args, "similarity")
    try:
        options = Options(threshold=args.threshold, min_matched=args.min_matched, common=args.common,
                          progress=not args.no_progress)
        result = similarity(course, args.assignments, options, out=args.out, include_reference=args.include_reference,
                            max_shown=args.show)
    except (LookupError, ValueError) as exc:  # no such assignment, no release, too few submissions, bad option
        raise CourseError(str(exc)) from None
    for line in result.lines():
        print(line)
    return 0


def cmd_check(args) -> int:
    from .grading.selfcheck import check_notebook

    return check_notebook(args.notebook, timeout=args.timeout, as_json=args.json)


def _pop_lang(extra: list[str]) -> tuple[str | None, list[str]]:
    """``--lang X`` / ``--lang=X`` taken out of the arguments after the topic (argparse's
    REMAINDER keeps them there); the rest goes to jupyter lab / voila."""
    lang, rest, it = None, [], iter(extra)
    for arg in it:
        if arg == "--lang":
            lang = next(it, "")
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return lang, rest


def cmd_demo(args) -> int:
    from .demos.lectures import launch

    lang, extra = _pop_lang(args.extra)
    try:
        return launch(args.topic, present=args.command == "present", extra=extra, lang=lang or args.lang)
    except (ValueError, FileNotFoundError) as exc:
        print(f"coursework {args.command}: error: {exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    from .grading.settings import DEFAULTS  # the grading settings' defaults (a light module)

    parser = argparse.ArgumentParser(prog="coursework", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def instructor(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--course", metavar="DIR", help="the course directory (default: the nearest folder "
                       "upwards with an nbgrader_config.py)")
        p.add_argument("-v", "--verbose", action="store_true", help="show nbgrader's log")
        return p

    p = instructor("release", "regenerate notebooks/ from solutions/ and build one student bundle (zip) per assignment")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: every assignment in solutions/")
    p.add_argument("--dist", metavar="DIR", help="where to write the bundles <course_id>-<assignment>.zip "
                   "(default: <course>/dist)")
    p.add_argument("--no-bundle", action="store_true", help="only regenerate notebooks/")
    p.add_argument("--lang", choices=("en", "ko"), default=None, help="the language of the notebooks and bundles "
                   "(default: c.Coursework.language in nbgrader_config.py, else en)")
    p.set_defaults(func=cmd_release)

    p = instructor("collect", "file the students' hand-ins (a folder or zip) under submitted/<student>/<assignment>/")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("sources", nargs="+", metavar="FOLDER_OR_ZIP", help="the hand-ins: one folder per student, "
                   "files named <student>_..., or a zip of either")
    p.add_argument("--pattern", metavar="REGEX", help="read the student id from the path below the folder with "
                   "this regular expression's group (?P<student>...)")
    p.add_argument("--timestamp", metavar="TIME", help="when every hand-in of this run was received, e.g. "
                   "'2026-12-07 23:00 Europe/Berlin' (default: each file's time on this disk; for a zip's "
                   "contents the zip file's: dates inside zips are never used)")
    p.add_argument("--received", metavar="FILE.csv", help="when each student's hand-in was received: a CSV with a "
                   "header, e.g. your LMS's export of submission times (columns found by name: student/id/username "
                   "and received/timestamp/submitted; a time without a zone is UTC)")
    p.add_argument("--received-columns", metavar="STUDENT,TIME", help="the header names of --received's two columns")
    p.add_argument("--yes", action="store_true", help="replace a collected notebook that differs (it is deleted)")
    p.set_defaults(func=cmd_collect)

    p = instructor("autograde", "grade every submission of an assignment into the gradebook")
    p.add_argument("assignment", metavar="ASSIGNMENT", nargs="?",
                   help="required; without it, the assignments with submissions are listed")
    p.add_argument("-j", "--jobs", type=int, default=0, help="kernels at once (default: the number of cores)")
    p.add_argument("--force", action="store_true", help="grade again what is already graded and unchanged")
    p.add_argument("--timeout", type=float, default=None, help="seconds per cell (default: the course's config)")
    p.add_argument("--memory", type=int, default=DEFAULTS.memory_mb, metavar="MB",
                   help="address-space limit per kernel (0: none; default %(default)s)")
    p.add_argument("--max-output", type=float, default=DEFAULTS.max_output_bytes / 1024, metavar="KB",
                   help="output kept per cell (default %(default)g); the rest is dropped and the cell says how much")
    p.add_argument("--max-output-total", type=float, default=DEFAULTS.max_notebook_output_bytes / 2**20, metavar="MB",
                   help="output kept per notebook, all cells together (default %(default)g)")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-sandbox", action="store_true", help="run the kernels unconfined (only where the sandbox "
                   "cannot be set up and you trust every submission; the run and every feedback page say so)")
    p.add_argument("--disk", type=int, default=DEFAULTS.disk_mb, metavar="MB",
                   help="what a kernel may keep in its folder (default %(default)s)")
    p.add_argument("--max-notebook", type=float, default=DEFAULTS.max_notebook_mb, metavar="MB",
                   help="larger notebooks are not graded (default %(default)g)")
    p.add_argument("--max-cells", type=int, default=DEFAULTS.max_cells,
                   help="notebooks with more cells are not graded (default %(default)s)")
    p.add_argument("--total-time", type=float, default=DEFAULTS.total_seconds, metavar="S",
                   help="seconds for all cells of one submission together (default %(default)g)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="grade on the workers of this running Dask "
                   "scheduler (README: Grading on a Dask cluster)")
    p.add_argument("--cluster", metavar="local:N", help="grade on a Dask LocalCluster of N worker processes here")
    p.set_defaults(func=cmd_autograde)

    p = instructor("feedback", "HTML feedback per student (failed checks explained, hidden checks never shown)")
    p.add_argument("assignment", metavar="ASSIGNMENT", nargs="?", help="required; without it, the assignments "
                   "with submissions are listed")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.set_defaults(func=cmd_feedback)

    p = instructor("export", "grades as CSV: nbgrader's columns plus one column per exercise")
    p.add_argument("--to", default=None, metavar="CSV", help="default: grades.csv in the course directory")
    p.add_argument("--assignment", action="append", metavar="ID", help="only this assignment (repeatable)")
    p.add_argument("--all", action="store_true", help="every assignment in the gradebook (default: those with "
                   "at least one submission)")
    p.set_defaults(func=cmd_export)

    p = instructor("report", "per-exercise pass rates and the score distribution (PNG and HTML)")
    p.add_argument("assignment", metavar="ASSIGNMENT", nargs="?", help="required; without it, the assignments "
                   "with submissions are listed")
    p.add_argument("--out", default=None, metavar="DIR", help="default: reports/<assignment> in the course")
    p.set_defaults(func=cmd_report)

    p = instructor("similarity", "pairs of submissions whose answer cells are alike (an HTML report and a CSV); "
                   "evidence for a person to judge, no score changes")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="one or more; with several (or --all), also "
                   "the pairs flagged in two or more of them")
    p.add_argument("--all", action="store_true", help="every assignment with submissions")
    p.add_argument("--threshold", type=float, default=0.5, help="flag a pair from this score on (0-1, default 0.5: "
                   "half of one student's code found in the other's)")
    p.add_argument("--min-matched", type=int, default=120, metavar="CHARS", help="and with at least this much "
                   "matched code, in characters of tokenized code (default 120: about five lines)")
    p.add_argument("--common", type=float, default=0.5, help="code found in more than this share of the answers to "
                   "an exercise is everyone's and not counted (default 0.5)")
    p.add_argument("--include-reference", action="store_true", help="compare the reference solution "
                   "(solutions/ASSIGNMENT) too, as one more submission: answers copied from it")
    p.add_argument("--show", type=int, default=50, metavar="N", help="flagged pairs shown side by side (default 50; "
                   "the CSV has every pair)")
    p.add_argument("--out", default=None, metavar="DIR", help="default: reports/ in the course "
                   "(reports/ASSIGNMENT/similarity.html and .csv)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("check", help="run a notebook's visible checks and print each exercise's points",
                       description="Run NOTEBOOK top to bottom in a fresh kernel, with the visible checks, and "
                                   "print each exercise's result and points. Exits 1 when a check fails.")
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument("--timeout", type=float, default=120, help="seconds per cell (default 120)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_check)

    for name, help_ in (("demo", "open a topic's lecture demos (lectures/TOPIC.ipynb) in JupyterLab"),
                        ("present", "serve a topic's lecture demos as a code-free page with Voilà")):
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("topic", metavar="TOPIC", help="e.g. 03_activations")
        p.add_argument("--lang", choices=("en", "ko"), default=None, help="the language of the page, its controls "
                       "and figures, before or after TOPIC (default: COURSEWORK_LANG, else c.Coursework.language "
                       "in nbgrader_config.py)")
        p.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to jupyter lab / voila, e.g. --port 8890")
        p.set_defaults(func=cmd_demo)
    return parser


def _skip_the_iri_grammar() -> None:
    """Start each command about a second sooner: ``jsonschema`` (under nbformat and nbgrader) imports
    ``rfc3987_syntax`` where it is installed, only to check the ``iri`` and ``iri-reference``
    formats, and that import compiles some thirty Lark grammars (about 1 s here, a third of a
    command's start). No schema that nbformat, nbgrader or Jupyter validates uses those formats;
    with the import blocked, jsonschema leaves them unchecked (its own fallback when the package is
    missing). Only in this process: ``import coursework`` elsewhere is unaffected."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    _skip_the_iri_grammar()
    args = build_parser().parse_args(argv)
    from .grading.course import CourseError

    try:
        return int(args.func(args) or 0)
    except CourseError as exc:
        print(f"coursework {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"coursework {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
