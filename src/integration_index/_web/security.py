"""What keeps the app to its own user: trusted hosts, same-origin writes with a token, a body
size limit, and headers that forbid the browser anything the app does not need.

* The ``Host`` header must name the address the app serves, one of a fixed list of names (a
  page on another site that rebinds its name to 127.0.0.1 is refused: DNS rebinding). There is
  no wildcard: ``_web/hosts.py`` lists the names for the address ``serve`` listens on.
* Every state-changing request (POST) must carry the app's token (a form field, or the
  ``X-CSRF-Token`` header for the page's own fetches) and, when the browser says where it comes
  from (``Origin``, ``Sec-Fetch-Site``), come from the app's own origin.
* A request body larger than the limit is refused (413) before anything reads it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Guard", "new_token", "token_ok"]

#: The policy of every page the app renders: only its own script, style and forms.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The policy of a report the app shows: its inline style and charts, in a sandbox with no
#: access to the app (an opaque origin), no form, no network.
REPORT_POLICY = (
    "sandbox allow-scripts; default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; script-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'self'"
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    """A fresh random token (the app's, for its forms)."""
    return secrets.token_urlsafe(32)


def token_ok(given: object, token: str) -> bool:
    """True when *given* is the app's *token* (compared in constant time)."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), token.encode())


def _headers(scope: Scope) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): value.decode("latin-1")
        for key, value in scope.get("headers", [])
    }


class Guard:
    """ASGI middleware: host check, body limit, origin and token checks, security headers."""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], max_body: int) -> None:
        self.app = app
        self.hosts = frozenset(host.lower() for host in hosts)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host", "")
        if _hostname(host) not in self.hosts:
            await _refuse(send, 400, "Unknown host: this app answers on its own address only.")
            return
        method = scope.get("method", "GET")
        if method in _SAFE_METHODS:
            await self.app(scope, receive, _with_policy(send))
            return
        problem = self._cross_site(headers, scope, host)
        if problem:
            await _refuse(send, 403, problem)
            return
        body = await self._body(headers, receive)
        if body is None:
            await _refuse(send, 413, f"The request is larger than {self.max_body} bytes.")
            return
        await self.app(scope, _replay(body), _with_policy(send))

    def _cross_site(self, headers: dict[str, str], scope: Scope, host: str) -> str | None:
        origin = headers.get("origin")
        scheme = scope.get("scheme", "http")
        if origin is not None and origin.lower() != f"{scheme}://{host}".lower():
            return "Cross-site request refused: it does not come from this app's pages."
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "Cross-site request refused: it does not come from this app's pages."
        return None

    async def _body(self, headers: dict[str, str], receive: Receive) -> bytes | None:
        """The whole body, or None when it is larger than the limit."""
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _hostname(host: str) -> str:
    """The name of a ``Host`` header, without its port: ``[::1]:8000`` gives ``[::1]``."""
    host = host.lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _with_policy(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            names = {name.lower() for name, _ in headers}
            defaults = {
                b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
                b"x-content-type-options": b"nosniff",
                b"x-frame-options": b"SAMEORIGIN",
                b"referrer-policy": b"same-origin",
                b"cache-control": b"no-store",
                b"cross-origin-opener-policy": b"same-origin",
                b"cross-origin-resource-policy": b"same-origin",
            }
            headers += [(k, v) for k, v in defaults.items() if k not in names]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    start: MutableMapping[str, Any] = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"content-security-policy", b"default-src 'none'"),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body})
