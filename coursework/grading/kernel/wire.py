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
    return _Decoder(handle, function, counter or _Counter()).value(data, depth)


class _Decoder:
    """One message's decoding: the ``handle`` and ``function`` builders (None: refused) and the
    count of its values, shared by every part of it."""

    def __init__(self, handle, function, counter):
        self.handle, self.function, self.counter = handle, function, counter
        self.tags = {
            "$f": self._special_float,
            "$c": self._complex,
            "$b": self._bytes,
            "$t": self._tuple,
            "$d": self._dict,
            "$a": self._array,
            "$s": self._scalar,
            "$rng": self._generator,
            "$h": self._handle,
            "$fn": self._function,
            "$obj": self._object,
        }

    def value(self, data, depth):
        self.counter.tick()
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
            return [self.value(v, depth + 1) for v in data]
        if t is not dict or len(data) != 1:
            raise WireError(f"unexpected {t.__name__} in a message")
        ((tag, body),) = data.items()
        decoder = self.tags.get(tag) if type(tag) is str else None
        if decoder is None:
            raise WireError(f"unknown tag {tag!r}")
        return decoder(body, depth)

    def _plain(self, data, depth):
        """``data`` decoded with neither handles nor functions (keys, a complex's parts)."""
        return _Decoder(None, None, self.counter).value(data, depth)

    def _bytes(self, body, depth):
        return _b64(body)

    def _special_float(self, body, depth):
        if body not in ("nan", "inf", "-inf"):
            raise WireError("bad special float")
        return float(body)

    def _complex(self, body, depth):
        if type(body) is not list or len(body) != 2:
            raise WireError("bad complex")
        re_, im = (self._plain(v, depth + 1) for v in body)
        if type(re_) not in (int, float) or type(im) not in (int, float):
            raise WireError("bad complex")
        return complex(re_, im)

    def _tuple(self, body, depth):
        if type(body) is not list:
            raise WireError("bad tuple")
        return tuple(self.value(v, depth + 1) for v in body)

    def _dict(self, body, depth):
        if type(body) is not list:
            raise WireError("bad dict")
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict entry")
            key = self._plain(pair[0], depth + 1)
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = self.value(pair[1], depth + 1)
        return out

    def _array(self, body, depth):
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

    def _scalar(self, body, depth):
        if type(body) is not list or len(body) != 2:
            raise WireError("bad scalar")
        dtype = _dtype(body[0])
        raw = _b64(body[1])
        if len(raw) != dtype.itemsize:
            raise WireError("scalar bytes do not match its dtype")
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="))[0]

    def _generator(self, body, depth):
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

    def _handle(self, body, depth):
        if self.handle is None:
            raise WireError("a handle where none may be")
        if (
            type(body) is not list
            or len(body) != 3
            or type(body[0]) is not int
            or type(body[1]) is not str
            or type(body[2]) is not bool
        ):
            raise WireError("bad handle")
        return self.handle(body)

    def _function(self, body, depth):
        if self.function is None:
            raise WireError("a function where none may be")
        if type(body) is not list or len(body) != 3 or type(body[0]) is not str:
            raise WireError("bad function")
        args = self.value(body[1], depth + 1)
        kwargs = self.value(body[2], depth + 1)
        if type(args) is not list or type(kwargs) is not dict:
            raise WireError("bad function arguments")
        return self.function(body[0], args, kwargs)

    def _object(self, body, depth):
        if self.function is None:
            raise WireError("an object where none may be")
        if type(body) is not list or len(body) != 2 or type(body[0]) is not str:
            raise WireError("bad object")
        cls = self.function(body[0], [], {})
        state = self.value(body[1], depth + 1)
        if not isinstance(cls, type) or type(state) is not dict or any(type(k) is not str for k in state):
            raise WireError("bad object")
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        return obj


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
