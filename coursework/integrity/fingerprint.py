"""Winnowing fingerprints of a canonical cell, with copydetect.

The method is MOSS's: *winnowing* (Schleimer, Wilkerson and Aiken, "Winnowing: Local
Algorithms for Document Fingerprinting", SIGMOD 2003), as implemented by `copydetect
<https://pypi.org/project/copydetect/>`_, the maintained Python library of it (MIT,
pure Python wheel, on NumPy and Pygments, which the course already has). We use it for
what it does well and keep its numbers:

- its **tokenizer** (:func:`copydetect.utils.filter_code`, Pygments' Python lexer):
  every name becomes ``V`` (function names ``F``, class names ``O``), strings ``S``,
  whitespace and comments vanish, and it keeps the map back to the text;
- its **winnowing** (:func:`copydetect.utils.winnow`): of every window of ``w``
  consecutive k-gram hashes, the smallest, so that any match of at least
  ``k + w - 1`` characters is found and anything under ``k`` never is;
- its **overlap and slices** (:func:`copydetect.detector.compare_files`): the matched
  regions in each text, which the report marks. The matched *length*, needed for every
  pair, is the same number computed without the slices (:func:`.pairs._covered`; a test
  checks that they agree), because building slices for 100,000 pairs is the slow part.

One thing we do ourselves: the k-gram **hash**. copydetect hashes with Python's
``hash()``, which changes with every process (``PYTHONHASHSEED``), so the winnowed
fingerprints, and with them the scores, would differ from one run to the next;
:func:`kgram_hashes` is a fixed polynomial hash instead (same text, same score, always).

Why not the alternatives: Dolos (the best tool for notebooks' cousins, on tree-sitter)
is JavaScript and needs notebooks converted by hand; JPlag is Java; MOSS is a web
service (code leaves the machine). What none of them does, the notebook and exercise
layer, is :mod:`.answers`, :mod:`.normalize` and :mod:`.pairs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .normalize import Canonical

__all__ = ["Fingerprint", "fingerprint", "kgram_hashes", "K", "WINDOW"]

#: k: the shortest match that counts, in characters of tokenized code (``V=V.V(V,V=0)``
#: is 12). Shorter than copydetect's default 25, because answer cells are short.
K = 16
#: The winnowing window: every match of ``K + WINDOW - 1`` = 19 characters is found.
WINDOW = 4

_BASE = 0x100000001B3          # FNV's 64-bit prime
_MASK = (1 << 64) - 1


def kgram_hashes(text: str, k: int = K) -> np.ndarray:
    """The hash of every ``k`` characters of ``text``, in order: int64 array of shape
    ``(max(0, len(text) - k + 1),)``, each below 2**53 (copydetect's winnowing compares
    them as floats: exact there)."""
    if k < 1:
        raise ValueError(f"kgram_hashes: k must be >= 1, got {k}")
    if len(text) < k:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    powers = np.array([pow(_BASE, k - 1 - j, 1 << 64) for j in range(k)], dtype=np.uint64)
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    with np.errstate(over="ignore"):
        h = (windows * powers).sum(axis=1, dtype=np.uint64)
        h ^= h >> np.uint64(33)                       # splitmix-style finish: spreads the bits
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
    return (h >> np.uint64(11)).astype(np.int64)


@dataclass
class Fingerprint:
    """The fingerprints of one answer cell, in the shape copydetect's ``compare_files``
    reads (``k``, ``hashes``, ``hash_idx``, ``filtered_code``, ``token_coverage``,
    ``offsets``), plus the canonical cell they came from.

    ``hash_idx`` maps each kept hash to its k-gram's start indices in ``filtered_code``;
    ``token_coverage`` is the number of characters of ``filtered_code`` that kept
    k-grams cover (what a match is a share of).
    """

    canonical: Canonical
    filtered_code: str
    offsets: np.ndarray
    hashes: set
    hash_idx: dict
    token_coverage: int
    k: int = K
    all_hashes: set = field(default_factory=set, repr=False)

    @property
    def empty(self) -> bool:
        return not self.hashes


def tokenize(canon: Canonical) -> tuple[str, np.ndarray]:
    """copydetect's tokenized text of a canonical cell and its offsets back to the text."""
    from copydetect.utils import filter_code

    filtered, offsets = filter_code(canon.text, "cell.py", language="python")
    return filtered, np.asarray(offsets)


def fingerprint(canon: Canonical, ignore: frozenset | set = frozenset(), k: int = K, window: int = WINDOW,
                tokens: tuple[str, np.ndarray] | None = None) -> Fingerprint:
    """Winnow the cell's k-grams and drop those whose hash is in ``ignore`` (the release's
    code, code most of the class shares). ``tokens``: :func:`tokenize`'s result, if known."""
    from copydetect.utils import get_token_coverage, winnow

    filtered, offsets = tokens if tokens is not None else tokenize(canon)
    every = kgram_hashes(filtered, k)
    if len(every):
        hashes, idx = winnow(every, window_size=window, remove_duplicates=False)
    else:
        hashes, idx = every, np.zeros(0, dtype=np.int64)
    hash_idx: dict[int, list[int]] = {}
    for h, i in zip(hashes.tolist(), idx.tolist()):
        if h not in ignore:
            hash_idx.setdefault(h, []).append(i)
    coverage = int(get_token_coverage(hash_idx, k, len(filtered))) if hash_idx else 0
    return Fingerprint(canon, filtered, offsets, set(hash_idx), hash_idx, coverage, k, set(every.tolist()))
