"""What every lecture demo is: a row of ipywidgets controls above a matplotlib figure.

The figure is a :class:`matplotlib.figure.Figure` of the demo's own (no pyplot, so
nothing is drawn twice by the notebook's inline backend), rendered to PNG into an
``ipywidgets.Image`` at every change of a control. An ``Image`` widget rather than an
``Output`` widget or ipympl: the page swaps one picture in place (no flicker, no cleared
output area), it works the same in JupyterLab and Voilà with no extra front-end
extension, and a test can read the new picture from Python (``demo.image.value``).

An error while drawing is shown in red under the figure (``demo.error``) rather than
lost in the kernel's log; the tests and the browser test assert that it stays empty.

Training demos (:class:`TrainingDemo`) train in short chunks: each chunk runs epochs
until about ``chunk_seconds`` have passed, then redraws, then gives the kernel back
(an ``asyncio`` task on the kernel's event loop), so the Stop button and the other
controls answer while the network trains.
"""

from __future__ import annotations

import asyncio
import html
import io
import time
import traceback
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

__all__ = ["Demo", "TrainingDemo"]


class Demo:
    """Controls + a figure that redraws when a control changes.

    Subclasses define :meth:`make_controls` (name -> widget) and :meth:`draw`
    (``draw(fig, **values)`` with one keyword per control). ``demo.widget`` is the box
    to display; a cell whose last line is the demo displays it too.
    """

    title = ""  # the heading of the demo in its lecture notebook
    figsize = (8.0, 3.4)
    dpi = 80

    def __init__(self) -> None:
        self.controls: dict[str, widgets.Widget] = self.make_controls()
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class("coursework-demo-figure")
        self.info = widgets.HTML("")
        self.info.add_class("coursework-demo-info")
        self.error = widgets.HTML("")
        self.error.add_class("coursework-demo-error")
        self.redraws = 0
        for control in self.controls.values():
            control.observe(self._changed, names="value")
            if hasattr(control, "style") and hasattr(control.style, "description_width"):
                control.style.description_width = "initial"  # whole labels, not "learning r..."
        controls = widgets.HBox(list(self.controls.values()) + self.extra_buttons(),
                                layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox([controls, self.info, self.image, self.error])
        self.widget.add_class("coursework-demo")
        self.redraw()

    # -- to define -------------------------------------------------------------------
    def make_controls(self) -> dict[str, widgets.Widget]:
        raise NotImplementedError

    def draw(self, fig: Figure, **values: Any) -> None:
        raise NotImplementedError

    def extra_buttons(self) -> list[widgets.Widget]:
        return []

    # -- the machinery -----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, change) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Draw the figure anew from the controls and put its PNG into ``self.image``."""
        self.figure.clear()
        try:
            self.draw(self.figure, **self.values())
            buffer = io.BytesIO()
            # zlib level 1: a few more bytes on a local socket, half the encoding time of a photo
            self.figure.savefig(buffer, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        except Exception as exc:  # shown to the lecturer, asserted empty by the tests
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error.value = (f"<pre style='color:#b00020'>{html.escape(type(self).__name__)}: "
                                f"{html.escape(last)}</pre>")
            return
        self.error.value = ""
        width = f"{round(self.figure.get_figwidth() * self.dpi)}px"  # 1:1, not stretched to the page
        if self.image.layout.width != width:
            self.image.layout.width = width
        self.image.value = buffer.getvalue()
        self.redraws += 1

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class TrainingDemo(Demo):
    """A demo that trains: a Train button, a Stop button, progressive redraws.

    Subclasses define :meth:`reset` (build data, model and optimizer from the controls'
    values), :meth:`train_epoch` (one epoch) and :meth:`draw`. Changing a control
    restarts training with the new values (the figure shows epoch 0 at once); Train
    restarts it with the same values; Stop ends it after the current chunk.

    Outside a running event loop (a plain Python script, the unit tests) nothing runs by
    itself: call :meth:`advance` for one chunk, or :meth:`run_to_end`.
    """

    epochs = 100
    chunk_seconds = 0.3
    chunk_epochs = 5  # at most this many epochs between two redraws

    def __init__(self) -> None:
        self.epoch = 0
        self.running = False
        self._task: asyncio.Task | None = None
        self.train_button = widgets.Button(description="Train", icon="play", button_style="success")
        self.stop_button = widgets.Button(description="Stop", icon="stop", button_style="warning")
        self.train_button.add_class("coursework-demo-train")
        self.stop_button.add_class("coursework-demo-stop")
        self.train_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self._values = None
        super().__init__()

    def extra_buttons(self) -> list[widgets.Widget]:
        return [self.train_button, self.stop_button]

    def reset(self, **values: Any) -> None:
        raise NotImplementedError

    def train_epoch(self) -> None:
        raise NotImplementedError

    def redraw(self) -> None:
        values = self.values()
        if values != self._values:  # a new setting: a new run, shown at epoch 0
            self.stop()
            self._values = values
            self.epoch = 0
            try:
                self.reset(**values)
            except Exception as exc:  # shown like a drawing error
                self.error.value = f"<pre style='color:#b00020'>{html.escape(repr(exc))}</pre>"
                return
        super().redraw()
        self._say()

    def _changed(self, change) -> None:
        self.redraw()
        self.start(restart=False)

    def _say(self) -> None:
        state = "training" if self.running else ("done" if self.epoch >= self.epochs else "stopped")
        self.info.value = f"epoch {self.epoch} / {self.epochs} ({state})"

    def start(self, restart: bool = True) -> None:
        """Train from epoch 0 (``restart``) or go on, in chunks, on the kernel's event loop."""
        self.stop()
        if restart:
            self._values = None
            self.redraw()
        self.running = True
        self._say()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: advance() is called by hand
            return
        self._task = loop.create_task(self._run())

    def stop(self) -> None:
        """Stop training after the current chunk (the figure keeps the last state)."""
        self.running = False
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        if hasattr(self, "info"):
            self._say()

    async def _run(self) -> None:
        while self.running and self.epoch < self.epochs:
            self.advance()
            await asyncio.sleep(0.02)  # hand the kernel back: widget messages (Stop) run here
        self.running = False
        self._say()

    def advance(self) -> int:
        """Train one chunk (one epoch, then more up to ``chunk_epochs`` or ``chunk_seconds``), redraw; epochs done."""
        start, done = time.perf_counter(), 0
        while self.epoch < self.epochs:
            self.train_epoch()
            self.epoch += 1
            done += 1
            if done >= self.chunk_epochs or time.perf_counter() - start >= self.chunk_seconds:
                break
        if self.epoch >= self.epochs:
            self.running = False
        Demo.redraw(self)
        self._say()
        return done

    def run_to_end(self) -> None:
        """Train every remaining epoch now (scripts and tests)."""
        while self.epoch < self.epochs:
            self.advance()
