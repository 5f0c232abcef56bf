"""The leak audit of the student bundle, on hand-made zips (fast; the real bundle is
built, installed and run in test_cli_release.py)."""

from __future__ import annotations

import zipfile

from helpers.class_fixtures import A, REPO, make_course
import pytest

from coursework.grading.release.bundle import audit_bundle, reference_tags, secrets, shipped_early, stripped_from
from coursework.grading.course import CourseError
from coursework.grading.course import open_course

RELEASE = REPO / "notebooks" / A / f"{A}.ipynb"
SOURCE = REPO / "solutions" / A / f"{A}.ipynb"


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"bundle/{name}", data)
    return path


def test_secrets_cover_solutions_hidden_tests_and_reference_regions(tmp_path):
    course = open_course(make_course(tmp_path))
    (course.root / "coursework").mkdir()
    (course.root / "coursework" / "answers.py").write_text(
        "def f(x):\n    '''doc'''\n    # BEGIN REFERENCE\n    return x * 42  # the answer\n    # END REFERENCE\n")
    found = secrets(course, A)
    labels = " ".join(found)
    assert labels.count("solution of") == 4 and labels.count("hidden tests of") == 4
    assert "return x * 42 # the answer" in found.values()


def test_a_clean_bundle_passes(tmp_path):
    course = open_course(make_course(tmp_path))
    zf = _zip(tmp_path / "ok.zip", {f"notebooks/{A}/{A}.ipynb": RELEASE.read_text(),
                                    "grader_tests/features.py": (REPO / "grader_tests" / "features.py").read_text()})
    assert audit_bundle(zf, course, A) == []


def test_leaks_are_found(tmp_path):
    course = open_course(make_course(tmp_path))
    hidden_line = "hidden.check_histogram_random(color_histogram)"
    zf = _zip(tmp_path / "bad.zip", {
        f"notebooks/{A}/{A}.ipynb": SOURCE.read_text(),                       # solutions and hidden tests
        "grader_tests/hidden/features.py": "x = 1\n",                          # a forbidden folder
        "coursework/leak.py": f"from grader_tests.hidden import features as hidden\n{hidden_line}\n",
        "solutions/01_features/notes.txt": "",
    })
    problems = audit_bundle(zf, course, A)
    text = "\n".join(problems)
    assert "grader_tests/hidden/features.py: must not be in the bundle" in text
    assert "solutions/01_features/notes.txt: must not be in the bundle" in text
    assert text.count(f"{A}.ipynb: contains the solution of") == 4
    assert f"{A}.ipynb: contains the hidden tests of" in text
    assert "coursework/leak.py: contains the hidden tests of" in text
    lone = _zip(tmp_path / "line.zip", {"coursework/leak.py": f"    {hidden_line}  \n"})
    assert any("contains the hidden test line of" in p for p in audit_bundle(lone, course, A))


def test_a_solution_hidden_in_metadata_is_found(tmp_path):
    """A translation record, a tool's metadata or an attachment is notebook text too: a copy of a
    solution or a hidden check there (a Korean code record carried 04's answers once) is a leak."""
    import json

    import nbformat

    course = open_course(make_course(tmp_path))
    source = nbformat.read(SOURCE, as_version=4)
    answer = next(c.source for c in source.cells if "### BEGIN SOLUTION" in c.source)
    hidden = next(c.source for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source)
    for where in ("cell", "notebook"):
        nb = json.loads(RELEASE.read_text())
        record = {"coursework": {"i18n": {"ko": {"source": answer.splitlines(keepends=True)}}, "note": [1, hidden]}}
        target = nb["cells"][3]["metadata"] if where == "cell" else nb["metadata"]
        target.update(record)
        zf = _zip(tmp_path / f"{where}.zip", {f"notebooks/{A}/{A}.ipynb": json.dumps(nb)})
        text = "\n".join(audit_bundle(zf, course, A))
        assert f"{A}.ipynb: contains the solution of" in text, where
        assert f"{A}.ipynb: contains the hidden test" in text, where


def _tagged_course(tmp_path, markers):
    course = open_course(make_course(tmp_path, assignments=(A, "02_tensors", "03_activations")))
    (course.root / "coursework").mkdir()
    body = "".join(f"def f{i}(x):\n    # BEGIN REFERENCE {marker}\n    return x * {i}  # answer {i}\n"
                   f"    # END REFERENCE\n\n\n" for i, marker in enumerate(markers))
    (course.root / "coursework" / "answers.py").write_text(body)
    return course


def test_a_bundle_strips_its_own_and_later_answers_unless_its_notebook_needs_them(tmp_path):
    course = _tagged_course(tmp_path, [A, "02_tensors", "03_activations", "03_activations needed-by 02_tensors"])
    assert course.assignments() == [A, "02_tensors", "03_activations"]
    # answer 3 is 03's but 02's notebook runs it: 02's bundle ships it, 01's and 03's do not
    for assignment, stripped in [(A, {0, 1, 2, 3}), ("02_tensors", {1, 2}), ("03_activations", {2, 3})]:
        found = " ".join(secrets(course, assignment).values())
        for i in range(4):
            assert (f"answer {i}" in found) == (i in stripped), (assignment, i)
    rule = stripped_from(course, "02_tensors")
    assert rule(None, ()) and not rule(A, ()) and rule("02_tensors", ("02_tensors",))
    assert reference_tags(course) == {"coursework/answers.py": {(A, ()), ("02_tensors", ()), ("03_activations", ()),
                                                                ("03_activations", ("02_tensors",))}}
    assert shipped_early(course, "02_tensors") == [
        "02_tensors: ships 03_activations's reference in coursework/answers.py (needed-by 02_tensors)"]
    assert shipped_early(course, A) == []


@pytest.mark.parametrize("markers, message", [
    ([A, "03_activation"], "03_activation, which name no assignment"),        # a typo would ship the answer
    (["02_tensors needed-by 03_activations"], "needed-by names earlier assignments only"),
    (["03_activations needed by 02_tensors"], "not a valid reference marker"),
])
def test_bad_markers_are_refused(tmp_path, markers, message):
    course = _tagged_course(tmp_path, markers)
    with pytest.raises(CourseError, match=message):
        reference_tags(course)
