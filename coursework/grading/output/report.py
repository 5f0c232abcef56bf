"""``coursework report``: how the class did on one assignment, per exercise.

For every exercise: its points, the *pass rate* (the share of submissions with all
of its points) and the mean share of its points; for the assignment: the number of
submissions and the distribution of total scores. Written to ``reports/<assignment>/``
(or ``--out``): ``report.png`` (pass rates, and a histogram of the totals) and
``report.html``, a small page with the table and the picture, and the students who did
not submit: those known to the course (in the gradebook, or with a folder in
``submitted/`` for any assignment) without a submission of this one. A submission
whose scores cannot be read is left out of the figures and named on the page.

Student ids and reasons are escaped; the page carries a Content-Security-Policy that
runs no script at all, and shows the figure from the page itself (a ``data:`` image, so
the page can be sent on its own).
"""

from __future__ import annotations

import base64
import html
import json
import statistics
from pathlib import Path

from ..course import Course, CourseError
from .export import assignment_exercises, exercise_scores, exercise_titles
from .safe_html import meta_tag, new_nonce, policy

__all__ = ["class_results", "write_report"]


def class_results(course: Course, assignment: str) -> dict:
    """``{"exercises": [{"name", "points", "pass_rate", "mean"}], "totals": {student: score},
    "max_score": float, "missing": [student], "unreadable": {student: why}}`` from the gradebook."""
    exs = assignment_exercises(course, assignment)
    with course.gradebook() as gb:
        try:
            max_score = float(gb.find_assignment(assignment).max_score)
        except Exception:  # noqa: BLE001 - not there, or unreadable: one line for the instructor
            raise CourseError(f"assignment {assignment!r} is not in the gradebook") from None
        problems: list[str] = []
        per_student = exercise_scores(course, assignment, gb, problems=problems)
        unreadable = {
            s: "its scores could not be read" for s, row in per_student.items() if any(v is None for v in row.values())
        }
        totals = {}
        for sub in gb.assignment_submissions(assignment):
            try:
                totals[sub.student_id] = float(sub.score)
            except Exception as exc:  # noqa: BLE001 - this student's only
                unreadable[sub.student_id] = f"{type(exc).__name__}: {exc}"
        known = {s.id for s in gb.students}
    missing = sorted((known | course.submitters()) - set(totals) - set(unreadable))
    for student in unreadable:
        per_student.pop(student, None)
        totals.pop(student, None)
    titles = exercise_titles(course, assignment)
    n = len(per_student)
    rows = []
    for ex in exs:
        got = [float(per_student[s][ex.name] or 0.0) for s in per_student]  # unreadable rows are left out above
        full = sum(1 for g in got if ex.points and g >= ex.points - 1e-9)
        rows.append(
            {
                "name": titles.get(ex.name, ex.name),
                "points": ex.points,
                "pass_rate": full / n if n else 0.0,
                "mean": (sum(got) / n / ex.points) if n and ex.points else 0.0,
            }
        )
    return {
        "exercises": rows,
        "totals": totals,
        "max_score": max_score,
        "missing": missing,
        "unreadable": unreadable,
        "unsandboxed": unsandboxed(course, assignment),
    }


def unsandboxed(course: Course, assignment: str) -> list[str]:
    """Students whose last grading ran without the kernel sandbox (``--no-sandbox``), from the records."""
    out = []
    for path in course.records(assignment):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("sandbox") is False:
            out.append(str(record.get("student", path.stem)))
    return out


def write_report(course: Course, assignment: str, out: str | Path | None = None) -> Path:
    """Write ``report.png`` and ``report.html``; return the HTML page's path."""
    results = class_results(course, assignment)
    if not results["totals"]:
        raise CourseError(f"no graded submission of {assignment!r}; run `coursework autograde {assignment}` first")
    folder = Path(out) if out else course.root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / "report.png"
    _figure(assignment, results, png)
    page = folder / "report.html"
    page.write_text(_page(assignment, results, png), encoding="utf-8")
    return page


def _figure(assignment: str, results: dict, png: Path) -> None:
    """``png``: the pass rate per exercise, and a histogram of the total scores."""
    import matplotlib  # here: only the figure needs it (0.5 s to import); class_results does not

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # here: after the backend is chosen

    rows, totals, max_score = results["exercises"], list(results["totals"].values()), results["max_score"]
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 2]})
    names = [r["name"] for r in rows]
    ax0.barh(names, [100 * r["pass_rate"] for r in rows], color="tab:green", label="all points")
    ax0.scatter([100 * r["mean"] for r in rows], names, color="black", zorder=3, label="mean share of points")
    ax0.set_xlim(0, 100)
    ax0.invert_yaxis()
    ax0.set_xlabel("% of submissions")
    ax0.set_title(f"{assignment}: pass rate per exercise")
    ax0.legend(loc="lower right", fontsize=8)
    top = max(max_score, max(totals), 1.0)
    if top <= 40:  # one bar per whole point, centred on it
        edges = [k - 0.5 for k in range(int(top) + 2)]
    else:
        edges = [top * k / 20 for k in range(21)]
    ax1.hist(totals, bins=edges, color="tab:blue", edgecolor="white")
    ax1.yaxis.get_major_locator().set_params(integer=True)
    if float(max_score).is_integer() and all(float(t).is_integer() for t in totals):
        ax1.xaxis.get_major_locator().set_params(integer=True)  # whole points: no 7.5 ticks
    ax1.set_xlabel(f"total score (of {max_score:g})")
    ax1.set_ylabel("submissions")
    ax1.set_title(f"score distribution (n = {len(totals)})")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)


def _page(assignment: str, results: dict, png: Path) -> str:
    """The report's page: the table, who did not submit or could not be read, the figure (embedded)."""
    rows, totals, max_score = results["exercises"], list(results["totals"].values()), results["max_score"]
    table = "".join(
        f"<tr><td><code>{html.escape(r['name'])}</code></td><td>{r['points']:g}</td>"
        f"<td>{100 * r['pass_rate']:.0f}%</td><td>{100 * r['mean']:.0f}%</td></tr>"
        for r in rows
    )
    mean, median = statistics.fmean(totals), statistics.median(totals)
    lists = _students_list("Did not submit", results["missing"]) + _students_list(
        "Could not be read (left out above)", [f"{s}: {w}" for s, w in results["unreadable"].items()]
    )
    return (
        f"<!DOCTYPE html><html><head>{meta_tag(policy(new_nonce()))}<meta charset='utf-8'>"
        f"<title>{html.escape(assignment)}: class report</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .8em;text-align:right}"
        "td:first-child,th:first-child{text-align:left}</style></head><body>"
        f"<h1>{html.escape(assignment)}: class report</h1>"
        f"<p>{len(totals)} submissions; total score: mean {mean:.2f}, median {median:g}, of {max_score:g}.</p>"
        + (
            f"<p style='color:#a00'><strong>Graded WITHOUT the kernel sandbox (--no-sandbox):</strong> "
            f"{html.escape(', '.join(results['unsandboxed']))}. Their code ran with the grader's rights.</p>"
            if results["unsandboxed"]
            else ""
        )
        + f"{lists}"
        "<table><tr><th>exercise</th><th>points</th><th>pass rate (all points)</th>"
        f"<th>mean share of points</th></tr>{table}</table>"
        f"<p><img src='data:image/png;base64,{base64.b64encode(png.read_bytes()).decode('ascii')}' "
        "alt='pass rates and score distribution' style='max-width:100%'></p>"
        "</body></html>"
    )


def _students_list(title: str, students: list[str]) -> str:
    if not students:
        return ""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in students)
    return f"<h2>{html.escape(title)} ({len(students)})</h2><ul>{items}</ul>"
