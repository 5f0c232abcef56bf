"""Demos of 03 (activations): f and f' with where each saturates; a net on the spirals
trained live, with its dead ReLUs counted."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker

from .. import optim, train
from ..data import spirals
from ..experiments.activations import FUNCTIONS, hidden_unit_stats
from ..i18n.demos import say
from ..i18n.figures import tr
from ..nn import MLP
from ..plotting import plot_decision_regions
from ._base import Demo, TrainingDemo

__all__ = ["ActivationCurvesDemo", "DeadReluDemo", "saturated", "NAMES"]

#: the activations' names (keys of FUNCTIONS) as the lecture writes them, in every language
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU"}


def saturated(dy: np.ndarray, fraction: float = 0.05) -> np.ndarray:
    """Where a derivative is below ``fraction`` of its largest value (a boolean mask, shape of ``dy``)."""
    peak = float(np.max(np.abs(dy))) or 1.0
    return np.abs(dy) < fraction * peak


class ActivationCurvesDemo(Demo):
    """Each chosen activation f (solid) and f' (dashed); grey where f' < 5% of its peak."""

    title = "Activations and their derivatives: where does each saturate?"
    height = 4.2

    def make_controls(self):
        return {"names": widgets.SelectMultiple(options=[(NAMES[n], n) for n in FUNCTIONS],
                                                value=("sigmoid", "tanh", "relu"), description=say("act_functions"),
                                                rows=5),
                "far": widgets.FloatSlider(value=6.0, min=1.0, max=20.0, step=1.0, description=say("act_range"),
                                           continuous_update=False)}

    def draw(self, fig, names, far):
        names = list(names) or ["sigmoid"]
        x = np.linspace(-far, far, 241)
        axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
        self.last_saturated = {}
        for ax, name in zip(axes, names):
            f, df = FUNCTIONS[name]
            y, dy = f(x), df(x)
            mask = saturated(dy)
            self.last_saturated[name] = float(mask.mean())
            ax.fill_between(x, -1.5, 3.0, where=mask, color="0.85", step="mid", label=say("act_flat"))
            ax.plot(x, y, label="f")
            ax.plot(x, dy, "--", label="f'")
            ax.axhline(0, color="0.6", lw=0.5)
            ax.set_ylim(-1.5, 3.0)
            ax.set_title(say("act_title", name=NAMES[name], share=f"{mask.mean():.0%}"))
        axes[0].legend(loc="upper left")
        fig.subplots_adjust(left=0.05, right=0.99, bottom=0.1, top=0.88, wspace=0.08)


class DeadReluDemo(TrainingDemo):
    """A one-hidden-layer net trained on the spirals, live: decision regions, dead units, accuracy.

    A unit is dead when f'(z) = 0 on every training point
    (:func:`coursework.experiments.activations.hidden_unit_stats`): with a large learning
    rate or a negative initial bias, ReLUs die and the regions stop improving.
    """

    title = "Dead ReLUs: learning rate and initial bias, trained live on the spirals"
    height = 4.8
    epochs = 100

    def make_controls(self):
        names = ["relu", "leaky_relu", "elu", "tanh", "sigmoid"]
        return {"activation": widgets.Dropdown(options=[(NAMES[n], n) for n in names], value="relu",
                                               description=say("dead_activation")),
                "lr": widgets.FloatLogSlider(value=0.5, base=10, min=-2, max=1, step=0.1,
                                             description=say("learning_rate"), continuous_update=False),
                "bias": widgets.FloatSlider(value=0.0, min=-3.0, max=1.0, step=0.25, description=say("dead_bias"),
                                            continuous_update=False)}

    def reset(self, activation, lr, bias):
        self.data = spirals(60, 3, noise=0.2, rng=0)
        self.model = MLP([2, 50, 3], activation, rng=0)
        self.model.params["0.b"] = np.full(50, float(bias))
        self.optimizer = optim.SGD(lr=lr)
        self.order = np.random.default_rng(1)
        self.activation = activation
        self.dead, self.accuracy = [self._dead()], [train.accuracy(self.model, self.data.X, self.data.y)]

    def _dead(self) -> float:
        return hidden_unit_stats(self.model, self.data.X, self.activation)[1]

    def train_epoch(self):
        with np.errstate(over="ignore", invalid="ignore"):
            train.fit(self.model, self.data.X, self.data.y, optimizer=self.optimizer, epochs=1, batch_size=30,
                      rng=self.order, progress=False)
        self.dead.append(self._dead())
        self.accuracy.append(train.accuracy(self.model, self.data.X, self.data.y))

    def draw(self, fig, activation, lr, bias):
        ax0, ax1 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
        with np.errstate(over="ignore", invalid="ignore"):
            plot_decision_regions(self.model, self.data.X, self.data.y, ax=ax0, resolution=60)
        ax0.set_title(say("dead_regions_title", epoch=self.epoch, acc=f"{self.accuracy[-1]:.0%}"))
        ax1.plot(self.dead, label=say("dead_units"))
        ax1.plot(self.accuracy, label=tr("training accuracy"))
        ax1.set_xlim(0, self.epochs)
        ax1.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))
        ax1.set_ylim(-0.02, 1.02)
        ax1.set_xlabel(tr("epoch"))
        ax1.legend(loc="center right")
        ax1.set_title(say("dead_curves_title", activation=NAMES[activation], lr=f"{lr:.2g}", bias=f"{bias:g}",
                          dead=f"{self.dead[-1]:.0%}"))
        fig.subplots_adjust(left=0.02, right=0.97, bottom=0.13, top=0.9, wspace=0.12)
