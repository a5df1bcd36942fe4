"""This computer's address on the local network, for the status server that a school's LAN reads
(`inspector-app serve --host 0.0.0.0` and the program's Tools → status service)."""

from __future__ import annotations

import socket


def lan_address() -> str | None:
    """This computer's address on the local network, from its own name (no packet is sent)."""
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127."):
                return address
    except OSError:
        return None
    return None
