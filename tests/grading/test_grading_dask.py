"""``coursework autograde --scheduler`` on a real Dask cluster on 127.0.0.1: ``dask scheduler``
and two ``dask worker`` processes (started with the commands the README gives).

One class of 01_features (helpers.class_fixtures.class_kinds's fifteen kinds and four hostile
submissions of hostile_corpus) is graded locally (tests/conftest.py's ``graded_class``, shared with
test_cli_autograde.py), then again on the cluster while one
worker is killed (SIGKILL) with a kernel running and a new one joins: the scores, the records (every check's
score and reason, the notes) and the judged cells' outputs must be identical. A class of
twelve on the tiny assignment is graded on the cluster while the coordinator is killed
(SIGKILL) and started again: each student graded exactly once, the same as locally. A
worker whose kernels cannot start is named and its work goes to the other.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the Dask extra: pip install -e '.[dask]'")
import psutil  # noqa: E402 - a dependency of distributed

from helpers.class_fixtures import A, TINY, cli, make_course, snapshot, submit_tiny, tiny_assignment  # noqa: E402

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1."""

    def __init__(self, folder: Path):
        self.folder, self.procs, self.workers = folder, [], []
        env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
        info = folder / "scheduler.json"
        self.scheduler = self._start([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                      "--no-dashboard", "--scheduler-file", str(info)], env)
        deadline = time.monotonic() + 120
        while not info.exists():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            assert self.scheduler.poll() is None, "the Dask scheduler exited"
            time.sleep(0.2)
        time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]

    def _start(self, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"proc-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env or dict(os.environ))
        self.procs.append(proc)
        return proc

    def add_worker(self) -> subprocess.Popen:
        from distributed import Client

        proc = self._start([str(BIN / "dask"), "worker", self.address, "--nthreads", "1", "--no-nanny",
                            "--no-dashboard", "--host", "127.0.0.1"])
        self.workers.append(proc)
        with Client(self.address, timeout="60s") as client:
            alive = len([p for p in self.workers if p.poll() is None])
            client.wait_for_workers(alive, timeout=120)
        return proc

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        c.add_worker()
        c.add_worker()
        yield c
    finally:
        c.close()


def _kernel_running(proc: subprocess.Popen) -> bool:
    try:
        return any("ipykernel" in " ".join(c.cmdline()) or "kernelapp" in " ".join(c.cmdline())
                   for c in psutil.Process(proc.pid).children(recursive=True))
    except psutil.Error:
        return False


def autograde_argv(course: Path, assignment: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "coursework.cli", "autograde", assignment, "--course", str(course),
            "--timeout", "10", "--json", "--no-progress", *extra]


@pytest.fixture(scope="module")
def graded(graded_class, cluster):
    course = graded_class["course"]
    # the class graded locally, again on the cluster; one worker killed while its kernel runs
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.Popen(autograde_argv(course, A, "--force", "--scheduler", cluster.address),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    victim = cluster.workers[0]
    deadline = time.monotonic() + 300
    while not _kernel_running(victim):
        assert proc.poll() is None, f"the run ended before a kernel ran on the victim:\n{proc.stderr.read()}"
        assert time.monotonic() < deadline, "no kernel started on the first worker"
        time.sleep(0.1)
    time.sleep(1.0)
    killed_mid_run = _kernel_running(victim) and proc.poll() is None
    victim.kill()
    victim.wait(timeout=30)
    cluster.add_worker()  # a new worker joins the running class: two again, for the rest of it and the next tests
    stdout, stderr = proc.communicate(timeout=900)
    assert proc.returncode == 0, stdout + stderr
    after = snapshot(course, A)
    return {"course": course, "kinds": graded_class["kinds"], "cases": graded_class["cases"],
            "local": graded_class["summary"], "dask": json.loads(stdout), "before": graded_class["before"],
            "after": after, "killed_mid_run": killed_mid_run}


def test_cluster_scores_equal_local_and_the_expected_ones(graded):
    students = set(graded["kinds"]) | set(graded["cases"])
    assert len(students) >= 12
    assert sorted(graded["dask"]["graded"]) == sorted(students) == sorted(graded["local"]["graded"])
    assert graded["dask"]["failed"] == {}
    assert graded["dask"]["scores"] == graded["local"]["scores"]
    expected = {**{s: k.total for s, k in graded["kinds"].items()}, **{s: c.total for s, c in graded["cases"].items()}}
    assert {s: v[0] for s, v in graded["dask"]["scores"].items()} == expected


def test_cluster_feedback_equals_local(graded):
    before, after = graded["before"], graded["after"]
    assert sorted(after) == sorted(before)
    for student in before:
        assert after[student] == before[student], student


def test_worker_killed_mid_submission_its_work_graded_elsewhere(graded):
    assert graded["killed_mid_run"]
    # every student once in the gradebook, none failed, no half-written folder left
    course = graded["course"]
    assert not list((course / "autograded").glob(f"*/.{A}.coursework-*"))
    state = json.loads((course / "autograded" / ".coursework" / "state.json").read_text())["submissions"]
    assert sorted(k.split("/", 1)[1] for k in state if k.startswith(f"{A}/")) == sorted(graded["after"])


def _tiny_class(root: Path, n: int = 12) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    course = make_course(root, assignments=())
    tiny_assignment(course)
    cli("release", TINY, "--no-bundle", "--course", str(course))
    for i in range(n):
        submit_tiny(course, f"t{i:02d}", sleep=1.0)
    return course


def test_coordinator_killed_and_restarted_grades_each_student_once(tmp_path, cluster):
    local = _tiny_class(tmp_path / "a")
    remote = tmp_path / "b" / "course"
    shutil.copytree(local, remote)  # the same submissions and course secret: the same hidden inputs
    cli(*autograde_argv(local, TINY, "--jobs", "2")[3:])
    proc = subprocess.Popen(autograde_argv(remote, TINY, "--scheduler", cluster.address),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, MPLBACKEND="Agg"))
    state_file = remote / "autograded" / ".coursework" / "state.json"
    deadline = time.monotonic() + 300
    while True:
        assert proc.poll() is None, "the run ended before it was killed"
        assert time.monotonic() < deadline
        try:
            entries = json.loads(state_file.read_text())["submissions"]
        except (OSError, ValueError):
            entries = {}
        if len(entries) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    first = json.loads(state_file.read_text())["submissions"]
    assert 3 <= len(first) < 12
    second = json.loads(cli(*autograde_argv(remote, TINY, "--scheduler", cluster.address)[3:]).stdout)
    done_first = sorted(k.split("/", 1)[1] for k in first)
    assert sorted(second["skipped"]) == done_first
    assert sorted(second["graded"]) == sorted(set(f"t{i:02d}" for i in range(12)) - set(done_first))
    assert second["failed"] == {}
    final = json.loads(state_file.read_text())["submissions"]
    assert {k: v["graded_at"] for k, v in final.items() if k in first} == {k: v["graded_at"] for k, v in first.items()}
    assert snapshot(remote, TINY) == snapshot(local, TINY)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{remote / 'gradebook.db'}") as gb:
        assert sorted(s.student.id for s in gb.find_assignment(TINY).submissions) == [f"t{i:02d}" for i in range(12)]


def _stage_held(dask_worker, name):
    """Run on a worker: the SHA-256 of the bundle stage it holds as ``name``, or None."""
    import hashlib

    plugin = dask_worker.plugins.get(name)
    return None if plugin is None else hashlib.sha256(plugin.tar).hexdigest()


def test_every_worker_holds_the_bundle_stage_whatever_happens_to_the_others(tmp_path, cluster):
    # The stage went out as data scattered to every worker, of which Dask's memory manager keeps
    # one copy after a few seconds: a killed worker could take the last copy, and every submission
    # still to grade failed ("NoneType: None"). Now a worker plugin: the scheduler hands it to
    # every worker, the ones that join later included.
    import cloudpickle
    from distributed import Client

    from coursework.grading.run.cluster import DaskExecutor

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    stage = tmp_path / "stage"
    (stage / "pkg").mkdir(parents=True)
    (stage / "pkg" / "__init__.py").write_text("ANSWER = 42\n")
    with Client(cluster.address, timeout="60s") as client, DaskExecutor(client, stage, say=lambda _: None) as ex:
        name, digest = ex.stage_name, ex.stage_hash
        assert set(client.run(_stage_held, name=name).values()) == {digest}
        time.sleep(5)                                     # past the memory manager's clean-up of extra copies
        first = cluster.workers[0] if cluster.workers[0].poll() is None else cluster.workers[1]
        first.kill()
        first.wait(timeout=30)
        cluster.add_worker()                              # two again for the next tests
        held = client.run(_stage_held, name=name)
        assert len(held) == 2 and set(held.values()) == {digest}, held
    with Client(cluster.address, timeout="60s") as client:   # the run over, the workers keep nothing
        assert set(client.run(_stage_held, name=name).values()) == {None}


def _break_kernels():
    """Run on one worker: its kernels 'do not start'."""
    import coursework.grading.run.worker as worker
    from coursework.grading.execute.outcome import KernelStartError

    async def broken(*args, **kwargs):
        raise KernelStartError("the kernel did not start (test: this worker is broken)")

    worker._real_run_notebook = worker.run_notebook
    worker.run_notebook = broken


def _mend_kernels():
    import coursework.grading.run.worker as worker

    worker.run_notebook = worker._real_run_notebook


def test_worker_that_cannot_start_kernels_is_named_and_its_work_goes_to_the_other(tmp_path, cluster):
    import cloudpickle
    from distributed import Client

    course = _tiny_class(tmp_path, n=4)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    alive = [p for p in cluster.workers if p.poll() is None]
    assert len(alive) == 2
    with Client(cluster.address, timeout="60s") as client:
        broken = sorted(client.nthreads())[0]
        client.run(_break_kernels, workers=[broken])
        try:
            run = cli("autograde", TINY, "--course", str(course), "--timeout", "10", "--no-progress",
                      "--scheduler", cluster.address)
        finally:
            client.run(_mend_kernels, workers=[broken])
    assert f"worker {broken} could not start kernels" in run.stdout
    assert "test: this worker is broken" in run.stdout
    assert "graded 4, skipped 0 (unchanged), failed 0" in run.stdout
