"""coursework.grading.relay: ZeroMQ sockets standing for a kernel and for the grader, talking
through the relay; the ZMTP count on hand-made byte streams."""

from __future__ import annotations

import asyncio
import struct

import pytest
import zmq
import zmq.asyncio

from coursework.grading.relay import FRAME_COST, GREETING, Relay, ZmtpCounter

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


def test_counter_accepts_messages_under_the_limit_fed_in_any_pieces():
    stream = greeting() + frame(b"\x05READY", command=True) + frame(b"a" * 300, more=True) + frame(b"b" * 300)
    stream += frame(b"") + frame(b"c" * 1000)
    counter = ZmtpCounter(max_message=1000 + FRAME_COST)
    for i in range(0, len(stream), 7):                       # byte pieces cut anywhere, headers included
        assert counter.feed(stream[i:i + 7]) is None
    assert counter.messages == 3


def test_counter_refuses_a_message_of_many_small_frames():
    counter = ZmtpCounter(max_message=10_000)
    stream = greeting() + b"".join(frame(b"x" * 100, more=True) for _ in range(200))
    why = counter.feed(stream)
    assert why and "more than 10,000 bytes" in why
    assert counter.feed(frame(b"ok")) == why                 # once refused, always refused


def test_counter_refuses_one_long_frame_before_its_body_comes():
    counter = ZmtpCounter(max_message=MB)
    assert counter.feed(greeting() + bytes([2]) + struct.pack(">Q", 1 << 40))


@pytest.mark.parametrize("bad, words", [(b"\x00" * 64, "no signature"),
                                        (b"\xff" + b"\0" * 8 + b"\x00" + b"\0" * 54, "ZMTP 1.0"),
                                        (greeting(major=1), "ZMTP 1, not 3")])
def test_counter_refuses_older_framings(bad, words):
    assert words in (ZmtpCounter().feed(bad) or "")


def test_counter_refuses_big_commands_and_unknown_flags():
    assert "command frame" in ZmtpCounter().feed(greeting() + frame(b"x" * 70_000, command=True))
    assert "unknown flags" in ZmtpCounter().feed(greeting() + bytes([0x10, 1, 0]))


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_relay_passes_jupyter_like_traffic_and_stops_a_flood(tmp_path):
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
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.05)
            assert seen and "more than 4,194,304 bytes" in seen[0]
            assert await sub.poll(500) == 0                              # neither the flood nor what followed
        finally:
            await relay.close()
            for s in (pub, router, sub, dealer):
                s.close(linger=0)
            kernel_ctx.term()
            grader_ctx.term()
        return relay.violation

    assert _run(main())
