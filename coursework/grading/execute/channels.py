"""The grader's end of a kernel's channels: connected through the relay, bounded, and
never broken by a malformed message.

- :func:`kernel_manager` makes jupyter_client's ``AsyncKernelManager`` (with one kernel
  spec, the grading launcher) whose own control socket and whose clients connect to
  ``relay`` (:mod:`.relay`) instead of the kernel's sockets when it is set;
- the clients' sockets take at most :data:`RECEIVE_QUEUE` complete messages into their
  queue before ZeroMQ stops reading (the default is 1,000: that many messages of the
  relay's limit each would be 32 GB);
- :class:`BoundedSession` turns a message that cannot be read (no delimiter, a bad
  signature, JSON that does not parse, a header, parent header, metadata or content
  that is not an object, a ``msg_type`` that is not a string) into a placeholder that
  no request waits for, instead of an exception in the grader.
"""

from __future__ import annotations

from typing import Any

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import ConnectionFileMixin
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.session import Session

__all__ = ["kernel_manager", "RECEIVE_QUEUE", "PLACEHOLDER"]

RECEIVE_QUEUE = 8
PLACEHOLDER = "coursework_unreadable"


def _placeholder(why: str) -> dict:
    header = {"msg_type": PLACEHOLDER, "msg_id": "", "why": why}
    return {
        "header": header,
        "msg_id": "",
        "msg_type": PLACEHOLDER,
        "parent_header": {},
        "metadata": {},
        "content": {},
        "buffers": [],
    }


class BoundedSession(Session):
    """A Session whose :meth:`deserialize` never raises and returns only well-formed messages."""

    def feed_identities(self, msg_list, copy=True):
        try:
            return super().feed_identities(msg_list, copy)
        except Exception:  # noqa: BLE001 - no delimiter: deserialize says so
            return [], None

    def deserialize(self, msg_list, content=True, copy=True):
        if msg_list is None:
            return _placeholder("no delimiter")
        try:
            msg = super().deserialize(msg_list, content=content, copy=copy)
        except Exception as exc:  # noqa: BLE001 - bad signature, bad JSON, too deep, ...
            return _placeholder(type(exc).__name__)
        for key in ("header", "parent_header", "metadata", "content"):
            if not isinstance(msg.get(key), dict):
                return _placeholder(f"{key} is not an object")
        if not isinstance(msg.get("msg_type"), str):
            return _placeholder("msg_type is not a string")
        return msg


_SOCKET_TYPES = {"shell": zmq.DEALER, "iopub": zmq.SUB, "stdin": zmq.DEALER, "control": zmq.DEALER, "hb": zmq.REQ}


class _Relayed(ConnectionFileMixin):
    """Connections to ``coursework_relay`` (the relay's socket prefix) when set, with bounded queues
    (mixed into jupyter_client's client and manager, both ``ConnectionFileMixin`` s)."""

    coursework_relay = ""

    def _make_url(self, channel: str) -> str:
        if self.coursework_relay and self.transport == "ipc":
            return f"ipc://{self.coursework_relay}-{getattr(self, f'{channel}_port')}"
        return super()._make_url(channel)

    def _create_connected_socket(self, channel: str, identity: bytes | None = None):
        """jupyter_client's, with the receive queue bounded."""
        sock = self.context.socket(_SOCKET_TYPES[channel])
        sock.linger = 1000
        sock.rcvhwm = RECEIVE_QUEUE
        if identity:
            sock.identity = identity
        if getattr(self, "curve_publickey", None) is not None:
            sock.curve_secretkey = self.curve_secretkey
            sock.curve_publickey = self.curve_publickey
            sock.curve_serverkey = self.curve_publickey
        sock.connect(self._make_url(channel))
        return sock


class RelayedClient(_Relayed, AsyncKernelClient):
    pass


class RelayedKernelManager(_Relayed, AsyncKernelManager):
    def client(self, **kwargs):
        kc = super().client(**kwargs)
        kc.coursework_relay = self.coursework_relay
        return kc


class _OneSpec(KernelSpecManager):
    """A kernel spec manager that knows one spec, whatever the name asked for."""

    spec: Any = None

    def get_kernel_spec(self, kernel_name: str):
        return self.spec


def kernel_manager(spec: Any, context: Any = None) -> RelayedKernelManager:
    """An ``AsyncKernelManager`` for the one kernel spec ``spec`` (a ``KernelSpec``), with a
    :class:`BoundedSession`, bounded receive queues and relayed connections (set
    ``km.coursework_relay`` to the relay's socket prefix before starting the kernel)."""
    specs = _OneSpec()
    specs.spec = spec
    kwargs = {"context": context} if context is not None else {}
    km = RelayedKernelManager(kernel_name=spec.name, kernel_spec_manager=specs, session=BoundedSession(), **kwargs)
    km.client_factory = RelayedClient
    return km
