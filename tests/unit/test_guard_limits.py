"""The Guard's memory of clients and its redirects, without a server: the rate-limit table stays
within its bound by forgetting the client seen longest ago (never everyone at once), an IPv6
subscriber is one client however many of its addresses it uses, and no Location names a host."""

from __future__ import annotations

from inspector_app.web.guard import TokenBuckets, rate_key, same_site


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
