"""The lecture notebooks (``lectures/<topic>.ipynb``): headings and one demo per cell.

They are generated from :data:`coursework.demos.TOPICS` and the demo classes' titles and
docstrings, so a new demo is one class plus ``python -m coursework.demos.lectures``;
``tests/demos/test_demos_lectures.py`` checks that the committed notebooks are in sync.

Each markdown cell is English, with its Korean in ``metadata.coursework.i18n.ko`` (the
topic notebooks' format, :mod:`coursework.i18n.notebooks`; the texts in
:mod:`.lectures_ko`). ``coursework demo/present TOPIC --lang ko`` opens a copy whose
markdown is Korean (:func:`localized_lecture`), with the kernel's language set to Korean.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from ..i18n.notebooks import localize
from ..i18n.settings import DEFAULT, ENV, check_language, language
from . import TOPICS, demo_classes
from .lectures_ko import DEMOS_KO, INTRO_KO, TOPIC_TITLES_KO

__all__ = ["TOPIC_TITLES", "lecture_notebook", "write_lecture_notebooks", "find_lecture", "localized_lecture",
           "launch", "markdown_paragraph"]

TOPIC_TITLES = {
    "01_features": "Image features: the semantic gap and HoG",
    "02_tensors": "Tensors: image batches, layouts and broadcasting",
    "03_activations": "Activation functions: saturation and dead ReLUs",
    "04_backprop": "Backpropagation on a computational graph",
    "05_sgd": "Gradient descent and SGD",
    "06_regularization": "Regularization: penalties, dropout, batch norm",
    "07_overfitting": "Overfitting: capacity, data, λ and early stopping",
}


_ROLE = re.compile(r":[a-z]+:`")


def markdown_paragraph(docstring: str) -> str:
    """The first paragraph of a docstring as one line of markdown: reST's ````code```` becomes
    ```code```; a Sphinx role (``:func:`...```) is a ``ValueError`` -- it would show as is on
    the lecture page, so it belongs in a later paragraph of the docstring."""
    text = " ".join(docstring.split("\n\n")[0].split())
    if _ROLE.search(text):
        raise ValueError(f"a Sphinx role in the first paragraph of a demo's docstring (it is the lecture page's "
                         f"text; move the reference to a later paragraph): {text!r}")
    return text.replace("``", "`")


def _markdown(source: str, korean: tuple[str, str] | None) -> nbformat.NotebookNode:
    """A markdown cell, with its Korean text and the fingerprint that text translates (if any)."""
    cell = nbformat.v4.new_markdown_cell(source)
    if korean is not None:
        text, translates = korean
        cell.metadata["coursework"] = {"i18n": {"ko": {"source": text, "translates": translates}}}
    return cell


def lecture_notebook(topic: str) -> nbformat.NotebookNode:
    """The lecture notebook of ``topic``: a title, an import cell, then per demo a heading and one cell."""
    classes = demo_classes(topic)
    module = TOPICS[topic][0]
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    title_ko, translates = TOPIC_TITLES_KO[topic]
    cells = [_markdown(f"# {topic[:2]} · {TOPIC_TITLES[topic]}\n\nLecture demos: move a control and the figure "
                       "redraws. `coursework present " + topic + "` shows this page without the code.",
                       (f"# {topic[:2]} · {title_ko}\n\n{INTRO_KO.format(topic=topic)}", translates)),
             nbformat.v4.new_code_cell(f"from coursework.demos import {module}")]
    for cls in classes:
        english = f"## {cls.title}\n\n{markdown_paragraph(inspect.getdoc(cls) or '')}"
        cells.append(_markdown(english, DEMOS_KO.get(cls.__name__)))
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


def localized_lecture(path: str | Path, lang: str, folder: str | Path) -> Path:
    """Write the lecture notebook ``path`` with its markdown in ``lang`` into ``folder``
    (same file name); its code cells are the same. The path written."""
    lang = check_language(lang)
    nb = localize(nbformat.read(path, as_version=4), lang)
    out = Path(folder) / Path(path).name
    nbformat.write(nb, out)
    return out


def launch(topic: str, *, present: bool, extra: list[str] | None = None, lang: str | None = None) -> int:
    """Open the topic's lecture notebook in JupyterLab, or serve it with Voilà (``present``), in
    ``lang`` (default: the language in force, :func:`coursework.i18n.language`).

    The server and its kernels run with ``COURSEWORK_LANG=lang``, so the demos' labels and
    figures speak it too; in a language other than English the notebook is a localized copy
    in a temporary folder (removed when the server ends).
    """
    path = find_lecture(topic)
    settings = path.parent.parent / "jupyter" / "lab" / "settings"  # the course's: no news pop-up
    lang = check_language(lang, "--lang") if lang else language()
    with tempfile.TemporaryDirectory(prefix=f"coursework-lecture-{lang}-") as scratch:
        if lang != DEFAULT:
            path = localized_lecture(path, lang, scratch)
        env = dict(os.environ, **{ENV: lang})   # the kernels' labels and figures in the page's language
        root = ["--allow-root"] if hasattr(os, "getuid") and os.getuid() == 0 else []
        if present:
            cmd = [sys.executable, "-m", "voila", str(path), *(extra or [])]
        else:
            own = [f"--LabApp.app_settings_dir={settings}"] if settings.is_dir() else []
            cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={path.parent}", str(path), *own,
                   *root, *(extra or [])]
        print("running:", " ".join(cmd), flush=True)
        return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    for written in write_lecture_notebooks(sys.argv[1] if len(sys.argv) > 1 else "lectures"):
        print(written)
