"""Formgrader's submission view, made safe: a Jupyter server extension.

Formgrader shows a submission by rendering the graded notebook with nbconvert's HTML
exporter, in the instructor's logged-in browser, on the server's own origin: a script a
student wrote there could use Formgrader's API and the server's kernels. This extension
(enabled in ``jupyter/instructor/jupyter_server_config.json``, so ``make lab-instructor``
loads it) serves that view instead of nbgrader's handler, with:

- :class:`.safe_export.SafeHTMLExporter` and Formgrader's own template: everything from
  the submission is escaped or sanitised, the student's name in the header is escaped;
- a ``Content-Security-Policy`` header (and the same policy as the page's first
  ``<meta>``) that runs only scripts carrying this response's nonce -- Formgrader's own,
  which get it before the submission's content is filled in -- and the two inline
  handlers of Formgrader's header (show / hide the student's name), by their hashes.
  Styles, images, fonts and API calls may come from the server itself (``'self'``).

Jupyter loads extensions in alphabetical order, so this one registers its route before
nbgrader's, and tornado takes the first route that matches. Everything else in
Formgrader is nbgrader's.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .safe_export import SafeHTMLExporter
from .safe_html import new_nonce, policy

__all__ = ["SafeSubmissionHandler", "INLINE_HANDLERS", "csp_of"]  # noqa: F822 - made on access (module __getattr__)

#: the inline event handlers of Formgrader's submission header (formgrade_macros.html.j2)
INLINE_HANDLERS = ("toggle_name(true);", "toggle_name(false);")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp_of(nonce: str, *, header: bool) -> str:
    """The policy of one submission view (``header``: as sent, with ``frame-ancestors``)."""
    return policy(nonce, server=True, header=header, handler_hashes=[_sha256(h) for h in INLINE_HANDLERS])


class _WithNonce:
    """The course's exporter, rendering with one response's nonce and policy."""

    def __init__(self, exporter: Any, nonce: str):
        self.exporter, self.nonce = exporter, nonce

    def from_filename(self, filename: str, resources: dict | None = None, **kw: Any):
        resources = dict(resources or {}, coursework_nonce=self.nonce, coursework_csp=csp_of(self.nonce, header=False))
        return self.exporter.from_filename(filename, resources=resources, **kw)


def _handler_class():
    # nbgrader is imported only when asked for (4 s)
    from nbgrader.server_extensions.formgrader import handlers  # here: see above

    SubmissionHandler = handlers.SubmissionHandler

    class SafeSubmissionHandler(SubmissionHandler):
        """nbgrader's submission view through the course's exporter, under a nonce policy."""

        @property
        def coursework_nonce(self) -> str:
            if not hasattr(self, "_coursework_nonce"):
                self._coursework_nonce = new_nonce()
            return self._coursework_nonce

        @property
        def content_security_policy(self) -> str:
            return csp_of(self.coursework_nonce, header=True)

        @property
        def exporter(self):
            made = self.settings.get("coursework_exporter")
            if made is None:
                made = SafeHTMLExporter(config=self.settings["nbgrader_exporter"].config)
                self.settings["coursework_exporter"] = made
            return _WithNonce(made, self.coursework_nonce)

    return SafeSubmissionHandler


def __getattr__(name: str):
    if name == "SafeSubmissionHandler":  # nbgrader is imported only when asked for
        return _handler_class()
    raise AttributeError(name)


def _jupyter_server_extension_points():
    return [{"module": __name__}]


def _load_jupyter_server_extension(server_app) -> None:
    from jupyter_server.utils import url_path_join  # here: only the server loading the extension has it

    webapp = server_app.web_app
    route = url_path_join(webapp.settings["base_url"], r"/formgrader/submissions/([^/]+)/?")
    webapp.add_handlers(".*$", [(route, _handler_class())])
    server_app.log.info("coursework: Formgrader's submission view is sanitised and runs under a nonce CSP")
