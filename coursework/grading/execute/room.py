"""The room a grading kernel runs in: its own folder outside the course, a scrubbed
environment and, on Linux, the sandbox (:mod:`coursework.grading.kernel.sandbox`).

One room per submission, made by :class:`KernelRoom` under the system's temporary
folder (short paths: the kernel's unix sockets live there)::

    <tmp>/cw-XXXXXX/
        bundle/   what the student's own bundle holds: the package with this assignment's
                  and later answers stripped, and the visible checks (read-only)
        work/     the kernel's working folder, HOME and TMPDIR: the submitted files
                  (regular files only) and the assignment's own files (read-write)
        run/      the kernel's connection file and ipc sockets (no TCP port is opened)
        relay/    the grader's ends of the kernel's channels (:mod:`.relay`; not the kernel's)

Confined, the kernel reads Python, its site-packages and ``bundle/``, writes only
``work/``, binds sockets only in ``run/``, connects to none (after ipykernel's own
set-up), and reaches nothing of the course: not the hidden checks, the solutions, the
gradebook, the configuration, other students' files or other kernels' rooms. That
holds however the course is installed: every copy of ``coursework`` and
``grader_tests`` on the grader's ``sys.path`` (in site-packages after ``pip install .``,
with the hidden checks and the whole reference) is unreadable to it: it may list
site-packages, not open their files. Its environment is an allow-list (:data:`ENV_KEEP` plus the
room's own variables). Nothing comes back from the room but what the kernel sends
over its channels, through the relay: the grader writes the graded notebook itself,
and the room is deleted afterwards. ``work/`` is watched: past ``disk_mb`` the kernel
is stopped; a message over the relay's limit is dropped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..kernel import sandbox
from ..secret import course_package_copies
from ..settings import DEFAULTS
from .notebook import THREAD_VARS, grading_kernel_manager
from .relay import DEFAULT_MAX_MESSAGE_BYTES, Relay

__all__ = ["KernelRoom", "ENV_KEEP", "sandbox_missing", "copy_files"]

#: Variables of the grader's environment a kernel keeps (the rest is dropped).
ENV_KEEP = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "COURSEWORK_LANG",
    "SYSTEMROOT",
)
SANDBOX_MODULE = Path(sandbox.__file__)
#: The largest file of a submission (or of the assignment's own) given to a kernel.
MAX_INPUT_BYTES = 64 << 20


def sandbox_missing() -> str | None:
    """None where the kernel sandbox can be set up, else one line naming what is missing."""
    return sandbox.missing()


def copy_files(src: Path, dest: Path, *, skip_notebooks: bool, max_bytes: int) -> list[str]:
    """Regular files of ``src`` into ``dest`` (no symlink followed, none copied); returns notes."""
    notes: list[str] = []
    if not src.is_dir():
        return notes
    for root, dirs, files in os.walk(src, followlinks=False):
        rel_root = Path(root).relative_to(src)
        dirs[:] = [d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(root, d))]
        for name in files:
            path = Path(root) / name
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                continue
            if skip_notebooks and name.endswith(".ipynb"):
                continue
            if info.st_size > max_bytes:
                notes.append(
                    f"the file {(rel_root / name).as_posix()} ({info.st_size:,} bytes) was not given to "
                    f"the kernel (the limit is {max_bytes:,} bytes per file)"
                )
                continue
            target = dest / rel_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target, follow_symlinks=False)
    return notes


class KernelRoom:
    """One kernel's folder, environment, kernel manager and (optionally) sandbox policy."""

    def __init__(
        self,
        *,
        bundle_stage: Path,
        inputs: list[Path],
        course_root: Path,
        sandbox: bool = True,
        memory_mb: int = DEFAULTS.memory_mb,
        cpu_seconds: int | None = None,
        file_mb: int = 64,
        disk_mb: int = DEFAULTS.disk_mb,
        threads: int = DEFAULTS.threads,
        max_input_bytes: int = MAX_INPUT_BYTES,
    ):
        self.path = Path(tempfile.mkdtemp(prefix="cw-"))
        self.bundle, self.work, self.run = self.path / "bundle", self.path / "work", self.path / "run"
        self.relay_dir = self.path / "relay"
        self.run.mkdir(mode=0o700)
        self.relay_dir.mkdir(mode=0o700)
        self.relay: Any = None
        (self.work / "tmp").mkdir(parents=True)
        shutil.copytree(bundle_stage, self.bundle)
        self.notes: list[str] = []
        for folder in inputs:  # the submission first, then the assignment's own files over it
            self.notes += copy_files(folder, self.work, skip_notebooks=True, max_bytes=max_input_bytes)
        self.course_root = Path(course_root)
        self.sandbox, self.memory_mb, self.cpu_seconds = sandbox, memory_mb, cpu_seconds
        self.file_mb, self.disk_mb, self.threads = file_mb, disk_mb, threads
        self.stopped: str = ""
        self._kills: set[asyncio.Future] = set()  # kernels being stopped (kept until done)
        _seed_matplotlib_cache(self.work / ".mpl")

    # -- the kernel's environment and policy ------------------------------------------------
    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
        work = str(self.work)
        env.update(
            {
                "HOME": work,
                "TMPDIR": str(self.work / "tmp"),
                "PYTHONPATH": str(self.bundle),
                "PYTHONNOUSERSITE": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
                "MPLCONFIGDIR": str(self.work / ".mpl"),
                "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                "IPYTHONDIR": str(self.work / ".ipython"),
                "JUPYTER_CONFIG_DIR": str(self.work / ".jupyter"),
                "JUPYTER_DATA_DIR": str(self.work / ".jupyter-data"),
                "JUPYTER_RUNTIME_DIR": str(self.work / ".jupyter-runtime"),
                "JUPYTER_PLATFORM_DIRS": "1",
                "COURSEWORK_DEVICE": "cpu",
                "COURSEWORK_KERNEL_MEMORY_MB": str(int(self.memory_mb or 0)),
                "NBGRADER_EXECUTION": "autograde",
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            }
        )
        env.setdefault("LANG", "C.UTF-8")
        for var in THREAD_VARS:
            env[var] = str(self.threads)
        if self.sandbox:
            env["COURSEWORK_SANDBOX_MODULE"] = str(SANDBOX_MODULE)
            env["COURSEWORK_SANDBOX"] = self.policy().to_json()
        if extra:
            env.update(extra)
        return env

    def policy(self) -> sandbox.Policy:
        return sandbox.kernel_policy(
            str(self.work),
            read_only=[str(self.bundle)],
            exclude=[str(self.course_root)],
            hide=[str(p) for p in course_package_copies()],
            socket_dirs=[str(self.run)],
            memory_mb=self.memory_mb or None,
            cpu_seconds=self.cpu_seconds,
            file_mb=self.file_mb,
            open_files=1024,
            processes=None,
        )

    def kernel_manager(self, context: Any = None):
        """A kernel manager for this room: ipc sockets in ``run/``; the grader's side (its
        control socket and clients) connects through the relay (start it: :meth:`open_relay`)."""
        km = grading_kernel_manager(context)
        km.transport = "ipc"
        km.ip = str(self.run / "k")
        km.connection_file = str(self.run / "kernel.json")
        km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port = range(1, 6)
        km.coursework_relay = str(self.relay_dir / "k")
        return km

    async def open_relay(self, km: Any, max_message: int | None = None) -> None:
        """Start the relay of ``km``'s channels: a message over ``max_message`` bytes is dropped
        (:meth:`relay_notes`); a kernel that breaks the channels' framing is stopped, and
        :attr:`stopped` says why."""

        def violated(why: str) -> None:
            self.stopped = f"{why}; the kernel was stopped"
            self._kills.add(asyncio.ensure_future(_kill(km)))

        self.relay = Relay(
            km.ip,
            km.coursework_relay,
            list(range(1, 6)),
            max_message=max_message or DEFAULT_MAX_MESSAGE_BYTES,
            on_violation=violated,
        )
        await self.relay.start()

    def relay_notes(self) -> list[str]:
        """What the relay dropped, in words (none if nothing)."""
        n = self.relay.dropped if self.relay is not None else 0
        if not n:
            return []
        return [
            f"the kernel sent {n} message(s) of more than {self.relay.max_message // 2**20} MB; they were "
            "dropped (an output or answer that large cannot be graded)"
        ]

    # -- while it runs ---------------------------------------------------------------------
    async def watch(self, km: Any, every: float = 0.5) -> None:
        """Stop the kernel when ``work/`` holds more than ``disk_mb`` (run as a task; cancel it)."""
        limit = self.disk_mb * 1024 * 1024
        while True:
            await asyncio.sleep(every)
            size = await asyncio.to_thread(_tree_size, self.work)
            if size > limit:
                self.stopped = f"the kernel wrote more than {self.disk_mb} MB into its folder and was stopped"
                await _kill(km)
                return

    async def aclose(self) -> None:
        """Stop the relay (if any) and delete the room."""
        if self.relay is not None:
            await self.relay.close()
            self.relay = None
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


async def _kill(km: Any) -> None:
    try:
        await km.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - already gone
        pass


def _tree_size(root: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total


def _seed_matplotlib_cache(dest: Path) -> None:
    """Copy the grader's matplotlib font cache, so that each kernel does not rebuild it."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib  # here: only a room needs its cache folder, and it costs 0.3 s to import

        cache = Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001
        return
    for path in cache.glob("fontlist-*.json"):
        try:
            shutil.copyfile(path, dest / path.name)
        except OSError:
            pass
