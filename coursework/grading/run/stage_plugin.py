"""The student bundle's packages on every Dask worker, those that join later included.

Imported only when a class is graded on Dask (``distributed`` is the optional ``[dask]``
extra). :class:`StagePlugin` is a worker plugin: the scheduler keeps it and hands it to every
worker when it connects, so each worker holds the gzipped tar of the bundle stage once,
whatever happens to the others. (Data scattered with ``broadcast=True`` is not that: Dask's
memory manager drops the extra copies within seconds, and a worker killed while it held the
last copy took it with it -- every submission still to grade then failed.)
"""

from __future__ import annotations

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["StagePlugin", "stage_tar"]


class StagePlugin(WorkerPlugin):
    """The stage's tar (bytes) and its SHA-256, registered under :attr:`name`."""

    idempotent = True  # the same stage registered twice is one plugin

    def __init__(self, tar: bytes, digest: str) -> None:
        self.tar, self.digest = tar, digest
        self.name = f"coursework-stage-{digest[:16]}"  # the worker keeps the plugin: nothing to set up


def stage_tar(name: str) -> bytes:
    """On a worker: the tar of the stage registered as ``name``."""
    plugin = get_worker().plugins.get(name)
    if not isinstance(plugin, StagePlugin):
        raise RuntimeError(f"this Dask worker has no bundle stage {name!r} (the coordinator registers it)")
    return plugin.tar
