"""Whose request it is, for the rate limit: X-Forwarded-For counts only from a trusted proxy (the
right-most hop that is not itself a proxy); from anyone else it is ignored, so a local process
cannot pick a fresh address for every request. Checked on the function and over real HTTP."""

from __future__ import annotations

import ipaddress

from inspector_app.web.app import create_app
from inspector_app.web.guard import client_address
from tests.live_server import live_server

PROXIES = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))


def test_an_untrusted_peer_is_itself_whatever_it_forwards():
    assert client_address("198.51.100.7", ["203.0.113.1"], PROXIES) == "198.51.100.7"
    assert client_address("127.0.0.1", ["203.0.113.1"], ()) == "127.0.0.1"


def test_a_trusted_proxy_names_the_right_most_address_that_is_not_a_proxy():
    assert client_address("127.0.0.1", ["203.0.113.1"], PROXIES) == "203.0.113.1"
    # The client wrote the left part itself; the proxies appended the rest.
    assert client_address("127.0.0.1", ["6.6.6.6, 203.0.113.1"], PROXIES) == "203.0.113.1"
    assert client_address("127.0.0.1", ["6.6.6.6, 203.0.113.1, 10.2.3.4"], PROXIES) == "203.0.113.1"
    assert client_address("127.0.0.1", ["6.6.6.6", "203.0.113.1,10.2.3.4"], PROXIES) == "203.0.113.1"
    assert client_address("127.0.0.1", ["[2001:db8::1]:4711"], PROXIES) == "2001:db8::1"
    assert client_address("127.0.0.1", ["203.0.113.1:4711"], PROXIES) == "203.0.113.1"


def test_no_header_or_only_proxies():
    assert client_address("127.0.0.1", [], PROXIES) == "127.0.0.1"
    assert client_address("127.0.0.1", ["10.0.0.9, 10.0.0.8"], PROXIES) == "10.0.0.9"


def _statuses(client, forwarded: list[str]) -> list[int]:
    return [client.get("/healthz", headers={"X-Forwarded-For": f}).status_code for f in forwarded]


def test_a_spoofed_header_from_an_untrusted_peer_does_not_escape_the_limit(db, catalogue):
    app = create_app(db, catalogue, rate_per_second=0.001, burst=3,
                     trusted_proxies=[ipaddress.ip_network("10.0.0.1/32")])
    with live_server(app) as client:
        answers = _statuses(client, [f"203.0.113.{n}" for n in range(1, 7)])
    assert answers == [200, 200, 200, 429, 429, 429]


def test_a_trusted_proxys_clients_get_separate_buckets(db, catalogue):
    app = create_app(db, catalogue, rate_per_second=0.001, burst=2, trusted_proxies=PROXIES)
    with live_server(app) as client:
        first = _statuses(client, ["203.0.113.1"] * 3)
        second = _statuses(client, ["203.0.113.2"] * 3)
        # Prefixing a fresh address does not help a client that a proxy has already named.
        spoofed = _statuses(client, [f"6.6.6.{n}, 203.0.113.1" for n in range(3)])
    assert first == [200, 200, 429]
    assert second == [200, 200, 429]
    assert spoofed == [429, 429, 429]
