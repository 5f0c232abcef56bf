"""The fingerprint of a text: what a translation records of the text it translates.

``normal(text)`` drops the spaces at the end of each line and the blank lines around the
text (so an editor that trims trailing spaces does not make every translation stale);
``fingerprint(text)`` is the first 16 hex digits of SHA-256 of ``normal(text)`` in UTF-8.
"""

from __future__ import annotations

import hashlib

__all__ = ["normal", "fingerprint"]


def normal(text: str) -> str:
    """``text`` without trailing spaces on any line and without leading / trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def fingerprint(text: str) -> str:
    """16 hex digits: ``sha256(normal(text).encode("utf-8")).hexdigest()[:16]``."""
    if not isinstance(text, str):
        raise TypeError(f"fingerprint: expected a str, got {type(text).__name__}")
    return hashlib.sha256(normal(text).encode("utf-8")).hexdigest()[:16]
