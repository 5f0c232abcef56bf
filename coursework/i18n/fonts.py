"""A font with Hangul for matplotlib, from a PyPI dependency (no system fonts needed).

The font is NanumGothic (Sandoll / NHN, SIL Open Font License 1.1), as shipped in the
wheel of ``koreanize-matplotlib`` (MIT), a dependency of this package. That package's
``import`` changes matplotlib's global settings (and on Python >= 3.12 fails: it imports
``distutils``), so it is never imported: its font file is found through the import system
without running the package (``importlib.util.find_spec``) and registered here.

:func:`use_hangul_font` appends NanumGothic to ``font.family``, after the configured
family: English text keeps DejaVu Sans, and each glyph it lacks (Hangul) falls back to
NanumGothic (matplotlib >= 3.6 falls back glyph by glyph along the ``font.family`` list).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

__all__ = ["FAMILY", "font_path", "use_hangul_font", "missing_glyphs"]

FAMILY = "NanumGothic"
_PACKAGE = "koreanize_matplotlib"
_FILE = "fonts/NanumGothic.ttf"


def font_path() -> Path:
    """The NanumGothic file of the installed ``koreanize-matplotlib``; ``FileNotFoundError``
    saying how to install it where it is missing."""
    spec = importlib.util.find_spec(_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / _FILE
        if path.is_file():
            return path
    raise FileNotFoundError(f"no Hangul font: {_FILE} of the package koreanize-matplotlib is not installed "
                            f"(pip install koreanize-matplotlib, a dependency of coursework)")


@functools.lru_cache(maxsize=1)
def use_hangul_font() -> str:
    """Register NanumGothic with matplotlib and append it to ``font.family`` (the fallback
    for glyphs the configured families lack); returns its family name. Idempotent."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    families = list(matplotlib.rcParams["font.family"])
    if FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, FAMILY]
    return FAMILY


def missing_glyphs(text: str, font_file: str | Path) -> list[str]:
    """The characters of ``text`` (other than spaces) that ``font_file`` has no glyph for."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(font_file))
    return sorted({ch for ch in text if not ch.isspace() and font.get_char_index(ord(ch)) == 0})
