"""Paths of the data files that ship inside scikit-image's wheel.

The loaders read these files straight from the installed package (never through
``skimage.data``'s fetcher), so nothing is ever downloaded: a file that is missing
raises ``FileNotFoundError`` instead.
"""

from __future__ import annotations

import os

__all__ = ["skimage_data_file"]


def skimage_data_file(filename: str, func: str) -> str:
    """Absolute path of ``skimage/data/<filename>`` in the installed scikit-image.

    Raises
    ------
    FileNotFoundError
        If the installed scikit-image does not bundle the file.
    """
    import skimage.data

    folder = os.path.dirname(skimage.data.__file__)
    path = os.path.join(folder, filename)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{func}: expected scikit-image to bundle {filename!r} in {folder}, but it is not there; "
            "coursework never downloads data: reinstall scikit-image from its wheel")
    return path
