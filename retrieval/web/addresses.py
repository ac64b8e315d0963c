"""Which network addresses a fetch may reach: public ones only, unless the operator allows more.

A member's link is fetched by the bot's host, inside its network. ``http://169.254.169.254/`` (cloud
metadata, credentials included), ``http://localhost:8000/`` (the Chroma server) or a name that
resolves to ``10.0.0.5`` would let anyone who can post a link read what only the host should.
The check runs on the addresses a name resolves to, at the moment of connecting, so a name that
resolves differently on the second lookup (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from retrieval.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in _METADATA:
        return "the cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return "not a unicast public address"
    if not address.is_global:
        return "not a public address"
    return None


class AddressPolicy:
    """Resolves a host and returns the address to connect to, or raises :class:`FetchError`.

    ``allowed`` names hosts (``intranet.example``) or networks (``127.0.0.1``, ``10.0.0.0/8``)
    the operator lets through anyway: a newsroom's own intranet, or the tests' loopback server.
    Nothing is allowed by default.
    """

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self._hosts: set[str] = set()
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in (e.strip().lower().strip("[]") for e in allowed):
            if not entry:
                continue
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry)

    def connectable(self, host: str, port: int) -> str:
        """The address to connect to for ``host``: every address it resolves to must be allowed
        (one public and one private answer is no reason to trust the public one)."""
        name = host.lower().strip("[]")
        try:
            found = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"{host} could not be found ({exc}).") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
        if not addresses:
            raise FetchError(f"{host} could not be found.")
        if name not in self._hosts:
            for address in addresses:
                why = refusal(address)
                if why and not any(address in network for network in self._networks):
                    shown = host if host.strip("[]") == str(address) else f"{host} ({address})"
                    raise FetchError(
                        f"Refused to fetch {shown}: it is {why}, inside the bot's own network. "
                        "Only public web pages are fetched."
                    )
        return str(addresses[0])
