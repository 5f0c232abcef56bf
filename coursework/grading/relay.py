"""Between a grading kernel and the grader: a relay that bounds every message the kernel sends.

ZeroMQ, under Jupyter's channels, checks a frame's size (``ZMQ_MAXMSGSIZE``) but not
the number of frames of one message, and delivers a message whole: a kernel that sends
one message of ten thousand 1 MB frames (the same buffer, ten thousand times: it costs
the kernel nothing) makes the grader's ZeroMQ hold 10 GB. So the grader never connects
to a kernel's sockets itself. For each of the kernel's ports the relay listens on a
unix socket of its own (in a folder the kernel cannot reach) and passes bytes through,
unchanged, in both directions, one kernel connection per grader connection. It reads
the kernel's side as ZMTP 3 (the wire format of ZeroMQ 4, which ipykernel and the
grader both speak) only to count:

- a greeting that is not ZMTP 3 (an older framing the count would not understand), a
  command frame over 64 KiB, or a message (its frames together, each counted with
  :data:`FRAME_COST` more) over ``max_message`` bytes is a violation: the relay stops
  passing that connection's bytes and calls ``on_violation`` with one line that says
  why (the caller stops the kernel);
- what the grader holds of one connection is then at most one incomplete message of
  ``max_message`` bytes, plus the complete messages its ZeroMQ queue takes (the
  grading client sets a small receive high-water mark: :mod:`.channels`).

The relay runs in the grader's event loop (asyncio); it adds one hop, tens of
microseconds, to each message.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
from typing import Callable

__all__ = ["Relay", "ZmtpCounter", "DEFAULT_MAX_MESSAGE_BYTES", "FRAME_COST"]

#: The largest message a kernel may send (all frames). The judge's largest reply in the
#: course is 0.2 MB; an output is cut to ``--max-output`` in the kernel before it is sent.
DEFAULT_MAX_MESSAGE_BYTES = 32 << 20
FRAME_COST = 64                     # what one frame costs the grader beyond its bytes
MAX_COMMAND = 64 * 1024
GREETING = 64                       # ZMTP 3.x: signature 10, version 2, mechanism 20, as-server 1, filler 31
_CHUNK = 64 * 1024


class ZmtpCounter:
    """Counts a ZMTP 3 byte stream (one direction) frame by frame; :meth:`feed` returns
    None while it is within the limits, else why not (one line)."""

    def __init__(self, max_message: int = DEFAULT_MAX_MESSAGE_BYTES):
        self.max_message = int(max_message)
        self._greeting = b""
        self._head = b""            # the frame header being read
        self._left = 0              # body bytes of the current frame still to come
        self._message = 0           # bytes of the current message so far
        self._command = False
        self._more = False
        self.messages = 0
        self.violation: str | None = None

    def feed(self, data: bytes) -> str | None:
        if self.violation:
            return self.violation
        view = memoryview(data)
        while view and not self.violation:
            if len(self._greeting) < GREETING:
                take = GREETING - len(self._greeting)
                self._greeting += bytes(view[:take])
                view = view[take:]
                self._check_greeting()
                continue
            if self._left:
                take = min(self._left, len(view))
                self._left -= take
                view = view[take:]
                if not self._left:
                    self._frame_done()
                continue
            self._head += bytes(view[:1])
            view = view[1:]
            self._parse_head()
        return self.violation

    def _check_greeting(self) -> None:
        g = self._greeting
        if g[:1] and g[0] != 0xFF:
            self.violation = "the kernel's channel does not speak ZMTP 3 (no signature)"
        elif len(g) >= 10 and not g[9] & 1:
            self.violation = "the kernel's channel does not speak ZMTP 3 (a ZMTP 1.0 signature)"
        elif len(g) >= 11 and g[10] < 3:
            self.violation = f"the kernel's channel offered ZMTP {g[10]}, not 3"

    def _parse_head(self) -> None:
        flags = self._head[0]
        if flags & ~0x07:
            self.violation = f"the kernel sent a frame with unknown flags ({flags:#x})"
            return
        need = 9 if flags & 0x02 else 2
        if len(self._head) < need:
            return
        size = struct.unpack(">Q", self._head[1:9])[0] if flags & 0x02 else self._head[1]
        self._command = bool(flags & 0x04)
        self._more = bool(flags & 0x01) and not self._command
        self._head = b""
        if self._command and size > MAX_COMMAND:
            self.violation = f"the kernel sent a command frame of {size:,} bytes"
            return
        if not self._command:
            self._message += size + FRAME_COST
            if self._message > self.max_message:
                self.violation = (f"the kernel sent a message of more than {self.max_message:,} bytes "
                                  "(the grader's limit per message)")
                return
        self._left = size
        if not size:
            self._frame_done()

    def _frame_done(self) -> None:
        if not self._command and not self._more:
            self._message = 0
            self.messages += 1


class Relay:
    """Relays ``kernel-PORT`` (the kernel's unix sockets) to ``grader-PORT`` (ours) for ``ports``.

    ``on_violation(reason)`` is called once, on the first violation of any connection.
    Use ``await relay.start()`` before the grader connects, ``await relay.close()`` after.
    """

    def __init__(self, kernel: str, grader: str, ports: list[int], *, max_message: int = DEFAULT_MAX_MESSAGE_BYTES,
                 on_violation: Callable[[str], None] | None = None):
        self.kernel, self.grader, self.ports = str(kernel), str(grader), list(ports)
        self.max_message = int(max_message)
        self.on_violation = on_violation
        self.violation: str | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        folder = os.path.dirname(self.grader)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        for port in self.ports:
            path = f"{self.grader}-{port}"
            server = await asyncio.start_unix_server(lambda r, w, p=port: self._serve(p, r, w), path=path)
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

    def _violated(self, why: str) -> None:
        if self.violation is None:
            self.violation = why
            if self.on_violation is not None:
                self.on_violation(why)

    async def _serve(self, port: int, g_reader: asyncio.StreamReader, g_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        k_writer = None
        try:
            if self.violation:
                return
            try:
                k_reader, k_writer = await asyncio.open_unix_connection(f"{self.kernel}-{port}")
            except OSError:
                return                          # the kernel is not listening yet: ZeroMQ will connect again
            counter = ZmtpCounter(self.max_message)
            up = asyncio.ensure_future(_pump(g_reader, k_writer))
            down = asyncio.ensure_future(_pump(k_reader, g_writer, counter, self._violated))
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


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counter: ZmtpCounter | None = None,
                violated: Callable[[str], None] | None = None) -> None:
    """Copy ``reader`` to ``writer`` until either side ends (or ``counter`` finds a violation)."""
    try:
        while True:
            data = await reader.read(_CHUNK)
            if not data:
                return
            if counter is not None:
                why = counter.feed(data)
                if why:
                    violated(why)
                    return
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        return
