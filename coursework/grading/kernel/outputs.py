"""The kernel's side of the output limits: what a grading kernel sends is cut before it leaves.

The grading launcher (:mod:`.launcher`) loads this file by path (``runpy.run_path``) in the
kernel and calls :func:`cap_messages` before any student code runs: ipykernel's session
then cuts each output, error and echoed input it sends to about ``max_bytes`` (a display
of an exempt MIME type, the judge's replies, is sent whole), and says so in the output.
So an honest cell that prints too much is cut rather than stopped by the relay
(:mod:`coursework.grading.execute.relay`). That is a courtesy, not a guarantee (the
student's code can undo it): the grader's own client (:mod:`coursework.grading.execute.client`)
bounds what it keeps.

:func:`bounded_error` is shared with that client: an error's name, message and traceback of
the right types, cut to :data:`MAX_ENAME`, :data:`MAX_EVALUE` and the last
:data:`MAX_TRACEBACK` characters (each line to :data:`MAX_LINE`).

Runs in the student's kernel: the standard library only.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["cap_messages", "bounded_error", "json_size", "MAX_ENAME", "MAX_EVALUE", "MAX_TRACEBACK", "MAX_LINE"]

MAX_ENAME = 200
MAX_EVALUE = 10_000
MAX_TRACEBACK = 64 * 1024
MAX_LINE = 4096


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]} ... ({len(text) - limit:,} more characters)"


def bounded_error(content: dict) -> dict:
    """An error's ``ename``, ``evalue`` and ``traceback``, of the right types and cut to the limits."""
    ename = content.get("ename")
    evalue = content.get("evalue")
    ename = _cut(ename, MAX_ENAME) if isinstance(ename, str) and ename else "Error"
    evalue = _cut(evalue, MAX_EVALUE) if isinstance(evalue, str) else ""
    raw = content.get("traceback")
    lines = [line for line in raw if isinstance(line, str)] if isinstance(raw, list) else []
    kept, size = [], 0
    for line in reversed(lines):  # the end of a traceback says what happened
        line = _cut(line, MAX_LINE)
        if size + len(line) > MAX_TRACEBACK:
            break
        kept.append(line)
        size += len(line)
    kept.reverse()
    if len(kept) < len(lines):
        kept.insert(0, f"... ({len(lines) - len(kept):,} earlier traceback lines dropped)")
    return {"ename": ename, "evalue": evalue, "traceback": kept or [f"{ename}: {evalue}"]}


def cap_messages(session: Any, max_bytes: int, exempt: tuple = ()) -> None:
    """In the kernel: make ``session`` (ipykernel's) cut every output, error and echoed input it
    sends to about ``max_bytes`` (display data of a MIME type in ``exempt`` is sent whole)."""
    send = session.send
    limit = int(max_bytes)
    if limit <= 0:
        return

    def capped(stream, msg_or_type, content=None, parent=None, *args, **kwargs):
        if isinstance(msg_or_type, dict):
            kind = msg_or_type.get("msg_type") or msg_or_type.get("header", {}).get("msg_type")
            small = _capped(kind, msg_or_type.get("content"), limit, exempt)
            if small is not msg_or_type.get("content"):
                msg_or_type = {**msg_or_type, "content": small}
        else:
            content = _capped(msg_or_type, content, limit, exempt)
        return send(stream, msg_or_type, content, parent, *args, **kwargs)

    session.send = capped


def _capped(kind: Any, content: Any, limit: int, exempt: tuple) -> Any:
    if not isinstance(content, dict):
        return content
    note = " [... {:,} more characters were not sent: the limit is {:,} per output]\n"
    if kind == "stream" and isinstance(content.get("text"), str) and len(content["text"]) > limit:
        text = content["text"]
        keep = max(0, limit - 120)  # the note fits within the limit
        return {**content, "text": text[:keep] + note.format(len(text) - keep, limit)}
    if kind == "execute_input" and isinstance(content.get("code"), str) and len(content["code"]) > limit:
        return {**content, "code": content["code"][:limit]}
    if kind in ("display_data", "execute_result", "update_display_data") and isinstance(content.get("data"), dict):
        data = content["data"]
        if any(mime in data for mime in exempt) or json_size([data, content.get("metadata")]) <= limit:
            return content
        plain = data.get("text/plain") if isinstance(data.get("text/plain"), str) else ""
        return {
            **content,
            "metadata": {},
            "data": {
                "text/plain": plain[: limit // 2] + note.format(json_size(data) - len(plain[: limit // 2]), limit)
            },
        }
    if kind == "error" or (kind == "execute_reply" and content.get("status") == "error"):
        return {**content, **bounded_error(content)}
    return content


def json_size(value: Any) -> int:
    """Characters of ``value`` as compact JSON (how the limits count a display's data)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))
