"""The judge's agent inside a student's kernel: it runs the student's code on the inputs
the judge sends and answers with plain data (:mod:`.wire`).

Its source (with :mod:`.wire`'s) is sent to the kernel as code when the judge first
needs it (:func:`bootstrap_code`), so it is always the grader's version. It is *not*
trusted: the student's code runs in the same process and may change it. That is fine:
the judge decides every grade from the plain data it receives, compares it with what
it computed itself, and never executes, imports or unpickles anything from the kernel.
A student who rewrites the agent can only send other plain data -- which is what
returning other values from their functions does anyway.

Requests are JSON objects ``{"op": ..., ...}``; replies ``{"ok": value, "after": {...}}``
or ``{"raised": {"type", "message", "where"}}``, published as a display message of
type :data:`MIME` under the judge's request. Objects that are not plain data stay in
the kernel and travel as handles (``{"$h": [id, type, callable]}``).
"""

import builtins
import functools
import importlib
import inspect
import json
import linecache
import operator
import sys

import numpy as np

try:  # as a package module; in the kernel, wire's source is prepended instead
    from . import wire
    from .wire import decode, dumps, encode
except ImportError:  # pragma: no cover - the kernel's copy
    pass

MIME = "application/x-coursework-judge+json"
MAX_REPR = 300
MAX_LIST = 200_000
MAX_MESSAGE = 2000
BINARY = frozenset(
    {
        "add",
        "sub",
        "mul",
        "truediv",
        "floordiv",
        "mod",
        "pow",
        "matmul",
        "and_",
        "or_",
        "xor",
        "lshift",
        "rshift",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "contains",
    }
)
UNARY = frozenset({"neg", "pos", "abs", "invert"})


class Agent:
    """One per kernel: the handle table and the operations the judge may ask for."""

    def __init__(self, namespace):
        self.namespace = namespace
        self.objects = {}
        self.ids = {}
        self.next = 1

    # -- values ----------------------------------------------------------------------
    def ref(self, obj):
        hid = self.ids.get(id(obj))
        if hid is None or self.objects.get(hid) is not obj:
            hid, self.next = self.next, self.next + 1
            self.objects[hid] = obj
            self.ids[id(obj)] = hid
        name = obj.__name__ if isinstance(obj, type) else type(obj).__name__
        return {"$h": [hid, str(name)[:100], bool(callable(obj))]}

    def out(self, value):
        return encode(value, self.ref)

    def obj(self, body):
        try:
            return self.objects[body[0]]
        except KeyError:
            raise LookupError(f"no object {body[0]} in the kernel") from None

    def function(self, path, args, kwargs):
        module, _, qualname = path.partition(":")
        target = importlib.import_module(module)
        for part in qualname.split("."):
            target = getattr(target, part)
        return functools.partial(target, *args, **kwargs) if args or kwargs else target

    def inp(self, data):
        return decode(data, self.obj, self.function)

    # -- requests --------------------------------------------------------------------
    def handle(self, text):
        try:
            request = json.loads(text)
            op = getattr(self, "op_" + request["op"])
            after = {}
            value = op(request, after)
            reply = {"ok": self.out(value)}
            if after:
                reply["after"] = after
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the judge, as data
            reply = {
                "raised": {"type": type(exc).__name__[:100], "message": _message(exc), "where": _student_frames(exc)}
            }
        try:
            return json.dumps(reply, separators=(",", ":"), allow_nan=False)
        except Exception as exc:  # noqa: BLE001
            return json.dumps({"raised": {"type": "Unencodable", "message": _message(exc), "where": []}})

    def op_global(self, req, after):
        name = req["name"]
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return self.namespace[name]

    def op_call(self, req, after):
        target = self.inp(req["target"])
        args = self.inp(req["args"])
        kwargs = self.inp(req["kwargs"])
        before = {str(i): _state(a, self.ref) for i, a in enumerate(args)}
        before.update({k: _state(v, self.ref) for k, v in kwargs.items()})
        result = target(*args, **kwargs)
        for key, value in [*((str(i), a) for i, a in enumerate(args)), *kwargs.items()]:
            if before[key] is not None and _state(value, self.ref) != before[key]:
                after[key] = self.out(value)
        return result

    def op_run(self, req, after):
        """Run code the judge sent (a check's builder, :func:`grader_tests.harness.in_kernel`) in a
        fresh namespace, and return ``fn(*args, **kwargs)``. Nothing is looked up by name."""
        namespace = {"__name__": "_coursework_sent"}
        exec(compile(req["code"], "<coursework judge code>", "exec"), namespace)  # noqa: S102
        return namespace[req["fn"]](*self.inp(req["args"]), **self.inp(req["kwargs"]))

    def op_getattr(self, req, after):
        return getattr(self.inp(req["target"]), req["name"])

    def op_getattrs(self, req, after):
        return [getattr(t, req["name"]) for t in self.inp(req["targets"])]

    def op_setattr(self, req, after):
        setattr(self.inp(req["target"]), req["name"], self.inp(req["value"]))

    def op_getitem(self, req, after):
        return self.inp(req["target"])[self.inp(req["key"])]

    def op_setitem(self, req, after):
        self.inp(req["target"])[self.inp(req["key"])] = self.inp(req["value"])

    def op_binary(self, req, after):
        if req["fn"] not in BINARY:
            raise ValueError(f"unknown operator {req['fn']!r}")
        return getattr(operator, req["fn"])(self.inp(req["left"]), self.inp(req["right"]))

    def op_unary(self, req, after):
        if req["fn"] not in UNARY:
            raise ValueError(f"unknown operator {req['fn']!r}")
        return getattr(operator, req["fn"])(self.inp(req["target"]))

    def op_isinstance(self, req, after):
        cls = self.inp(req["cls"])
        return isinstance(self.inp(req["target"]), cls)

    def op_builtin(self, req, after):
        fn = req["fn"]
        value = self.inp(req["target"])
        if fn == "repr":
            return _cut(repr(value))
        if fn == "str":
            return _cut(str(value))
        if fn == "list":
            out = []
            for item in value:
                out.append(item)
                if len(out) > MAX_LIST:
                    raise ValueError(f"more than {MAX_LIST} items")
            return out
        if fn == "asarray":
            arr = np.asarray(value)
            if arr.dtype == object:
                raise TypeError(f"a {type(value).__name__} is not an array of numbers")
            return np.array(arr)
        if fn in ("len", "bool", "float", "int", "hash", "callable", "type"):
            if fn == "type":
                return type(value).__name__
            if fn == "callable":
                return callable(value)
            if fn == "hash":
                return hash(value)
            return getattr(builtins, fn)(value)
        if fn == "index":
            return operator.index(value)
        raise ValueError(f"unknown builtin {fn!r}")

    def op_release(self, req, after):
        for hid in req["ids"]:
            obj = self.objects.pop(hid, None)
            if obj is not None and self.ids.get(id(obj)) == hid:
                del self.ids[id(obj)]


def _cut(text):
    text = str(text)
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "..."


def _message(exc):
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a student's exception whose __str__ raises
        text = ""
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " ..."


def _state(value, ref):
    """A comparable snapshot of a plain argument (None: not plain, not watched)."""
    if isinstance(value, (np.ndarray, list, dict, np.random.Generator)):
        try:
            return dumps(value, ref)
        except Exception:  # noqa: BLE001
            return None
    return None


def _student_frames(exc, limit=3):
    """Where in the student's cells the exception came from: [{cell, line, text}], innermost last."""
    try:
        shell = get_ipython()  # noqa: F821 - defined in an IPython kernel
        names = shell.compile._filename_map
    except Exception:  # noqa: BLE001
        return []
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        count = names.get(code.co_filename)
        if count is not None:
            text = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            frames.append({"cell": int(count), "line": int(tb.tb_lineno), "text": _cut(text)})
        tb = tb.tb_next
    return frames[-limit:]


def serve(text):
    """Handle one request and publish the reply under the judge's request."""
    from IPython.display import publish_display_data  # here: the kernel's own IPython, only where it runs

    module = sys.modules[__name__]
    if getattr(module, "AGENT", None) is None:
        module.AGENT = Agent(get_ipython().user_ns)  # noqa: F821
    publish_display_data({MIME: module.AGENT.handle(text)})


def bootstrap_code(name="_coursework_agent"):
    """The code that installs the agent in a kernel as module ``name`` (wire's source and ours)."""
    source = inspect.getsource(wire) + "\n\n" + inspect.getsource(sys.modules[__name__])
    return (
        "import sys as _s, types as _t\n"
        f"_m = _t.ModuleType({name!r})\n"
        f"_m.__dict__['__name__'] = {name!r}\n"
        f"exec(compile({source!r}, '<coursework judge agent>', 'exec'), _m.__dict__)\n"
        f"_s.modules[{name!r}] = _m\n"
        "del _s, _t, _m\n"
    )


def request_code(text, name="_coursework_agent"):
    """The code of one request (``text`` is JSON)."""
    return f"__import__({name!r}).serve({text!r})"
