"""Helpers for the web app's tests: the extra's presence, a test client, a real server.

Outside CI a missing ``web`` extra (or httpx) skips the web tests; in CI (env ``CI`` set) it
fails them.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from starlette.testclient import TestClient

TOKEN = "test-token-0123456789"
_MODULES = ("starlette", "uvicorn", "jinja2", "babel", "python_multipart", "httpx")


def require_web() -> None:
    """Skip (outside CI) or fail (in CI) when the web extra or httpx is missing."""
    missing = [name for name in _MODULES if importlib.util.find_spec(name) is None]
    if missing:
        message = f"the web app's tests need {', '.join(missing)} (the web and test extras)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must install them", pytrace=False)
        pytest.skip(message)


def client(root: Path, language: str = "en", **options: Any) -> TestClient:
    """A test client of the app over *root* (host ``testserver`` allowed, a known token)."""
    require_web()
    import warnings

    with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx works the same
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from integration_index._web.app import DEFAULT_HOSTS, create_app

    hosts = options.pop("hosts", [*DEFAULT_HOSTS, "testserver"])
    app = create_app(root, language=language, hosts=hosts, token=TOKEN, **options)
    return TestClient(app, base_url="http://testserver")


def hidden(page: str, name: str) -> str:
    """The value of the hidden input *name* of a page."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert match, f"no input {name} on the page"
    return html.unescape(match.group(1))


def card_scores(page: str) -> dict[str, str]:
    """The scores a page's card shows, by criterion (``overall`` too), as data attributes."""
    return dict(re.findall(r'data-criterion="([^"]+)" data-score="([^"]*)"', page))


@contextmanager
def server(root: Path, language: str = "en") -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    require_web()
    import uvicorn

    from integration_index._cli.serve import bind
    from integration_index._web.app import create_app

    app = create_app(root, language=language)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", limit_concurrency=200)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=20)
        sock.close()
