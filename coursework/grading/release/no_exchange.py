"""nbgrader's exchange for a course that has none.

This course hands assignments out as zips (``coursework release``) and takes the hand-ins
in with ``coursework collect``; there is no shared exchange folder. nbgrader's default
exchange still looks for ``/srv/nbgrader/exchange`` whenever Formgrader opens, logs a
critical "Unwritable directory" and shows a yellow "exchange directory could not be
created" banner. ``nbgrader_config.py`` puts these classes in its place: listing finds
nothing (no banner, no log line), and every transfer (release, collect, fetch, submit,
feedback) stops with one sentence that says what to do instead.
"""

from __future__ import annotations

from nbgrader.exchange.abc import (
    Exchange,
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeList,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from nbgrader.exchange.abc.exchange import ExchangeError

__all__ = ["NoExchange", "NoList", "NoTransfer", "MESSAGE"]

MESSAGE = (
    "this course has no nbgrader exchange: hand out dist/<course>-<assignment>.zip from `coursework release`, "
    "take the hand-ins in with `coursework collect ASSIGNMENT FOLDER`, and send students their "
    "feedback/<student>/<assignment>/ pages"
)


class NoExchange(Exchange):
    root = ""  # not a folder: Formgrader shows no exchange path

    def start(self):
        raise ExchangeError(MESSAGE)


class NoList(ExchangeList):
    root = ""

    def start(self):
        return []

    def list_files(self):
        return []

    def remove_files(self):
        return []


class NoTransfer(NoExchange):
    pass


class NoReleaseAssignment(NoTransfer, ExchangeReleaseAssignment):
    pass


class NoReleaseFeedback(NoTransfer, ExchangeReleaseFeedback):
    pass


class NoFetchAssignment(NoTransfer, ExchangeFetchAssignment):
    pass


class NoFetchFeedback(NoTransfer, ExchangeFetchFeedback):
    pass


class NoSubmit(NoTransfer, ExchangeSubmit):
    pass


class NoCollect(NoTransfer, ExchangeCollect):
    pass
