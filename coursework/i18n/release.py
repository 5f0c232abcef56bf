"""``coursework release --lang``: nbgrader generates the release from the source in one language.

:func:`localized_source` writes a copy of the assignments' source folders in which every
markdown cell's ``source`` is its text in that language, every code cell with a translation
has its comments and printed text in that language (:mod:`.code`: the same code), and the
translations' metadata is gone; nbgrader's ``GenerateAssignment`` then runs on that copy,
unchanged. So:

- code, grade ids and points are the same in both languages (:mod:`.code` refuses a
  translation that changes more than comments and printed text);
- a locked cell's checksum (markdown, or a test cell with translated comments) is nbgrader's
  hash of its text in the chosen language, in the release and in the gradebook alike, so
  nbgrader's ``validate`` and ``OverwriteCells`` agree with the release a student got. If a
  submission comes in the other language, ``OverwriteCells`` puts the course's text back
  and the scores are the same (tested).

The copy lives in ``<course>/.coursework-i18n/<lang>/`` (nbgrader finds source folders
relative to the course root) and is removed afterwards. English is the source's own
language: an English release is generated from ``solutions/`` itself, exactly as plain
``nbgrader generate_assignment`` does (the Korean texts ride along in the cells' metadata,
unseen).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Iterator

from .notebooks import localize
from .settings import DEFAULT, check_language

__all__ = ["STAGE", "localized_source", "BUNDLE_README_KO"]

STAGE = ".coursework-i18n"


@contextlib.contextmanager
def localized_source(source_dir: Path, root: Path, assignments: list[str], lang: str) -> Iterator[str]:
    """Yield the source directory (relative to ``root``) of a copy of ``assignments`` whose
    notebooks are in ``lang``. A markdown cell without a text in ``lang`` is a ``ValueError``."""
    import nbformat

    lang = check_language(lang)
    if lang == DEFAULT:   # the source's own language: nbgrader reads the source as it is
        yield Path(source_dir).resolve().relative_to(Path(root).resolve()).as_posix()
        return
    stage = Path(root) / STAGE
    shutil.rmtree(stage, ignore_errors=True)
    folder = stage / lang
    try:
        for assignment in assignments:
            dest = folder / assignment
            shutil.copytree(Path(source_dir) / assignment, dest,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"))
            for path in sorted(dest.glob("*.ipynb")):
                nb = nbformat.read(path, as_version=4)
                try:
                    out = localize(nb, lang)
                except ValueError as exc:
                    raise ValueError(f"{assignment}/{path.name}: {exc}") from None
                nbformat.write(out, path)
        yield folder.relative_to(root).as_posix()
    finally:
        shutil.rmtree(stage, ignore_errors=True)


BUNDLE_README_KO = """\
# {course_id} -- 학생용 bundle

{assignment}의 notebook과 그 notebook이 쓰는 `coursework` package이다. 이 과제(또는 이후 과제)의
연습 문제에 답하는 package 함수는 notebook에서 직접 작성하도록 비워 두었다. package에서 그 함수들은
`NotImplementedError`("reference implementation not shipped to students")를 일으킨다.

## 설치 (한 번)

Python 3.10 이상에서 다음을 실행한다.

```bash
python -m venv .venv
.venv/bin/python -m pip install -e .          # Windows: .venv\\Scripts\\python -m pip install -e .
```

conda를 쓴다면 `conda env create -f environment.yml && conda activate nn-part1`을 실행한다.
`-e`(editable)로 설치해야 한다. check가 저장된 값을 이 폴더에서 읽기 때문이다.

## 과제 하기

```bash
.venv/bin/jupyter lab notebooks
```

과제를 열고 위에서 아래로 실행한다. `# YOUR CODE HERE`라고 적힌 cell에서는
`raise NotImplementedError()`를 지우고 그 자리에 코드를 쓴다. 연습 문제마다 바로 뒤의 cell들이 답을
확인하며, check마다 점수가 그 위에 적혀 있다.

## 제출하기 전에 확인하기

```bash
.venv/bin/coursework check {notebook}
# 또는: .venv/bin/python -m coursework.cli check {notebook}
```

새 kernel에서 notebook을 실행하고, 연습 문제마다 어떤 check를 통과했는지와 점수를 출력한다. 통과하지
못한 check가 있으면 종료 상태 1로 끝난다. 채점할 때는 공개되지 않은 입력으로 check를 더 실행한다.
공개된 check를 모두 통과하는 것은 필요조건이지 충분조건이 아니다. 오류를 내거나 제한 시간을 넘기는
답안 cell은 함수가 정의되어 있어도 그 연습 문제가 0점이 되므로, 모든 cell이 끝까지 실행되게 한다.
check cell은 고치거나 지우지 않는다. 채점 전에 원래대로 되돌린다.

## 언어

이 bundle은 한국어로 만들었다. notebook의 설명과 code의 주석, check의 메시지, 그림의 글자가 한국어이다.
check 메시지를 영어로 보려면 환경 변수 `COURSEWORK_LANG=en`을 설정하고 JupyterLab을 시작한다.
"""
