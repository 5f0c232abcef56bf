"""``coursework release``: regenerate the student notebooks and build the student bundle.

1. ``notebooks/<assignment>/`` is regenerated from ``solutions/<assignment>/`` by
   nbgrader's ``GenerateAssignment`` (in process, with the course's config): solution
   regions become stubs, hidden-test regions disappear, and the gradebook learns the
   assignment's cells.
2. One bundle per assignment, ``dist/<course_id>-<assignment>.zip``, with one top
   folder, holds what a student needs for that assignment and nothing more:

   - ``notebooks/<assignment>/`` -- the released notebooks (and files beside them);
   - ``coursework/`` -- the package with the reference regions of this assignment and
     of every later one stripped (:mod:`.strip`, rule :func:`stripped_from`), and
     without ``coursework/demos/`` (the lecture demos, lecture material only). Earlier
     assignments' answers stay: their deadlines are past, and later topics build on
     them (05's training uses 03's activations). A later assignment's region marked
     ``needed-by`` this assignment stays too: this notebook runs it (03's experiments
     train networks with 05's minibatches); ``coursework release`` lists those;
   - ``grader_tests/`` -- the visible checks and their stored values; never
     ``grader_tests/hidden/``, ``grader_tests/builders/`` or ``make_expected.py``;
   - ``pyproject.toml``, ``environment.yml`` and a student ``README.md``.

   Never ``solutions/``, ``tests/``, ``nbgrader_config.py`` or grading data.
3. Each bundle is audited before it is kept (:func:`audit_bundle`): no solution body of
   its source notebooks, no hidden-test region and no stripped reference region may
   appear in any of its files, and every stripped module must still import. A bundle
   that fails is deleted and the release fails.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment

from ...i18n.release import BUNDLE_README_KO, localized_source
from ...i18n.settings import BUNDLE_FILE, check_language, course_language
from ..course import Course, CourseError
from ..exercises import hidden_regions
from ..secret import EXCLUDED_FROM_BUNDLE, NEVER_IN_A_BUNDLE, PACKAGES, course_secret, grader_packages
from .strip import Region, StripError, copy_stripped, find_regions

__all__ = [
    "release",
    "generate_assignments",
    "build_bundle",
    "audit_bundle",
    "ReleaseResult",
    "stage_packages",
    "stripped_from",
    "package_regions",
    "reference_tags",
    "shipped_early",
]

TOP_FILES = ("pyproject.toml", "environment.yml")
SOLUTION = re.compile(r"### BEGIN SOLUTION\s*\n(.*?)\n[ \t]*### END SOLUTION", re.S)

STUDENT_README = """\
# {course_id} -- student bundle

The notebook of {assignment} and the `coursework` package it uses. The package's
functions that answer this assignment's exercises (or a later one's) are left for you
to write in the notebook: in the package they raise `NotImplementedError`
("reference implementation not shipped to students").

## Set up (once)

With Python >= 3.10:

```bash
python -m venv .venv
.venv/bin/python -m pip install -e .          # Windows: .venv\\Scripts\\python -m pip install -e .
```

or with conda: `conda env create -f environment.yml && conda activate nn-part1`.
Install with `-e` (editable): the checks read their stored values from this folder.

## Work

```bash
.venv/bin/jupyter lab notebooks
```

Open the assignment and run it top to bottom. Where a cell says
`# YOUR CODE HERE`, replace `raise NotImplementedError()` with your code. The cells
after each exercise check your answer; each is worth the points written above it.

## Check your work before you hand it in

```bash
.venv/bin/coursework check {notebook}
# or: .venv/bin/python -m coursework.cli check {notebook}
```

runs the notebook in a fresh kernel and prints, per exercise, which checks pass and
your points; it exits with status 1 when a check fails. More checks, on inputs you
do not see, run when your work is graded: passing every visible check is necessary,
not sufficient. An answer cell that raises or runs longer than the time limit
scores 0 for its exercise, even if its function is defined, so make every cell run
to its end. Do not edit or delete the check cells: they are restored before grading.
"""


@dataclass
class ReleaseResult:
    assignments: list[str]
    bundles: dict[str, Path] = field(default_factory=dict)
    stripped: dict[str, dict[str, int]] = field(default_factory=dict)  # assignment -> {file: regions}
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"released {', '.join(self.assignments)} into notebooks/"]
        for assignment, path in self.bundles.items():
            found = self.stripped.get(assignment, {})
            out.append(
                f"student bundle: {path} ({sum(found.values())} reference region(s) stripped from {len(found)} file(s))"
            )
        out += [f"note: {n}" for n in self.notes]
        out += [f"warning: {w}" for w in self.warnings]
        return out


def generate_assignments(course: Course, assignments: list[str], lang: str | None = None) -> None:
    """nbgrader ``generate_assignment --force`` for each assignment, in this process, from
    the source with its markdown in ``lang`` (default: the course's language;
    :mod:`coursework.i18n.release`)."""
    lang = _release_language(course, lang)
    for assignment in assignments:
        course.source_notebooks(assignment)  # a clear error if it does not exist
    try:
        with localized_source(course.source_dir, course.root, assignments, lang) as source_directory:
            for assignment in assignments:
                coursedir = course.coursedir(assignment)
                coursedir.source_directory = source_directory
                converter = GenerateAssignment(coursedir=coursedir, config=course.config)
                converter.force = True
                cwd = os.getcwd()
                try:
                    converter.start()
                except Exception as exc:
                    raise CourseError(f"nbgrader could not generate {assignment!r}: {exc}") from exc
                finally:
                    os.chdir(cwd)
    except ValueError as exc:
        raise CourseError(f"cannot release in {lang!r}: {exc}") from None


def _release_language(course: Course, lang: str | None) -> str:
    """``lang``, else the course's ``c.Coursework.language`` (``CourseError`` for an unknown one)."""
    try:
        return check_language(lang, "--lang") if lang else course_language(course.config)
    except ValueError as exc:
        raise CourseError(str(exc)) from None


def release(
    course: Course,
    assignments: list[str] | None = None,
    *,
    dist: str | os.PathLike | None = None,
    make_bundle: bool = True,
    lang: str | None = None,
) -> ReleaseResult:
    """Regenerate the release of ``assignments`` (default: all) and build one bundle each
    in ``dist`` (default: ``<course>/dist``), in ``lang`` (default: the course's language)."""
    assignments = list(assignments or course.assignments())
    if not assignments:
        raise CourseError(f"no assignments in {course.source_dir}")
    lang = _release_language(course, lang)
    course_secret(course.root, create=True)  # the hidden checks' seed key, made once, never shipped
    generate_assignments(course, assignments, lang)
    result = ReleaseResult(assignments)
    if make_bundle:
        folder = Path(dist) if dist else course.root / "dist"
        for assignment in assignments:
            dest = folder / f"{course.course_id}-{assignment}.zip"
            path, stripped, warnings = build_bundle(course, assignment, dest, lang=lang)
            result.bundles[assignment], result.stripped[assignment] = path, stripped
            result.warnings += warnings
            result.notes += shipped_early(course, assignment)
    return result


def package_regions(course: Course) -> dict[str, list[Region]]:
    """Package file (relative to the course) -> its reference regions, for files that have any.

    Raises :class:`CourseError` for a name that is not an assignment of the course (a
    typo would otherwise ship an answer), a ``needed-by`` that is not earlier than the
    region's assignment, or markers that do not parse or pair up.
    """
    order = course.assignments()
    found: dict[str, list[Region]] = {}
    for package in PACKAGES:
        for path in sorted((course.root / package).rglob("*.py")):
            rel = path.relative_to(course.root).as_posix()
            try:
                regions = find_regions(path.read_text(encoding="utf-8"), rel)
            except StripError as exc:
                raise CourseError(str(exc)) from None
            unknown = sorted({n for r in regions for n in (r.tag, *r.needed_by) if n is not None and n not in order})
            if unknown:
                raise CourseError(
                    f"{rel}: reference marker(s) name {', '.join(unknown)}, which name no assignment "
                    f"(assignments: {', '.join(order)})"
                )
            for r in regions:
                late = [n for n in r.needed_by if r.tag is None or order.index(n) >= order.index(r.tag)]
                if late:
                    raise CourseError(
                        f"{rel}: a region of {r.tag or 'no assignment'} is marked needed-by "
                        f"{', '.join(late)}: needed-by names earlier assignments only"
                    )
            if regions:
                found[rel] = regions
    return found


def reference_tags(course: Course) -> dict[str, set[tuple[str | None, tuple[str, ...]]]]:
    """Package file -> the ``(tag, needed_by)`` of its reference regions (see :func:`package_regions`)."""
    return {rel: {(r.tag, r.needed_by) for r in regions} for rel, regions in package_regions(course).items()}


def stripped_from(course: Course, assignment: str):
    """The ``strip(tag, needed_by)`` rule of ``assignment``'s bundle.

    Stripped: untagged regions, and the regions of this assignment or a later one in
    course order -- except a later one's region that is ``needed-by`` this assignment.
    Kept: the regions of earlier assignments (published by then).
    """
    order = course.assignments()
    if assignment not in order:
        raise CourseError(f"no assignment {assignment!r} (assignments: {', '.join(order)})")
    later = set(order[order.index(assignment) + 1 :])

    def strip(tag: str | None, needed_by: tuple[str, ...] = ()) -> bool:
        if tag is None or tag == assignment:
            return True
        return tag in later and assignment not in needed_by

    return strip


def shipped_early(course: Course, assignment: str) -> list[str]:
    """Lines naming the later assignments' regions that ``assignment``'s bundle ships
    because its notebook needs them (``needed-by``)."""
    lines = []
    for rel, regions in package_regions(course).items():
        for tag in sorted({str(r.tag) for r in regions if assignment in r.needed_by}):
            lines.append(f"{assignment}: ships {tag}'s reference in {rel} (needed-by {assignment})")
    return lines


def _excluded_in(package: str, rel: Path) -> bool:
    """``rel`` (a path inside ``package``) is a part that no bundle ships."""
    return (Path(package) / rel).as_posix() in EXCLUDED_FROM_BUNDLE


def stage_packages(course: Course, assignment: str, dest: Path) -> dict[str, int]:
    """The packages of ``assignment``'s student bundle, stripped (:func:`stripped_from`), into
    ``dest``; returns {package file: reference regions stripped} for the files that had any.

    Each package is copied from the course folder, or, where the course has no sources
    of it, from the folder the grader imports it from (found by the files it imports: a
    folder named like a package in the current directory can shadow the package itself).
    """
    installed = grader_packages()
    strip = stripped_from(course, assignment)
    stripped: dict[str, int] = {}
    for package in PACKAGES:
        src = course.root / package
        if not src.is_dir():
            src = installed[package]
        try:
            found = copy_stripped(src, dest / package, strip=strip, skip=functools.partial(_excluded_in, package))
        except StripError as exc:
            raise CourseError(f"cannot strip the package: {exc}") from exc
        stripped.update({f"{package}/{k}": v for k, v in found.items()})
    return stripped


def build_bundle(
    course: Course, assignment: str, dest: Path, *, verify_imports: bool = True, lang: str | None = None
) -> tuple[Path, dict[str, int], list[str]]:
    """Write ``assignment``'s student zip to ``dest``; returns (dest, stripped regions per file, warnings).

    ``lang`` (default: the course's language) is recorded in the bundle's package
    (``coursework/i18n/course_language.txt``), so its checks speak it, and picks its README."""
    root = course.root
    missing = [p for p in (*PACKAGES, *TOP_FILES) if not (root / p).exists()]
    if missing:
        raise CourseError(f"cannot build the bundle: {', '.join(missing)} missing in {root}")
    warnings: list[str] = []
    package_regions(course)  # bad markers are an error before anything is written
    top = f"{course.course_id}-{assignment}"
    with tempfile.TemporaryDirectory(prefix="coursework-bundle-") as tmp:
        stage = Path(tmp) / top
        stripped = stage_packages(course, assignment, stage)
        for name in TOP_FILES:
            shutil.copy2(root / name, stage / name)
        src = course.release_dir / assignment
        if not src.is_dir():
            raise CourseError(f"no release of {assignment!r} in {course.release_dir}")
        shutil.copytree(
            src,
            stage / "notebooks" / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"),
        )
        first = next(iter(sorted(src.glob("*.ipynb"))), None)
        notebook = f"notebooks/{assignment}/{first.name if first else assignment + '.ipynb'}"
        lang = _release_language(course, lang)
        readme = BUNDLE_README_KO if lang == "ko" else STUDENT_README
        (stage / "README.md").write_text(
            readme.format(course_id=course.course_id, assignment=assignment, notebook=notebook), encoding="utf-8"
        )
        (stage / "coursework" / "i18n" / BUNDLE_FILE).write_text(lang + "\n", encoding="utf-8")
        if not stripped:
            warnings.append(
                f"{assignment}: no '# BEGIN REFERENCE' region of it or a later assignment in the "
                "package sources: its bundle ships every reference implementation of the package"
            )
        if verify_imports:
            _verify_imports(stage)
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(stage.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(Path(tmp)).as_posix())
    problems = audit_bundle(partial, course, assignment)
    if problems:
        partial.unlink()
        raise CourseError("the student bundle would leak instructor material:\n  " + "\n  ".join(problems))
    os.replace(partial, dest)
    return dest, stripped, warnings


def _verify_imports(stage: Path) -> None:
    """Import every module of the stripped packages in a fresh Python; fail on the first error."""
    # rfc3987_syntax: jsonschema's IRI grammar, ~1 s to import and no module's concern (coursework.cli
    # leaves it out of every command the same way)
    code = (
        "import importlib, os, pkgutil, sys\n"
        "sys.modules.setdefault('rfc3987_syntax', None)\n"
        "stage = os.environ['COURSEWORK_STAGE']\n"
        "for name in sys.argv[1:]:\n"
        "    pkg = importlib.import_module(name)\n"
        "    assert pkg.__path__[0].startswith(stage), (name, pkg.__path__)\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, name + '.'):\n"
        "        importlib.import_module(info.name)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(stage), MPLBACKEND="Agg", COURSEWORK_STAGE=str(stage))
    proc = subprocess.run(
        [sys.executable, "-c", code, *PACKAGES], cwd=stage, env=env, capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        raise CourseError(f"a module of the stripped package does not import:\n{tail}")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def secrets(course: Course, assignment: str) -> dict[str, str]:
    """What must never reach a student of ``assignment``: label -> text (whitespace-normalised).

    Each solution body of its source notebooks and of every later assignment's, each
    hidden-test region of any assignment and each of its lines (20 characters or more,
    not a comment), and each reference region the bundle strips (:func:`stripped_from`).
    """
    found: dict[str, str] = {}
    strip = stripped_from(course, assignment)
    order = course.assignments()
    for other in order:
        published = order.index(other) < order.index(assignment)
        for name, path in course.source_notebooks(other).items():
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                for k, body in enumerate(SOLUTION.findall(cell.source)):
                    if body.strip() and not published:
                        found[f"solution of {other}/{name} cell {i} #{k}"] = _normal(body)
                for k, region in enumerate(hidden_regions(cell.source)):
                    if region.strip():
                        found[f"hidden tests of {other}/{name} cell {i} #{k}"] = _normal(region)
                    for j, line in enumerate(region.splitlines()):
                        if len(line.strip()) >= 20 and not line.strip().startswith("#"):
                            found[f"hidden test line of {other}/{name} cell {i} #{k}.{j}"] = _normal(line)
    for rel, package_parts in package_regions(course).items():
        for k, part in enumerate(package_parts):
            if strip(part.tag, part.needed_by) and part.body.strip():
                found[f"reference region in {rel} #{k}"] = _normal(part.body)
    return found


def audit_bundle(zip_path: Path, course: Course, assignment: str) -> list[str]:
    """Problems of a bundle: forbidden paths, and secrets (:func:`secrets`) found in its files."""
    problems = []
    hidden_secrets = secrets(course, assignment)
    with zipfile.ZipFile(zip_path) as zf:
        texts = {}
        for name in zf.namelist():
            inner = name.split("/", 1)[1] if "/" in name else name
            if any(inner == f.rstrip("/") or inner.startswith(f) for f in NEVER_IN_A_BUNDLE):
                problems.append(f"{name}: must not be in the bundle")
            data = zf.read(name)
            if b"\0" not in data[:4096]:
                texts[name] = data.decode("utf-8", errors="replace")
        for name, raw in texts.items():
            text = _normal(_notebook_text(raw) if name.endswith(".ipynb") else raw)
            for label, secret in hidden_secrets.items():
                if secret and secret in text:
                    problems.append(f"{name}: contains the {label}")
    return problems


def _notebook_text(raw: str) -> str:
    """Every string a notebook holds, as plain text (JSON escapes undone): cell sources and
    outputs, and also every cell's and the notebook's metadata (translations, tool records),
    where a copy of a solution would otherwise pass unseen."""
    try:
        nb = json.loads(raw)
    except ValueError:
        return raw
    parts: list[str] = []
    todo: list = [nb]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, list):
            if item and all(isinstance(x, str) for x in item):
                parts.append("".join(item))  # a multi-line source or text, joined as Jupyter does
            else:
                todo.extend(reversed(item))
        elif isinstance(item, dict):
            todo.extend(reversed(list(item.values())))
    return "\n".join(parts)
