"""Demos of 07 (overfitting): a polynomial's degree, the number of points and λ against
the train / validation errors; an MLP on few noisy digits, trained live, early stopping marked."""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker

from .. import optim, train
from ..experiments.overfitting import little_digits, make_mlp, polynomial_errors
from ..experiments.training_curves import early_stopping_epoch
from ..i18n.demos import say
from ..i18n.figures import tr
from ..plotting import plot_accuracy_curves, plot_errors, plot_polynomial_fits
from ..train import History
from ._base import Demo, TrainingDemo

__all__ = ["PolynomialDemo", "EarlyStoppingDemo", "LAMS"]

#: the λ choices of :class:`PolynomialDemo` (0 and powers of ten share one slider)
LAMS = (0.0, 1e-8, 1e-6, 1e-4, 1e-2, 1.0)
DEGREES = tuple(range(0, 16))


@functools.lru_cache(maxsize=64)
def _errors(degrees: tuple[int, ...], lam: float, n: int) -> dict:
    """:func:`polynomial_errors` of every degree, once per (degrees, λ, points): moving the degree only redraws."""
    return polynomial_errors(degrees, (lam,), n_train=n, n_test=200, rng=0)


class PolynomialDemo(Demo):
    """Fit a polynomial of the chosen degree to N noisy points of a line (L2 strength λ):
    the fit, and the errors on the training points and on new points for every degree."""

    title = "Overfitting: polynomial degree, number of points, λ"
    height = 5.0

    def make_controls(self):
        return {"degree": widgets.IntSlider(value=1, min=0, max=DEGREES[-1], description=tr("degree"),
                                            continuous_update=False),
                "n": widgets.IntSlider(value=10, min=4, max=40, description=say("poly_points"),
                                       continuous_update=False),
                "lam": widgets.SelectionSlider(options=LAMS, value=0.0, description="λ", continuous_update=False)}

    def draw(self, fig, degree, n, lam):
        # Without a penalty a degree needs degree + 1 points; with one, any degree fits.
        degrees = DEGREES if lam > 0 else DEGREES[:n]
        capped = degree > degrees[-1]
        degree = min(degree, degrees[-1])
        result = _errors(degrees, float(lam), int(n))
        fits = [result["fits"][(d, float(lam))] for d in degrees]
        self.last_errors = {"train": fits[degree]["train_mse"], "test": fits[degree]["test_mse"]}
        ax0, ax1 = fig.subplots(1, 2)
        plot_polynomial_fits(result["x_train"], result["y_train"], {say("poly_degree", degree=degree):
                             fits[degree]["coef"]}, result["x_test"], result["y_test"], ax=ax0)
        ax0.legend(loc="upper left")
        ax0.set_title(say("poly_fit_title", degree=degree, capped=say("poly_capped") if capped else "", n=n,
                          lam=f"{lam:g}"))
        plot_errors(degrees, [f["train_mse"] for f in fits], [f["test_mse"] for f in fits], ax=ax1,
                    xlabel="degree", ylim=(1e-4, 1e2))
        ax1.set_xticks(range(0, len(degrees), 3), [f"{d:g}" for d in degrees[::3]])  # room for larger labels
        ax1.axvline(degrees.index(degree), color="0.5", linestyle=":")
        # Decades only, as plain text: a log axis's minor ticks and math-text labels are most of the drawing time.
        ax1.yaxis.set_major_locator(ticker.LogLocator(numticks=4))
        ax1.yaxis.set_minor_locator(ticker.NullLocator())
        ax1.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax1.set_title(say("poly_errors_title", train=f"{fits[degree]['train_mse']:.3g}",
                          new=f"{fits[degree]['test_mse']:.3g}"))
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.13, top=0.9, wspace=0.2)


class EarlyStoppingDemo(TrainingDemo):
    """An MLP on 100 digits with noisy labels: training accuracy climbs to 100 % (it learns
    the wrong labels too) while validation accuracy peaks, then sags. The star is the
    epoch early stopping keeps.

    The kept epoch is :func:`coursework.experiments.training_curves.early_stopping_epoch`'s.
    """

    title = "Overfitting in time: early stopping"
    height = 5.0
    epochs = 80

    def make_controls(self):
        return {"label_noise": widgets.FloatSlider(value=0.2, min=0.0, max=0.6, step=0.1, description=say("es_noise"),
                                                   continuous_update=False),
                "hidden": widgets.Dropdown(options=[16, 64, 256], value=256, description=say("es_hidden")),
                "patience": widgets.IntSlider(value=10, min=2, max=40, description=say("es_patience"),
                                              continuous_update=False)}

    def reset(self, label_noise, hidden, patience):
        self.train_set, self.val_set = little_digits(10, 500, label_noise, rng=0)
        self.model = make_mlp([64, hidden, 10], rng=0)
        self.optimizer = optim.Momentum(0.05, 0.9)
        self.order = np.random.default_rng(1)
        self.history = History()

    def train_epoch(self):
        h = train.fit(self.model, self.train_set.X, self.train_set.y, optimizer=self.optimizer, epochs=1,
                      batch_size=20, rng=self.order, X_val=self.val_set.X, y_val=self.val_set.y, progress=False)
        self.history.train_accuracy.extend(h.train_accuracy)
        self.history.val_accuracy.extend(h.val_accuracy)

    def draw(self, fig, label_noise, hidden, patience):
        ax = fig.add_subplot(1, 1, 1)
        h = self.history
        kept = early_stopping_epoch(h.val_accuracy, patience) if h.val_accuracy else None
        self.kept = kept
        curve = say("es_curve", hidden=hidden)
        plot_accuracy_curves({curve: h}, ax=ax, mark={curve: kept} if kept is not None else None)
        ax.legend(loc="lower right")
        ax.set_xlim(0, self.epochs + 1)
        ax.xaxis.set_major_locator(ticker.MaxNLocator(8, integer=True))
        stopped = "" if kept is None or len(h.val_accuracy) - 1 - kept < patience else \
            say("es_stopped", epoch=kept + 1 + patience)
        ax.set_title(say("es_title", noise=f"{label_noise:.0%}", patience=patience, stopped=stopped))
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.13, top=0.9)
