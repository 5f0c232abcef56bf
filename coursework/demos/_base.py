"""What every lecture demo is: a row of ipywidgets controls above a matplotlib figure.

The figure is a :class:`matplotlib.figure.Figure` of the demo's own (no pyplot, so
nothing is drawn twice by the notebook's inline backend), rendered to PNG into an
``ipywidgets.Image`` at every change of a control. An ``Image`` widget rather than an
``Output`` widget or ipympl: the page swaps one picture in place (no flicker, no cleared
output area), it works the same in JupyterLab and Voilà with no extra front-end
extension, and a test can read the new picture from Python (``demo.image.value``).

**Sized for a lecture hall** (the README's rule): projected at 1280x720, a demo's figure
spans the page's width and no text in it is smaller than :data:`MIN_TEXT_PX` CSS pixels.
So every figure is :data:`FIGURE_WIDTH_PX` pixels wide (about the width of a Voilà page
at 1280 px), shown at the page's width (``width: 100%``), and drawn under
:data:`PROJECTION_STYLE`, whose smallest text is :data:`TEXT_PX` of the PNG's pixels; a
demo gives only the height of its figure (``height`` in inches at :data:`DPI`).
:meth:`Demo.smallest_text_px` measures the drawn figure; ``tests/demos/test_demos_korean.py``
and the browser test hold every demo to the rule.

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
import matplotlib
from PIL import Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..i18n.demos import say
from ..i18n.fonts import use_hangul_font

__all__ = ["Demo", "TrainingDemo", "MIN_TEXT_PX", "PAGE_WIDTH_AT_1280", "FIGURE_WIDTH_PX", "DPI", "TEXT_PX",
           "PROJECTION_STYLE", "CONTROLS_CSS", "figure_texts"]

#: No text of a demo's figure is smaller than this, in CSS pixels, on a 1280x720 screen.
MIN_TEXT_PX = 16
#: The width of a Voilà page (``coursework present``) in a 1280-px Chromium window, CSS px
#: (measured; tests/demos/test_demos_browser.py checks it): the width a figure is shown at.
PAGE_WIDTH_AT_1280 = 1250
#: Pixels per inch of every demo figure, and its width in pixels (12 inches).
DPI = 100
FIGURE_WIDTH_PX = 1200
#: The text of a figure's PNG, in its pixels (titles are larger). At 1280 px the browser shows
#: the PNG at PAGE_WIDTH_AT_1280 / FIGURE_WIDTH_PX = 1.04 times its size: 17 px become 17.7.
TEXT_PX = 17
#: matplotlib settings every demo draws under: the body text TEXT_PX high, titles larger.
PROJECTION_STYLE = {
    "font.size": TEXT_PX * 72 / DPI,
    "axes.titlesize": "large", "figure.titlesize": "large", "axes.labelsize": "medium",
    "xtick.labelsize": "medium", "ytick.labelsize": "medium", "legend.fontsize": "medium",
    "lines.linewidth": 2.0, "axes.linewidth": 1.0, "lines.markersize": 8,
}


#: The controls and the line under them sized like the figure's text (scoped to the demos'
#: boxes), and on the page ``coursework present`` serves (Voilà's ``body[data-voila]``) the
#: text between the demos too; a JupyterLab page keeps its own sizes around the demos.
CONTROLS_CSS = f"""<style>
.coursework-demo {{ --jp-widgets-font-size: {TEXT_PX + 1}px; --jp-widgets-inline-height: {2 * TEXT_PX}px; }}
.coursework-demo .widget-label, .coursework-demo .widget-readout, .coursework-demo select,
.coursework-demo button, .coursework-demo .widget-checkbox, .coursework-demo-info {{ font-size: {TEXT_PX + 1}px; }}
.coursework-demo select[multiple] {{ height: auto; }}
.coursework-demo .widget-readout {{ min-width: 5.5em; }}
body[data-voila] .jp-RenderedMarkdown p {{ font-size: {TEXT_PX + 3}px; line-height: 1.5; }}
body[data-voila] .jp-RenderedMarkdown p code {{ font-size: {TEXT_PX + 1}px; }}
</style>"""


def figure_texts(fig: Figure) -> list[Text]:
    """The texts a drawn figure shows: visible, not empty, inside the picture's area."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    shown = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if box.x1 < 0 or box.y1 < 0 or box.x0 > width or box.y0 > height:
            continue   # e.g. tick labels matplotlib keeps outside the axes' range
        shown.append(text)
    return shown


class Demo:
    """Controls + a figure that redraws when a control changes.

    Subclasses define :meth:`make_controls` (name -> widget) and :meth:`draw`
    (``draw(fig, **values)`` with one keyword per control). ``demo.widget`` is the box
    to display; a cell whose last line is the demo displays it too.
    """

    title = ""  # the heading of the demo in its lecture notebook
    height = 4.5  # inches: the figure is FIGURE_WIDTH_PX / DPI inches wide
    dpi = DPI

    def __init__(self) -> None:
        use_hangul_font()   # before any text exists: a text takes its font when it is made
        self.controls: dict[str, widgets.Widget] = self.make_controls()
        self.figure = Figure(figsize=(FIGURE_WIDTH_PX / DPI, self.height), dpi=self.dpi)
        FigureCanvasAgg(self.figure)   # its own canvas: the PNG, and the text sizes measured on it
        # The page's width (the PNG is about as wide as a page at 1280 px): never a strip.
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="100%"))
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
        self.widget = widgets.VBox([widgets.HTML(CONTROLS_CSS), controls, self.info, self.image, self.error])
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
            with matplotlib.rc_context(PROJECTION_STYLE):  # texts (ticks too, made at drawing) take their size
                self.draw(self.figure, **self.values())
                self.figure.canvas.draw()
            canvas = self.figure.canvas
            picture = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
            buffer = io.BytesIO()
            # RGB (the figure is opaque) and zlib level 1: a few more bytes on a local socket, half
            # the encoding time of a photo; 10% less than savefig's RGBA for a 1200-px figure
            picture.save(buffer, format="png", compress_level=1)
        except Exception as exc:  # shown to the lecturer, asserted empty by the tests
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error.value = (f"<pre style='color:#b00020'>{html.escape(type(self).__name__)}: "
                                f"{html.escape(last)}</pre>")
            return
        self.error.value = ""
        self.image.value = buffer.getvalue()
        self.redraws += 1

    def smallest_text_px(self) -> float:
        """The font size of the smallest text of the last drawn figure, in the PNG's pixels
        (points x dpi / 72); inf for a figure without text."""
        sizes = [text.get_fontsize() * self.dpi / 72 for text in figure_texts(self.figure)]
        return min(sizes, default=float("inf"))

    def png_width(self) -> int:
        """The width of the figure's PNG, in pixels."""
        return round(self.figure.get_figwidth() * self.dpi)

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
        self.train_button = widgets.Button(description=say("train"), icon="play", button_style="success")
        self.stop_button = widgets.Button(description=say("stop"), icon="stop", button_style="warning")
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
        self.info.value = say("progress", epoch=self.epoch, epochs=self.epochs, state=say(f"state_{state}"))

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
