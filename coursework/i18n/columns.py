"""Text tables that line up in either language: the width a text takes on a terminal.

A Hangul syllable (and any other East Asian wide or full-width character) takes two
columns of a monospaced terminal or a notebook's output, a Latin letter one, so
``str.ljust`` misaligns a Korean header. :func:`width` counts columns; :func:`ljust`
and :func:`rjust` pad to a number of columns.
"""

from __future__ import annotations

import unicodedata

__all__ = ["width", "ljust", "rjust"]


def width(text: str) -> int:
    """Columns ``text`` takes: 2 for each East Asian wide or full-width character, 0 for a
    combining mark, 1 for any other."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def ljust(text: str, columns: int) -> str:
    """``text`` padded with spaces on the right to ``columns`` columns (unchanged if wider)."""
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    """``text`` padded with spaces on the left to ``columns`` columns (unchanged if wider)."""
    return " " * max(0, columns - width(text)) + text
