"""The Guard's memory of clients and its redirects, without a server: the rate-limit table stays
within its bound by forgetting the client seen longest ago (never everyone at once), an IPv6
subscriber is one client however many of its addresses it uses, and no Location names a host.
The HTTP layer holds a request head to its limit however it arrives."""

from __future__ import annotations

import h11
import pytest

from inspector_app.web.guard import TokenBuckets, rate_key, same_site
from inspector_app.web.http_protocol import DEFAULT_MAX_HEAD_BYTES, _RememberingConnection


def test_a_full_table_forgets_the_oldest_client_only():
    buckets = TokenBuckets(rate_per_second=0.0001, burst=1, max_clients=100)
    assert buckets.allow("held") and not buckets.allow("held")
    for n in range(1000):  # ten times what the table holds; "held" keeps knocking
        assert buckets.allow(f"new-{n}")
        assert len(buckets) <= 100
        if n % 50 == 0:
            assert not buckets.allow("held")
    assert not buckets.allow("held")
    assert buckets.allow("new-0")  # long forgotten: a fresh bucket, as for any newcomer
    assert not buckets.allow("new-999")  # the newest are remembered


def test_ipv6_clients_are_limited_per_64_and_mapped_ipv4_as_ipv4():
    assert rate_key("2001:db8:1:2::1") == rate_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert rate_key("198.51.100.7") == "198.51.100.7"
    assert rate_key("not an address") == "not an address"


def test_locations_never_name_a_host():
    assert same_site(b"http://evil.example/h/abc/?lang=en") == b"/h/abc/?lang=en"
    assert same_site(b"https://evil.example") == b"/"
    assert same_site(b"//evil.example/x") == b"/x"
    assert same_site(b"/\\evil.example/x") == b"/x"
    assert same_site(b"../abc?lang=en") == b"../abc?lang=en"
    assert same_site(b"/h/abc") == b"/h/abc"


@pytest.mark.parametrize(("head", "status"), [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", 431),
    (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: 12345678\r\n" * 1100 + b"\r\n", 431),
])
def test_a_head_over_the_limit_is_refused_when_it_arrives_in_one_piece(head, status):
    """h11 limits only a head still incomplete: 100 KB arriving at once was parsed and served."""
    connection = _RememberingConnection(h11.SERVER, DEFAULT_MAX_HEAD_BYTES)
    connection.receive_data(head)
    with pytest.raises(h11.RemoteProtocolError) as refused:
        connection.next_event()
    assert refused.value.error_status_hint == status


def test_a_head_within_the_limit_passes():
    connection = _RememberingConnection(h11.SERVER, DEFAULT_MAX_HEAD_BYTES)
    connection.receive_data(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 15_000 + b"\r\n\r\n")
    assert isinstance(connection.next_event(), h11.Request)
