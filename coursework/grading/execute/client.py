"""What the grader keeps of a kernel's outputs: bounded per cell and per notebook.

The kernel is the student's process. It can print without end, send one enormous line,
images, thousands of display updates, an error whose message is megabytes long, or
messages that are not what Jupyter's protocol says. The grading client
(:class:`LimitedClient`, nbclient's ``NotebookClient`` underneath) keeps:

- at most ``max_output_bytes`` of output per cell and ``max_notebook_bytes`` per
  notebook, all cells together (0: no limit). Sizes are characters of an output's
  text, or of its data and metadata as JSON. A stream that does not fit is cut; an
  image or other display that does not fit is dropped whole; the cell then gets a
  note saying how much was dropped and which limit it met (:meth:`notes`);
- errors always, but cut (:func:`coursework.grading.kernel.outputs.bounded_error`): the
  name to 200 characters, the message to 10,000, the traceback to its last 64 KiB (each
  line to 4,096); what they keep counts against the limits;
- a display update (``update_display_data``, or a ``display_id`` shown again) counts,
  for every output it changes, against the limits of the cell running now and of the
  notebook, and is dropped when it does not fit;
- no widget state: ``comm_*`` messages are ignored (no frontend is emulated);
- only well-formed outputs: a stream, display or error whose fields do not have the
  types nbformat requires is replaced by a one-line note; a ``display_id`` that is not
  a short string and an ``execution_count`` that is not an int are ignored.

The kernel's own messages reach this client through :mod:`.relay`, which bounds each
message before the grader holds it. So that an honest cell printing too much is cut
rather than stopped there, the kernel also cuts each output it sends
(:mod:`coursework.grading.kernel.outputs`, a courtesy the student's code can undo); the
limits above are the guarantee.
"""

from __future__ import annotations

from typing import Any

from nbclient import NotebookClient
from nbclient.exceptions import CellControlSignal
from nbformat.v4 import new_output

from ..kernel.outputs import bounded_error, json_size
from ..settings import DEFAULTS

__all__ = ["LimitedClient"]

MAX_DISPLAY_ID = 200
_STREAMS = ("stdout", "stderr")


def _is_json_type(mime: str) -> bool:
    """nbformat's ``^application/(.*\\+)?json$``, without a regular expression."""
    rest = mime[len("application/") :] if mime.startswith("application/") else None
    return rest is not None and (rest == "json" or rest.endswith("+json"))


def _valid_data(data: Any) -> bool:
    """nbformat's mimebundle: str keys; str, list of str, or (for JSON types) any JSON value."""
    if not isinstance(data, dict):
        return False
    for key, value in data.items():
        if not isinstance(key, str):
            return False
        if _is_json_type(key):
            continue
        if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
            return False
    return True


def _clean(msg: dict) -> dict:
    """``msg`` with a ``transient.display_id`` only if it is a short string, an
    ``execution_count`` only if it is an int (or None)."""
    content = msg["content"]
    fixed = content
    transient = content.get("transient")
    if transient is not None:
        ok = isinstance(transient, dict) and (
            "display_id" not in transient
            or (isinstance(transient["display_id"], str) and 0 < len(transient["display_id"]) <= MAX_DISPLAY_ID)
        )
        if not ok:
            fixed = {k: v for k, v in fixed.items() if k != "transient"}
    count = content.get("execution_count")
    if "execution_count" in content and not (count is None or (type(count) is int and 0 <= count < 1 << 31)):
        fixed = {k: v for k, v in fixed.items() if k != "execution_count"}
    return msg if fixed is content else {**msg, "content": fixed}


class LimitedClient(NotebookClient):
    """nbclient keeping bounded outputs; call :meth:`reset_limits` before a notebook."""

    max_output_bytes: int = DEFAULTS.max_output_bytes
    max_notebook_bytes: int = DEFAULTS.max_notebook_output_bytes

    def reset_limits(self) -> None:
        self._kept: dict[int, int] = {}  # cell -> characters kept
        self._total = 0  # characters kept in the notebook
        self._dropped: dict[int, int] = {}  # cell -> characters dropped
        self._met: dict[int, set] = {}  # cell -> the limits it met ("cell", "notebook")
        self._dropped_stderr: set[int] = set()
        self._malformed: dict[int, int] = {}
        self._cell = -1

    # -- accounting -------------------------------------------------------------------
    def _room(self, cell_index: int) -> tuple[float, str]:
        rooms = []
        if self.max_output_bytes > 0:
            rooms.append((self.max_output_bytes - self._kept.get(cell_index, 0), "cell"))
        if self.max_notebook_bytes > 0:
            rooms.append((self.max_notebook_bytes - self._total, "notebook"))
        return min(rooms) if rooms else (float("inf"), "")

    def _keep(self, cell_index: int, size: int) -> None:
        self._kept[cell_index] = self._kept.get(cell_index, 0) + size
        self._total += size

    def _drop(self, cell_index: int, size: int, limit: str, stderr: bool = False) -> None:
        self._dropped[cell_index] = self._dropped.get(cell_index, 0) + size
        self._met.setdefault(cell_index, set()).add(limit)
        if stderr:
            self._dropped_stderr.add(cell_index)

    def dropped(self, cell_index: int) -> int:
        """Characters of output the cell produced that were not kept."""
        return self._dropped.get(cell_index, 0)

    def notes(self, cell_index: int) -> list:
        """The outputs that say what was dropped from the cell (none if nothing was)."""
        out = []
        if self._malformed.get(cell_index):
            out.append(
                new_output(
                    "stream",
                    name="stdout",
                    text=(
                        f"\n... {self._malformed[cell_index]:,} output(s) that were not valid notebook outputs "
                        "were dropped ...\n"
                    ),
                )
            )
        dropped = self.dropped(cell_index)
        if dropped:
            limits = []
            if "cell" in self._met.get(cell_index, ()):
                limits.append(f"{self.max_output_bytes:,} bytes per cell")
            if "notebook" in self._met.get(cell_index, ()):
                limits.append(f"{self.max_notebook_bytes:,} bytes per notebook, all cells together")
            out.append(
                new_output(
                    "stream",
                    name="stdout",
                    text=(
                        f"\n... output truncated: {dropped:,} more bytes were dropped "
                        f"(the limit is {' and '.join(limits)}) ...\n"
                    ),
                )
            )
            if cell_index in self._dropped_stderr:
                out.append(
                    new_output("stream", name="stderr", text="... (some of the dropped output went to stderr)\n")
                )
        return out

    # -- nbclient's hooks ---------------------------------------------------------------
    def process_message(self, msg, cell, cell_index):
        self._cell = cell_index
        if msg["msg_type"] == "status" and not isinstance(msg["content"].get("execution_state"), str):
            return None
        try:
            return super().process_message(_clean(msg), cell, cell_index)
        except CellControlSignal:
            raise
        except Exception:  # noqa: BLE001 - a message nbclient cannot take is the kernel's, not ours
            return self._malformed_output(cell_index)

    def handle_comm_msg(self, outs, msg, cell_index):
        return None

    def _update_display_id(self, display_id, msg):
        places = self._display_id_map.get(display_id) or {}
        targets = sum(len(v) for v in places.values())
        if not targets:
            return None
        content = msg["content"]
        data, metadata = content.get("data"), content.get("metadata", {})
        if not _valid_data(data) or not isinstance(metadata, dict):
            return self._malformed_output(self._cell)
        size = json_size([data, metadata]) * targets
        room, limit = self._room(self._cell)
        if size > room:
            self._drop(self._cell, size, limit)
            return None
        self._keep(self._cell, size)
        return super()._update_display_id(display_id, {**msg, "content": {"data": data, "metadata": metadata}})

    def output(self, outs, msg, display_id, cell_index):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            content = bounded_error(content)
            self._keep(cell_index, json_size(content))
            return super().output(outs, {**msg, "content": content}, display_id, cell_index)
        if kind == "stream":
            name, text = content.get("name"), content.get("text")
            if not isinstance(text, str):
                return self._malformed_output(cell_index)
            name = name if name in _STREAMS else "stdout"
            room, limit = self._room(cell_index)
            size = len(text)
            if size > room:
                keep = max(0, int(room))
                self._drop(cell_index, size - keep, limit, stderr=name == "stderr")
                if not keep:
                    return None
                text, size = text[:keep], keep
            self._keep(cell_index, size)
            return super().output(outs, {**msg, "content": {"name": name, "text": text}}, display_id, cell_index)
        if kind in ("display_data", "execute_result"):
            data, metadata = content.get("data"), content.get("metadata", {})
            if not _valid_data(data) or not isinstance(metadata, dict):
                return self._malformed_output(cell_index)
            size = json_size([data, metadata])
            room, limit = self._room(cell_index)
            if size > room:
                self._drop(cell_index, size, limit)
                return None
            self._keep(cell_index, size)
            content = {"data": data, "metadata": metadata}
            if kind == "execute_result":
                content["execution_count"] = msg["content"].get("execution_count")
            return super().output(outs, {**msg, "content": content}, display_id, cell_index)
        return None  # nothing else is an output

    def _malformed_output(self, cell_index: int) -> None:
        self._malformed[cell_index] = self._malformed.get(cell_index, 0) + 1
        return None
