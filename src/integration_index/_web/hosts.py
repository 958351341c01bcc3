"""The names the app answers to, from the address it listens on (its DNS-rebinding defence).

A browser sends the name of the address it opened in the ``Host`` header. The app answers only
the names listed here, in the form the ``Guard`` of ``_web/security.py`` compares
(lower case, no port, an IPv6 address in brackets), and never ``*``: a hostile page whose own
name now points at this computer names itself, and is refused.

* The address the app listens on (as typed and in its usual form), and the loopback names
  (``127.0.0.1``, ``localhost``, ``[::1]``).
* On a wildcard address (``0.0.0.0``, ``::``), also this computer's host names
  (``socket.gethostname()``, ``socket.getfqdn()``) and the addresses they resolve to, and
  the address of the interface that reaches the network.
* The names given with ``--allow-host`` (a name the machine cannot discover itself: a DNS
  alias, the address a router forwards).

This module needs nothing but the standard library.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterable, Iterator

__all__ = ["LOOPBACK_HOSTS", "allowed_hosts", "host_name", "is_loopback", "is_wildcard"]

#: The names the app answers to when it listens on the loopback address.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: Documentation addresses (RFC 5737, RFC 3849): "connecting" a UDP socket to one sends nothing,
#: and tells which local address the default route would use.
_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def host_name(text: str) -> str:
    """*text* (a name or an address, IPv6 with or without brackets) as the Host check compares
    it: lower case, an IPv6 address in brackets and in its usual short form.

    Raises:
        ValueError: *text* is empty, ``*``, or carries a port or a path.
    """
    text = text.strip().lower()
    address = _address(text)
    if address is not None:
        shown = str(address).split("%", 1)[0]  # a browser never sends an IPv6 zone
        return f"[{shown}]" if address.version == 6 else shown
    if not text or text == "*" or any(c in text for c in ":/[]@ \t*"):
        raise ValueError(f"{text!r} is not a host name (give a name or an address, no port)")
    return text


def _as_typed(text: str) -> str:
    """*text* as a browser opened with it would send it, without normalizing the address."""
    bare = text.strip().lower().removeprefix("[").removesuffix("]")
    return f"[{bare}]" if ":" in bare else bare


def is_loopback(host: str) -> bool:
    """True when *host* is ``localhost`` or a loopback address."""
    address = _address(host)
    return host.strip().lower() == "localhost" or (address is not None and address.is_loopback)


def is_wildcard(host: str) -> bool:
    """True when listening on *host* means every address of the computer."""
    address = _address(host)
    return not host.strip() or (address is not None and address.is_unspecified)


def _resolved(name: str) -> Iterator[str]:
    with contextlib.suppress(OSError, UnicodeError):
        for *_, sockaddr in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP):
            yield str(sockaddr[0])


def _routed() -> Iterator[str]:
    """The local address of the route to the network, per family (no packet is sent)."""
    for family, probe in _PROBES:
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))
            yield str(sock.getsockname()[0])


def machine_names() -> list[str]:
    """This computer's host names and the addresses it can discover for itself."""
    names: list[str] = []
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names += [name, *_resolved(name)]
    return [*names, *_routed()]


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The names the app answers to when it listens on *host*, plus the names *extra*.

    Raises:
        ValueError: A name of *extra* is not a host name (see ``host_name``).
    """
    names = [*LOOPBACK_HOSTS]
    if host.strip():
        names.append(_as_typed(host))
        with contextlib.suppress(ValueError):  # an odd name: binding to it will say why
            names.append(host_name(host))
    if is_wildcard(host):
        for name in machine_names():
            with contextlib.suppress(ValueError):
                names.append(host_name(name))
    names += [host_name(name) for name in extra]
    return tuple(dict.fromkeys(names))
