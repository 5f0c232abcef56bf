"""coursework.grading.execute.client without a kernel: the grading client fed the messages a
hostile kernel can send, and the kernel-side cut (coursework.grading.kernel.outputs.cap_messages)
on a stand-in session."""

from __future__ import annotations

import json

import nbformat
import pytest

from coursework.grading.execute.client import LimitedClient
from coursework.grading.kernel.outputs import MAX_EVALUE, MAX_TRACEBACK, bounded_error, cap_messages

C = nbformat.v4.new_code_cell


def client(cells: int = 3, per_cell: int = 1000, per_notebook: int = 2500):
    nb = nbformat.v4.new_notebook(cells=[C(f"cell {i}") for i in range(cells)])
    made = LimitedClient(nb)
    made.max_output_bytes, made.max_notebook_bytes = per_cell, per_notebook
    made.reset_limits()
    made.clear_before_next_output = False             # set by nbclient when a cell starts
    return made, nb


def msg(kind: str, **content) -> dict:
    return {"msg_type": kind, "header": {"msg_type": kind, "msg_id": "m"}, "parent_header": {"msg_id": "p"},
            "metadata": {}, "content": content}


def feed(made, nb, index: int, message: dict) -> None:
    made.process_message(message, nb.cells[index], index)


def texts(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_a_stream_is_cut_at_the_cell_limit_and_the_cell_says_so():
    made, nb = client()
    feed(made, nb, 0, msg("stream", name="stdout", text="a" * 600))
    feed(made, nb, 0, msg("stream", name="stderr", text="b" * 600))
    assert texts(nb.cells[0]) == "a" * 600 + "b" * 400
    assert made.dropped(0) == 200
    note = made.notes(0)
    assert "200 more bytes were dropped" in note[0].text and "1,000 bytes per cell" in note[0].text
    assert note[1].name == "stderr" and "went to stderr" in note[1].text


def test_the_notebook_limit_holds_across_cells():
    made, nb = client(cells=4)
    for index in range(4):
        feed(made, nb, index, msg("stream", name="stdout", text="x" * 1000))
    kept = [len(texts(c)) for c in nb.cells]
    assert kept == [1000, 1000, 500, 0] and sum(kept) == made.max_notebook_bytes
    assert "per notebook" in made.notes(3)[0].text and made.dropped(3) == 1000


def test_a_display_that_does_not_fit_is_dropped_whole():
    made, nb = client()
    image = "i" * 2000
    feed(made, nb, 0, msg("display_data", data={"image/png": image, "text/plain": "<Figure>"}, metadata={}))
    feed(made, nb, 0, msg("display_data", data={"text/plain": "small"}, metadata={}))
    assert [o.data for o in nb.cells[0].outputs] == [{"text/plain": "small"}]
    assert made.dropped(0) > 2000


def test_metadata_counts_too():
    made, nb = client()
    feed(made, nb, 0, msg("display_data", data={"text/plain": "x"}, metadata={"junk": "m" * 5000}))
    assert nb.cells[0].outputs == [] and made.dropped(0) > 5000


def test_errors_are_kept_but_cut():
    made, nb = client()
    huge = msg("error", ename="E" * 10_000, evalue="v" * (10 * MAX_EVALUE),
               traceback=["line %d " % i + "t" * 100 for i in range(100_000)])
    feed(made, nb, 0, huge)
    out = nb.cells[0].outputs[0]
    assert out.output_type == "error" and len(out.ename) < 300 and len(out.evalue) < MAX_EVALUE + 100
    assert sum(len(t) for t in out.traceback) < MAX_TRACEBACK + 200
    assert out.traceback[0].startswith("...") and out.traceback[-1].startswith("line 99999")


def test_bounded_error_repairs_the_types():
    fixed = bounded_error({"ename": 5, "evalue": ["x"], "traceback": "not a list"})
    assert fixed == {"ename": "Error", "evalue": "", "traceback": ["Error: "]}


def test_display_updates_count_for_every_output_they_change():
    made, nb = client(per_cell=1000, per_notebook=10_000)
    for index in range(3):                                  # one display_id shown in three cells
        feed(made, nb, index, msg("display_data", data={"text/plain": "start"}, metadata={},
                                  transient={"display_id": "d"}))
    update = msg("update_display_data", data={"text/plain": "u" * 200}, metadata={}, transient={"display_id": "d"})
    feed(made, nb, 2, update)                               # 3 x ~220: fits in cell 2's 1000
    assert [c.outputs[0].data["text/plain"] for c in nb.cells] == ["u" * 200] * 3
    big = msg("update_display_data", data={"text/plain": "w" * 400}, metadata={}, transient={"display_id": "d"})
    feed(made, nb, 2, big)                                  # 3 x ~420 does not fit: dropped
    assert [c.outputs[0].data["text/plain"] for c in nb.cells] == ["u" * 200] * 3
    assert made.dropped(2) > 1200


def test_malformed_messages_become_a_note_and_break_nothing():
    made, nb = client()
    bad = [msg("stream", name="stdout", text=["not", "a", "string"]),
           msg("display_data", data=["list"], metadata={}),
           msg("display_data", data={"image/png": 5}, metadata={}),
           msg("execute_result", data={"text/plain": "ok"}, metadata="not a dict", execution_count=1),
           msg("display_data", data={"text/plain": "x"}, metadata={}, transient={"display_id": ["unhashable"]}),
           msg("display_data", data={"text/plain": "y"}, metadata={}, transient="nonsense"),
           msg("execute_result", data={"text/plain": "z"}, metadata={}, execution_count="9" * 1000),
           msg("status"), msg("status", execution_state=["busy"]),
           msg("comm_open", comm_id="c", target_name="jupyter.widget", data={"state": {"x": "s" * 10_000}}),
           msg("clear_output", wait="yes")]
    for message in bad:
        feed(made, nb, 0, message)
    kinds = [(o.output_type, o.get("data", {}).get("text/plain")) for o in nb.cells[0].outputs]
    assert ("display_data", "x") in kinds or ("display_data", "y") in kinds
    assert ("execute_result", "z") in kinds
    assert nb.cells[0].outputs[-1].execution_count is None      # a string count is ignored
    notes = made.notes(0)
    assert "4 output(s) that were not valid notebook outputs" in notes[0].text
    nbformat.validate(nb)                                        # what is kept is a valid notebook
    assert not made.widget_state


def test_json_mime_types_follow_nbformat():
    made, nb = client()
    feed(made, nb, 0, msg("display_data", data={"application/vnd.custom+json": {"a": [1, 2]}}, metadata={}))
    feed(made, nb, 0, msg("display_data", data={"text/json": {"a": 1}}, metadata={}))   # not a JSON type
    assert [list(o.data) for o in nb.cells[0].outputs] == [["application/vnd.custom+json"]]
    nbformat.validate(nb)


class _Session:
    def __init__(self):
        self.sent = []

    def send(self, stream, msg_or_type, content=None, parent=None, ident=None, buffers=None):
        self.sent.append((msg_or_type, content))


@pytest.fixture
def session():
    made = _Session()
    cap_messages(made, 1000, exempt=("application/x-judge",))
    return made


def test_the_kernel_cuts_what_it_sends(session):
    session.send("iopub", "stream", {"name": "stdout", "text": "x" * 5000}, parent={})
    text = session.sent[-1][1]["text"]
    assert len(text) <= 1000 and "more characters were not sent" in text
    session.send("iopub", "stream", content={"name": "stdout", "text": "short"})
    assert session.sent[-1][1]["text"] == "short"
    big = {"image/png": "p" * 5000, "text/plain": "<Figure size 640x480>"}
    session.send("iopub", {"msg_type": "display_data", "header": {}, "content": {"data": big, "metadata": {}}})
    data = session.sent[-1][0]["content"]["data"]
    assert list(data) == ["text/plain"] and data["text/plain"].startswith("<Figure size 640x480>")
    judge = {"application/x-judge": "j" * 5000}
    session.send("iopub", "display_data", {"data": judge, "metadata": {}})
    assert session.sent[-1][1]["data"] is judge                  # the judge's reply is sent whole
    session.send("shell", "execute_reply", {"status": "error", "ename": "E", "evalue": "v" * 50_000,
                                            "traceback": ["t" * 100] * 10_000})
    reply = session.sent[-1][1]
    assert reply["status"] == "error" and len(json.dumps(reply)) < MAX_EVALUE + MAX_TRACEBACK + 5000
