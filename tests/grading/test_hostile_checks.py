"""Checks decide on the grader's data, and a table of the visible answers earns (almost)
nothing (issue 18, defects 4 and 5; the attacks are in ``hostile_checks_corpus``).

Fast, in this process: the plain-data helpers; a handle's truth is never asked of the
kernel; the builders the judge sends to the kernel run from their source, whatever the
kernel's modules hold; each defect shape of the corpus fails the check it attacks (as a
student's own check and plain nbgrader run it); the visible checks' inputs drawn per
student are the student's own, and every notebook's answers keep every visible point on
them.

Slow: one class graded by ``coursework autograde``: every attack scores no more than its
honest counterpart graded in the same run (a lookup table at most 1 point more: a shape
check), each check it attacks scores 0, and the honest classmates get full marks.
"""

from __future__ import annotations

import ast
import math
import re

import nbformat
import numpy as np
import pytest

from helpers import hostile_checks_corpus as hcc
from grader_tests import backprop, features, harness, overfitting, regularization, sgd
from grader_tests.hidden import backprop as hidden_backprop
from grader_tests.hidden import overfitting as hidden_overfitting
from grader_tests.plain import assert_number, assert_varies, finite_array, number
from helpers.nbgrader_course import REPO, solution_sources

# -- plain data ------------------------------------------------------------------------------------


class Liar:
    """Equal to everything, different from nothing, and 1.0 as a float."""

    __eq__ = lambda self, other: True      # noqa: E731
    __ne__ = lambda self, other: False     # noqa: E731
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __bool__ = lambda self: True           # noqa: E731
    __float__ = lambda self: 1.0           # noqa: E731
    __hash__ = object.__hash__


class FloatLiar(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, np.float32("nan"), np.array([np.nan]), True, None, "1.0",
                                   [1.0], (1.0,), Liar(), FloatLiar(2.0), np.array([1.0, 2.0]),
                                   np.array(["1"]), {"a": 1.0}],
                         ids=lambda v: type(v).__name__ + repr(v)[:12])
def test_number_refuses_what_is_not_one_finite_number(value):
    with pytest.raises(AssertionError, match=r"^f\(x\): expected a (finite )?number, got "):
        number(value, "f(x)")


@pytest.mark.parametrize("value, want", [(1, 1.0), (-2.5, -2.5), (np.float32(0.5), 0.5), (np.int64(3), 3.0),
                                         (np.array(4.0), 4.0), (np.array([[5]]), 5.0), (np.uint8(7), 7.0)])
def test_number_takes_plain_numbers_and_one_element_arrays(value, want):
    got = number(value, "f(x)")
    assert type(got) is float and got == want


def test_nan_fails_every_comparison_helper():
    with pytest.raises(AssertionError, match="expected a finite number, got nan"):
        assert_number(float("nan"), 0.5, "gap", atol=1e-9)
    with pytest.raises(AssertionError, match="expected 0.5, got 0.6"):
        assert_number(0.6, 0.5, "gap", atol=1e-9)
    assert assert_number(0.5 + 1e-12, 0.5, "gap", atol=1e-9) == 0.5 + 1e-12
    with pytest.raises(AssertionError, match=r"1 element\(s\) are NaN or infinite, the first at index 1"):
        finite_array([0.0, np.inf], "f(x)")
    # a property check compares the student's result with the student's own other result
    with pytest.raises(AssertionError, match=r"1 of 2 element\(s\) differ"):
        harness.assert_close(np.zeros(2), np.array([0.0, np.nan]), "f(big) vs f(x)", atol=1e-9)
    with pytest.raises(AssertionError, match="NaN or infinite"):
        harness.assert_close(np.array([0.0, np.nan]), np.zeros(2), "f(x)", atol=1e-9)


def test_a_flat_numerical_gradient_fails_the_gradient_check():
    with pytest.raises(AssertionError, match="does not change when x changes"):
        assert_varies(np.zeros((3, 4)), "x", "layer")
    with pytest.raises(AssertionError, match="does not change when w1 changes"):
        assert_varies(np.full(4, 1e-9), "w1", "net")
    with pytest.raises(AssertionError, match="NaN or infinite"):
        assert_varies(np.array([np.nan, 1.0]), "x", "layer")
    assert_varies(np.array([0.0, 0.0, -0.3]), "x", "layer")   # one element that moves is enough


# -- handles: the judge never asks the kernel for a truth --------------------------------------------

class NoKernel:
    """A link that fails the test if the judge asks the kernel anything."""

    def request(self, op):
        raise AssertionError(f"the judge asked the kernel: {op}")


def test_a_handles_truth_is_decided_in_the_judge():
    from coursework.grading.judge.judge import Remote

    link = NoKernel()
    a, b = Remote(link, 1, "Liar"), Remote(link, 2, "Liar")
    assert a == a and a != b and not (a == b) and not (a != a)
    assert a != 1.0 and not (a == 1.0) and [a, b].index(b) == 1 and b in [a, b]
    for ask in (lambda: bool(a), lambda: a < b, lambda: a >= 1.0, lambda: 1.0 > a, lambda: not a):
        with pytest.raises(TypeError, match="plain data"):
            ask()


# -- objects the judge builds in the kernel: code it sends --------------------------------------------

class LocalKernel:
    """A judge's link to this process: ``in_kernel``'s requests run the code the judge sends,
    in a fresh namespace, as the agent does (:meth:`coursework.grading.kernel.agent.Agent.op_run`)."""

    def __init__(self):
        self.ran: list[str] = []

    def request(self, op):
        assert op["op"] == "run", op
        namespace = {"__name__": "_coursework_sent"}
        exec(compile(op["code"], "<coursework judge code>", "exec"), namespace)  # noqa: S102
        self.ran.append(op["fn"])
        return namespace[op["fn"]](*op["args"], **op["kwargs"])


def test_sent_code_is_whole_and_undecorated():
    for fn in (backprop.build_graph, backprop.set_attribute, backprop._attributes, backprop.set_param):
        code = harness.kernel_code(fn)
        tree = ast.parse(code)
        assert not [n for n in ast.walk(tree) if getattr(n, "decorator_list", None)]
        imports = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imports |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert imports == {"__future__", "numpy"}, imports
        namespace: dict = {}
        exec(compile(code, "<sent>", "exec"), namespace)  # noqa: S102 - nothing else needed to run it
        assert callable(namespace[fn.__name__])
    with pytest.raises(TypeError, match="not marked"):
        harness.kernel_code(backprop.check_order)


def test_a_builder_rebound_in_the_kernels_modules_is_not_used(monkeypatch):
    """The attack of issue 18: in the kernel, replace ``grader_tests.backprop.build_graph`` by a
    builder whose every node is one parentless node. The judge sends its own code instead."""
    def one_node(spec, data=None):
        node = backprop.Node(0.0)
        return {name: node for name, _, _ in spec}

    class ReboundKernel(LocalKernel):
        def request(self, op):
            with monkeypatch.context() as kernel:       # what the student's cell did in the kernel
                kernel.setattr(backprop, "build_graph", one_node)
                kernel.setattr(backprop, "_attributes", lambda objects, name: [float("nan")] * len(objects))
                return super().request(op)

    spec = list(backprop.GRAPHS.values())[3]
    with harness.judging(ReboundKernel(), "mallory", None):
        nodes = backprop.graph(spec)
        grads = backprop.attributes(list(nodes.values()), "grad")
    assert len({id(n) for n in nodes.values()}) == len(spec)
    assert [p.label for p in nodes["root"].parents] == ["n1", "n2", "m3"] and grads == [0.0] * len(spec)


def test_the_agent_runs_the_code_the_judge_sends():
    from coursework.grading.kernel.agent import Agent
    from coursework.grading.kernel.wire import encode

    spec = list(backprop.GRAPHS.values())[1]
    built = Agent({}).op_run({"code": harness.kernel_code(backprop.build_graph), "fn": "build_graph",
                              "args": encode([spec, list(range(len(spec)))]), "kwargs": encode({})}, {})
    assert list(built) == [name for name, _, _ in spec] and len({id(n) for n in built.values()}) == len(spec)
    assert type(built["r"]).__module__ == "_coursework_sent" and built["r"].rule(2.0) == (2.0, -4.0)


def test_a_kernel_that_builds_a_wrong_graph_fails_the_check():
    class OneNode(LocalKernel):
        def request(self, op):
            nodes = super().request(op)
            if op["fn"] == "build_graph":
                first = next(iter(nodes.values()))
                nodes = {name: first for name in nodes}
            return nodes

    with harness.judging(OneNode(), "mallory", None):
        with pytest.raises(AssertionError, match="could not build its graph"):
            backprop.graph(list(backprop.GRAPHS.values())[0])


# -- each defect shape against the check it attacks, in one process ----------------------------------

def _setup(assignment: str) -> dict:
    """The notebook's setup imports, its answer cells and its helper definitions, run here."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    namespace: dict = {"np": np, "math": math}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in ("setup", "my_hog"):
            code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith("%"))
            exec(compile(code, f"<{assignment}:{gid}>", "exec"), namespace)  # noqa: S102
    return namespace


def _answers(assignment: str, replace: dict[str, str] | None = None) -> dict:
    namespace = _setup(assignment)
    answers = {**solution_sources(REPO / "solutions" / assignment / f"{assignment}.ipynb"), **(replace or {})}
    for gid, code in answers.items():
        exec(compile(code, f"<{assignment}:{gid}>", "exec"), namespace)  # noqa: S102
    return namespace                    # (01's my_hog finds the answers in the same namespace)


DEFECTS = [
    ("07_overfitting", {"train_val_gap": hcc.NAN_GAP}, overfitting.check_gap, ("train_val_gap",),
     r"train_val_gap\(History.*expected a finite number, got nan"),
    ("07_overfitting", {"train_val_gap": hcc.NAN_GAP}, hidden_overfitting.check_gap_random, ("train_val_gap",),
     r"random history #1 .*expected a finite number, got nan"),
    ("01_features", {"color_histogram": hcc.NAN_HISTOGRAM}, features.check_histogram_shape, ("color_histogram",),
     r"bins=2\): 8 element\(s\) are NaN or infinite"),
    ("01_features", {"color_histogram": hcc.NAN_HISTOGRAM}, features.check_histogram_properties,
     ("color_histogram",), r"the sum of the histogram: expected a finite number, got nan"),
    ("01_features", {"color_histogram": hcc.CONSTANT_HISTOGRAM}, features.check_histogram_properties,
     ("color_histogram",), r"an image of one colour.*expected every pixel in one bin"),
    ("05_sgd", {"relu_net_step": hcc.ZERO_NET}, sgd.check_relu_net_step_gradients, ("relu_net_step",),
     r"does not change when w1 changes"),
    ("06_regularization", {"batchnorm_forward": hcc.ZERO_BATCHNORM_FORWARD,
                           "batchnorm_backward": hcc.ZERO_BATCHNORM_BACKWARD},
     regularization.check_batchnorm_backward_numerical, ("batchnorm_forward", "batchnorm_backward"),
     r"does not change when x changes"),
    ("04_backprop", {"my_linear": hcc.ZERO_LINEAR}, backprop.check_linear_gradients, ("MyLinear",),
     r"does not change when x changes"),
    ("04_backprop", {"backward_pass": hcc.LYING_BACKWARD}, backprop.check_long_chain,
     ("topological_order", "backward_pass"), "expected every grad to be a number, got Liar"),
    ("04_backprop", {"backward_pass": hcc.LYING_BACKWARD}, backprop.check_backward, ("backward_pass",),
     "expected every grad to be a number, got Liar"),
    ("04_backprop", {"backward_pass": hcc.LYING_BACKWARD}, backprop.check_expressions, ("MyValue",),
     "the gradients of the inputs: expected every grad to be a number, got Liar"),
    ("04_backprop", {"myvalue": hcc.NAN_OPS}, backprop.check_ops, ("MyValue",), r"expected data 1, got nan"),
    ("04_backprop", {"myvalue": hcc.NAN_OPS}, hidden_backprop.check_ops_random, ("MyValue",),
     r"random pair #1: MyValue \+ MyValue: expected data .*, got nan"),
    ("04_backprop", {"myvalue": hcc.NAN_OPS}, backprop.check_expressions, ("MyValue",),
     r"the value f.data: expected a finite number, got nan"),
]


@pytest.mark.parametrize("assignment, replace, check, names, message", DEFECTS,
                         ids=[f"{c.__name__}-{next(iter(r))}" for _, r, c, *_ in DEFECTS])
def test_each_defect_shape_fails_the_check_it_attacks(assignment, replace, check, names, message, monkeypatch):
    monkeypatch.setenv("COURSEWORK_STUDENT_ID", "mallory")
    attacked = _answers(assignment, replace)
    with pytest.raises(AssertionError, match=re.compile(message, re.S)):
        check(*(attacked[n] for n in names))
    right = _answers(assignment)
    check(*(right[n] for n in names))    # and the right answer passes the same check


# -- the visible checks' inputs when the judge grades -----------------------------------------------

#: Stored values that a student's draw may repeat: constants of the checks (the mean and std of
#: 02's normalisation, 06's gamma and beta, 07's patiences and counts) and outputs that are the
#: same for every input (a dark image in 2 bins, an early-stopping epoch).
MAY_REPEAT = {"01_features": {"hist_image_dark_bins2"},
              "02_tensors": {"norm_batch_mean", "norm_batch_std", "norm_square_mean", "norm_square_std"},
              "06_regularization": {"bn_gamma", "bn_beta"},
              "07_overfitting": {"gap_cases", "stop_cases", *(f"gap_last_{k}" for k in range(4)),
                                 *(f"stop_patience_{k}" for k in range(9)), *(f"stop_expected_{k}" for k in range(9))}}
STUDENTS = ("alice", "bob", "학생-01", "=1+1")


@pytest.mark.parametrize("assignment", hcc.ASSIGNMENTS)
def test_each_student_gets_inputs_of_their_own(assignment):
    stored = harness.stored(assignment)
    drawn = {}
    for student in STUDENTS:
        with harness.judging(None, student, b"course secret"):
            drawn[student] = harness.stored(assignment)
            again = harness.stored(assignment)
        assert set(drawn[student]) == set(stored)
        assert all(np.array_equal(again[k], v) for k, v in drawn[student].items())   # the same draw each time
        repeated = {k for k, v in stored.items() if v.shape == drawn[student][k].shape
                    and np.array_equal(v, drawn[student][k])}
        assert repeated <= MAY_REPEAT.get(assignment, set()), (student, repeated)
    differ = [k for k in stored if not np.array_equal(drawn["alice"][k], drawn["bob"][k])]
    assert len(differ) > len(stored) // 2, differ          # and each student's are their own


def test_drawn_inputs_keep_the_edge_cases_of_the_stored_ones():
    with harness.judging(None, "alice", b"course secret"):
        a03, a04, a07 = (harness.stored(a) for a in ("03_activations", "04_backprop", "07_overfitting"))
        a01, a02 = harness.stored("01_features"), harness.stored("02_tensors")
    assert np.all(a03["x"][0, :3] == 0.0) and np.array_equal(np.abs(a03["x"][1, :4]), [30.0, 30.0, 12.0, 12.0])
    W, b = a03["maxout_W"], a03["maxout_b"]
    assert np.array_equal(W[1, :, 0], W[0, :, 0]) and b[1, 0] == b[0, 0]       # Maxout's tie
    assert np.all(a03["dout"] != 0)
    assert all(np.all(a04[f"graph{k}_local"] != 0) for k in range(4))
    assert set(np.unique(a04["chain_local"])) <= {-1.0, 1.0}
    assert 0.0 in a07["poly_x"]
    assert [len(set(a07[f"stop_val_{k}"].tolist())) for k in range(9)].count(1) >= 1   # a curve of ties
    assert a01["hist_image"][0, :3].tolist() == [[0, 0, 0], [255, 255, 255], [127, 128, 64]]
    n, h, w, c = a02["chw_batch"].shape
    assert len({n, h, w, c}) == 4 and a02["chw_grey"].shape[3] == 1 and a02["flat_single"].shape[0] == 1


def _visible_cells(assignment: str) -> dict[str, str]:
    from coursework.grading.exercises import is_check, is_hidden, meta

    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {meta(c)["grade_id"]: c.source for c in nb.cells if is_check(c) and not is_hidden(c)}


@pytest.mark.parametrize("assignment", hcc.ASSIGNMENTS)
def test_the_answers_keep_every_visible_point_on_every_students_inputs(assignment):
    """What the judge does, in one process: each visible test cell's code with the student's
    drawn inputs (and 04's graphs built from the code the judge sends)."""
    namespace = _answers(assignment)
    cells = _visible_cells(assignment)
    for student in STUDENTS:
        kernel = LocalKernel()
        with harness.judging(kernel, student, b"course secret"):
            for gid, code in cells.items():
                exec(compile(code, f"<check {gid}>", "exec"), dict(namespace))  # noqa: S102 - raises if it fails
        if assignment == "04_backprop":
            assert {"build_graph", "set_attribute", "_attributes", "set_param"} <= set(kernel.ran)


# -- one class, graded by coursework autograde ------------------------------------------------------

#: The class: attacks and the honest counterparts they are compared with (hostile_checks_corpus).
#: ``nothing-04`` holds 04's NaN nodes, rebound builders and zero layers at once (its counterpart,
#: a blank notebook, scores 0 and is not graded here, as in every e2e test's blank sample); 06's
#: zero batch norm is the shape of 05's zero gradients (both in the fast tests above).
CLASS = ("lookup-03", "nothing-04", "lying-grads-04", "no-backward-04", "right-04", "zero-gradients-05", "no-net-05",
         "lookup-07", "nan-gap-07", "no-gap-07", "nan-histogram-01", "no-histogram-01")
BLANK = 0.0


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from helpers.class_fixtures import cli, demo_cells, make_course
    from helpers.nbgrader_course import scores

    everyone = {**hcc.attacks(), **hcc.honest()}
    cases = {name: everyone[name] for name in CLASS}
    assignments = tuple(a for a in hcc.ASSIGNMENTS if any(c.assignment == a for c in cases.values()))
    course = make_course(tmp_path_factory.mktemp("hostile-checks"), assignments, package=True,
                         drop=set().union(*(demo_cells(a) for a in assignments)))
    cli("release", *assignments, "--no-bundle", "--course", str(course))
    hcc.build(course, cases)
    for assignment in assignments:
        run = cli("autograde", assignment, "--course", str(course), "--jobs", "2", "--timeout", "60", "--json",
                  "--no-progress", check=False, timeout=1800)
        assert run.returncode == 0, run.stdout + run.stderr
    got = {a: scores(course, a) for a in assignments}
    return {"cases": cases, "scores": {name: got[c.assignment][name] for name, c in cases.items()}}


def _total(graded, name: str) -> float:
    return graded["scores"][name]["total"] if name in graded["scores"] else BLANK


@pytest.mark.slow
def test_no_attack_scores_more_than_its_honest_counterpart(graded):
    worse = {}
    for name, case in graded["cases"].items():
        if case.counterpart is None:
            continue
        mine, theirs = _total(graded, name), _total(graded, case.counterpart)
        if not mine <= theirs + case.allowance:
            worse[name] = (mine, case.counterpart, theirs)
    assert worse == {}


@pytest.mark.slow
def test_every_attacked_check_scores_zero(graded):
    scored = {(name, gid): graded["scores"][name][gid] for name, case in graded["cases"].items()
              for gid in case.zero if graded["scores"][name][gid] != 0}
    assert scored == {}


@pytest.mark.slow
def test_lookup_tables_earn_at_most_one_point(graded):
    lookups = {name: graded["scores"][name]["total"] for name in graded["cases"] if name.startswith("lookup-")}
    assert lookups and all(total <= 1.0 for total in lookups.values()), lookups


@pytest.mark.slow
def test_honest_classmates_keep_their_exact_scores(graded):
    """The right notebook gets full marks; each counterpart exactly the total of the checks its
    blank function does not break (the same as on the code before issue 18)."""
    got = {name: graded["scores"][name]["total"] for name in graded["cases"]
           if name.startswith(("right-", "no-", "blank-"))}
    assert got == {"no-gap-07": 11.0, "no-backward-04": 14.0, "right-04": 22.0, "no-net-05": 12.0,
                   "no-histogram-01": 10.0}
