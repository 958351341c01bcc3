"""``integration-index serve``: the local web app over a folder of profiles.

The web dependencies are an optional extra; without them the command says what to install. It
listens on 127.0.0.1 unless ``--host`` says otherwise, and then warns that there is no login.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import ipaddress
import socket
from collections.abc import Callable

from integration_index._cli.common import UsageError, error

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
        "lets other computers in, without any login",
    )
    p.add_argument("--language", choices=("en", "fr"), default="en", help="the app's language")
    p.set_defaults(run=serve)


def missing_modules() -> list[str]:
    """The distributions of the web extra that are not installed."""
    return [
        dist for dist, module in WEB_MODULES.items() if importlib.util.find_spec(module) is None
    ]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _hosts(host: str) -> list[str]:
    from integration_index._web.app import DEFAULT_HOSTS

    if _is_loopback(host):
        return list(DEFAULT_HOSTS)
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return [host, *DEFAULT_HOSTS]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on *host*:*port* (port 0: a free one)."""
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

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    app = create_app(
        args.folder, registry=args.registry, language=args.language, hosts=_hosts(args.host)
    )
    sock = bind(args.host, args.port)
    port = sock.getsockname()[1]
    shown = f"[{args.host.strip('[]')}]" if ":" in args.host else args.host
    if not _is_loopback(args.host):
        error(
            f"warning: listening on {args.host}: there is no login; anyone who can reach this "
            f"address can read and change every profile in {app.state.web.store.root}"
        )
    print(f"Serving the profiles in {app.state.web.store.root}")
    print(f"Open http://{shown}:{port}/ in a browser (Ctrl-C to stop).", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    return 0
