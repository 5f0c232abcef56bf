"""``coursework``: the course's instructor and student commands.

Instructors (from any directory; ``--course DIR`` names the course, default: the
nearest folder upwards holding ``nbgrader_config.py``, whose settings are always used)::

    coursework release [ASSIGNMENT ...]          notebooks/ from solutions/, and one student bundle (zip) each
                       [--lang ko|en]            ... in this language (default: c.Coursework.language)
    coursework autograde ASSIGNMENT [--jobs N]   grade submitted/*/ASSIGNMENT into the gradebook
    coursework feedback ASSIGNMENT               HTML feedback per student, without hidden checks
    coursework export [--to grades.csv]          grades as CSV, one column per exercise
    coursework report ASSIGNMENT                 pass rates and score distribution (PNG + HTML)

Students::

    coursework check NOTEBOOK                    run the visible checks, print each exercise's points

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
    from .grading.bundle import release

    course = _course(args)
    result = release(course, args.assignments or None, dist=args.dist, make_bundle=not args.no_bundle, lang=args.lang)
    for line in result.lines():
        print(line)
    return 0


def cmd_autograde(args) -> int:
    from .grading.autograde import Options, autograde

    course = _course(args)
    options = Options(jobs=args.jobs or os.cpu_count() or 1, timeout=args.timeout, force=args.force,
                      memory_mb=args.memory, max_output_bytes=int(args.max_output * 1024),
                      progress=not args.no_progress, students=args.student or None, sandbox=not args.no_sandbox,
                      disk_mb=args.disk, max_notebook_mb=args.max_notebook, max_cells=args.max_cells,
                      total_seconds=args.total_time)
    summary = autograde(course, args.assignment, options)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=1))
    else:
        print(summary.line())
        for student, why in sorted(summary.failed.items()):
            print(f"  FAILED {student}: {why} (log: {course.state_dir / 'logs' / args.assignment / student}.log)")
    return 1 if summary.failed else 0


def cmd_feedback(args) -> int:
    from .grading.feedback_html import generate_feedback

    course = _course(args)
    pages = generate_feedback(course, args.assignment, students=args.student or None)
    print(f"{args.assignment}: feedback for {len(pages)} student(s) in {course.feedback_dir}")
    return 0


def cmd_export(args) -> int:
    from .grading.export import export_csv

    course = _course(args)
    dest = export_csv(course, args.to, assignments=args.assignment or None)
    print(f"grades written to {dest}")
    return 0


def cmd_report(args) -> int:
    from .grading.report import write_report

    course = _course(args)
    page = write_report(course, args.assignment, args.out)
    print(f"report: {page}")
    return 0


def cmd_check(args) -> int:
    from .grading.selfcheck import check_notebook

    return check_notebook(args.notebook, timeout=args.timeout, as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
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

    p = instructor("autograde", "grade every submission of an assignment into the gradebook")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("-j", "--jobs", type=int, default=0, help="kernels at once (default: the number of cores)")
    p.add_argument("--force", action="store_true", help="grade again what is already graded and unchanged")
    p.add_argument("--timeout", type=float, default=None, help="seconds per cell (default: the course's config)")
    p.add_argument("--memory", type=int, default=4096, metavar="MB", help="address-space limit per kernel (0: none)")
    p.add_argument("--max-output", type=float, default=1024, metavar="KB", help="output kept per cell")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-sandbox", action="store_true", help="run the kernels unconfined (only where the sandbox "
                   "cannot be set up and you trust every submission; the run and every feedback page say so)")
    p.add_argument("--disk", type=int, default=512, metavar="MB", help="what a kernel may keep in its folder")
    p.add_argument("--max-notebook", type=float, default=20, metavar="MB", help="larger notebooks are not graded")
    p.add_argument("--max-cells", type=int, default=2000, help="notebooks with more cells are not graded")
    p.add_argument("--total-time", type=float, default=1800, metavar="S", help="seconds for all cells of one "
                   "submission together")
    p.set_defaults(func=cmd_autograde)

    p = instructor("feedback", "HTML feedback per student (failed checks explained, hidden checks never shown)")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.set_defaults(func=cmd_feedback)

    p = instructor("export", "grades as CSV: nbgrader's columns plus one column per exercise")
    p.add_argument("--to", default=None, metavar="CSV", help="default: grades.csv in the course directory")
    p.add_argument("--assignment", action="append", metavar="ID", help="only this assignment (repeatable)")
    p.set_defaults(func=cmd_export)

    p = instructor("report", "per-exercise pass rates and the score distribution (PNG and HTML)")
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--out", default=None, metavar="DIR", help="default: reports/<assignment> in the course")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("check", help="run a notebook's visible checks and print each exercise's points",
                       description="Run NOTEBOOK top to bottom in a fresh kernel, with the visible checks, and "
                                   "print each exercise's result and points. Exits 1 when a check fails.")
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument("--timeout", type=float, default=120, help="seconds per cell (default 120)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
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
