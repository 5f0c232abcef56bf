"""The lecture demos, driven from Python: set a control, the figure (a PNG) changes.

No browser here (tests/demos/test_demos_browser.py opens them in one): the widgets are
ipywidgets objects whose ``value`` can be set, and a demo redraws on the change.
"""

from __future__ import annotations

import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursework import demos  # noqa: E402
from coursework.demos import TOPICS, demo_classes  # noqa: E402
from coursework.demos.activations import DeadReluDemo  # noqa: E402
from coursework.demos.backprop import GraphStepsDemo, graph_steps  # noqa: E402
from coursework.demos.features import SemanticGapDemo  # noqa: E402
from coursework.demos.overfitting import EarlyStoppingDemo, PolynomialDemo  # noqa: E402
from coursework.demos.regularization import RegularizationDemo  # noqa: E402
from coursework.demos.tensors import BroadcastingDemo  # noqa: E402
from helpers.demo_controls import other_value  # noqa: E402

ALL = [(topic, cls) for topic in TOPICS for cls in demo_classes(topic)]
PNG = b"\x89PNG\r\n\x1a\n"


def test_every_topic_has_a_demo():
    assert list(TOPICS) == ["01_features", "02_tensors", "03_activations", "04_backprop", "05_sgd",
                            "06_regularization", "07_overfitting"]
    assert all(len(demo_classes(t)) >= 1 for t in TOPICS)
    with pytest.raises(ValueError, match="expected a topic among 01_features"):
        demo_classes("08_nothing")


@pytest.mark.parametrize("topic, cls", ALL, ids=[c.__name__ for _, c in ALL])
def test_each_control_redraws_the_figure(topic, cls):
    demo = cls()
    assert demo.error.value == ""
    assert bytes(demo.image.value).startswith(PNG)
    assert "coursework-demo-figure" in demo.image._dom_classes
    for name, control in demo.controls.items():
        before, redraws = demo.image.value, demo.redraws
        control.value = other_value(control)
        assert demo.error.value == "", (name, demo.error.value)
        assert demo.redraws > redraws, name
        assert demo.image.value != before, f"{cls.__name__}: moving {name!r} left the figure unchanged"


@pytest.mark.parametrize("cls", [c for _, c in ALL if issubclass(c, demos.TrainingDemo)])
def test_training_demos_train_in_chunks_and_redraw(cls):
    demo = cls()
    assert demo.epoch == 0 and not demo.running
    first = demo.image.value
    done = demo.advance()
    assert 1 <= done <= demo.chunk_epochs and demo.epoch == done
    assert demo.image.value != first
    assert f"epoch {demo.epoch} / {demo.epochs}" in demo.info.value
    control = next(iter(demo.controls.values()))
    control.value = other_value(control)  # a new setting starts again from epoch 0
    assert demo.epoch == 0
    demo.run_to_end()
    assert demo.epoch == demo.epochs and not demo.running and demo.error.value == ""
    assert "done" in demo.info.value


def test_the_stop_button_stops_training_while_the_event_loop_runs():
    async def scenario():
        demo = DeadReluDemo()
        demo.chunk_epochs = 1
        demo.train_button.click()
        assert demo.running and demo._task is not None
        for _ in range(10_000):  # give the task turns until it has trained a little
            await asyncio.sleep(0.001)
            if demo.epoch >= 2:
                break
        assert demo.epoch >= 2
        demo.stop_button.click()
        stopped_at = demo.epoch
        for _ in range(50):
            await asyncio.sleep(0.001)
        return demo, stopped_at

    demo, stopped_at = asyncio.run(scenario())
    assert not demo.running and demo.epoch == stopped_at < demo.epochs
    assert "stopped" in demo.info.value


def test_a_control_change_restarts_training_on_the_event_loop():
    async def scenario():
        demo = RegularizationDemo()
        demo.controls["dropout"].value = 0.5
        assert demo.running and demo.epoch == 0
        for _ in range(10_000):
            await asyncio.sleep(0.001)
            if demo.epoch >= 1:
                break
        demo.stop()
        return demo

    demo = asyncio.run(scenario())
    assert demo.epoch >= 1 and not demo.running


def test_semantic_gap_distances_grow_with_the_knobs():
    demo = SemanticGapDemo()
    calm = demo.last_distances.mean()
    demo.controls["illumination"].value = 1.0
    demo.controls["clutter"].value = 1.0
    assert demo.last_distances.mean() > calm + 1.0
    assert demo.between > 0


def test_broadcasting_demo_says_when_shapes_do_not_broadcast():
    demo = BroadcastingDemo()
    assert demo.last_steps[-1][0] == (3, 4)
    demo.controls["b"].value = "(3,)"
    assert demo.last_steps is None and demo.error.value == ""


def test_graph_steps_reveal_values_then_gradients():
    order, steps = graph_steps("f = (x + y) z")
    assert steps == 2 + 5  # q and f forward; then the five nodes' gradients
    demo = GraphStepsDemo()
    assert demo.controls["step"].max == steps and demo.last_what == "the inputs"
    demo.controls["step"].value = 2
    assert demo.last_what.startswith("forward: * gives f = -12.0000")
    demo.controls["step"].value = steps
    assert demo.last_what.startswith("backward: grad of")
    from coursework.demos.backprop import shown_at

    shown, _, _ = shown_at(order, steps)
    assert [s.grad for s in shown] == pytest.approx([node.grad for node in order])
    shown, _, _ = shown_at(order, 0)
    assert all(np.isnan(s.grad) for s in shown)
    demo.controls["example"].value = "sigmoid neuron, primitives"
    _, long = graph_steps("sigmoid neuron, primitives")
    assert demo.controls["step"].max == long > steps
    demo.controls["step"].value = long
    redraws = demo.redraws
    demo.controls["example"].value = "f = (x + y) z"  # the step is clamped to the shorter graph's end
    assert demo.controls["step"].value == steps and demo.redraws == redraws + 1
    assert demo.last_what.startswith("backward: grad of") and demo.error.value == ""


def test_dead_relus_at_a_negative_initial_bias():
    demo = DeadReluDemo()
    assert demo.dead[0] < 0.2
    demo.controls["bias"].value = -3.0
    assert demo.dead[0] > 0.5


def test_polynomial_demo_overfits_at_a_high_degree():
    demo = PolynomialDemo()
    low = dict(demo.last_errors)
    demo.controls["degree"].value = 9
    high = demo.last_errors
    assert high["train"] < low["train"] and high["test"] > low["test"]
    demo.controls["n"].value = 5  # degree 9 needs 10 points without λ: capped, no error
    assert demo.error.value == ""


def test_l1_drives_weights_to_zero_and_early_stopping_keeps_an_epoch():
    demo = RegularizationDemo()
    demo.controls["kind"].value = "l1"
    demo.controls["lam"].value = 1e-2
    demo.run_to_end()
    sparse = demo.last_near_zero
    demo.controls["kind"].value = "none"
    demo.run_to_end()
    assert sparse > demo.last_near_zero + 0.2
    stop = EarlyStoppingDemo()
    stop.epochs = 25
    stop.controls["patience"].value = 5
    stop.run_to_end()
    assert 0 <= stop.kept < 25
    assert stop.history.val_accuracy[stop.kept] == max(stop.history.val_accuracy[:stop.kept + 1])
