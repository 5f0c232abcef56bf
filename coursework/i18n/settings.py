"""Which language the course speaks here: :func:`language`.

In order, the first that says:

0. :func:`speaking`: a block of work done for a run whose language was decided elsewhere (a
   grading worker, maybe on another machine, speaks the language of the class run that sent
   it the job: the run's settings carry it).
1. ``COURSEWORK_LANG`` in the environment (``en`` or ``ko``): anyone's override (a student
   who wants the checks in the other language, an instructor's shell).
2. The language a student bundle was built in: the file :data:`BUNDLE_FILE` beside this
   module, written by ``coursework release`` into the bundle's copy of the package.
3. The course a ``coursework`` command opened (:func:`use_course_language`, from its
   ``c.Coursework.language``), for the command's own messages (grading reasons, feedback).
4. ``c.Coursework.language = "ko"`` in the nearest ``nbgrader_config.py`` at or above the
   working directory: the course repository, and every kernel that grading starts (``coursework
   autograde`` and plain ``nbgrader autograde`` run a notebook in
   ``autograded/<student>/<assignment>`` inside the course). Read as text, never executed.
5. English.

An unknown value is an error that names it (a typo must not quietly give English).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["LANGUAGES", "DEFAULT", "ENV", "BUNDLE_FILE", "language", "check_language", "config_language",
           "course_language", "use_course_language", "speaking"]

LANGUAGES = ("en", "ko")
DEFAULT = "en"
ENV = "COURSEWORK_LANG"
BUNDLE_FILE = "course_language.txt"
CONFIG_NAME = "nbgrader_config.py"
_course: list[str] = []          # the language of the course this process opened, if any
_speaking: contextvars.ContextVar[str | None] = contextvars.ContextVar("coursework_speaking", default=None)
_SETTING = re.compile(r"""^[ \t]*c\.Coursework\.language[ \t]*=[ \t]*["']([^"']*)["']""", re.M)


def check_language(value: object, where: str = "language") -> str:
    """``value`` as a language code, or ``ValueError`` saying what was expected."""
    code = str(value).strip().lower()
    if code not in LANGUAGES:
        raise ValueError(f"{where}: expected one of {', '.join(LANGUAGES)}, got {value!r}")
    return code


@functools.lru_cache(maxsize=64)
def _config_file_language(folder: str) -> str | None:
    for here in (Path(folder), *Path(folder).parents):
        path = here / CONFIG_NAME
        if path.is_file():
            try:
                found = _SETTING.findall(path.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
            return check_language(found[-1], f"c.Coursework.language in {path}") if found else None
    return None


def config_language(start: str | os.PathLike | None = None) -> str | None:
    """``c.Coursework.language`` of the nearest ``nbgrader_config.py`` at or above ``start``
    (default: the working directory), or None."""
    try:
        folder = str(Path(start or os.getcwd()).resolve())
    except OSError:
        return None
    return _config_file_language(folder)


def course_language(config) -> str:
    """The language of a course from its loaded traitlets config (``c.Coursework.language``)."""
    section = config.get("Coursework", {}) if hasattr(config, "get") else {}
    value = section.get("language", DEFAULT) if hasattr(section, "get") else DEFAULT
    return check_language(value, "c.Coursework.language in nbgrader_config.py")


def use_course_language(lang: str | None) -> None:
    """This process works for a course in ``lang`` (None: forget it)."""
    _course[:] = [check_language(lang, "course language")] if lang else []


@contextlib.contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """:func:`language` is ``lang`` inside the block, in this thread or asyncio task and those it
    starts (a context variable); None: the block changes nothing."""
    token = _speaking.set(check_language(lang, "lang") if lang else _speaking.get())
    try:
        yield
    finally:
        _speaking.reset(token)


def language() -> str:
    """The language in force here (see the module's docstring for the order)."""
    spoken = _speaking.get()
    if spoken:
        return spoken
    env = os.environ.get(ENV, "").strip()
    if env:
        return check_language(env, f"the environment variable {ENV}")
    bundled = Path(__file__).with_name(BUNDLE_FILE)
    if bundled.is_file():
        return check_language(bundled.read_text(encoding="utf-8").strip(), str(bundled))
    if _course:
        return _course[0]
    return config_language() or DEFAULT
