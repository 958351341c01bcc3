"""The names ``serve`` answers to (its DNS-rebinding defence), for every kind of ``--host``.

Each case runs the real command in process (uvicorn's loop does not run; the app it would serve
is kept), then asks that app through Starlette's test client, with the ``Host`` header a
browser sends: the address the command printed works, a hostile name does not.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from webapp import require_web

from integration_index._cli import serve as serve_command

#: What the machine says of itself in the tests that fix it (documentation names, RFC 2606).
HOSTNAME = "desk"
FQDN = "desk.office.example"


class _Fake:
    """A socket stand-in on port 8000: nothing listens, any address can be "bound"."""

    def getsockname(self) -> tuple[str, int]:
        return ("::", 8000)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The apps ``serve`` would run (uvicorn's loop is not started, no socket is opened)."""
    require_web()
    import uvicorn

    apps: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: apps.append(self))
    monkeypatch.setattr(serve_command, "bind", lambda host, port: _Fake())
    return apps


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine named desk.office.example at 192.0.2.7 and 2001:db8::7 (the default route's)."""

    def getaddrinfo(name: str, *args: Any, **kwargs: Any) -> list[Any]:
        if name not in (HOSTNAME, FQDN):
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.7", 0))]

    class Probe:
        def __init__(self, family: int, kind: int) -> None:
            self.family = family

        def __enter__(self) -> Probe:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def connect(self, address: tuple[str, int]) -> None:
            pass

        def getsockname(self) -> tuple[Any, ...]:
            if self.family == socket.AF_INET6:
                return ("2001:db8::7", 40000, 0, 0)
            return ("192.0.2.7", 40000)

    class Module:
        """The socket module as hosts.py sees it (the rest of the process keeps the real one)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(socket, name)

        gethostname = staticmethod(lambda: HOSTNAME)
        getfqdn = staticmethod(lambda: FQDN)

    Module.getaddrinfo = staticmethod(getaddrinfo)  # type: ignore[attr-defined]
    Module.socket = Probe  # type: ignore[attr-defined]
    from integration_index._web import hosts

    monkeypatch.setattr(hosts, "socket", Module())


@contextmanager
def _client(app: Any, base_url: str) -> Iterator[Any]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(app, base_url=base_url) as c:
        yield c


def _printed(stdout: str) -> str:
    match = re.search(r"Open (http://\S+/) in a browser", stdout)
    assert match, stdout
    return match.group(1)


@pytest.mark.parametrize(
    ("host", "printed", "also"),
    [
        ("127.0.0.2", "http://127.0.0.2:8000/", ["localhost:8000"]),
        ("::1", "http://[::1]:8000/", ["127.0.0.1:8000"]),
        ("fe80::1", "http://[fe80::1]:8000/", ["localhost:8000"]),
        ("2001:db8::1", "http://[2001:db8::1]:8000/", ["[2001:db8::1]"]),
        ("[2001:db8::1]", "http://[2001:db8::1]:8000/", ["[2001:db8::1]:8000"]),
        # as typed, and as a browser writes it (compressed, lower case)
        ("2001:DB8:0:0::1", "http://[2001:DB8:0:0::1]:8000/", ["[2001:db8::1]:8000"]),
        ("192.0.2.10", "http://192.0.2.10:8000/", ["192.0.2.10"]),
    ],
)
def test_the_printed_address_is_answered_and_another_name_is_not(
    cli: Cli, tmp_path: Path, served: list[Any], host: str, printed: str, also: list[str]
) -> None:
    result = cli("serve", tmp_path, "--host", host)
    assert result.returncode == 0, result.stderr
    assert _printed(result.stdout) == printed
    (server,) = served
    with _client(server.config.app, printed) as c:
        assert c.get("/").status_code == 200  # the Host header of the printed address
        for name in also:
            assert c.get("/", headers={"Host": name}).status_code == 200, name
        for name in ("evil.example", "evil.example:8000", "[2001:db8::2]:8000", "fe80::1"):
            assert c.get("/", headers={"Host": name}).status_code == 400, name


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::", "[::]"])
def test_a_wildcard_address_answers_this_machine_and_allowed_names_only(
    cli: Cli, tmp_path: Path, served: list[Any], machine: None, wildcard: str
) -> None:
    result = cli(
        "serve", tmp_path, "--host", wildcard, "--allow-host", "intranet.example",
        "--allow-host", "2001:DB8::99",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (server,) = served
    answered = {
        "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "desk:8000", "desk.office.example",
        "DESK.office.example:8000", "192.0.2.7:8000", "[2001:db8::7]:8000",
        "intranet.example:8000", "[2001:db8::99]:8000", "[2001:db8::99]",
    }  # fmt: skip
    refused = {
        "evil.example", "evil.example:8000", "intranet.example.evil.example", "desk.evil.example",
        "192.0.2.8:8000", "*", "", "localhost.evil.example:8000",
    }  # fmt: skip
    with _client(server.config.app, _printed(result.stdout)) as c:
        assert c.get("/").status_code == 200
        for name in answered:
            assert c.get("/", headers={"Host": name}).status_code == 200, name
        for name in refused:
            assert c.get("/", headers={"Host": name}).status_code == 400, name
    # the warning names exactly those names, the bound address too (never "*")
    bare = wildcard.strip("[]")
    shown = f"[{bare}]" if ":" in bare else bare
    names = [
        "127.0.0.1", "localhost", "[::1]", shown, "desk", "192.0.2.7", "desk.office.example",
        "[2001:db8::7]", "intranet.example", "[2001:db8::99]",
    ]  # fmt: skip
    assert (
        f"warning: only requests addressed to these names are answered: {', '.join(names)} "
        "(--allow-host NAME adds one)"
    ) in result.stderr
    assert _printed(result.stdout) == (
        "http://[::1]:8000/" if ":" in bare else "http://127.0.0.1:8000/"
    )


def test_the_wildcard_lists_the_real_machines_own_name(tmp_path: Path) -> None:
    """Without any stand-in: the names this machine gives itself are answered, never all."""
    from integration_index._web.hosts import allowed_hosts

    names = allowed_hosts("0.0.0.0")
    assert "*" not in names
    assert socket.gethostname().lower() in names
    assert {"127.0.0.1", "localhost", "[::1]", "0.0.0.0"} <= set(names)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("*", "'*' is not a host name"),
        ("intranet.example:8000", "'intranet.example:8000' is not a host name"),
        ("", "'' is not a host name"),
        ("http://intranet.example/", "'http://intranet.example/' is not a host name"),
    ],
)
def test_allow_host_refuses_a_wildcard_a_port_or_a_url(
    cli: Cli, tmp_path: Path, served: list[Any], name: str, problem: str
) -> None:
    result = cli("serve", tmp_path, "--host", "0.0.0.0", "--allow-host", name)
    assert result.returncode == 2
    assert f"--allow-host: {problem} (give a name or an address, no port)" in result.stderr
    assert served == []


def test_allow_host_widens_a_loopback_bind_too(cli: Cli, tmp_path: Path, served: list[Any]) -> None:
    result = cli("serve", tmp_path, "--allow-host", "Notes.Example")
    assert result.returncode == 0 and "warning" not in result.stderr
    with _client(served[0].config.app, _printed(result.stdout)) as c:
        assert c.get("/", headers={"Host": "notes.example:8000"}).status_code == 200
        assert c.get("/", headers={"Host": "evil.example:8000"}).status_code == 400


def test_the_guard_has_no_wildcard(tmp_path: Path) -> None:
    """A ``*`` given to the app is a name like any other, not "every name"."""
    from webapp import client

    with client(tmp_path, hosts=["*"]) as c:
        assert c.get("/", headers={"Host": "evil.example"}).status_code == 400
        assert c.get("/", headers={"Host": "*"}).status_code == 200


def test_a_real_server_on_127_0_0_2_and_on_0_0_0_0(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end on real sockets: the printed address answers; a rebound name does not."""
    require_web()
    import httpx
    import uvicorn

    runs: list[tuple[Any, Any]] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: runs.append((self, sockets))
    )
    for host, connect in (("127.0.0.2", "127.0.0.2"), ("0.0.0.0", "127.0.0.1")):
        result = cli("serve", tmp_path, "--host", host, "--port", "0")
        assert result.returncode == 0, result.stderr
        running, sockets = runs.pop()
        thread = threading.Thread(
            target=asyncio.run, args=(running.serve(sockets=sockets),), daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 20
        while not running.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
            time.sleep(0.02)
        try:
            address = _printed(result.stdout)
            port = int(address.rsplit(":", 1)[1].rstrip("/"))
            assert httpx.get(address).status_code == 200
            rebound = httpx.get(
                f"http://{connect}:{port}/", headers={"Host": f"evil.example:{port}"}
            )
            assert rebound.status_code == 400
        finally:
            running.should_exit = True
            thread.join(timeout=20)
            for sock in sockets:
                sock.close()
