"""coursework.integrity's building blocks: the canonical cell, the fingerprints, the matched length.

Each disguise of the corpus (tests/helpers/similarity_corpus.py) applied to a real answer must
give the same tokenized code as the original where the canonical form undoes it
completely; the line map must point into the student's cell; hostile cells (megabytes,
deep nesting, not Python) must come back quickly and without an error.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import numpy as np
import pytest

from coursework.integrity.fingerprint import K, fingerprint, kgram_hashes, tokenize
from coursework.integrity.normalize import MAX_CELL_CHARS, canonical
from coursework.integrity.pairs import _covered
from helpers.similarity_corpus import DISGUISES, HONEST

ANSWERS = [(a, s, ex, src) for a, students in HONEST.items() for s, row in students.items()
           for ex, src in row.items() if isinstance(src, str)]


def tokens(src: str) -> str:
    return tokenize(canonical(src))[0]


@pytest.mark.parametrize("name", ["rename", "comments", "whitespace", "comprehension"])
def test_these_disguises_leave_the_tokenized_code_unchanged(name):
    """Renamed names, comments / docstrings / strings, layout, loop <-> comprehension:
    undone completely, on every hand-written answer of the corpus."""
    changed = 0
    for i, (_, student, ex, src) in enumerate(ANSWERS):
        disguised = DISGUISES[name](src, random.Random(i))
        changed += disguised != src
        assert tokens(disguised) == tokens(src), f"{name} of {student}'s {ex}:\n{disguised}"
    least = 10 if name == "comprehension" else len(ANSWERS) // 3    # only answers with a loop or comprehension
    assert changed >= least, f"the {name} disguise changed only {changed} of {len(ANSWERS)} answers"


def test_reordered_functions_and_independent_statements_keep_their_fingerprints():
    """Defs in another order give the same text; independent statements swapped give
    (nearly) the same fingerprints: the canonical order undoes most swaps, and the
    fingerprint set only loses k-grams across a moved edge for the rest."""
    two = "def b(y):\n    return y * 2 + 1\n\n\ndef a(x, z):\n    s = x + z\n    return s - 3\n"
    swapped = "def a(x, z):\n    s = x + z\n    return s - 3\n\n\ndef b(y):\n    return y * 2 + 1\n"
    assert canonical(two).text == canonical(swapped).text
    kept, changed = [], 0
    for i, (_, student, ex, src) in enumerate(ANSWERS):
        moved = DISGUISES["reorder"](src, random.Random(i))
        changed += moved != src
        a, b = fingerprint(canonical(src)), fingerprint(canonical(moved))
        if a.hashes:
            kept.append(len(a.hashes & b.hashes) / len(a.hashes))
    assert changed >= len(ANSWERS) // 2
    assert np.mean(kept) >= 0.97 and min(kept) >= 0.7, f"kept {np.mean(kept):.2f} on average, {min(kept):.2f} at least"


def test_dead_code_is_dropped_inside_functions():
    src = "def f(x):\n    y = x * 2\n    return y + 1\n"
    dead = ('def f(x):\n    """Doc."""\n    unused = len(str(0))\n    if False:\n        print("never")\n'
            "    while 0:\n        pass\n    y = x * 2\n    tmp = y\n    return y + 1\n    print('after')\n")
    assert canonical(dead).text == canonical(src).text == "def f(x):\n    y = x * 2\n    return y + 1"


def test_loops_that_fill_a_container_become_comprehensions():
    loop = ("def f(xs):\n    out = {}\n    n = 3\n    for i, x in enumerate(xs):\n        if x > 0:\n"
            "            out[i] = x * n\n    return out\n")
    comp = "def f(xs):\n    n = 3\n    out = {i: x * n for i, x in enumerate(xs) if x > 0}\n    return out\n"
    assert canonical(loop).text == canonical(comp).text
    nested = "r = []\nfor a in A:\n    for b in B:\n        r.append(a * b)\n"
    assert canonical(nested).text == "r = [a * b for a in A for b in B]"
    assert canonical("s = set(x for x in y)").text == canonical("s = {x for x in y}").text
    # a loop that also reads what it fills is not a comprehension
    assert "for" in canonical("r = []\nfor a in A:\n    r.append(len(r))\n").text.split("\n")[1]


def test_every_canonical_line_points_into_the_cell():
    for _, student, ex, src in ANSWERS:
        canon = canonical(src)
        n = len(src.split("\n"))
        assert len(canon.origin) == len(canon.text.split("\n"))
        for lo, hi in canon.origin:
            assert 1 <= lo <= hi <= n, (student, ex, lo, hi, n)
    canon = canonical("import numpy as np\n\n\ndef f(x):\n    # comment\n    return np.sum(x)\n")
    assert dict(zip(canon.text.split("\n"), canon.origin)) == {
        "import numpy as np": (1, 1), "def f(x):": (4, 4), "    return np.sum(x)": (6, 6)}


def test_a_cell_that_is_not_python_is_kept_line_for_line():
    src = "def f(:\n    return ]\n"
    canon = canonical(src)
    assert not canon.parsed and canon.text == src and canon.origin == ((1, 1), (2, 2), (3, 3))
    magic = canonical("%matplotlib inline\n!pip list\nx = 1\n")
    assert magic.parsed and magic.text == "x = 1" and magic.origin == ((3, 3),)
    with pytest.raises(TypeError, match="expected the cell's source as str, got list"):
        canonical(["x = 1"])


@pytest.mark.parametrize("hostile", [
    "x = " + "(" * 50_000 + "1" + ")" * 50_000,
    "x = [" + "[" * 5_000 + "]" * 5_000 + "]",
    "y = 1" + " " * 3_000_000 + "\n",
    "a = 1\n" * 400_000,
    "def f():\n" + "    x = 1\n" * 200_000,
    "'" * 2_000_000,
    "def f():\n    a0 = 0\n" + "".join(f"    a{i} = a{i - 1}\n" for i in range(1, 1500)) + "    return 1\n",
    "".join(f"a{i} = []\n" for i in range(3000)),
    "class A:\n" + "".join(f"    def m{i}(self):\n        return {i}\n" for i in range(800)),
], ids=["parens", "brackets", "spaces", "lines", "long-function", "quotes", "dead-chain", "empty-lists", "methods"])
def test_hostile_cells_are_cut_and_come_back_fast(hostile):
    start = time.perf_counter()
    canon = canonical(hostile)
    fp = fingerprint(canon)
    took = time.perf_counter() - start
    assert len(canon.source) <= MAX_CELL_CHARS and canon.cut == (len(hostile) > MAX_CELL_CHARS)
    assert took < 5.0, f"{took:.1f} s for a hostile cell"
    assert fp.token_coverage <= len(fp.filtered_code)


def test_kgram_hashes_are_the_same_in_every_process():
    """copydetect hashes with hash(), which PYTHONHASHSEED changes; ours must not."""
    code = "import sys; from coursework.integrity.fingerprint import kgram_hashes; " \
           "print(kgram_hashes('V=V.V(V,V=V.V)forVinV:V[V]=V+V', 16).tolist())"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outs) == 1
    h = kgram_hashes("abcdefghijklmnopqrstuvwxyz", 16)
    assert h.shape == (11,) and h.dtype == np.int64 and (h >= 0).all() and (h < 2 ** 53).all()
    assert len(set(h.tolist())) == 11
    assert kgram_hashes("short", 16).shape == (0,)
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        kgram_hashes("abc", 0)


def test_the_matched_length_is_copydetects():
    """_covered (plain Python, on every pair) equals the total length of copydetect's slices."""
    from copydetect.utils import find_fingerprint_overlap, get_copied_slices

    rng = random.Random(3)
    for _, _, _, src in ANSWERS[:30]:
        a = fingerprint(canonical(src))
        other = ANSWERS[rng.randrange(len(ANSWERS))][3]
        for text in (other, DISGUISES["rename"](src, rng), src[: len(src) // 2]):
            b = fingerprint(canonical(text))
            idx_a, idx_b = find_fingerprint_overlap(a.hashes, b.hashes, a.hash_idx, b.hash_idx)
            want = [int(np.sum(s[1] - s[0])) if len(idx) else 0
                    for s, idx in ((get_copied_slices(idx_a, K), idx_a), (get_copied_slices(idx_b, K), idx_b))]
            shared = a.hashes & b.hashes
            assert [_covered(a, shared, K), _covered(b, shared, K)] == want
