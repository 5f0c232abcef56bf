"""Demo of 06 (regularization): a penalty's kind and strength, dropout and batch norm,
on a net trained live on the spirals: its weights and its decision regions."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import optim, train
from ..data import spirals
from ..i18n.demos import say
from ..nn import Linear, ReLU, Sequential
from ..plotting import plot_decision_regions
from ..regularization import BatchNorm, Dropout
from ._base import TrainingDemo

__all__ = ["RegularizationDemo", "regularized_net"]

PENALTIES = ("none", "l2", "l1", "elastic_net")


def regularized_net(hidden: int, dropout: float, batchnorm: bool, rng: int = 0) -> Sequential:
    """``Linear(2, hidden) [BatchNorm] ReLU [Dropout(p)] Linear(hidden, 3)``: (N, 2) -> (N, 3) scores."""
    gen = np.random.default_rng(rng)
    layers = [Linear(2, hidden, gen)]
    if batchnorm:
        layers.append(BatchNorm(hidden))
    layers.append(ReLU())
    if dropout > 0:
        layers.append(Dropout(dropout, int(gen.integers(2**32))))
    layers.append(Linear(hidden, 3, gen))
    return Sequential(*layers)


class RegularizationDemo(TrainingDemo):
    """The weights of both layers (histogram) and the decision regions, as the net trains.

    L2 shrinks every weight a little (a narrow bell); L1 pushes many to exactly zero
    (a spike at 0, the count written above); elastic net does both. Dropout p is the
    probability to drop a hidden unit; batch norm normalises the hidden layer's inputs.
    """

    title = "Regularization: penalties, dropout, batch norm"
    height = 5.0
    epochs = 150

    def make_controls(self):
        return {"kind": widgets.Dropdown(options=[(_penalty_name(k), k) for k in PENALTIES], value="l2",
                                         description=say("reg_penalty")),
                "lam": widgets.FloatLogSlider(value=1e-3, base=10, min=-5, max=-0.5, step=0.25, description="λ",
                                              continuous_update=False),
                "dropout": widgets.FloatSlider(value=0.0, min=0.0, max=0.8, step=0.1, description=say("reg_dropout"),
                                               continuous_update=False),
                "batchnorm": widgets.Checkbox(value=False, description=say("reg_batchnorm"))}

    def reset(self, kind, lam, dropout, batchnorm):
        self.data = spirals(60, 3, noise=0.2, rng=0)
        self.model = regularized_net(64, dropout, batchnorm, rng=0)
        self.optimizer = optim.Momentum(0.1, 0.9)
        self.order = np.random.default_rng(1)
        self.regularization = None if kind == "none" else (kind, lam) if kind != "elastic_net" else (kind, lam, 1.0)
        self.accuracy = [train.accuracy(self.model, self.data.X, self.data.y)]

    def weights(self) -> np.ndarray:
        """Every weight of the two Linear layers, flat (biases left out)."""
        return np.concatenate([np.ravel(v) for k, v in self.model.params.items() if k.endswith(".W")])

    def train_epoch(self):
        with np.errstate(over="ignore", invalid="ignore"):
            train.fit(self.model, self.data.X, self.data.y, optimizer=self.optimizer, epochs=1, batch_size=30,
                      rng=self.order, regularization=self.regularization, drop_last=True, progress=False)
        self.accuracy.append(train.accuracy(self.model, self.data.X, self.data.y))

    def draw(self, fig, kind, lam, dropout, batchnorm):
        ax0, ax1 = fig.subplots(1, 2)
        w = self.weights()
        near_zero = float(np.mean(np.abs(w) < 1e-2))
        self.last_near_zero = near_zero
        ax0.hist(w, bins=np.linspace(-3, 3, 61), color="tab:purple")
        ax0.set_xlabel(say("reg_weight"))
        ax0.set_title(say("reg_hist_title", count=w.size, share=f"{near_zero:.0%}",
                          squares=f"{float(np.sum(w * w)):.1f}"))
        with np.errstate(over="ignore", invalid="ignore"):
            plot_decision_regions(self.model, self.data.X, self.data.y, ax=ax1, resolution=60)
        setting = say("reg_unused", lam=f"{lam:.2g}") if kind == "none" else f"{_penalty_name(kind)} λ={lam:.2g}"
        ax1.set_title(say("reg_regions_title", setting=setting, p=f"{dropout:g}",
                          batchnorm=", " + say("reg_batchnorm") if batchnorm else "",
                          acc=f"{self.accuracy[-1]:.0%}"))
        fig.subplots_adjust(left=0.05, right=0.98, bottom=0.12, top=0.9, wspace=0.15)


def _penalty_name(kind: str) -> str:
    """A penalty of :data:`PENALTIES` as the lecture writes it."""
    return {"none": say("reg_none"), "l2": "L2", "l1": "L1", "elastic_net": "elastic net"}[kind]
