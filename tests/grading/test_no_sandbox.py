"""Where the sandbox cannot be set up, ``coursework autograde`` refuses in one line naming
what is missing; ``--no-sandbox`` grades anyway and the summary, the record, the
feedback page and the report all say so. The course secret keys the hidden seeds and
never ships."""

from __future__ import annotations

import json

import pytest

from helpers.class_fixtures import TINY, cli, make_course, page_text, submit_tiny, tiny_assignment


def test_autograde_refuses_without_the_sandbox(tmp_path, monkeypatch):
    from coursework.grading.run import classrun as autograde
    from coursework.grading.course import CourseError, open_course

    course = make_course(tmp_path, ())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    monkeypatch.setattr(autograde, "sandbox_missing", lambda: "Landlock is not supported by this kernel (ENOSYS)")
    with pytest.raises(CourseError) as info:
        autograde.ClassRun(open_course(course), TINY, autograde.Options(progress=False))
    text = str(info.value)
    assert "\n" not in text and "Landlock is not supported by this kernel" in text and "--no-sandbox" in text


@pytest.mark.slow
def test_no_sandbox_is_said_everywhere(tmp_path):
    course = make_course(tmp_path, ())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    secret = (course / ".coursework-secret").read_text().strip()
    assert len(secret) == 64 and oct((course / ".coursework-secret").stat().st_mode)[-3:] == "600"
    submit_tiny(course, "ana", answer="def double(x):\n    return 2 * x\n")
    run = cli("autograde", TINY, "--course", str(course), "--no-sandbox", "--no-progress", "--json")
    summary = json.loads(run.stdout)
    assert summary["sandbox"] is False and summary["scores"]["ana"] == [3.0, 3.0]
    record = json.loads((course / "autograded" / ".coursework" / TINY / "ana.json").read_text())
    assert record["sandbox"] is False and any("WITHOUT the kernel sandbox" in n for n in record["notebooks"][TINY]["notes"])
    plain = cli("autograde", TINY, "--course", str(course), "--no-sandbox", "--no-progress", "--force")
    assert "WITHOUT the kernel sandbox" in plain.stdout
    cli("feedback", TINY, "--course", str(course))
    page = next((course / "feedback" / "ana" / TINY).glob("*.html"))
    assert "WITHOUT the kernel sandbox" in page_text(page)
    cli("report", TINY, "--course", str(course))
    assert "WITHOUT the kernel sandbox" in (course / "reports" / TINY / "report.html").read_text()
    assert secret not in page.read_text()
