"""Demo of 05 (SGD): full-batch gradient descent and minibatch SGD side by side, live."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import optim, train
from ..experiments.sgd import digits_split
from ..nn import MLP
from ._base import TrainingDemo

__all__ = ["GdVsSgdDemo"]


class GdVsSgdDemo(TrainingDemo):
    """A linear softmax classifier of the digits trained twice from the same start: one
    update per epoch on the whole set (GD), and ⌈N / B⌉ updates per epoch on minibatches
    of B (SGD), with the same learning rate and momentum. Same number of samples seen,
    many more steps: SGD is far ahead after an epoch or two."""

    title = "Gradient descent vs stochastic gradient descent"
    figsize = (9.0, 3.2)
    epochs = 30

    def make_controls(self):
        return {"batch_size": widgets.Dropdown(options=[1, 8, 32, 128, 512], value=32, description="batch size"),
                "lr": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.1,
                                             description="learning rate", continuous_update=False),
                "momentum": widgets.FloatSlider(value=0.0, min=0.0, max=0.95, step=0.05, description="momentum",
                                                continuous_update=False)}

    def reset(self, batch_size, lr, momentum):
        self.data, _ = digits_split(rng=0)
        n = self.data.X.shape[0]
        self.per_epoch = {"GD": 1, "SGD": train.iterations_per_epoch(n, batch_size)}
        self.batch = {"GD": n, "SGD": batch_size}
        self.models = {k: MLP([64, 10], rng=0, init=0.01) for k in self.batch}
        self.optimizers = {k: optim.Momentum(lr, momentum) if momentum > 0 else optim.SGD(lr) for k in self.batch}
        self.orders = {k: np.random.default_rng(1) for k in self.batch}
        self.losses = {k: [] for k in self.batch}

    def train_epoch(self):
        for k, model in self.models.items():
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history = train.fit(model, self.data.X, self.data.y, optimizer=self.optimizers[k], epochs=1,
                                    batch_size=self.batch[k], rng=self.orders[k], progress=False)
            self.losses[k].extend(history.loss)

    def draw(self, fig, batch_size, lr, momentum):
        axes = fig.subplots(1, 2, sharey=True)
        n = self.data.X.shape[0]
        for ax, k in zip(axes, ("GD", "SGD")):
            losses = np.asarray(self.losses[k], dtype=np.float64)
            x = np.arange(1, losses.size + 1) / self.per_epoch[k]
            ax.plot(x, losses, lw=0.8 if k == "SGD" else 1.5, color="tab:blue" if k == "GD" else "tab:orange")
            ax.set_xlim(0, self.epochs)
            ax.set_xlabel("epochs (passes over the N samples)")
            what = ("1 iteration per epoch" if k == "GD" else
                    f"⌈{n} / {batch_size}⌉ = {self.per_epoch[k]} iterations per epoch")
            ax.set_title(f"{k}: {what}\n{losses.size} updates so far", fontsize=10)
            ax.set_ylim(bottom=0)
        axes[0].set_ylabel("training loss (per update)")
        fig.suptitle(f"learning rate {lr:.2g}, momentum {momentum:g}, epoch {self.epoch}", fontsize=10)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.76, wspace=0.08)
