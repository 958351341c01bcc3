"""``integration-index serve``: the local web app over a folder of profiles.

The web dependencies are an optional extra; without them the command says what to install. It
listens on 127.0.0.1 unless ``--host`` says otherwise, and then warns that there is no login and
names the only host names it answers (``_web/hosts.py``: the address itself, the loopback names,
on a wildcard address this computer's names, and every ``--allow-host``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING

from integration_index._cli.common import UsageError, error

if TYPE_CHECKING:
    import socket

__all__ = ["add_command", "missing_modules", "serve"]

#: The modules of the ``web`` extra, by the distribution that provides them.
WEB_MODULES = {
    "starlette": "starlette",
    "uvicorn": "uvicorn",
    "jinja2": "jinja2",
    "babel": "babel",
    "python-multipart": "python_multipart",
}
INSTALL = 'pip install "integration-index[web]"'


def add_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Register ``serve`` with the parser's command factory."""
    p = command("serve", "A local web app to fill in profiles, with the score shown live.")
    p.add_argument(
        "folder", nargs="?", default=".", metavar="DIR", help="the folder of profiles (default .)"
    )
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0: any free)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1, this computer only); another one "
        "lets other computers in, without any login (0.0.0.0 or ::, every address of this "
        "computer)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to NAME (a host name or address, no port; "
        "repeatable): the app answers only its own address, the loopback names and, on 0.0.0.0 "
        "or ::, this computer's names, and refuses any other name (DNS rebinding)",
    )
    p.add_argument("--language", choices=("en", "fr"), default="en", help="the app's language")
    p.set_defaults(run=serve)


def missing_modules() -> list[str]:
    """The distributions of the web extra that are not installed."""
    return [
        dist for dist, module in WEB_MODULES.items() if importlib.util.find_spec(module) is None
    ]


def _hosts(host: str, extra: list[str]) -> tuple[str, ...]:
    from integration_index._web.hosts import allowed_hosts

    try:
        return allowed_hosts(host, extra)
    except ValueError as exc:
        raise UsageError(f"--allow-host: {exc}") from None


def _shown(host: str) -> str:
    """The address to open in a browser: on a wildcard address, the loopback one."""
    from integration_index._web.hosts import is_wildcard

    bare = host.strip().strip("[]")
    if is_wildcard(host):
        return "[::1]" if ":" in bare else "127.0.0.1"
    return f"[{bare}]" if ":" in bare else bare


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (port 0: a free one)."""
    import socket  # here: building the parser (every command's start) does without it

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    return sock


def serve(args: argparse.Namespace) -> int:
    missing = missing_modules()
    if missing:
        error(
            f"integration-index serve needs the web extra ({', '.join(missing)} missing); "
            f"install it with: {INSTALL}"
        )
        return 1
    import uvicorn

    from integration_index._web.app import create_app
    from integration_index._web.hosts import is_loopback

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    hosts = _hosts(args.host, args.allow_host)
    app = create_app(args.folder, registry=args.registry, language=args.language, hosts=hosts)
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    if not is_loopback(args.host):
        error(
            f"warning: listening on {args.host}: there is no login; anyone who can reach this "
            f"address can read and change every profile in {app.state.web.store.root}"
        )
        error(
            f"warning: only requests addressed to these names are answered: {', '.join(hosts)} "
            "(--allow-host NAME adds one)"
        )
    print(f"Serving the profiles in {app.state.web.store.root}")
    print(f"Open http://{_shown(args.host)}:{port}/ in a browser (Ctrl-C to stop).", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    return 0
