"""The judge: decides every check of a submission outside the student's kernel.

Under ``coursework autograde`` the kernel runs the student's cells but never a test
cell. For each test cell the judge runs that cell's code as it stands in the
*source* notebook (hidden tests included), in this process, with the check modules
imported here (``grader_tests`` and the full ``coursework`` reference). The names the
code takes from the notebook (the student's functions and classes) are
:class:`Remote` handles: calling one, reading an attribute or applying an arithmetic
operator sends a request to the agent in the kernel (:mod:`.agent`) and turns the
plain data of its reply (:mod:`.wire`) into values here. Objects that are not plain
data stay in the kernel; their handles support the operations the checks use (call,
attribute, item, arithmetic, ``isinstance``, ``len``, iteration, ``np.asarray``).
Truth is never asked of the kernel: ``==`` and ``!=`` of a handle are identity (one
handle per kernel object), ``<``, ``>`` and ``bool()`` raise ``TypeError``, so a
check decides on plain data (:mod:`grader_tests.plain`), not on the student's
``__eq__``, ``__ne__``, ``__lt__`` or ``__bool__``.

What crosses to the kernel: plain data, handles of the kernel's own objects,
*public* functions by name (module-level functions of the visible checks or the
package, optionally with plain arguments bound: :func:`grader_tests.harness.public`),
handed to the student's functions, and code: the checks' builders of objects in the
kernel (04's graphs of nodes) travel as source (:func:`grader_tests.harness.in_kernel`),
like the agent, never as a name the student can rebind there. Never a reference to a
judge object. A failed check is an ``AssertionError`` whose
message is the student's feedback; anything else the check code raises is a failed
check too (its type and message). A request that runs longer than the cell's time
limit interrupts the kernel (:class:`CheckTimeout`); a kernel that dies ends the
notebook (:class:`KernelGone`).
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import functools
import json
import queue
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from nbformat.v4 import new_output

from grader_tests import harness

from ...i18n import msg
from ..execute.outcome import CellOutcome, CellStatus
from ..exercises import is_answer, is_check, is_hidden, meta
from ..kernel import wire
from ..kernel.agent import MIME, bootstrap_code, request_code
from ..secret import HIDDEN_BEGIN, PRIVATE_MODULES

__all__ = [
    "Judge",
    "Remote",
    "RemoteCallable",
    "KernelLink",
    "CheckTimeout",
    "KernelGone",
    "RemoteError",
    "remote_exception",
    "judge_namespace",
    "trusted_imports",
    "type_name",
    "is_remote",
    "PUBLIC_MODULES",
]

#: Modules whose module-level functions may be named to the kernel (it imports its own copy).
PUBLIC_MODULES = ("grader_tests.", "coursework.", "numpy", "math")
MAX_STREAM = 64 * 1024


class CheckTimeout(BaseException):
    """A request ran past the check's time limit (the kernel was interrupted)."""


class KernelGone(BaseException):
    """The kernel died or stopped answering while a check ran."""


class RemoteError(Exception):
    """Base of the exceptions raised by the student's code in the kernel (by type name)."""

    where: ClassVar[list] = []


_EXCEPTIONS: dict[str, type] = {}


def remote_exception(name: str, message: str, where: list | None = None) -> BaseException:
    """An exception standing for one the kernel raised: the builtin of that name where
    there is one (``NotImplementedError``, ``RecursionError``, ...), else a class of that
    name deriving from :class:`RemoteError`. Only the name and message cross."""
    cls = getattr(builtins, name, None) if name.isidentifier() else None
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        safe = name if name.isidentifier() else "Error"
        cls = _EXCEPTIONS.get(safe)
        if cls is None:
            cls = _EXCEPTIONS[safe] = type(safe, (RemoteError,), {"__module__": "student"})
    exc = cls(message)
    exc.coursework_where = list(where or [])
    return exc


def is_remote(value: Any) -> bool:
    return isinstance(value, Remote)


def type_name(value: Any) -> str:
    """The type name of a value, of a kernel object for a handle."""
    return value._type if isinstance(value, Remote) else type(value).__name__


# -- handles ---------------------------------------------------------------------------------


class Remote:
    """A handle to an object that stays in the student's kernel."""

    __slots__ = ("_link", "_id", "_type", "__weakref__")
    _coursework_remote = True  # grader_tests.harness.type_name reads the kernel's type name

    def __init__(self, link: KernelLink, hid: int, type_: str):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "_type", type_)

    # attributes and items
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in ("__name__", "__qualname__", "__doc__"):
            raise AttributeError(name)
        return self._link.request({"op": "getattr", "target": self, "name": name})

    def __setattr__(self, name: str, value: Any) -> None:
        self._link.request({"op": "setattr", "target": self, "name": name, "value": value})

    def __getitem__(self, key: Any) -> Any:
        return self._link.request({"op": "getitem", "target": self, "key": key})

    def __setitem__(self, key: Any, value: Any) -> None:
        self._link.request({"op": "setitem", "target": self, "key": key, "value": value})

    # builtins
    def _builtin(self, fn: str) -> Any:
        return self._link.request({"op": "builtin", "fn": fn, "target": self})

    def __repr__(self) -> str:
        try:
            text = self._builtin("repr")
        except BaseException:  # noqa: BLE001 - a repr for a message must not fail
            return f"<{self._type} object>"
        return text if isinstance(text, str) else f"<{self._type} object>"

    def __str__(self) -> str:
        text = self._builtin("str")
        return text if isinstance(text, str) else repr(self)

    def __format__(self, spec: str) -> str:
        return format(float(self), spec) if spec else str(self)

    def __len__(self) -> int:
        value = self._builtin("len")
        if type(value) is not int or value < 0:
            raise TypeError("len() of a kernel object did not give a non-negative int")
        return value

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth of a kernel object (a {self._type}) is not asked of the kernel: a check "
            "decides on plain data (grader_tests.plain)"
        )

    def __float__(self) -> float:
        value = self._builtin("float")
        if type(value) is not float:
            raise TypeError("float() of a kernel object did not give a float")
        return value

    def __int__(self) -> int:
        value = self._builtin("int")
        if type(value) is not int:
            raise TypeError("int() of a kernel object did not give an int")
        return value

    def __index__(self) -> int:
        value = self._builtin("index")
        if type(value) is not int:
            raise TypeError("a kernel object is not an integer index")
        return value

    def __iter__(self):
        items = self._builtin("list")
        if type(items) is not list:
            raise TypeError("iterating a kernel object did not give a list")
        return iter(items)

    def __array__(self, dtype=None, copy=None):
        arr = self._builtin("asarray")
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"a {self._type} is not an array of numbers")
        return arr if dtype is None else arr.astype(dtype)

    def __instancecheck__(self, instance: Any) -> bool:
        return self._link.request({"op": "isinstance", "target": instance, "cls": self}) is True

    def __deepcopy__(self, memo: dict) -> Remote:
        return self  # the kernel copies what it is given; a handle names one object

    def __copy__(self) -> Remote:
        return self

    def __reduce__(self):
        raise TypeError("a handle to a kernel object cannot be pickled")

    __hash__ = object.__hash__

    # arithmetic: computed in the kernel by the student's own methods (the result is data to check)
    def _binary(self, fn: str, left: Any, right: Any) -> Any:
        return self._link.request({"op": "binary", "fn": fn, "left": left, "right": right})

    def _unary(self, fn: str) -> Any:
        return self._link.request({"op": "unary", "fn": fn, "target": self})

    def __neg__(self):
        return self._unary("neg")

    def __pos__(self):
        return self._unary("pos")

    def __abs__(self):
        return self._unary("abs")

    # comparisons: decided here, never by the student's __eq__ / __ne__ / __lt__ ...
    def __eq__(self, other):
        return self is other  # a handle names one kernel object: equal means the same object

    def __ne__(self, other):
        return self is not other

    def _order(self, other):
        raise TypeError(
            f"a kernel object (a {self._type}) is not ordered by the kernel: a check compares "
            "plain data (grader_tests.plain)"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _order


def _add_operator(name: str, fn: str) -> None:
    setattr(Remote, f"__{name}__", lambda self, other: self._binary(fn, self, other))
    setattr(Remote, f"__r{name}__", lambda self, other: self._binary(fn, other, self))


for _name, _fn in (
    ("add", "add"),
    ("sub", "sub"),
    ("mul", "mul"),
    ("truediv", "truediv"),
    ("floordiv", "floordiv"),
    ("mod", "mod"),
    ("pow", "pow"),
    ("matmul", "matmul"),
):
    _add_operator(_name, _fn)


class RemoteCallable(Remote):
    """A handle to a callable kernel object (the student's function, class or method)."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._link.call(self, args, kwargs)


# -- the link to one kernel ----------------------------------------------------------------


class KernelLink:
    """The judge's end of one kernel: requests from the check's thread, I/O on the loop.

    ``deadline`` (monotonic seconds) bounds every request of the current check; past it
    the kernel is interrupted and :class:`CheckTimeout` raised. ``streams`` collects
    what the kernel printed during the current check.
    """

    def __init__(self, kc: Any, km: Any, loop: asyncio.AbstractEventLoop, name: str = "_coursework_agent"):
        self.kc, self.km, self.loop, self.name = kc, km, loop, name
        self.proxies: dict[int, Remote] = {}
        self.deadline = float("inf")
        self.streams: list[tuple[str, str]] = []
        self.stream_bytes = 0
        self.requests = 0
        self.seconds = 0.0
        self.gone: str | None = None
        self._booted = False
        self._lock = threading.Lock()

    # values ------------------------------------------------------------------------------
    def _encode_other(self, value: Any) -> Any:
        if isinstance(value, Remote):
            if value._link is not self:
                raise TypeError("a handle of another kernel")
            return {"$h": [value._id, value._type, isinstance(value, RemoteCallable)]}
        fn = public_function(value)
        if fn is not None:
            path, args, kwargs = fn
            return {"$fn": [path, self.encode(list(args)), self.encode(dict(kwargs))]}
        cls_path = public_class(type(value))
        if cls_path is not None and isinstance(getattr(value, "__dict__", None), dict):
            return {"$obj": [cls_path, self.encode(dict(vars(value)))]}
        raise TypeError(
            f"the judge cannot send a {type(value).__name__} to the student's kernel "
            "(only plain data, kernel handles and public functions cross)"
        )

    def encode(self, value: Any) -> Any:
        return wire.encode(value, self._encode_other)

    def _handle(self, body: list) -> Remote:
        hid, type_, is_callable = body
        proxy = self.proxies.get(hid)
        if proxy is None:
            proxy = (RemoteCallable if is_callable else Remote)(self, hid, type_)
            self.proxies[hid] = proxy
        return proxy

    def decode(self, text: str) -> dict:
        if not isinstance(text, str):
            raise wire.WireError("the kernel's reply is not text")
        if len(text) > wire.MAX_TEXT:
            raise wire.WireError(f"a reply of {len(text):,} characters (the limit is {wire.MAX_TEXT:,})")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise wire.WireError("the kernel's reply is not JSON") from None
        if type(data) is not dict or not data or set(data) - {"ok", "after", "raised"}:
            raise wire.WireError("the kernel's reply has an unexpected form")
        return data

    # requests ----------------------------------------------------------------------------
    def request(self, op: dict) -> Any:
        """Send one request (its values encoded here) and return the decoded result."""
        value, _ = self._exchange(op)
        return value

    def call(self, target: Remote, args: tuple, kwargs: dict) -> Any:
        """Call ``target`` in the kernel; arguments the call changed there are changed here too
        (arrays, lists, dicts in place; a Generator's state), so that the checks see a
        function that modifies its input, as they would in one process."""
        value, after = self._exchange({"op": "call", "target": target, "args": list(args), "kwargs": dict(kwargs)})
        for key, new in after.items():
            original = args[int(key)] if key.isdigit() and int(key) < len(args) else kwargs.get(key)
            _write_back(original, new)
        return value

    def _exchange(self, op: dict) -> tuple[Any, dict]:
        if self.gone:
            raise KernelGone(self.gone)
        body = {k: (self.encode(v) if k not in ("op", "name", "fn", "code") else v) for k, v in op.items()}
        text = json.dumps(body, separators=(",", ":"), allow_nan=False)
        with self._lock:
            future = asyncio.run_coroutine_threadsafe(self._roundtrip(text), self.loop)
            reply_text = future.result()
        try:
            data = self.decode(reply_text)
            if "raised" in data:
                raised = data["raised"]
                if type(raised) is not dict:
                    raise wire.WireError("bad error report")
                name = str(raised["type"]) if type(raised.get("type")) is str else "Error"
                message = str(raised["message"]) if type(raised.get("message")) is str else ""
                where = _where(raised.get("where"))
                if name == "Unencodable":  # the agent could not turn the value into plain data
                    raise wire.WireError(message[:2000])
                raise remote_exception(name[:100], message[:2000], where)
            value = wire.decode(data.get("ok"), self._handle)
            after = data.get("after") or {}
            if type(after) is not dict:
                raise wire.WireError("bad after-call report")
            return value, {str(k): wire.decode(v, self._handle) for k, v in after.items()}
        except wire.WireError as exc:
            raise AssertionError(msg("judge_bad_data", why=exc)) from None

    async def _roundtrip(self, payload: str) -> str:
        start = time.monotonic()
        try:
            if not self._booted:
                await self._execute(bootstrap_code(self.name), expect_reply=False)
                self._booted = True
            return await self._execute(request_code(payload, self.name), expect_reply=True)
        finally:
            self.requests += 1
            self.seconds += time.monotonic() - start

    async def _execute(self, code: str, expect_reply: bool) -> str:
        kc = self.kc
        msg_id = kc.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        reply = None
        errors = []
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                await self._interrupt()
                raise CheckTimeout()
            try:
                incoming = await kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except queue.Empty:
                if not await self.km.is_alive():
                    self.gone = msg("judge_kernel_died")
                    raise KernelGone(self.gone) from None
                continue
            if incoming.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = incoming.get("msg_type"), incoming.get("content", {})
            if kind == "display_data" and MIME in (content.get("data") or {}):
                reply = content["data"][MIME]
            elif kind == "stream":
                self._stream(str(content.get("name", "stdout")), str(content.get("text", "")))
            elif kind == "error":
                errors.append(f"{content.get('ename', 'Error')}: {content.get('evalue', '')}")
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        if expect_reply and reply is None:
            if errors and errors[-1].startswith("KeyboardInterrupt"):
                raise CheckTimeout()
            why = errors[-1] if errors else msg("judge_no_reply")
            raise AssertionError(msg("judge_no_answer", why=why[:300]))
        return reply if reply is not None else ""

    def _stream(self, name: str, text: str) -> None:
        room = MAX_STREAM - self.stream_bytes
        if room <= 0:
            return
        self.streams.append((name, text[:room]))
        self.stream_bytes += min(len(text), room)

    async def _interrupt(self) -> None:
        """Interrupt the kernel after a timeout; stop it if it is still busy 5 s later."""
        try:
            await self.km.interrupt_kernel()
        except Exception:  # noqa: BLE001
            pass
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                incoming = await self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if incoming.get("msg_type") == "status" and incoming.get("content", {}).get("execution_state") == "idle":
                return
        self.gone = msg("judge_kernel_stopped")
        try:
            await self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass

    def run(self, fn: Callable[[], Any]) -> Any:
        """Not used from the loop thread: the check's code runs in a worker thread."""
        return fn()


def _where(raw: Any) -> list[dict]:
    out: list[dict] = []
    if type(raw) is not list:
        return out
    for item in raw[-3:]:
        if type(item) is dict and type(item.get("cell")) is int and type(item.get("line")) is int:
            text = str(item["text"]) if type(item.get("text")) is str else ""
            out.append({"cell": item["cell"], "line": item["line"], "text": text[:300]})
    return out


def _write_back(original: Any, new: Any) -> None:
    """Make the judge's argument look as the kernel's did after the call."""
    if isinstance(original, np.ndarray):
        if isinstance(new, np.ndarray) and new.shape == original.shape and original.flags.writeable:
            np.copyto(original, new, casting="unsafe")
        elif original.flags.writeable and original.size:
            # changed in shape or type: make the change visible as a different value
            original[...] = np.nan if np.issubdtype(original.dtype, np.inexact) else ~original.astype(bool)
    elif isinstance(original, dict) and isinstance(new, dict):
        original.clear()
        original.update(new)
    elif isinstance(original, list) and isinstance(new, list):
        original[:] = new
    elif isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
        original.bit_generator.state = new.bit_generator.state


def public_class(cls: type) -> str | None:
    """``"module:qualname"`` of a class defined at module level in a module students have, or None."""
    module, qualname = getattr(cls, "__module__", "") or "", getattr(cls, "__qualname__", "") or ""
    if "<" in qualname or not module.startswith(("grader_tests.", "coursework.")) or module.startswith(PRIVATE_MODULES):
        return None
    return f"{module}:{qualname}"


def public_function(value: Any) -> tuple[str, tuple, dict] | None:
    """``("module:qualname", args, kwargs)`` of a public function (module-level, in a module
    students have; a ``functools.partial`` of one binds plain arguments), or None."""
    args, kwargs = (), {}
    target = value
    if isinstance(value, functools.partial):
        target, args, kwargs = value.func, value.args, dict(value.keywords)
    if not isinstance(target, (types.FunctionType, types.BuiltinFunctionType, type)):
        return None
    module = getattr(target, "__module__", "") or ""
    qualname = getattr(target, "__qualname__", "") or ""
    if "<" in qualname or not (module.startswith(PUBLIC_MODULES) or module in ("numpy", "math")):
        return None
    if module.startswith(PRIVATE_MODULES):
        return None
    return f"{module}:{qualname}", tuple(args), kwargs


# -- the namespace a test cell runs in ----------------------------------------------------------


def trusted_imports(cells: list[str]) -> dict:
    """The judge-side names of a notebook's imports: the top-level ``import`` statements of the
    given (instructor's, locked) cells, executed here. IPython magics are skipped."""
    ns: dict = {}
    for source in cells:
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        imports: list[ast.stmt] = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        if imports:
            exec(compile(ast.Module(body=imports, type_ignores=[]), "<notebook imports>", "exec"), ns)  # noqa: S102
    ns.pop("__builtins__", None)
    return ns


class _Namespace(dict):
    """Globals of a test cell: the trusted imports; builtins; any other name is the kernel's."""

    def __init__(self, trusted: dict, link: KernelLink):
        super().__init__(trusted)
        self["__builtins__"] = builtins
        self._link = link

    def __missing__(self, name: str) -> Any:
        if hasattr(builtins, name):
            return getattr(builtins, name)
        value = self._link.request({"op": "global", "name": name})
        self[name] = value
        return value


def judge_namespace(trusted: dict, link: KernelLink) -> dict:
    return _Namespace(trusted, link)


# -- one submission ------------------------------------------------------------------------------


class Judge:
    """Judges the test cells of one submission (one notebook) against its kernel.

    ``source_nb`` is the instructor's notebook: the code of each check is taken from it
    by ``grade_id`` (hidden tests included), never from the submission. ``secret`` is
    the course secret of the hidden checks' seeds.
    """

    def __init__(self, source_nb: Any, student: str, secret: bytes | None = None, *, log: Callable | None = None):
        self.student, self.secret = student, secret
        self.log = log or (lambda text: None)
        self.checks: dict[str, str] = {}
        trusted_cells = []
        for cell in source_nb.cells:
            if cell.cell_type != "code":
                continue
            if is_check(cell):
                self.checks[str(meta(cell).get("grade_id"))] = cell.source
            elif not is_answer(cell):
                trusted_cells.append(cell.source)
        self.trusted = trusted_imports(trusted_cells)
        self.link: KernelLink | None = None
        self.cell_of_count: dict[int, str] = {}  # the kernel's execution count -> the cell's name
        self.judged = 0

    def stats(self) -> dict:
        """Requests sent to the kernel, the seconds they took, and the checks judged."""
        link = self.link
        return {
            "checks": self.judged,
            "requests": link.requests if link else 0,
            "seconds": round(link.seconds, 3) if link else 0.0,
        }

    def executed(self, count: int, name: str) -> None:
        """Cell ``name`` ran in the kernel as execution ``count`` (for the 'where' of errors)."""
        self.cell_of_count[count] = name

    async def judge_cell(self, cell: Any, index: int, kc: Any, km: Any, timeout: float) -> CellOutcome:
        """Judge one test cell (``index`` in the notebook); write its outputs; return its outcome:
        ``ok``, ``error`` (a failed check), ``timeout`` or ``died`` (``detail``: why)."""
        grade_id = str(meta(cell).get("grade_id"))
        self.judged += 1
        link = self._link(kc, km, timeout)
        hidden = is_hidden(cell) or HIDDEN_BEGIN in self.checks.get(grade_id, "")
        code = self.checks.get(grade_id)
        printed: list[str] = []
        if code is None:
            result, where = (
                CellOutcome(index, CellStatus.ERROR, "UnknownCheck", f"no check {grade_id!r} in the assignment"),
                None,
            )
        else:
            result, where = await self._run_check(index, grade_id, code, link, timeout, printed)
        streams = list(link.streams)
        if code is not None and printed:
            streams.append(("stdout", "".join(printed)[:MAX_STREAM]))
        if result.status == CellStatus.OK:
            stderr = "".join(text for name, text in streams if name == "stderr")
            if stderr.strip():
                first = next(ln for ln in stderr.splitlines() if ln.strip())
                result = CellOutcome(index, CellStatus.ERROR, "Warning", msg("wrote_stderr", first=first[:300]))
        cell.outputs = self._outputs(cell, result, streams, where, hidden)
        cell.metadata.setdefault("coursework", {})["judged"] = True
        return result

    def _link(self, kc: Any, km: Any, timeout: float) -> KernelLink:
        """The link to the kernel (made at the first check), set up for a check of ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        if self.link is None:
            self.link = KernelLink(kc, km, loop)
        link = self.link
        link.kc, link.km, link.loop = kc, km, loop
        link.deadline = time.monotonic() + timeout
        link.streams, link.stream_bytes = [], 0
        return link

    async def _run_check(
        self, index: int, grade_id: str, code: str, link: KernelLink, timeout: float, printed: list[str]
    ) -> tuple[CellOutcome, list | None]:
        """Run the check's code in a worker thread; its outcome, and where in the student's cells
        the exception came from (None: not from there)."""

        def run() -> None:
            with harness.judging(link, self.student, self.secret), _printing_into(printed):
                exec(compile(code, f"<check {grade_id}>", "exec"), judge_namespace(self.trusted, link))  # noqa: S102

        try:
            await asyncio.get_running_loop().run_in_executor(None, run)
        except AssertionError as exc:
            return CellOutcome(index, CellStatus.ERROR, "AssertionError", str(exc)), getattr(
                exc, "coursework_where", None
            )
        except CheckTimeout:
            return CellOutcome(
                index, CellStatus.TIMEOUT, "CellTimeoutError", msg("check_timed_out", timeout=f"{timeout:g}")
            ), None
        except KernelGone as exc:
            why = str(exc) or msg("judge_kernel_died")
            return CellOutcome(index, CellStatus.DIED, "KernelStopped", why, detail=why), None
        except Exception as exc:  # noqa: BLE001 - the check could not finish: a failed check
            self.log(f"check {grade_id} raised in the judge:\n{traceback.format_exc()}")
            return CellOutcome(index, CellStatus.ERROR, type(exc).__name__, str(exc)), getattr(
                exc, "coursework_where", None
            )
        return CellOutcome(index, CellStatus.OK), None

    def _outputs(
        self, cell: Any, result: CellOutcome, streams: list[tuple[str, str]], where: list | None, hidden: bool
    ) -> list:
        """The judged cell's outputs: what the check printed (not for a hidden check), and its error."""
        outputs: list = []
        if not hidden:
            for name, text in streams:
                if outputs and outputs[-1].name == name:
                    outputs[-1].text += text
                else:
                    outputs.append(new_output("stream", name=name, text=text))
        if result.status != CellStatus.OK:
            lines = [f"{result.ename}: {result.evalue}"]
            extra = cell.metadata.setdefault("coursework", {})
            if where and not hidden:
                last = where[-1]
                label = self.cell_of_count.get(last["cell"], f"In [{last['cell']}]")
                extra["where"] = {"cell": label, "line": last["line"], "text": last["text"]}
                lines.append(msg("in_your_cell", cell=repr(label), line=last["line"], text=last["text"]))
            outputs.append(new_output("error", ename=result.ename, evalue=result.evalue, traceback=lines))
        return outputs


class _ThreadStdout:
    """``sys.stdout`` that sends what a judging thread prints to that check's list."""

    def __init__(self, real: Any):
        self.real = real
        self.local = threading.local()

    def write(self, text: str) -> int:
        into = getattr(self.local, "into", None)
        if into is None:
            return self.real.write(text)
        into.append(str(text))
        return len(text)

    def flush(self) -> None:
        if getattr(self.local, "into", None) is None:
            self.real.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


_STDOUT_LOCK = threading.Lock()


@contextlib.contextmanager
def _printing_into(into: list):
    with _STDOUT_LOCK:
        if not isinstance(sys.stdout, _ThreadStdout):
            sys.stdout = _ThreadStdout(sys.stdout)
        out = sys.stdout
    out.local.into = into
    try:
        yield
    finally:
        out.local.into = None
