"""``coursework similarity`` on the corpus: ranking, precision and recall, the report, the command.

The corpus (tests/helpers/similarity_corpus.py): for 01_features, 04_backprop and 05_sgd, five
hand-written honest students and nine disguised copies of two of them (each disguise
alone, and combinations). Deterministic by construction (fixed hash, seeded disguises),
so the counts below are exact.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import random
import re
from itertools import combinations
from pathlib import Path

import pytest

from helpers import similarity_corpus as corpus
from coursework.cli import main
from coursework.grading.course import open_course
from coursework.integrity.answers import MAX_NOTEBOOK_BYTES, REFERENCE, NoSubmissions, read_submissions
from coursework.integrity.pairs import Options
from coursework.integrity.run import similarity


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = corpus.build_course(tmp_path_factory.mktemp("similarity"))
    course = open_course(root)
    return course, similarity(course, list(corpus.ASSIGNMENTS))


def _by_assignment(result):
    return {c.submissions.assignment: c for c in result.comparisons}


@pytest.mark.parametrize("assignment", corpus.ASSIGNMENTS)
def test_every_copy_ranks_above_every_independent_pair(run, assignment):
    comp = _by_assignment(run[1])[assignment]
    assert len(comp.pairs) == 14 * 13 // 2
    copies = [p for p in comp.pairs if corpus.same_family(p.a, p.b)]
    honest = [p for p in comp.pairs if not corpus.same_family(p.a, p.b)]
    assert len(copies) == 15 + 10
    lowest = min(copies, key=lambda p: p.score)
    highest = max(honest, key=lambda p: p.score)
    assert lowest.score > highest.score + 0.3, (lowest, highest)
    # the list is ranked: every copy pair comes before every independent pair
    ranks = {(p.a, p.b): i for i, p in enumerate(comp.pairs)}
    assert max(ranks[(p.a, p.b)] for p in copies) < min(ranks[(p.a, p.b)] for p in honest)


@pytest.mark.parametrize("assignment", corpus.ASSIGNMENTS)
def test_precision_and_recall_at_the_default_threshold(run, assignment):
    comp = _by_assignment(run[1])[assignment]
    flagged = {(p.a, p.b) for p in comp.flagged}
    positives = {(p.a, p.b) for p in comp.pairs if corpus.same_family(p.a, p.b)}
    tp = len(flagged & positives)
    precision, recall = tp / len(flagged), tp / len(positives)
    print(f"{assignment}: precision {precision:.2f}, recall {recall:.2f} ({tp} of {len(positives)} copy pairs, "
          f"{len(flagged - positives)} false)")
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize("copier", sorted(corpus.COPIERS))
def test_each_disguise_is_flagged_against_its_original_in_every_assignment(run, copier):
    original, disguises = corpus.COPIERS[copier]
    for comp in run[1].comparisons:
        pair = next(p for p in comp.pairs if {p.a, p.b} == {copier, original})
        assert pair.flagged and pair.score >= 0.8, (comp.submissions.assignment, disguises, pair.score)
        assert pair.exercises_matched(comp.options.threshold) >= len(comp.submissions.exercises) - 1


def test_a_shared_short_helper_does_not_flag_a_pair(run):
    comps = _by_assignment(run[1])
    for assignment, (a, b) in corpus.HELPER_PAIRS.items():
        comp = comps[assignment]
        pair = next(p for p in comp.pairs if {p.a, p.b} == {a, b})
        helper_exercise = next(ex for ex, src in corpus.HONEST[assignment][a].items()
                               if isinstance(src, str) and src.startswith((corpus.SHARED_HELPER, corpus.HELPER_01)))
        assert helper_exercise in pair.matches                 # the helper is found ...
        assert not pair.flagged and pair.score < 0.4           # ... and does not make the pair suspicious
        assert pair.score < min(p.score for p in comp.flagged)


def test_pairs_that_match_again_and_again(run):
    result = run[1]
    assert result.repeats_page is not None and result.repeats_page.is_file()
    copies = {tuple(sorted(p)) for fam in ("ahn", "choi") for p in combinations(
        [fam] + [c for c, (o, _) in corpus.COPIERS.items() if o == fam], 2)}
    found = {tuple(sorted((r.a, r.b))): r for r in result.repeats}
    assert set(found) == copies
    assert all(len(r.flagged_in) == 3 for r in found.values())
    rows = list(csv.DictReader(result.repeats_page.with_suffix(".csv").open(encoding="utf-8")))
    assert len(rows) == len(copies) and rows[0]["flagged_in"] == "3"


def test_the_csv_has_every_pair_and_the_page_the_flagged_ones(run):
    course, result = run
    comp = _by_assignment(result)["05_sgd"]
    rows = list(csv.DictReader(result.tables["05_sgd"].open(encoding="utf-8")))
    assert len(rows) == 91 and {r["flagged"] for r in rows} == {"0", "1"}
    assert sum(r["flagged"] == "1" for r in rows) == len(comp.flagged) == 25
    assert list(rows[0])[6:] == [f"similarity:{ex}" for ex in comp.submissions.exercises]
    top = rows[0]
    assert float(top["score"]) == pytest.approx(comp.pairs[0].score, abs=1e-4)
    page = result.pages["05_sgd"].read_text(encoding="utf-8")
    assert page.count("<section class='pair'") == 25
    assert "evidence for a person to judge, not a verdict" in page
    # side by side: both answers of a matching exercise, with marked lines on each side
    first = page.split("<section class='pair' id='pair-1'>")[1].split("</section>")[0]
    assert first.count("<div class='side'>") == 5 and first.count("<pre>") == 10
    assert first.count("<span class='l m'>") >= 20


def test_the_page_allows_no_script_and_loads_nothing(run):
    page = run[1].pages["01_features"].read_text(encoding="utf-8")
    policy = re.search(r'http-equiv=\'Content-Security-Policy\' content="([^"]*)"', page).group(1)
    assert "script-src 'none'" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "<script" not in page.lower() and " style=" not in page
    assert not re.search(r"(src|href)=['\"](?!#)", page), "the page must not load or link anything outside it"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """05_sgd with hostile ids and code, a garbage notebook, a student who copied the
    reference, and sentinels in the reference's answer cell and in a hidden check."""
    evil = "<img src=x onerror=alert(1)>"
    formula = "=HYPERLINK(1)"
    code = HONEST05["ahn"]["numerical_gradient"].replace(
        "# central difference", "# </pre><script>alert('pwned')</script>")
    students = {s: dict(HONEST05[s]) for s in ("baek", "choi", "dong", "eun")}
    students[evil] = dict(HONEST05["ahn"], numerical_gradient=code)
    students[formula] = {ex: corpus.rename(src, random.Random(1)) for ex, src in students[evil].items()}
    students["blank"] = {}                                   # the release as it was: nobody's work
    root = corpus.build_course(tmp_path_factory.mktemp("hostile"), ("05_sgd",), students={"05_sgd": students})
    # the reference, with sentinels; a student who copied it (comments dropped, names changed)
    path = root / "solutions" / "05_sgd" / "05_sgd.ipynb"
    nb = json.loads(path.read_text())
    reference = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        src = "".join(cell["source"])
        if meta.get("solution") and cell["cell_type"] == "code":
            if meta["grade_id"] == "relu_net_step":
                src = src.replace("    pre = x.dot(w1)", "    pre = x.dot(w1)  # SENTINEL_SOLUTION_7731")
            reference[meta["grade_id"]] = src
        elif "BEGIN HIDDEN TESTS" in src:
            src = src.replace("### BEGIN HIDDEN TESTS", "### BEGIN HIDDEN TESTS\n# SENTINEL_HIDDEN_4412")
        cell["source"] = src
    path.write_text(json.dumps(nb))
    assert "SENTINEL_HIDDEN_4412" in path.read_text()
    copied = {ex: corpus.comments_and_strings(corpus.rename(src, random.Random(2)), random.Random(3))
              for ex, src in reference.items()}
    release = json.loads((root / "notebooks" / "05_sgd" / "05_sgd.ipynb").read_text())
    for cell in release["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in copied:
            cell["source"] = copied[gid]
    (root / "submitted" / "tan" / "05_sgd").mkdir(parents=True)
    (root / "submitted" / "tan" / "05_sgd" / "05_sgd.ipynb").write_text(json.dumps(release))
    (root / "submitted" / "garbage" / "05_sgd").mkdir(parents=True)
    (root / "submitted" / "garbage" / "05_sgd" / "05_sgd.ipynb").write_text("{not json <script>")
    (root / "submitted" / "huge" / "05_sgd").mkdir(parents=True)
    with (root / "submitted" / "huge" / "05_sgd" / "05_sgd.ipynb").open("wb") as f:
        f.truncate(MAX_NOTEBOOK_BYTES + 1)                  # sparse: no disk, and never read whole
    return root, evil, formula


HONEST05 = corpus.HONEST["05_sgd"]


def _outputs(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_student_text_is_escaped_and_formulas_neutralised(hostile, tmp_path):
    root, evil, formula = hostile
    result = similarity(open_course(root), ["05_sgd"], out=tmp_path)
    page = result.pages["05_sgd"].read_text(encoding="utf-8")
    comp = result.comparisons[0]
    assert any({p.a, p.b} == {evil, formula} for p in comp.flagged)
    assert "<script" not in page and "<img" not in page and "</pre><script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    assert comp.submissions.unreadable == {"garbage": "not a notebook (not JSON: JSONDecodeError)",
                                           "huge": "the notebook is over the 20 MB limit"}
    assert all(p.score == 0 and not p.matches for p in comp.pairs if "blank" in (p.a, p.b))
    assert "garbage" in page
    rows = list(csv.reader(result.tables["05_sgd"].open(encoding="utf-8")))
    cells = [c for row in rows[1:] for c in row[:2]]
    assert "'" + formula in cells and formula not in cells


def test_solutions_and_hidden_checks_stay_out_unless_asked(hostile, tmp_path):
    root, _, _ = hostile
    course = open_course(root)
    plain = similarity(course, ["05_sgd"], out=tmp_path / "plain")
    text = _outputs(tmp_path / "plain")
    assert "SENTINEL_SOLUTION_7731" not in text and "SENTINEL_HIDDEN_4412" not in text
    assert REFERENCE not in plain.comparisons[0].submissions.answers and "reference solution" not in text

    asked = similarity(course, ["05_sgd"], out=tmp_path / "asked", include_reference=True)
    text = _outputs(tmp_path / "asked")
    comp = asked.comparisons[0]
    pair = next(p for p in comp.pairs if {p.a, p.b} == {REFERENCE, "tan"})
    assert pair.flagged and pair.score > 0.8
    assert "(reference solution)" in text and "SENTINEL_SOLUTION_7731" in text
    assert "SENTINEL_HIDDEN_4412" not in text, "a hidden check reached the report"


def test_the_report_speaks_the_course_language(hostile, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEWORK_LANG", "ko")
    root, _, _ = hostile
    result = similarity(open_course(root), ["05_sgd"], out=tmp_path, include_reference=True)
    page = result.pages["05_sgd"].read_text(encoding="utf-8")
    assert "<html lang='ko'>" in page and "05_sgd: 답안 유사도" in page
    assert "이 보고서는 사람이 판단할 근거이며 판정이 아니다." in page and "(모범 답안)" in page
    assert "similarity of the answers" not in page


def test_options_are_checked():
    with pytest.raises(ValueError, match=r"threshold: expected a number from 0 to 1, got 1.5"):
        Options(threshold=1.5)
    with pytest.raises(ValueError, match=r"min_matched: expected a whole number >= 0, got -1"):
        Options(min_matched=-1)


def test_the_command_and_its_errors(hostile, capsys):
    root, _, _ = hostile
    course = ["--course", str(root)]
    assert main(["similarity", *course, "--no-progress", "05_sgd", "--out", str(root / "out")]) == 0
    out = capsys.readouterr().out
    assert "05_sgd: 8 submissions, 28 pairs" in out and "NOT COMPARED garbage" in out
    assert "Evidence for a person to judge, not a verdict" in out
    assert (root / "out" / "05_sgd" / "similarity.html").is_file()

    assert main(["similarity", *course]) == 2
    assert "name the assignment: coursework similarity ASSIGNMENT (make similarity A=ASSIGNMENT); " \
           "assignments with submissions: 05_sgd (10 submissions)" in capsys.readouterr().err
    assert main(["similarity", *course, "09_nothing"]) == 2
    assert "no assignment '09_nothing'" in capsys.readouterr().err
    assert main(["similarity", *course, "05_sgd", "--threshold", "7"]) == 2
    assert "threshold: expected a number from 0 to 1, got 7" in capsys.readouterr().err


def test_too_few_submissions_or_no_release_say_what_is_missing(tmp_path):
    root = corpus.build_course(tmp_path, ("05_sgd",), students={"05_sgd": {"ahn": HONEST05["ahn"]}})
    course = open_course(root)
    with pytest.raises(NoSubmissions, match=r"1 readable submission\(s\) in .*at least two are needed"):
        read_submissions(course, "05_sgd")
    (root / "notebooks" / "05_sgd" / "05_sgd.ipynb").unlink()
    with pytest.raises(NoSubmissions, match=r"no release of '05_sgd' .*run `coursework release 05_sgd` first"):
        read_submissions(course, "05_sgd")
