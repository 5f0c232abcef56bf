"""The plain data that crosses between the judge and a student's kernel, as JSON text.

Both sides use this module: the judge (in the grading process) and the kernel agent
(:mod:`.agent`, whose source is this module's plus its own, sent to the kernel as
code). Only these values cross:

=====================  ==========================================================
Python value           JSON form
=====================  ==========================================================
None, bool, int, str   themselves (ints of at most ``MAX_INT_DIGITS`` digits)
float                  itself; ``{"$f": "nan" | "inf" | "-inf"}`` for the others
complex                ``{"$c": [re, im]}``
bytes                  ``{"$b": base64}``
list                   a JSON list
tuple                  ``{"$t": [...]}``
dict                   ``{"$d": [[key, value], ...]}`` (keys: plain scalars)
numpy.ndarray          ``{"$a": [dtype, shape, base64]}`` of a numeric or bool dtype
numpy scalar           ``{"$s": [dtype, base64]}``
numpy Generator        ``{"$rng": state}`` (PCG64 only: the state is plain ints)
a kernel object        ``{"$h": [id, type name, callable]}``: a handle; the object stays
                       in the kernel (judge -> kernel: only handles it got from there)
a public function      ``{"$fn": ["module:qualname", args, kwargs]}`` (judge -> kernel
                       only): the kernel imports it from its own copy of the package
an object of a public  ``{"$obj": ["module:qualname", state]}`` (judge -> kernel only):
class, plain state     a new instance of the kernel's copy of the class, ``__dict__`` = state
=====================  ==========================================================

Decoding is strict (:func:`decode`): any other form, a dtype outside
:data:`DTYPES`, an array whose bytes do not match its shape, more than
``MAX_ITEMS`` values, nesting deeper than ``MAX_DEPTH`` or text longer than
``MAX_TEXT`` is a :class:`WireError`. Nothing is unpickled, imported or executed
while decoding on the judge's side (``$fn`` is refused there).
"""

import base64
import json
import math

import numpy as np

MAX_TEXT = 64 * 1024 * 1024  # characters of one message
MAX_ITEMS = 200_000  # values in one message (arrays count as one)
MAX_ELEMENTS = 16 * 1024 * 1024  # elements of one array
MAX_DEPTH = 40
MAX_INT_DIGITS = 60
MAX_STR = 1 << 20
DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
_TAGS = ("$f", "$c", "$b", "$t", "$d", "$a", "$s", "$rng", "$h", "$fn", "$obj")


class WireError(ValueError):
    """A message that is not the plain data this protocol allows."""


class Unencodable(TypeError):
    """A value this side may not send (the caller decides: a handle, or an error)."""


def _float(x):
    if math.isnan(x):
        return {"$f": "nan"}
    if math.isinf(x):
        return {"$f": "inf" if x > 0 else "-inf"}
    return x


def encode(value, other=None, depth=0):
    """``value`` as JSON-able plain data; values of other types go to ``other(value)``
    (which returns their JSON form, e.g. a handle) or raise :class:`Unencodable`."""
    if depth > MAX_DEPTH:
        raise Unencodable("nested too deeply")
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        if len(str(abs(value))) > MAX_INT_DIGITS:
            raise Unencodable("an int with too many digits")
        return value
    if t is float:
        return _float(value)
    if t is complex:
        return {"$c": [_float(value.real), _float(value.imag)]}
    if t is bytes:
        return {"$b": base64.b64encode(value).decode("ascii")}
    if t is list:
        return [encode(v, other, depth + 1) for v in value]
    if t is tuple:
        return {"$t": [encode(v, other, depth + 1) for v in value]}
    if t is dict:
        return {"$d": [[encode(k, None, depth + 1), encode(v, other, depth + 1)] for k, v in value.items()]}
    if t is np.ndarray and value.dtype.name in DTYPES:
        if value.size > MAX_ELEMENTS:  # refused here, in the kernel: the reply would be dropped on its way
            raise Unencodable(f"an array of {value.size} elements (the limit is {MAX_ELEMENTS})")
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False)
        return {"$a": [value.dtype.name, list(value.shape), base64.b64encode(data.tobytes()).decode("ascii")]}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and value.dtype.name in DTYPES:
        data = np.asarray(value).astype(value.dtype.newbyteorder("<")).tobytes()
        return {"$s": [value.dtype.name, base64.b64encode(data).decode("ascii")]}
    if t is np.random.Generator and type(value.bit_generator) is np.random.PCG64:
        return {"$rng": value.bit_generator.state}
    if other is None:
        raise Unencodable(f"a {t.__name__} is not plain data")
    return other(value)


def dumps(value, other=None) -> str:
    return json.dumps(encode(value, other), separators=(",", ":"), allow_nan=False)


def _dtype(name):
    if not isinstance(name, str) or name not in DTYPES:
        raise WireError(f"dtype {name!r} is not allowed")
    return np.dtype(name).newbyteorder("<")


def _b64(text):
    if not isinstance(text, str):
        raise WireError("expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except Exception:  # noqa: BLE001 - any failure is the sender's bad data
        raise WireError("invalid base64") from None


class _Counter:
    def __init__(self):
        self.n = 0

    def tick(self):
        self.n += 1
        if self.n > MAX_ITEMS:
            raise WireError(f"more than {MAX_ITEMS} values in one message")


def decode(data, handle=None, function=None, depth=0, counter=None):
    """Plain Python values from JSON-decoded ``data`` (strict; see the module docstring).

    ``handle([id, type, callable])`` turns a handle into an object (None: refused);
    ``function(path, args, kwargs)`` builds a public function (None: refused).
    """
    counter = counter or _Counter()
    counter.tick()
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    t = type(data)
    if data is None or t is bool or t is str:
        if t is str and len(data) > MAX_STR:
            raise WireError("a string longer than the limit")
        return data
    if t is int:
        if len(str(abs(data))) > MAX_INT_DIGITS:
            raise WireError("an int with too many digits")
        return data
    if t is float:
        return data
    if t is list:
        return [decode(v, handle, function, depth + 1, counter) for v in data]
    if t is not dict or len(data) != 1:
        raise WireError(f"unexpected {t.__name__} in a message")
    ((tag, body),) = data.items()
    if tag == "$f":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("bad special float")
        return float(body)
    if tag == "$c":
        if type(body) is not list or len(body) != 2:
            raise WireError("bad complex")
        re_, im = (decode(v, None, None, depth + 1, counter) for v in body)
        if type(re_) not in (int, float) or type(im) not in (int, float):
            raise WireError("bad complex")
        return complex(re_, im)
    if tag == "$b":
        return _b64(body)
    if tag == "$t":
        if type(body) is not list:
            raise WireError("bad tuple")
        return tuple(decode(v, handle, function, depth + 1, counter) for v in body)
    if tag == "$d":
        if type(body) is not list:
            raise WireError("bad dict")
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict entry")
            key = decode(pair[0], None, None, depth + 1, counter)
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = decode(pair[1], handle, function, depth + 1, counter)
        return out
    if tag == "$a":
        if type(body) is not list or len(body) != 3 or type(body[1]) is not list:
            raise WireError("bad array")
        dtype = _dtype(body[0])
        shape = body[1]
        if len(shape) > 32 or any(type(s) is not int or s < 0 for s in shape):
            raise WireError("bad array shape")
        size = 1
        for s in shape:
            size *= s
        if size > MAX_ELEMENTS:
            raise WireError(f"an array of {size} elements (the limit is {MAX_ELEMENTS})")
        raw = _b64(body[2])
        if len(raw) != size * dtype.itemsize:
            raise WireError("array bytes do not match its shape")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)
    if tag == "$s":
        if type(body) is not list or len(body) != 2:
            raise WireError("bad scalar")
        dtype = _dtype(body[0])
        raw = _b64(body[1])
        if len(raw) != dtype.itemsize:
            raise WireError("scalar bytes do not match its dtype")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="))[0]
    if tag == "$rng":
        if type(body) is not dict or body.get("bit_generator") != "PCG64":
            raise WireError("only PCG64 generators cross")
        gen = np.random.Generator(np.random.PCG64())
        try:
            gen.bit_generator.state = _plain_state(body)
        except WireError:
            raise
        except Exception:  # noqa: BLE001 - any failure is the sender's bad data
            raise WireError("bad generator state") from None
        return gen
    if tag == "$h":
        if handle is None:
            raise WireError("a handle where none may be")
        if (
            type(body) is not list
            or len(body) != 3
            or type(body[0]) is not int
            or type(body[1]) is not str
            or type(body[2]) is not bool
        ):
            raise WireError("bad handle")
        return handle(body)
    if tag == "$fn":
        if function is None:
            raise WireError("a function where none may be")
        if type(body) is not list or len(body) != 3 or type(body[0]) is not str:
            raise WireError("bad function")
        args = decode(body[1], handle, function, depth + 1, counter)
        kwargs = decode(body[2], handle, function, depth + 1, counter)
        if type(args) is not list or type(kwargs) is not dict:
            raise WireError("bad function arguments")
        return function(body[0], args, kwargs)
    if tag == "$obj":
        if function is None:
            raise WireError("an object where none may be")
        if type(body) is not list or len(body) != 2 or type(body[0]) is not str:
            raise WireError("bad object")
        cls = function(body[0], [], {})
        state = decode(body[1], handle, function, depth + 1, counter)
        if not isinstance(cls, type) or type(state) is not dict or any(type(k) is not str for k in state):
            raise WireError("bad object")
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        return obj
    raise WireError(f"unknown tag {tag!r}")


def _plain_state(state):
    """A PCG64 state dict with only the plain ints and strings numpy expects."""
    inner = state.get("state")
    if type(inner) is not dict or set(inner) != {"state", "inc"}:
        raise WireError("bad generator state")
    if any(type(inner[k]) is not int or not 0 <= inner[k] < 2**128 for k in ("state", "inc")):
        raise WireError("bad generator state")
    has, word = state.get("has_uint32"), state.get("uinteger")
    if type(has) is not int or type(word) is not int or has not in (0, 1) or not 0 <= word < 2**32:
        raise WireError("bad generator state")
    return {
        "bit_generator": "PCG64",
        "state": {"state": inner["state"], "inc": inner["inc"]},
        "has_uint32": has,
        "uinteger": word,
    }


def loads(text, handle=None, function=None):
    """:func:`decode` of a JSON text (at most ``MAX_TEXT`` characters)."""
    if not isinstance(text, str):
        raise WireError(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise WireError(f"a message of {len(text):,} characters (the limit is {MAX_TEXT:,})")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"not JSON ({type(exc).__name__})") from None
    try:
        return decode(data, handle, function)
    except RecursionError:
        raise WireError("nested too deeply") from None
