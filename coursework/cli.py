"""``coursework``: the course's instructor and student commands.

Instructors (from any directory; ``--course DIR`` names the course, default: the
nearest folder upwards holding ``nbgrader_config.py``, whose settings are always used)::

    coursework release [ASSIGNMENT ...]          notebooks/ from solutions/, and one student bundle (zip) each
    coursework autograde ASSIGNMENT [--jobs N]   grade submitted/*/ASSIGNMENT into the gradebook
    coursework feedback ASSIGNMENT               HTML feedback per student, without hidden checks
    coursework export [--to grades.csv]          grades as CSV, one column per exercise
    coursework report ASSIGNMENT                 pass rates and score distribution (PNG + HTML)

Students::

    coursework check NOTEBOOK                    run the visible checks, print each exercise's points

Lecturers::

    coursework demo TOPIC                        open lectures/TOPIC.ipynb (live demos) in JupyterLab
    coursework present TOPIC                     serve it as a code-free page with Voilà

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

    return open_course(args.course, verbose=args.verbose)


def cmd_release(args) -> int:
    from .grading.bundle import release

    course = _course(args)
    result = release(course, args.assignments or None, dist=args.dist, make_bundle=not args.no_bundle)
    for line in result.lines():
        print(line)
    return 0


def cmd_autograde(args) -> int:
    from .grading.autograde import Options, autograde

    course = _course(args)
    options = Options(jobs=args.jobs or os.cpu_count() or 1, timeout=args.timeout, force=args.force,
                      memory_mb=args.memory, max_output_bytes=int(args.max_output * 1024),
                      progress=not args.no_progress, students=args.student or None)
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


def cmd_demo(args) -> int:
    from .demos.lectures import launch

    try:
        return launch(args.topic, present=args.command == "present", extra=args.extra)
    except (ValueError, FileNotFoundError) as exc:
        print(f"coursework {args.command}: error: {exc}", file=sys.stderr)
        return 2


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

    for name, help_ in (("demo", "open a topic's lecture demos (lectures/TOPIC.ipynb) in JupyterLab"),
                        ("present", "serve a topic's lecture demos as a code-free page with Voilà")):
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("topic", metavar="TOPIC", help="e.g. 03_activations")
        p.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to jupyter lab / voila, e.g. --port 8890")
        p.set_defaults(func=cmd_demo)
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
