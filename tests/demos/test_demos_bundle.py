"""The demos' bundle rule: the lecture demos run the package's reference implementations,
so no student bundle ships them (``coursework/demos`` is excluded, like the hidden tests),
nor the lecture notebooks (a bundle holds only its own assignment's notebooks)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from coursework.grading.release.bundle import build_bundle
from coursework.grading.secret import EXCLUDED_FROM_BUNDLE
from coursework.grading.course import open_course

REPO = Path(__file__).resolve().parents[2]


def test_demos_are_excluded_from_every_bundle_by_rule():
    assert "coursework/demos" in EXCLUDED_FROM_BUNDLE
    assert (REPO / "coursework" / "demos" / "__init__.py").is_file()


def test_a_bundle_holds_no_demo_module_and_no_lecture_notebook(tmp_path):
    course = open_course(REPO)
    # 03's demos train nets with 03's activations, the answer of its own exercises.
    dest, _, _ = build_bundle(course, "03_activations", tmp_path / "b.zip", verify_imports=False)
    with zipfile.ZipFile(dest) as zf:
        names = zf.namelist()
    assert any("/coursework/experiments/activations.py" in n for n in names)  # the package is there ...
    assert not [n for n in names if "/coursework/demos/" in n]  # ... without its demos
    assert not [n for n in names if "/lectures/" in n]
