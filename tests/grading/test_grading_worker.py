"""The plain-data pieces of grading on other machines (coursework.grading.run.worker and
.distributed), without kernels: packing a submission's files as a room would copy them,
the bundle's tar, the outcomes' round trip, and the --cluster argument."""

from __future__ import annotations

import json
import os

import pytest

from coursework.grading.course import CourseError
from coursework.grading.run.cluster import code_digest, parse_cluster
from coursework.grading.execute.outcome import CellOutcome, CellStatus, NotebookOutcome
from coursework.grading.run.worker import Job, Result, pack_folders, pack_stage, unpack_stage, write_files
from coursework.grading.settings import Settings


def test_pack_folders_keeps_what_a_room_copies_and_says_what_it_left_out(tmp_path):
    sub, own = tmp_path / "sub", tmp_path / "own"
    (sub / "data").mkdir(parents=True)
    own.mkdir()
    (sub / "data" / "x.txt").write_text("student's")
    (sub / "same.txt").write_text("student's")
    (own / "same.txt").write_text("assignment's")           # the assignment's own file wins
    (sub / "nb.ipynb").write_text("{}")                     # notebooks travel apart
    (sub / "big.bin").write_bytes(b"0" * 2000)              # over the limit: a note
    (sub / ".hidden").mkdir()
    (sub / ".hidden" / "y.txt").write_text("no")
    os.symlink("/etc/passwd", sub / "link")                 # never followed
    files, notes = pack_folders([sub, own], max_bytes=1000)
    assert dict(files) == {"data/x.txt": b"student's", "same.txt": b"assignment's"}
    assert len(notes) == 1 and "big.bin" in notes[0] and "1,000 bytes" in notes[0]


def test_written_files_cannot_leave_their_folder(tmp_path):
    write_files([("a/b.txt", b"ok")], tmp_path)
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"ok"
    with pytest.raises(ValueError, match="leaves its folder"):
        write_files([("../escape.txt", b"no")], tmp_path / "a")
    assert not (tmp_path / "escape.txt").exists()


def test_stage_tar_unpacks_to_the_same_files(tmp_path, monkeypatch):
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the workers' cache, here
    stage = tmp_path / "bundle"
    (stage / "pkg" / "sub").mkdir(parents=True)
    (stage / "pkg" / "__init__.py").write_text("x = 1\n")
    (stage / "pkg" / "sub" / "m.py").write_text("y = 2\n")
    data, digest = pack_stage(stage)
    job = Job("s", "a", {}, {}, Settings(), str(tmp_path), stage_tar=data, stage_hash=digest)
    unpacked = unpack_stage(job)
    assert sorted(p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*.py")) == ["pkg/__init__.py",
                                                                                          "pkg/sub/m.py"]
    assert (unpacked / "pkg" / "sub" / "m.py").read_text() == "y = 2\n"
    assert unpacked.parent.parent == tmp_path / "tmp"
    assert unpack_stage(job) == unpacked  # unpacked once per hash


def test_result_round_trip_as_dask_sends_it():
    """A worker's Result crosses to the coordinator pickled (Dask): outcomes keep their types."""
    import pickle

    outcome = NotebookOutcome(cells={3: CellOutcome(3, "ok", seconds=0.5),
                                     7: CellOutcome(7, "died", detail="killed by SIGKILL")},
                              stopped="the kernel died", seconds=2.0)
    result = Result(notebooks={"nb": "{}"}, outcomes={"nb": outcome}, judge={"nb": {"checks": 2}},
                    notes={"nb": ["a note"]}, log=["line"], kernel_log=b"| out\n", worker="tcp://w:1", seconds=3.0)
    back = pickle.loads(pickle.dumps(result))
    assert back == result
    cells = back.outcomes["nb"].cells
    assert isinstance(next(iter(cells)), int) and cells[7].status is CellStatus.DIED
    assert json.dumps(cells[7].status) == '"died"'          # the records hold the plain word


def test_cell_status_is_checked():
    with pytest.raises(ValueError):
        CellOutcome(1, "exploded")


@pytest.mark.parametrize("text", ["local", "local:0", "local:x", "remote:2", "tcp://h:1"])
def test_cluster_argument_is_checked(text):
    with pytest.raises(CourseError, match="local:N"):
        parse_cluster(text)


def test_cluster_argument():
    assert parse_cluster("local:3") == 3


def test_code_digest_is_stable():
    assert code_digest() == code_digest() and len(code_digest()) == 64
