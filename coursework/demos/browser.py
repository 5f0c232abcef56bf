"""The lecture demos in a real browser: for the browser test and the latency benchmark.

Starts JupyterLab or Voilà from this Python's environment on a free local port, drives
Debian's ``chromium`` with Playwright (Playwright's own browser download is not used),
and moves the demos' controls as a lecturer would.

A page's demos are its ``.coursework-demo`` boxes; the figure of each is its
``img.coursework-demo-figure``; a drawing error shows in its ``.coursework-demo-error``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

__all__ = ["CHROMIUM_ARGS", "browser_missing", "lecture_folder", "server", "chromium", "open_voila", "open_lab",
           "move_control", "figure_state", "page_errors", "wait_for_new_figure", "demo_layout", "artefact_dir"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHROMIUM = os.environ.get("COURSEWORK_CHROMIUM", "/usr/bin/chromium")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (one line), or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium; or set COURSEWORK_CHROMIUM)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_settings() -> dict[str, str]:
    """Environment of a JupyterLab with its own settings: every cell rendered (no windowing,
    so a demo below the fold has a size), no news prompt, an empty workspace."""
    import json
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="coursework-lab-"))
    settings = {"notebook-extension/tracker": {"windowingMode": "none"},
                "apputils-extension/notification": {"fetchNews": "false"}}
    for name, values in settings.items():
        folder, file = name.split("/")
        path = home / "settings" / "@jupyterlab" / folder / f"{file}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    (home / "workspaces").mkdir()
    return {"JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}


def lecture_folder(folder: str | Path, lang: str = "en") -> Path:
    """A copy of every lecture notebook in ``lang`` (markdown localized) in ``folder``: what a
    server opens (JupyterLab saves what it runs, so never the committed files)."""
    from . import TOPICS
    from .lectures import find_lecture, localized_lecture

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for topic in TOPICS:
        localized_lecture(find_lecture(topic), lang, folder)
    return folder


@contextlib.contextmanager
def server(kind: str, root: str | Path, log: str | Path | None = None, timeout: float = 120.0,
           lang: str | None = None) -> Iterator[str]:
    """Run ``kind`` ("lab" or "voila") on ``root`` (a folder of notebooks); yields its base URL.
    ``lang``: the kernels' language (``COURSEWORK_LANG``; default: inherited)."""
    port = _free_port()
    common = [f"--port={port}", "--no-browser"]
    if kind == "lab":
        cmd = [sys.executable, "-m", "jupyter", "lab", *common, "--ServerApp.ip=127.0.0.1",
               "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
               "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "getuid") and os.getuid() == 0:
            cmd.append("--allow-root")
    elif kind == "voila":
        cmd = [sys.executable, "-m", "voila", str(root), *common, "--Voila.ip=127.0.0.1"]
    else:
        raise ValueError(f"server: expected kind 'lab' or 'voila', got {kind!r}")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    if lang:
        env["COURSEWORK_LANG"] = lang
    if kind == "lab":  # fresh settings and workspace, not the user's
        env.update(_lab_settings())
    scratch = env.get("JUPYTERLAB_WORKSPACES_DIR")
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind} exited with {proc.returncode} before serving (see {log})")
            try:
                urllib.request.urlopen(url + ("/api" if kind == "lab" else "/"), timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} did not answer on {url} within {timeout:.0f} s (see {log})")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
        if kind == "lab" and scratch:
            shutil.rmtree(Path(scratch).parent, ignore_errors=True)


@contextlib.contextmanager
def chromium(width: int = 1300, height: int = 1000):
    """A headless Chromium page (Playwright, Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def _wait_for_demos(page, count: int, timeout_ms: int) -> None:
    page.wait_for_function(
        "n => [...document.querySelectorAll('.coursework-demo img.coursework-demo-figure')]"
        ".filter(i => i.complete && i.naturalWidth > 0).length >= n", arg=count, timeout=timeout_ms)


def open_voila(page, base: str, topic: str, count: int, timeout_ms: int = 180_000) -> None:
    """Open ``topic``'s lecture page in Voilà and wait until its ``count`` demos have drawn."""
    page.goto(f"{base}/voila/render/{topic}.ipynb", timeout=timeout_ms)
    _wait_for_demos(page, count, timeout_ms)


def open_lab(page, base: str, topic: str, count: int, timeout_ms: int = 180_000) -> None:
    """Open ``topic``'s lecture notebook in JupyterLab, run every cell, wait for its ``count`` demos."""
    page.goto(f"{base}/lab/tree/{topic}.ipynb?reset", timeout=timeout_ms)  # ?reset: only this notebook open
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=timeout_ms)
    page.evaluate("""async () => {
        const app = window.jupyterapp, panel = app.shell.currentWidget;
        await panel.context.ready;
        await panel.sessionContext.ready;
        await app.commands.execute('notebook:run-all-cells');
    }""")
    _wait_for_demos(page, count, timeout_ms)


def figure_state(demo) -> str:
    """The current picture of a demo (its ``img`` src: a new blob for every redraw)."""
    return demo.locator("img.coursework-demo-figure").get_attribute("src") or ""


def move_control(page, demo) -> str:
    """Move one control of a demo as a user would; returns what was moved.

    A drop-down gets its next option; else the first slider's handle is moved one step
    right with the keyboard (a step left at the right end).
    """
    select = demo.locator("select:not([multiple])")
    if select.count():
        options = select.first.locator("option").all_inner_texts()
        current = select.first.evaluate("s => s.options[s.selectedIndex].text")
        nxt = options[(options.index(current) + 1) % len(options)]
        select.first.select_option(label=nxt)
        return f"drop-down -> {nxt}"
    handle = demo.locator(".noUi-handle").first
    handle.focus()
    at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
    return "slider " + ("left" if at_end else "right")


def page_errors(page) -> list[str]:
    """Texts of the error outputs on the page: demo errors, tracebacks, stderr outputs."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.coursework-demo-error, "
        "[data-mime-type=\"application/vnd.jupyter.stderr\"], .jp-RenderedText[data-mime-type*=\"error\"]')]"
        ".map(e => e.innerText.trim()).filter(t => t.length > 0)")


def wait_for_new_figure(page, index: int, before: str, timeout_ms: int = 60_000) -> None:
    """Wait until demo ``index`` of the page shows a figure other than ``before``, loaded."""
    page.wait_for_function(
        "([i, s]) => { const img = document.querySelectorAll('.coursework-demo img.coursework-demo-figure')[i];"
        " return img.src !== s && img.complete && img.naturalWidth > 0; }", arg=[index, before], timeout=timeout_ms)


def demo_layout(page) -> list[dict]:
    """Per demo of the page, in CSS pixels: its box's width, its figure's shown and natural width,
    the font size of its controls' labels and of the page's smallest paragraph text."""
    return page.evaluate("""() => {
        const px = e => parseFloat(getComputedStyle(e).fontSize);
        const prose = Math.min(...[...document.querySelectorAll('.jp-RenderedMarkdown p')].map(px));
        return [...document.querySelectorAll('.coursework-demo')].map(d => {
            const img = d.querySelector('img.coursework-demo-figure');
            const labels = [...d.querySelectorAll('.widget-label, .widget-readout, select, button')]
                .filter(e => e.offsetParent !== null).map(px);
            return {box: d.getBoundingClientRect().width, shown: img.getBoundingClientRect().width,
                    natural: img.naturalWidth, label_px: Math.min(...labels), prose_px: prose};
        });
    }""")


def artefact_dir() -> Path:
    """Where screenshots go: ``$COURSEWORK_ARTEFACTS`` or ``tmp/demo-screenshots`` (git-ignored)."""
    folder = Path(os.environ.get("COURSEWORK_ARTEFACTS", Path(__file__).resolve().parents[2] / "tmp"))
    folder = folder / "demo-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
