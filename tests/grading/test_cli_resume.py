"""Hidden inputs per student, grading determinism, and a class run killed with SIGKILL
and started again -- on a tiny assignment (``double(x)``, a visible check and a hidden
check on a random integer drawn per student) so that grading many times stays quick.

The students' answer is right only for even numbers, so a student's hidden-check score
shows which input they drew: 3 points for an even input, 1 for an odd one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers.class_fixtures import TINY, cli, make_course, page_text, secret_texts, submit_tiny, tiny_assignment
from helpers.nbgrader_course import scores

pytestmark = pytest.mark.slow


def _secret_env(course: Path) -> dict:
    """The environment in which the harness seeds as the course's grader does (its secret)."""
    return dict(os.environ, COURSEWORK_SECRET_FILE=str(course / ".coursework-secret"))


def hidden_input(course: Path, student: str) -> int:
    """The integer the hidden check draws for ``student`` (as the judge does, with the course secret)."""
    code = (f"from grader_tests.harness import student_rng; "
            f"print(int(student_rng('{TINY}', 'double').integers(0, 10**6)))")
    env = dict(_secret_env(course), COURSEWORK_STUDENT_ID=student)
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout)


def pick_students(course: Path, n_even: int, n_odd: int) -> dict[str, int]:
    """Student ids whose hidden inputs are n_even even and n_odd odd numbers."""
    code = ("import os, sys\nfrom grader_tests.harness import student_rng\n"
            "for i in range(64):\n"
            "    os.environ['COURSEWORK_STUDENT_ID'] = f's{i:02d}'\n"
            f"    print(f's{{i:02d}}', int(student_rng('{TINY}', 'double').integers(0, 10**6)))\n")
    out = subprocess.run([sys.executable, "-c", code], env=_secret_env(course), capture_output=True, text=True,
                         check=True).stdout
    drawn = {s: int(x) for s, x in (line.split() for line in out.splitlines())}
    even = [s for s, x in drawn.items() if x % 2 == 0][:n_even]
    odd = [s for s, x in drawn.items() if x % 2 == 1][:n_odd]
    return {s: drawn[s] for s in even + odd}


def _hidden_outputs(course: Path, student: str) -> str:
    nb = nbformat.read(course / "autograded" / student / TINY / f"{TINY}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "double_hidden")
    return "".join(o.get("text", "") + str(o.get("evalue", "")) for o in cell.outputs)


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("tiny"), assignments=())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    return course


def test_same_scores_five_times_and_different_hidden_inputs(tiny_course):
    from coursework.grading.run.classrun import Options, autograde
    from coursework.grading.settings import Settings
    from coursework.grading.course import open_course
    from coursework.grading.output.feedback_html import generate_feedback

    students = pick_students(tiny_course, 2, 2)
    assert hidden_input(tiny_course, next(iter(students))) == students[next(iter(students))]
    # without the course secret the same ids draw other inputs: nobody computes theirs from their id
    plain = subprocess.run([sys.executable, "-c", "from grader_tests.harness import student_rng; "
                            f"print(int(student_rng('{TINY}', 'double').integers(0, 10**6)))"],
                           env=dict(os.environ, COURSEWORK_STUDENT_ID=next(iter(students))), capture_output=True,
                           text=True, check=True).stdout
    assert int(plain) != students[next(iter(students))]
    for student in students:
        submit_tiny(tiny_course, student)
    course = open_course(tiny_course)
    expected = {s: (3.0 if x % 2 == 0 else 1.0) for s, x in students.items()}
    for attempt in range(5):
        summary = autograde(course, TINY, Options(jobs=2, force=True, progress=False, settings=Settings(timeout=30)))
        assert sorted(summary.graded) == sorted(students) and not summary.failed
        got = scores(tiny_course, TINY)
        assert {s: got[s]["total"] for s in students} == expected, attempt
        # what the hidden check printed (its input) stays with the judge: not in the graded notebook
        assert all("hidden input" not in _hidden_outputs(tiny_course, s) for s in students), attempt
    assert len(set(students.values())) == len(students)  # every student drew another input

    pages = generate_feedback(course, TINY)
    secrets = secret_texts(tiny_course / "solutions" / TINY / f"{TINY}.ipynb")
    for page in pages:
        text = page_text(page)
        student = page.parts[-3]
        assert f"hidden input {students[student]}" not in text and "hidden input" not in text
        for secret in secrets:
            assert secret not in text, (student, secret)
        if expected[student] < 3:
            assert "double(a random integer) is wrong" in text  # the hidden check's message stays


def _processes_in(folder: Path) -> list[int]:
    """Processes whose working directory is inside ``folder`` (the grading kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(Path(os.readlink(entry / "cwd"))).startswith(str(folder)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_run_finishes_with_every_student_graded_once(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("killed"), assignments=())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    students = [f"k{i:02d}" for i in range(8)]
    for student in students:
        submit_tiny(course, student, answer="def double(x):\n    return 2 * x\n", sleep=1.0)
    state = course / "autograded" / ".coursework" / "state.json"
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("COURSEWORK_STUDENT_ID", None)
    run = subprocess.Popen([sys.executable, "-m", "coursework.cli", "autograde", TINY, "--course", str(course),
                            "--jobs", "2", "--no-progress", "--json"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    done: set[str] = set()
    while time.monotonic() < deadline and len(done) < 2:
        time.sleep(0.2)
        try:
            done = {k.split("/", 1)[1] for k in json.loads(state.read_text())["submissions"]}
        except (OSError, ValueError):
            continue
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL
    time.sleep(2.0)
    assert _processes_in(course) == []  # the kernels died with the grader (PR_SET_PDEATHSIG)

    done = {k.split("/", 1)[1] for k in json.loads(state.read_text())["submissions"]}
    assert 2 <= len(done) < len(students), done

    again = json.loads(cli("autograde", TINY, "--course", str(course), "--jobs", "2", "--no-progress",
                           "--json").stdout)
    assert sorted(again["skipped"]) == sorted(done)
    assert sorted(again["graded"]) == sorted(set(students) - done)
    assert again["failed"] == {}
    got = scores(course, TINY)
    assert {s: got[s]["total"] for s in got} == {s: 3.0 for s in students}
    assert sorted(json.loads(state.read_text())["submissions"]) == [f"{TINY}/{s}" for s in students]
    assert not list(course.glob(f"autograded/*/.{TINY}.coursework-*"))
