"""Every pair of submissions, exercise by exercise, and one score per pair.

For each exercise (answer cell):

1. each answer is made canonical (:mod:`.normalize`) and tokenized (:mod:`.fingerprint`);
2. **what is nobody's work** is set aside: every k-gram of the release's code cells
   (starter code, the notebook's own cells), and every k-gram found in more than
   ``common`` (default half) of the class's answers to the exercise, when more than
   :data:`COMMON_MIN` share it: the calls of the package's API that every answer needs,
   the idiom everyone writes (MOSS's ``-m``, JPlag's base code, done per exercise);
3. the rest is winnowed, and each pair that shares a fingerprint (an inverted index
   finds them; the other pairs score 0) is compared: the matched length as copydetect
   measures it, and its ``compare_files`` for the regions the report marks.

For a pair (a, b), with ``matched_x(e)`` the characters of x's tokenized answer to
exercise e inside matched regions and ``size_x(e)`` those covered by its fingerprints:

- ``similarity(e) = max(matched_a(e) / size_a(e), matched_b(e) / size_b(e))``;
- ``score = max(sum_e matched_a / sum_e size_a, sum_e matched_b / sum_e size_b)``: the
  share of one student's own work (over the whole assignment) found in the other's;
  ``max``, so that code added to a copy (dead code, extra prints) does not hide it;
- ``matched`` = the matched characters over all exercises (mean of both sides);
- a pair is **flagged** when ``score >= threshold`` and ``matched >= min_matched``: a
  shared short helper is a small share of two notebooks and too short, a copied
  notebook is most of one of them.

Across assignments, :func:`repeats` lists the pairs flagged again and again.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .answers import Submissions
from .fingerprint import K, WINDOW, Fingerprint, fingerprint, kgram_hashes, tokenize
from .normalize import canonical

__all__ = ["Options", "ExerciseMatch", "Pair", "Comparison", "compare", "repeats", "Repeat", "COMMON_MIN"]

#: Code shared by this many answers or fewer is never "common", however small the class.
COMMON_MIN = 3


@dataclass(frozen=True)
class Options:
    """How to compare. ``threshold``: the score from which a pair is flagged;
    ``min_matched``: and the matched characters (tokenized) it needs at least (about
    five lines of code); ``common``: the share of the class above which shared code is
    everyone's; ``k`` and ``window``: the fingerprints' (:mod:`.fingerprint`)."""

    threshold: float = 0.5
    min_matched: int = 120
    common: float = 0.5
    k: int = K
    window: int = WINDOW
    progress: bool = False

    def __post_init__(self):
        for name, low, high in (("threshold", 0.0, 1.0), ("common", 0.0, 1.0)):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and low <= value <= high):
                raise ValueError(f"{name}: expected a number from {low:g} to {high:g}, got {value!r}")
        for name in ("min_matched", "k", "window"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < (0 if name == "min_matched" else 1):
                raise ValueError(f"{name}: expected a whole number >= {0 if name == 'min_matched' else 1}, "
                                 f"got {value!r}")


@dataclass
class ExerciseMatch:
    """What two answers to one exercise share: the characters (tokenized) of each side
    inside matched regions, and each side's size (the characters its fingerprints cover)."""

    exercise: str
    matched: tuple[int, int]
    size: tuple[int, int]

    @property
    def similarity(self) -> float:
        return max((m / s if s else 0.0) for m, s in zip(self.matched, self.size))


@dataclass
class Pair:
    """Two students and what they share, exercise by exercise."""

    a: str
    b: str
    matches: dict[str, ExerciseMatch] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)
    score: float = 0.0
    matched: int = 0
    flagged: bool = False

    def exercises_matched(self, threshold: float) -> int:
        return sum(1 for m in self.matches.values() if m.similarity >= threshold)


@dataclass
class Comparison:
    """One assignment compared: the pairs, most suspicious first, and what was set aside."""

    submissions: Submissions
    options: Options
    pairs: list[Pair]
    fingerprints: dict[str, dict[str, Fingerprint]]
    common: dict[str, int]          # exercise -> fingerprints set aside as everyone's

    @property
    def flagged(self) -> list[Pair]:
        return [p for p in self.pairs if p.flagged]

    def regions(self, pair: Pair, exercise: str) -> tuple[np.ndarray, np.ndarray]:
        """The matched regions of both answers to ``exercise``: character slices of each
        canonical text, arrays of shape (2, n) (starts, ends), from copydetect's ``compare_files``."""
        from copydetect.detector import compare_files

        fa, fb = self.fingerprints[pair.a][exercise], self.fingerprints[pair.b][exercise]
        _, _, (slices_a, slices_b) = compare_files(fa, fb)
        return np.asarray(slices_a).reshape(2, -1), np.asarray(slices_b).reshape(2, -1)


def _covered(fp: Fingerprint, shared: set, k: int) -> int:
    """The characters of ``fp``'s tokenized text covered by its k-grams whose hash is in
    ``shared``: the total length of what copydetect's ``find_fingerprint_overlap`` and
    ``get_copied_slices`` give, computed in plain Python (a few dozen positions per
    answer: faster than NumPy's per-call cost, and this runs for every pair)."""
    starts = sorted({i for h in shared for i in fp.hash_idx[h]})
    if not starts:
        return 0
    total = k
    for before, after in zip(starts, starts[1:]):
        total += min(after - before, k)
    return total


def _canonical_once(source: str, seen: dict):
    if source not in seen:
        seen[source] = canonical(source)
    return seen[source]


def _tokenize_once(canon, seen: dict) -> tuple:
    if canon.text not in seen:
        seen[canon.text] = tokenize(canon)
    return seen[canon.text]


def _progress(total: int, desc: str, unit: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not enabled, file=sys.stderr, leave=False)


def compare(subs: Submissions, options: Options = Options()) -> Comparison:
    """Compare every pair of ``subs`` (see the module docstring)."""
    students = sorted(subs.answers)
    k, window = options.k, options.window
    release: set[int] = set()
    for src in subs.release:
        release.update(kgram_hashes(tokenize(canonical(src))[0], k).tolist())

    prints: dict[str, dict[str, Fingerprint]] = {s: {} for s in students}
    seen: dict[str, tuple] = {}             # canonical text -> its tokens (blank and identical answers)
    seen_source: dict[str, object] = {}     # source -> its canonical form
    common_count: dict[str, int] = {}
    per_exercise: dict[str, list[str]] = {}
    reading = _progress(len(subs.exercises) * len(students), f"{subs.assignment}: fingerprints", "answer",
                        options.progress)
    for ex in subs.exercises:
        canons = {s: _canonical_once(subs.answers[s][ex], seen_source) for s in students if subs.answers[s].get(ex)}
        tokens = {s: _tokenize_once(c, seen) for s, c in canons.items()}
        counts: Counter = Counter()
        for s, (filtered, _) in tokens.items():
            counts.update(set(kgram_hashes(filtered, k).tolist()) - release)
        limit = max(COMMON_MIN, options.common * len(tokens))
        common = {h for h, c in counts.items() if c > limit}
        common_count[ex] = len(common)
        ignore = release | common
        for s, tok in tokens.items():
            fp = fingerprint(canons[s], ignore, k, window, tokens=tok)
            if not fp.empty:
                prints[s][ex] = fp
        per_exercise[ex] = [s for s in students if ex in prints[s]]
        reading.update(len(students))
    reading.close()

    index = {s: i for i, s in enumerate(students)}
    candidates: dict[str, list[tuple[str, str]]] = {}
    for ex, who in per_exercise.items():
        holders: dict[int, list[str]] = defaultdict(list)
        for s in who:
            for h in prints[s][ex].hashes:
                holders[h].append(s)
        found = set()
        for group in holders.values():
            if len(group) > 1:
                found.update((x, y) for i, x in enumerate(group) for y in group[i + 1:])
        candidates[ex] = sorted(found, key=lambda p: (index[p[0]], index[p[1]]))

    pairs = {(a, b): Pair(a, b) for i, a in enumerate(students) for b in students[i + 1:]}
    total = sum(len(c) for c in candidates.values())
    with _progress(total, f"{subs.assignment}: comparing", "pair", options.progress) as bar:
        for ex, todo in candidates.items():
            for n, (a, b) in enumerate(todo, start=1):
                fa, fb = prints[a][ex], prints[b][ex]
                shared = fa.hashes & fb.hashes
                pairs[(a, b)].matches[ex] = ExerciseMatch(ex, (_covered(fa, shared, k), _covered(fb, shared, k)),
                                                          (fa.token_coverage, fb.token_coverage))
                if n % 1000 == 0:
                    bar.update(1000)
            bar.update(len(todo) % 1000)
    for (a, b), pair in pairs.items():
        size_a = sum(fp.token_coverage for fp in prints[a].values())
        size_b = sum(fp.token_coverage for fp in prints[b].values())
        got_a = sum(m.matched[0] for m in pair.matches.values())
        got_b = sum(m.matched[1] for m in pair.matches.values())
        pair.size = (size_a, size_b)
        pair.score = max(got_a / size_a if size_a else 0.0, got_b / size_b if size_b else 0.0)
        pair.matched = int(round((got_a + got_b) / 2))
        pair.flagged = pair.score >= options.threshold and pair.matched >= options.min_matched
    ranked = sorted(pairs.values(), key=lambda p: (-p.flagged, -p.score, -p.matched, p.a, p.b))
    return Comparison(subs, options, ranked, prints, common_count)


def matched_lines(fp: Fingerprint, slices: np.ndarray) -> set[int]:
    """The lines (1-based) of the student's cell that a match's slices (character
    positions in the canonical text, shape (2, n): starts, ends) came from."""
    text = fp.canonical.text
    starts = np.array([0] + [i + 1 for i, c in enumerate(text) if c == "\n"], dtype=np.int64)
    lines: set[int] = set()
    if slices.size == 0:
        return lines
    for start, end in zip(slices[0].tolist(), slices[1].tolist()):
        first = int(np.searchsorted(starts, start, side="right")) - 1
        last = int(np.searchsorted(starts, max(start, end - 1), side="right")) - 1
        for canon_line in range(max(first, 0), min(last, len(fp.canonical.origin) - 1) + 1):
            lo, hi = fp.canonical.origin[canon_line]
            lines.update(range(lo, hi + 1))
    return lines


@dataclass
class Repeat:
    """A pair flagged in several assignments: the score in each assignment compared."""

    a: str
    b: str
    scores: dict[str, float]
    flagged_in: list[str]


def repeats(comparisons: list[Comparison]) -> list[Repeat]:
    """The pairs flagged in at least two of ``comparisons``, most often first."""
    seen: dict[tuple[str, str], Repeat] = {}
    for comp in comparisons:
        assignment = comp.submissions.assignment
        for pair in comp.pairs:
            key = (pair.a, pair.b)
            if pair.score > 0 or key in seen:
                rep = seen.setdefault(key, Repeat(pair.a, pair.b, {}, []))
                rep.scores[assignment] = pair.score
                if pair.flagged:
                    rep.flagged_in.append(assignment)
    out = [r for r in seen.values() if len(r.flagged_in) >= 2]
    return sorted(out, key=lambda r: (-len(r.flagged_in), -sum(r.scores.values()), r.a, r.b))
