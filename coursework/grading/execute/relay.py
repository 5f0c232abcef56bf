"""Between a grading kernel and the grader: a relay that bounds every message the kernel sends.

ZeroMQ, under Jupyter's channels, checks a frame's size (``ZMQ_MAXMSGSIZE``) but not
the number of frames of one message, and delivers a message whole: a kernel that sends
one message of ten thousand 1 MB frames (the same buffer, ten thousand times: it costs
the kernel nothing) makes the grader's ZeroMQ hold 10 GB. So the grader never connects
to a kernel's sockets itself. For each of the kernel's ports the relay listens on a
unix socket of its own (in a folder the kernel cannot reach) and passes bytes through
in both directions, one kernel connection per grader connection. What the grader sends
goes through as it comes. What the kernel sends is read as ZMTP 3 (the wire format of
ZeroMQ 4, which ipykernel and the grader both speak) by a :class:`ZmtpFilter`:

- a message (its frames together, each counted with :data:`FRAME_COST` more) is held
  until it is complete, then passed on; one that grows past ``max_message`` bytes is
  dropped whole (what was held is freed, the rest is skipped as it comes) and counted in
  :attr:`Relay.dropped`: the grader never sees it, the kernel goes on;
- a greeting that is not ZMTP 3 (an older framing the filter would not understand), a
  command frame over 64 KiB or a frame with unknown flags is a violation: the relay stops
  passing that connection's bytes and calls ``on_violation`` with one line that says why
  (the caller stops the kernel).

So the grader holds, per connection, at most one message of ``max_message`` bytes here
plus the complete messages its ZeroMQ queue takes (the grading client sets a small
receive high-water mark: :mod:`.channels`). The relay runs in the grader's event loop
(asyncio); it adds one hop to each message.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import struct
from collections.abc import Callable

__all__ = ["Relay", "ZmtpFilter", "DEFAULT_MAX_MESSAGE_BYTES", "FRAME_COST"]

#: The largest message a kernel may send (all frames). The judge's largest reply in the
#: course is 0.2 MB; the kernel cuts an output to 4M characters before it sends it.
DEFAULT_MAX_MESSAGE_BYTES = 32 << 20
FRAME_COST = 64  # what one frame costs the grader beyond its bytes
MAX_COMMAND = 64 * 1024
GREETING = 64  # ZMTP 3.x: signature 10, version 2, mechanism 20, as-server 1, filler 31
_CHUNK = 64 * 1024


class ZmtpFilter:
    """Reads a ZMTP 3 byte stream (one direction); :meth:`feed` returns the bytes to pass on.

    Complete messages within ``max_message`` pass; larger ones are dropped whole
    (:attr:`dropped`, :attr:`dropped_bytes`); :attr:`violation` says why the stream
    cannot be read (then nothing more passes).
    """

    def __init__(self, max_message: int = DEFAULT_MAX_MESSAGE_BYTES):
        self.max_message = int(max_message)
        self._greeting = b""
        self._head = b""  # the frame header being read
        self._left = 0  # body bytes of the current frame still to come
        self._held = bytearray()  # the message (or command) so far
        self._size = 0  # what the current message costs so far
        self._skipping = False  # dropping the rest of a message that grew too large
        self._command = self._more = False
        self.messages = self.dropped = self.dropped_bytes = 0
        self.violation: str | None = None

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        view = memoryview(data)
        while view and not self.violation:
            if len(self._greeting) < GREETING:
                take = GREETING - len(self._greeting)
                self._greeting += bytes(view[:take])
                out += view[:take]
                view = view[take:]
                self._check_greeting()
            elif self._left:
                take = min(self._left, len(view))
                if not self._skipping:
                    self._held += view[:take]
                self._left -= take
                view = view[take:]
                if not self._left:
                    self._frame_done(out)
            else:
                self._head += bytes(view[:1])
                view = view[1:]
                self._parse_head(out)
        return bytes(out) if not self.violation else b""

    def _check_greeting(self) -> None:
        g = self._greeting
        if g[:1] and g[0] != 0xFF:
            self.violation = "the kernel's channel does not speak ZMTP 3 (no signature)"
        elif len(g) >= 10 and not g[9] & 1:
            self.violation = "the kernel's channel does not speak ZMTP 3 (a ZMTP 1.0 signature)"
        elif len(g) >= 11 and g[10] < 3:
            self.violation = f"the kernel's channel offered ZMTP {g[10]}, not 3"

    def _parse_head(self, out: bytearray) -> None:
        flags = self._head[0]
        if flags & ~0x07:
            self.violation = f"the kernel sent a frame with unknown flags ({flags:#x})"
            return
        need = 9 if flags & 0x02 else 2
        if len(self._head) < need:
            return
        size = struct.unpack(">Q", self._head[1:9])[0] if flags & 0x02 else self._head[1]
        head, self._head = self._head, b""
        self._command = bool(flags & 0x04)
        self._more = bool(flags & 0x01) and not self._command
        if self._command:
            if size > MAX_COMMAND or self._size:
                self.violation = (
                    f"the kernel sent a command frame of {size:,} bytes"
                    if size > MAX_COMMAND
                    else "the kernel sent a command inside a message"
                )
                return
        elif not self._skipping:
            self._size += size + FRAME_COST
            if self._size > self.max_message:
                self._skipping = True
                self.dropped += 1
                self.dropped_bytes += len(self._held)
                self._held = bytearray()
        if self._skipping:
            self.dropped_bytes += len(head) + size
        else:
            self._held += head
        self._left = size
        if not size:
            self._frame_done(out)

    def _frame_done(self, out: bytearray) -> None:
        if self._command or not self._more:
            if not self._skipping:
                out += self._held
                self.messages += not self._command
            self._held, self._size, self._skipping = bytearray(), 0, False


class Relay:
    """Relays ``kernel-PORT`` (the kernel's unix sockets) to ``grader-PORT`` (ours) for ``ports``.

    ``on_violation(reason)`` is called once, on the first violation of any connection;
    :attr:`dropped` counts the messages dropped for their size (all connections).
    Use ``await relay.start()`` before the grader connects, ``await relay.close()`` after.
    """

    def __init__(
        self,
        kernel: str,
        grader: str,
        ports: list[int],
        *,
        max_message: int = DEFAULT_MAX_MESSAGE_BYTES,
        on_violation: Callable[[str], None] | None = None,
    ):
        self.kernel, self.grader, self.ports = str(kernel), str(grader), list(ports)
        self.max_message = int(max_message)
        self.on_violation = on_violation
        self.violation: str | None = None
        self._filters: list[ZmtpFilter] = []
        self._servers: list[asyncio.AbstractServer] = []
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        folder = os.path.dirname(self.grader)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for port in self.ports:
            path = f"{self.grader}-{port}"
            server = await asyncio.start_unix_server(functools.partial(self._serve, port), path=path)
            os.chmod(path, 0o600)
            self._servers.append(server)

    async def close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers.clear()

    @property
    def dropped(self) -> int:
        return sum(f.dropped for f in self._filters)

    def _violated(self, why: str) -> None:
        if self.violation is None:
            self.violation = why
            if self.on_violation is not None:
                self.on_violation(why)

    async def _serve(self, port: int, g_reader: asyncio.StreamReader, g_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None  # a server's connection runs as a task
        self._tasks.add(task)
        k_writer = None
        try:
            if self.violation:
                return
            try:
                k_reader, k_writer = await asyncio.open_unix_connection(f"{self.kernel}-{port}")
            except OSError:
                return  # the kernel is not listening yet: ZeroMQ will connect again
            zmtp = ZmtpFilter(self.max_message)
            self._filters.append(zmtp)
            up = asyncio.ensure_future(_pump(g_reader, k_writer))
            down = asyncio.ensure_future(_pump(k_reader, g_writer, zmtp, self._violated))
            try:
                await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                up.cancel()
                down.cancel()
        finally:
            for writer in (g_writer, k_writer):
                if writer is not None:
                    writer.close()
            self._tasks.discard(task)


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    zmtp: ZmtpFilter | None = None,
    violated: Callable[[str], None] | None = None,
) -> None:
    """Copy ``reader`` to ``writer`` until either side ends (through ``zmtp``, until it finds a violation)."""
    try:
        while True:
            data = await reader.read(_CHUNK)
            if not data:
                return
            if zmtp is not None:
                data = zmtp.feed(data)
                if zmtp.violation:
                    if violated is not None:
                        violated(zmtp.violation)
                    return
            if data:
                writer.write(data)
                await writer.drain()
    except (ConnectionError, OSError):
        return
