"""The grading kernel's launcher: ``python -c LAUNCHER -f CONNECTION_FILE``.

It runs before anything of the student's, in the kernel's process: it loads the sandbox
(:mod:`.sandbox`, by the file path in ``COURSEWORK_SANDBOX_MODULE``) and confines the
process; without the sandbox it sets ``RLIMIT_AS`` (``COURSEWORK_KERNEL_MEMORY_MB``), so a
runaway allocation raises ``MemoryError`` in the student's cell; it asks Linux to kill the
kernel when the grader dies (``PR_SET_PDEATHSIG``); it starts ipykernel with an IOPub socket
that never drops a message (ZeroMQ drops past 1,000 queued, which lost a cell's "idle" and
so the kernel: the backlog of a kernel faster than the grader waits in the kernel's own
memory); it loads the output cut (:mod:`.outputs`, by the path in
``COURSEWORK_KERNEL_CAPS``) into ipykernel's session; and, confined, it forbids
``connect()`` (:func:`.sandbox.forbid_connect`) once ipykernel has set up its channels,
before any cell runs.

Its code imports the standard library and the kernel itself (ipykernel, zmq), nothing of
the course (the course's editable install is dropped from the import system).
"""

__all__ = ["LAUNCHER"]

#: Runs as ``python -c LAUNCHER -f CONNECTION_FILE``: limits first, then ipykernel
#: (as ipykernel_launcher does, without the cwd on sys.path while it loads).
LAUNCHER = r"""
import json, os, runpy, sys
box = os.environ.pop("COURSEWORK_SANDBOX_MODULE", None)
caps = json.loads(os.environ.pop("COURSEWORK_KERNEL_CAPS", "null") or "null")
outputs = runpy.run_path(caps["module"]) if caps else None             # loaded before the sandbox hides its file
sandbox = runpy.run_path(box) if box else None
if sandbox:                                                            # confine first (kernel/sandbox.py)
    sandbox["apply_from_env"]()
mb = 0 if box else int(os.environ.get("COURSEWORK_KERNEL_MEMORY_MB") or 0)
if mb > 0:
    try:
        import resource
        limit = mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit if hard == resource.RLIM_INFINITY else min(limit, hard)))
    except (ImportError, ValueError, OSError):
        pass                                                           # no limit where there is none to set
if sys.platform.startswith("linux"):
    try:
        import ctypes, signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        parent = os.environ.get("JPY_PARENT_PID")
        if parent and os.getppid() != int(parent):
            os._exit(1)                                                # the grader is already gone
    except Exception:
        pass
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
if box:                                                                # the course's editable install: not here
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "").lower()]
import zmq
from ipykernel.kernelapp import IPKernelApp
class GradingKernelApp(IPKernelApp):
    def init_iopub(self, context):                                     # nothing dropped when the grader is slower:
        context.setsockopt(zmq.SNDHWM, 0)                              # the backlog waits in the kernel's memory
        super().init_iopub(context)
app = GradingKernelApp.instance()
app.initialize()                                                       # ipykernel's sockets and threads
if outputs:
    outputs["cap_messages"](app.session, caps["max_bytes"], tuple(caps["exempt"]))
if sandbox:
    sandbox["forbid_connect"]()                                        # before any student code runs
app.start()
"""
