"""Demo of 05 (SGD): full-batch gradient descent and minibatch SGD side by side, live."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker

from .. import optim, train
from ..experiments.sgd import digits_split
from ..i18n.demos import say
from ..nn import MLP
from ._base import TrainingDemo

__all__ = ["GdVsSgdDemo"]


class GdVsSgdDemo(TrainingDemo):
    """A linear softmax classifier of the digits trained twice from the same start: one
    update per epoch on the whole set (GD), and ⌈N / B⌉ updates per epoch on minibatches
    of B (SGD), with the same learning rate and momentum. Same number of samples seen,
    many more steps: SGD is far ahead after an epoch or two."""

    title = "Gradient descent vs stochastic gradient descent"
    height = 4.8
    epochs = 30

    def make_controls(self):
        return {"batch_size": widgets.Dropdown(options=[1, 8, 32, 128, 512], value=32,
                                               description=say("sgd_batch_size")),
                "lr": widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0.5, step=0.1,
                                             description=say("learning_rate"), continuous_update=False),
                "momentum": widgets.FloatSlider(value=0.0, min=0.0, max=0.95, step=0.05, description=say("momentum"),
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
            ax.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))   # whole epochs, none colliding
            ax.set_xlabel(say("sgd_epochs"))
            what = (say("sgd_gd_steps") if k == "GD" else
                    say("sgd_sgd_steps", n=n, batch=batch_size, k=self.per_epoch[k]))
            ax.set_title(say("sgd_title", name=k, steps=what, updates=losses.size))
            ax.set_ylim(bottom=0)
        axes[0].set_ylabel(say("sgd_loss"))
        fig.suptitle(say("sgd_suptitle", lr=f"{lr:.2g}", momentum=f"{momentum:g}", epoch=self.epoch))
        fig.subplots_adjust(left=0.07, right=0.99, bottom=0.14, top=0.74, wspace=0.1)
