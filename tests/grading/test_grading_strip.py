"""Stripping reference implementations from package sources (``# BEGIN REFERENCE`` /
``# END REFERENCE``), on a small temporary package."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from coursework.grading.release.strip import REMOVED, STUB, StripError, copy_stripped, region_tags, strip_reference

ANSWERS = textwrap.dedent('''\
    """A toy package module with one graded function."""

    import math


    def norm(values):
        """Euclidean norm of a list of numbers.

        Returns
        -------
        float
        """
        # BEGIN REFERENCE
        total = _square_sum(values)
        return math.sqrt(total)
        # END REFERENCE


    # BEGIN REFERENCE
    def _square_sum(values):
        return sum(v * v for v in values)  # the secret helper
    # END REFERENCE


    def given(x):
        return x + 1
''')


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_region_in_a_function_becomes_a_stub_and_module_level_region_goes():
    text, n = strip_reference(ANSWERS, "answers.py")
    assert n == 2
    assert "math.sqrt(total)" not in text and "_square_sum" not in text and "secret helper" not in text
    assert f"    {STUB}\n" in text and f"{REMOVED}\n" in text
    assert '"""Euclidean norm of a list of numbers.' in text  # the docstring stays
    assert "def given(x):\n    return x + 1" in text


def test_a_file_without_markers_is_unchanged():
    source = "def f():\n    return 1\n"
    assert strip_reference(source) == (source, 0)


@pytest.mark.parametrize("source, message", [
    ("def f():\n    # BEGIN REFERENCE\n    return 1\n", "never closed"),
    ("def f():\n    return 1\n    # END REFERENCE\n", "without a BEGIN"),
    ("# BEGIN REFERENCE\n# BEGIN REFERENCE\nx = 1\n# END REFERENCE\n", "inside the region"),
    ("def f():\n# BEGIN REFERENCE\n    return 1\n# END REFERENCE\n", "not valid Python"),
])
def test_bad_markers_are_errors(source, message):
    with pytest.raises(StripError, match=message):
        strip_reference(source, "bad.py")


def test_copy_stripped_toy_package(tmp_path):
    src = tmp_path / "src" / "toypkg"
    (src / "hidden").mkdir(parents=True)
    (src / "__pycache__").mkdir()
    (src / "__init__.py").write_text("from .answers import norm, given\n")
    (src / "answers.py").write_text(ANSWERS)
    (src / "hidden" / "__init__.py").write_text("SECRET = 42\n")
    (src / "data.txt").write_text("not python\n")
    (src / "__pycache__" / "answers.cpython-311.pyc").write_bytes(b"\0junk")
    dst = tmp_path / "out" / "toypkg"

    stripped = copy_stripped(src, dst, skip=lambda rel: rel.as_posix() == "hidden")

    assert stripped == {"answers.py": 2}
    assert sorted(p.relative_to(dst).as_posix() for p in dst.rglob("*")) == ["__init__.py", "answers.py", "data.txt"]
    assert (dst / "data.txt").read_text() == "not python\n"
    sys.path.insert(0, str(dst.parent))
    try:
        module = _load(dst / "answers.py", "toypkg_answers_stripped")
        with pytest.raises(NotImplementedError, match="reference implementation not shipped to students"):
            module.norm([3.0, 4.0])
        assert module.given(1) == 2
        assert not hasattr(module, "_square_sum")
    finally:
        sys.path.remove(str(dst.parent))
    original = _load(src / "answers.py", "toypkg_answers_original")
    assert original.norm([3.0, 4.0]) == 5.0  # the source itself is untouched


TAGGED = textwrap.dedent('''\
    def early(x):
        # BEGIN REFERENCE 01_first
        return x + 1  # published answer
        # END REFERENCE


    def late(x):
        # BEGIN REFERENCE 03_third
        return x * 3  # answer still to come
        # END REFERENCE


    def anytime(x):
        # BEGIN REFERENCE
        return x - 1  # untagged
        # END REFERENCE
''')


def test_region_tags_are_read():
    assert region_tags(TAGGED) == [("01_first", ()), ("03_third", ()), (None, ())]


@pytest.mark.parametrize("stripped, kept", [
    ({"03_third", None}, {"01_first"}),
    ({"01_first", "03_third", None}, set()),
    ({None}, {"01_first", "03_third"}),
])
def test_strip_decides_per_tag_and_keeps_the_rest_verbatim(stripped, kept):
    text, n = strip_reference(TAGGED, "tagged.py", strip=lambda tag, needed: tag in stripped)
    assert n == len(stripped)
    answers = {"01_first": "return x + 1  # published answer", "03_third": "return x * 3  # answer still to come",
               None: "return x - 1  # untagged"}
    for tag, answer in answers.items():
        assert (answer in text) == (tag in kept), tag
    for tag in kept:
        assert f"# BEGIN REFERENCE {tag}" in text  # a kept region keeps its markers
    assert text.count(STUB) == n
    namespace: dict = {}
    exec(compile(text, "tagged.py", "exec"), namespace)
    if "01_first" in kept:
        assert namespace["early"](1) == 2


def test_needed_by_is_parsed_and_a_malformed_marker_is_an_error():
    text = "def f():\n    # BEGIN REFERENCE 05_sgd needed-by 03_activations 04_backprop\n    return 1\n    # END REFERENCE\n"
    assert region_tags(text) == [("05_sgd", ("03_activations", "04_backprop"))]
    seen = []
    strip_reference(text, "f.py", strip=lambda tag, needed: seen.append((tag, needed)) or True)
    assert seen == [("05_sgd", ("03_activations", "04_backprop"))]
    bad = text.replace("needed-by", "needed by")
    with pytest.raises(StripError, match="not a valid reference marker"):
        strip_reference(bad, "f.py")
    with pytest.raises(StripError, match="not a valid reference marker"):
        region_tags(bad)
