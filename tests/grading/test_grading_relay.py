"""coursework.grading.execute.relay: ZeroMQ sockets standing for a kernel and for the grader, talking
through the relay; the ZMTP filter on hand-made byte streams."""

from __future__ import annotations

import asyncio
import struct

import pytest
import zmq
import zmq.asyncio

from coursework.grading.execute.relay import FRAME_COST, GREETING, Relay, ZmtpFilter

MB = 1 << 20


def greeting(major: int = 3) -> bytes:
    return b"\xff" + b"\0" * 8 + b"\x7f" + bytes([major, 1]) + b"NULL".ljust(20, b"\0") + b"\0" + b"\0" * 31


def frame(body: bytes, more: bool = False, command: bool = False) -> bytes:
    flags = (1 if more else 0) | (4 if command else 0)
    if len(body) > 255:
        return bytes([flags | 2]) + struct.pack(">Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def test_the_greeting_is_64_bytes():
    assert len(greeting()) == GREETING


def test_filter_passes_messages_under_the_limit_fed_in_any_pieces():
    stream = greeting() + frame(b"\x05READY", command=True) + frame(b"a" * 300, more=True) + frame(b"b" * 300)
    stream += frame(b"") + frame(b"c" * 1000)
    zmtp = ZmtpFilter(max_message=1000 + FRAME_COST)
    out = b"".join(zmtp.feed(stream[i:i + 7]) for i in range(0, len(stream), 7))   # cut anywhere, headers too
    assert out == stream and zmtp.messages == 3 and zmtp.dropped == 0 and zmtp.violation is None


def test_filter_drops_a_message_of_many_small_frames_whole_and_goes_on():
    zmtp = ZmtpFilter(max_message=10_000)
    before = greeting() + frame(b"first")
    flood = b"".join(frame(b"x" * 100, more=True) for _ in range(200)) + frame(b"end")
    after = frame(b"k" * 200, more=True) + frame(b"after")
    out = zmtp.feed(before) + b"".join(zmtp.feed(flood[i:i + 999]) for i in range(0, len(flood), 999))
    out += zmtp.feed(after)
    assert out == before + after                             # the flood is gone, the stream still reads
    assert zmtp.dropped == 1 and zmtp.dropped_bytes == len(flood) and zmtp.messages == 2
    assert len(zmtp._held) == 0


def test_filter_drops_one_long_frame_without_holding_it():
    zmtp = ZmtpFilter(max_message=1 << 20)
    head = greeting()
    assert zmtp.feed(head + bytes([2]) + struct.pack(">Q", 50 << 20)) == head
    for _ in range(50):
        assert zmtp.feed(b"z" * (1 << 20)) == b"" and len(zmtp._held) == 0
    assert zmtp.feed(frame(b"next")) == frame(b"next") and zmtp.dropped == 1


@pytest.mark.parametrize("bad, words", [(b"\x00" * 64, "no signature"),
                                        (b"\xff" + b"\0" * 8 + b"\x00" + b"\0" * 54, "ZMTP 1.0"),
                                        (greeting(major=1), "ZMTP 1, not 3")])
def test_filter_refuses_older_framings(bad, words):
    zmtp = ZmtpFilter()
    assert zmtp.feed(bad) == b"" and words in zmtp.violation


def test_filter_refuses_big_commands_and_unknown_flags():
    for stream, words in ((greeting() + frame(b"x" * 70_000, command=True), "command frame"),
                          (greeting() + bytes([0x10, 1, 0]), "unknown flags"),
                          (greeting() + frame(b"a", more=True) + frame(b"\x04PING", command=True), "inside a message")):
        zmtp = ZmtpFilter()
        zmtp.feed(stream)
        assert words in (zmtp.violation or ""), stream[:80]


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_relay_passes_jupyter_like_traffic_and_drops_a_flood(tmp_path):
    async def main():
        kernel_ctx, grader_ctx = zmq.asyncio.Context(), zmq.asyncio.Context()
        kernel, grader = str(tmp_path / "k"), str(tmp_path / "relay" / "g")
        pub = kernel_ctx.socket(zmq.PUB)
        pub.bind(f"ipc://{kernel}-1")
        router = kernel_ctx.socket(zmq.ROUTER)
        router.bind(f"ipc://{kernel}-2")
        seen = []
        relay = Relay(kernel, grader, [1, 2], max_message=4 * MB, on_violation=seen.append)
        await relay.start()
        sub = grader_ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(f"ipc://{grader}-1")
        dealer = grader_ctx.socket(zmq.DEALER)
        dealer.identity = b"grader-session"
        dealer.connect(f"ipc://{grader}-2")
        try:
            await dealer.send_multipart([b"request", b"body"])           # through the relay, identity kept
            ident, *request = await router.recv_multipart()
            assert ident == b"grader-session" and request == [b"request", b"body"]
            await router.send_multipart([ident, b"reply", b"x" * MB])
            assert await dealer.recv_multipart() == [b"reply", b"x" * MB]
            got = None
            for _ in range(50):                                         # the SUB joins the PUB a little later
                await pub.send_multipart([b"topic", b"hello"])
                if await sub.poll(100):
                    got = await sub.recv_multipart()
                    break
            assert got == [b"topic", b"hello"]
            chunk = b"y" * (MB // 2)
            await pub.send_multipart([chunk] * 400)                     # 200 MB in one message, 0.5 MB frames
            await pub.send_multipart([b"after"])
            assert await sub.poll(20_000)
            assert await sub.recv_multipart() == [b"after"]             # the flood dropped, the next one passes
            assert relay.dropped == 1 and seen == []
            await router.send_multipart([ident, b"big"] + [chunk] * 20)   # 10 MB reply: dropped too
            await router.send_multipart([ident, b"small"])
            assert await dealer.recv_multipart() == [b"small"] and relay.dropped == 2
        finally:
            await relay.close()
            for s in (pub, router, sub, dealer):
                s.close(linger=0)
            kernel_ctx.term()
            grader_ctx.term()
        return relay.violation

    assert _run(main()) is None


def test_relay_calls_a_protocol_violation_once(tmp_path):
    async def main():
        kernel, grader = str(tmp_path / "k"), str(tmp_path / "relay" / "g")

        async def old_framing(reader, writer):                        # a "kernel" speaking ZMTP 1.0
            writer.write(b"\x01\x00" * 32)
            await writer.drain()
            await asyncio.sleep(1)
            writer.close()

        server = await asyncio.start_unix_server(old_framing, path=f"{kernel}-1")
        seen = []
        relay = Relay(kernel, grader, [1], on_violation=seen.append)
        await relay.start()
        try:
            reader, writer = await asyncio.open_unix_connection(f"{grader}-1")
            assert await reader.read() == b""                          # nothing of it passed
            writer.close()
        finally:
            await relay.close()
            server.close()
        return seen

    seen = _run(main())
    assert len(seen) == 1 and "no signature" in seen[0]
