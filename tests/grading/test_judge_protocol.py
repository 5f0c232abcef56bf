"""The judge's protocol: only plain data crosses, and whatever a kernel sends, the judge
gets a failed check with a clear message -- never code execution or a crash.

The decoding tests feed :func:`coursework.grading.kernel.wire.loads` and
:meth:`KernelLink.decode` forged replies; the kernel tests (slow) run a real kernel
whose student code answers the judge with a pickle, an object array, an ndarray
subclass, an enormous array, garbage bytes, or never.
"""

from __future__ import annotations

import asyncio
import base64
import json
import pickle

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from coursework.grading.kernel import wire
from coursework.grading.judge.judge import Judge, KernelLink, public_function, remote_exception


class Boom:
    def __reduce__(self):  # unpickling this would run code
        return (exec, ("raise SystemExit('executed')",))


@pytest.mark.parametrize("text, why", [
    (json.dumps({"$pickle": base64.b64encode(pickle.dumps(Boom())).decode()}), "unknown tag"),
    (json.dumps({"$a": ["object", [2], "AAAA"]}), "dtype 'object' is not allowed"),
    (json.dumps({"$a": ["float64", [3], base64.b64encode(b"\0" * 16).decode()]}), "do not match"),
    (json.dumps({"$a": ["float64", [10**6, 10**6], ""]}), "elements"),
    (json.dumps({"$a": ["float64", [-1], ""]}), "bad array shape"),
    (json.dumps({"$s": ["float64", "AA=="]}), "do not match"),
    (json.dumps({"$fn": ["os:system", [], {}]}), "a function where none may be"),
    (json.dumps({"$obj": ["os:_wrap_close", {}]}), "an object where none may be"),
    (json.dumps({"$h": [1, "x", True]}), "a handle where none may be"),
    (json.dumps({"$rng": {"bit_generator": "MT19937", "state": {}}}), "PCG64"),
    (json.dumps({"a": 1, "b": 2}), "unexpected dict"),
    ("[" * 100_000 + "]" * 100_000, "RecursionError|nested too deeply"),
    ("\x00\xff garbage", "not JSON"),
    (json.dumps(10 ** 100), "too many digits"),
    (json.dumps(list(range(wire.MAX_ITEMS + 5))), "more than"),
])
def test_forged_data_is_refused_with_a_reason(text, why):
    with pytest.raises(wire.WireError, match=why):
        wire.loads(text)


def test_text_over_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(wire, "MAX_TEXT", 1000)
    with pytest.raises(wire.WireError, match="limit"):
        wire.loads("[" + "1," * 1000 + "1]")


def test_plain_values_round_trip_exactly():
    gen = np.random.default_rng(3)
    gen.random(5)
    value = [None, True, 3, -2.5, float("nan"), float("inf"), 1 + 2j, b"\x00\x01", "text",
             (1, [2, {"k": np.arange(6, dtype=np.int32).reshape(2, 3)}]), np.float32(1.5), np.bool_(True),
             np.zeros((0, 3)), {"bool": np.array([True, False])}, gen]
    back = wire.loads(wire.dumps(value))
    assert back[:4] == value[:4] and np.isnan(back[4]) and back[5:9] == value[5:9]
    assert back[9][0] == 1 and np.array_equal(back[9][1][1]["k"], value[9][1][1]["k"])
    assert back[9][1][1]["k"].dtype == np.int32 and type(back[10]) is np.float32 and back[10] == 1.5
    assert back[12].shape == (0, 3) and back[13]["bool"].dtype == bool
    assert back[14].bit_generator.state == gen.bit_generator.state


def test_the_judge_never_sends_its_own_objects():
    link = KernelLink(kc=None, km=None, loop=None)
    with pytest.raises(TypeError, match="cannot send"):
        link.encode(lambda x: x)
    with pytest.raises(TypeError, match="cannot send"):
        link.encode(object())
    from grader_tests import features

    assert public_function(features.linear_features) == ("grader_tests.features:linear_features", (), {})
    from grader_tests.hidden import features as hidden

    assert public_function(hidden.check_histogram_random) is None  # hidden checks are never named


def test_a_reply_that_is_not_a_reply_is_refused():
    link = KernelLink(kc=None, km=None, loop=None)
    for text in ("[]", "{}", json.dumps({"ok": 1, "evil": 2}), "nope"):
        with pytest.raises(wire.WireError):
            link.decode(text)


def test_kernel_exceptions_become_named_exceptions_without_code():
    exc = remote_exception("NotImplementedError", "todo")
    assert type(exc) is NotImplementedError and str(exc) == "todo"
    odd = remote_exception("MyError", "bad")
    assert type(odd).__name__ == "MyError" and isinstance(odd, Exception)
    assert type(remote_exception("not an identifier!", "x")).__name__ == "Error"
    assert not issubclass(type(remote_exception("SystemExit", "x")), SystemExit)  # only Exception subclasses


# -- with a real kernel ------------------------------------------------------------------------------

CHECK = "import numpy as np\nfrom grader_tests.harness import assert_close, call\n"
SOURCE = [
    new_code_cell(CHECK, metadata={"nbgrader": {"grade_id": "setup", "grade": False, "solution": False,
                                                "locked": True}}),
    new_code_cell("def f(x):\n    return x * 2\n", metadata={"nbgrader": {"grade_id": "f", "solution": True,
                                                                         "grade": False}}),
    new_code_cell("assert_close(call(f, np.arange(3.0), what='f(x)'), np.arange(3.0) * 2, 'f(x)')",
                  metadata={"nbgrader": {"grade_id": "check", "grade": True, "solution": False, "points": 1,
                                         "locked": True}}),
]

ATTACKS = {
    "pickle": ("import pickle, base64\nclass Boom:\n    def __reduce__(self):\n        return (exec, "
               "(\"open('/tmp/judge-pwned', 'w')\",))\n", "{'ok': {'$pickle': base64.b64encode(pickle.dumps(Boom()))"
               ".decode()}}"),
    "object array": ("", "{'ok': {'$a': ['object', [1], 'AAAA']}}"),
    "subclass": ("", "{'ok': {'$a': ['matrix', [1], 'AAAA']}}"),
    "enormous array": ("", "{'ok': {'$a': ['float64', [10**9], '']}}"),
    "garbage": ("", "'\\x00garbage'"),
}


def _attack(prelude: str, reply: str) -> str:
    return (f"{prelude}\nimport json, IPython.display as _d\n_orig = _d.publish_display_data\n"
            "def _forge(data, *a, **k):\n"
            f"    r = {reply}\n"
            "    return _orig({key: (r if isinstance(r, str) else json.dumps(r)) for key in data}, *a, **k)\n"
            "_d.publish_display_data = _forge\n")


def _run(student_code: str, timeout: float = 20):
    from coursework.grading.execute.notebook import kernel_env, run_notebook_sync

    source = new_notebook(cells=[nbformat.from_dict(c) for c in SOURCE])
    sub = new_notebook(cells=[nbformat.from_dict(c) for c in SOURCE])
    sub.cells[1].source = sub.cells[1].source + "\n" + student_code
    judge = Judge(source, "someone")
    run_notebook_sync(sub, cwd=".", env=kernel_env(student="someone"), timeout=timeout, judge=judge)
    return sub.cells[2]


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ATTACKS))
def test_forged_replies_fail_the_check_and_run_nothing(kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell = _run(_attack(*ATTACKS[kind]))
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and "cannot be checked" in errors[0].evalue, cell.outputs
    assert not (tmp_path / "judge-pwned").exists()
    import os

    assert not os.path.exists("/tmp/judge-pwned")


@pytest.mark.slow
def test_a_kernel_that_never_answers_fails_the_check_on_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell = _run("def f(x):\n    import time\n    while True:\n        time.sleep(0.1)\n", timeout=3)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "CellTimeoutError" and "timed out after 3 s" in errors[0].evalue


@pytest.mark.slow
def test_an_honest_kernel_passes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell = _run("")
    assert [o for o in cell.outputs if o.output_type == "error"] == []


@pytest.mark.slow
def test_an_array_over_the_limit_is_refused_in_the_kernel(tmp_path, monkeypatch):
    """20 M elements (160 MB of reply) are refused by the agent, before the reply is written: the
    check says why, instead of a reply too large to reach the judge."""
    from coursework.grading.kernel.wire import MAX_ELEMENTS

    monkeypatch.chdir(tmp_path)
    cell = _run(f"def f(x):\n    return np.zeros({MAX_ELEMENTS + 1})\n")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and f"cannot be checked (an array of {MAX_ELEMENTS + 1} elements" in errors[0].evalue, cell.outputs
