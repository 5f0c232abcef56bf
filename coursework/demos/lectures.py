"""The lecture notebooks (``lectures/<topic>.ipynb``): headings and one demo per cell.

They are generated from :data:`coursework.demos.TOPICS` and the demo classes' titles and
docstrings, so a new demo is one class plus ``python -m coursework.demos.lectures``;
``tests/test_demos_lectures.py`` checks that the committed notebooks are in sync.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from . import TOPICS, demo_classes

__all__ = ["TOPIC_TITLES", "lecture_notebook", "write_lecture_notebooks", "find_lecture", "launch"]

TOPIC_TITLES = {
    "01_features": "Image features: the semantic gap and HoG",
    "02_tensors": "Tensors: image batches, layouts and broadcasting",
    "03_activations": "Activation functions: saturation and dead ReLUs",
    "04_backprop": "Backpropagation on a computational graph",
    "05_sgd": "Gradient descent and SGD",
    "06_regularization": "Regularization: penalties, dropout, batch norm",
    "07_overfitting": "Overfitting: capacity, data, λ and early stopping",
}


def _first_paragraph(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return " ".join(doc.split("\n\n")[0].split())


def lecture_notebook(topic: str) -> nbformat.NotebookNode:
    """The lecture notebook of ``topic``: a title, an import cell, then per demo a heading and one cell."""
    classes = demo_classes(topic)
    module = TOPICS[topic][0]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    cells = [nbformat.v4.new_markdown_cell(
                 f"# {topic[:2]} · {TOPIC_TITLES[topic]}\n\nLecture demos: move a control and the figure redraws. "
                 "`coursework present " + topic + "` shows this page without the code."),
             nbformat.v4.new_code_cell(f"from coursework.demos import {module}")]
    for cls in classes:
        cells.append(nbformat.v4.new_markdown_cell(f"## {cls.title}\n\n{_first_paragraph(cls)}"))
        cells.append(nbformat.v4.new_code_cell(f"{module}.{cls.__name__}()"))
    for i, cell in enumerate(cells):  # stable ids: a regenerated notebook diffs clean
        cell["id"] = f"{topic[:2]}-{i:02d}"
    nb.cells = cells
    return nb


def write_lecture_notebooks(folder: str | Path) -> list[Path]:
    """Write every topic's lecture notebook into ``folder``; the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for topic in TOPICS:
        path = folder / f"{topic}.ipynb"
        nbformat.write(lecture_notebook(topic), path)
        paths.append(path)
    return paths


def find_lecture(topic: str, start: str | Path | None = None) -> Path:
    """``lectures/<topic>.ipynb`` in ``start`` (default: the working directory) or a folder above
    it, else in the checkout the package runs from."""
    if topic not in TOPICS:
        raise ValueError(f"expected a topic among {', '.join(TOPICS)}, got {topic!r}")
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents, Path(__file__).resolve().parents[2]):
        path = folder / "lectures" / f"{topic}.ipynb"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no lectures/{topic}.ipynb in {here} or a folder above it "
                            "(write them with: python -m coursework.demos.lectures lectures)")


def launch(topic: str, *, present: bool, extra: list[str] | None = None) -> int:
    """Open the topic's lecture notebook in JupyterLab, or serve it with Voilà (``present``)."""
    path = find_lecture(topic)
    root = ["--allow-root"] if hasattr(os, "getuid") and os.getuid() == 0 else []
    if present:
        cmd = [sys.executable, "-m", "voila", str(path), *(extra or [])]
    else:
        settings = path.parent.parent / "jupyter" / "lab" / "settings"  # the course's: no news pop-up
        own = [f"--LabApp.app_settings_dir={settings}"] if settings.is_dir() else []
        cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={path.parent}", str(path), *own, *root,
               *(extra or [])]
    print("running:", " ".join(cmd), flush=True)
    return subprocess.call(cmd)


if __name__ == "__main__":
    for written in write_lecture_notebooks(sys.argv[1] if len(sys.argv) > 1 else "lectures"):
        print(written)
