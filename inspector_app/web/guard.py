"""What stands in front of every request to the server: security headers, which bodies may come in
(none, except under /sync/ up to a limit, and only as fast as the app asks for them, within a
deadline), and a token bucket per client, with /sync counted apart.

The Guard never reads a body itself: the sync API first checks who is asking (from the headers) and
only then reads, through the Guard's watch on size and time (BodyWatch). The client is the
connecting peer; X-Forwarded-For is believed only from a trusted proxy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inspector_app.i18n import N_, _, use_language
from inspector_app.web.public import pages, report_page

SECURITY_HEADERS = [
    (b"content-security-policy", pages.CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-cache, max-age=0, must-revalidate"),
]
MAX_BODY_BYTES = 0  # nothing public accepts a body, but a responsible unit's report (below)
SYNC_PREFIX = "/sync"
# A report through a rectification link (web/public/report.py): a few phone photos and some text.
REPORT_PREFIX = "/r/"
REPORT_BODY_BYTES = 48 * 1024 * 1024
# A principal's confirmation of the school's ledger (web/public/principal.py): a name and a remark.
PRINCIPAL_PREFIX = "/p/"
PRINCIPAL_BODY_BYTES = 64 * 1024
# The bureau's sign-in and sign-out forms (web/bureau): a token in a form, never more than this.
FORM_PREFIX, FORM_BODY_BYTES = "/bureau", 4096
# A ceiling for every body under /sync/; each route of the sync API has its own, smaller cap
# (web/sync/api.py BODY_CAPS), and the largest of them is below this.
DEFAULT_SYNC_BODY_BYTES = 16 * 1024 * 1024
# A body's deadline: GRACE seconds from when the app first asks for it, plus one second for every
# MIN_RATE bytes that have arrived. A laptop on a poor link (16 KiB/s is 128 kbit/s) finishes any
# body the caps allow; a body sent a byte a second is cut off after about GRACE seconds.
DEFAULT_BODY_GRACE_SECONDS = 10.0
DEFAULT_MIN_BODY_RATE = 16 * 1024
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
BODY_NOT_ACCEPTED = N_("This address accepts no request body.")
BODY_TOO_LARGE = N_("The request body is too large.")
TOO_MANY_REQUESTS = N_("Too many requests; wait a moment and try again.")
BODY_TOO_SLOW = N_("The request body arrived too slowly.")


def bilingual(message: str) -> bytes:
    """A refusal written before the page's language is known: Chinese first, then English."""
    with use_language("zh_CN"):
        chinese = _(message)
    return (message if chinese == message else f"{chinese}\n{message}").encode("utf-8") + b"\n"


DEFAULT_MAX_CLIENTS = 100_000


class TokenBuckets:
    """A token bucket per client key, in this process only (each worker limits on its own).

    The table holds at most ``max_clients`` keys: when full, the client seen longest ago is
    forgotten (its bucket has refilled by then, so forgetting it costs nothing), never everyone at
    once, which a flood of new addresses could otherwise force to reset every limit."""

    def __init__(self, rate_per_second: float, burst: int, max_clients: int = DEFAULT_MAX_CLIENTS) -> None:
        self.rate, self.burst, self.max_clients = rate_per_second, burst, max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            found = self._buckets.pop(client, None)
            tokens, last = found if found is not None else (float(self.burst), now)
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)  # now the newest
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return allowed


def rate_key(client: str) -> str:
    """The key a client is limited under: its IPv4 address, or its IPv6 /64 (one subscriber's
    network; a single machine can take any of its 2**64 addresses)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return client


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:4711"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:4711"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]) -> str:
    """Whose request this is: the connecting peer, unless that peer is a trusted proxy; then the
    right-most X-Forwarded-For address that is not itself a trusted proxy. Addresses further left
    were written by the client and prove nothing, so they are never used while one to their right
    is an untrusted address."""

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not trusted or not is_trusted(_address(peer)):
        return peer
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if not is_trusted(address):
            return str(address) if address is not None else hop.strip()[:64]
    return str(_address(hops[0])) if hops else peer  # every hop a proxy: the first one it names


def same_site(location: bytes) -> bytes:
    """A redirect's target without scheme and host: this server never sends anyone elsewhere, and
    an absolute Location (Starlette builds them from the request's Host header) would let a forged
    Host send a phone to another site."""
    text = location.decode("latin-1").replace("\\", "/")
    parts = urlsplit(text)
    if not parts.scheme and not parts.netloc and not text.startswith("//"):
        return location
    path = "/" + parts.path.lstrip("/")
    return (path + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


# The report pages post a form and show photos: their policy allows exactly that, to this server only.
report_headers = [(b"content-security-policy", report_page.CSP.encode()) if name == b"content-security-policy"
                  else (name, value) for name, value in SECURITY_HEADERS]


def is_sync_path(path: str) -> bool:
    return path.startswith(SYNC_PREFIX + "/")


class BodyWatch:
    """The request's ``receive`` as the app sees it: the body passes through as the app asks for it,
    never buffered here, and is cut off when it grows past ``limit`` (413) or misses its deadline
    (408: ``grace`` seconds from the app's first read, plus a second per ``min_rate`` bytes received).
    On either, ``refuse(status, message)`` answers and the app is told the client went away."""

    def __init__(self, receive: Receive, limit: int, refuse: Callable[[int, str], Awaitable[None]], *,
                 grace: float = DEFAULT_BODY_GRACE_SECONDS, min_rate: float = DEFAULT_MIN_BODY_RATE) -> None:
        self.receive, self.limit, self.refuse = receive, limit, refuse
        self.grace, self.min_rate = grace, min_rate
        self.received = 0
        self.complete = False  # the whole body has been handed to the app
        self.refused = False
        self.started: float | None = None

    def deadline(self) -> float:
        started = self.started if self.started is not None else time.monotonic()
        return started + self.grace + self.received / self.min_rate

    async def __call__(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        if self.complete:
            return await self.receive()  # afterwards: the connection's own messages (a disconnect)
        if self.started is None:
            self.started = time.monotonic()
        try:
            message = await asyncio.wait_for(self.receive(), max(0.0, self.deadline() - time.monotonic()))
        except TimeoutError:
            return await self._refuse(408, BODY_TOO_SLOW)
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                return await self._refuse(413, BODY_TOO_LARGE)
            self.complete = not message.get("more_body", False)
        return message

    async def _refuse(self, status: int, message: str) -> Message:
        self.refused = True
        await self.refuse(status, message)
        return {"type": "http.disconnect"}


class Guard:
    """Security headers on every answer; bodies only under /sync/ (up to a limit, within a deadline);
    a token bucket per client address, with its own, higher bucket for /sync. X-Forwarded-For counts
    only when the connecting peer is a trusted proxy (run uvicorn with proxy_headers off so it does
    not rewrite the peer itself)."""

    def __init__(self, app: ASGIApp, rate_per_second: float, burst: int, *,
                 sync_rate_per_second: float | None = None, sync_burst: int | None = None,
                 max_sync_body_bytes: int = DEFAULT_SYNC_BODY_BYTES,
                 trusted_proxies: Sequence[IPNetwork] = (), max_clients: int = DEFAULT_MAX_CLIENTS,
                 body_grace_seconds: float = DEFAULT_BODY_GRACE_SECONDS,
                 min_body_rate: float = DEFAULT_MIN_BODY_RATE) -> None:
        self.app = app
        self.public = TokenBuckets(rate_per_second, burst, max_clients)
        self.sync = TokenBuckets(sync_rate_per_second or rate_per_second * 10, sync_burst or burst * 10, max_clients)
        self.max_sync_body = max_sync_body_bytes
        self.trusted = tuple(trusted_proxies)
        self.body_grace, self.min_body_rate = body_grace_seconds, min_body_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watch: BodyWatch | None = None
        started = answered = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the Guard cut the body off and answered; what the app says after that goes nowhere
            if message["type"] == "http.response.start":
                started = True
                own = dict(message.get("headers", []))
                # A room that says "no-store" (the bureau's pages) keeps it; any other caching is the Guard's.
                keep = {b"cache-control"} if own.get(b"cache-control") == b"no-store" else set()
                message["headers"] = [(name, same_site(value) if name == b"location" else value)
                                      for name, value in message.get("headers", [])
                                      if name != b"cache-control" or name in keep]
                if report:  # the units' and principals' pages post a form and show photos (report_page.CSP)
                    message["headers"] += report_headers
                else:
                    # A room with pages of its own style gives its own policy (web/bureau); else the status pages'.
                    message["headers"] += [(name, value) for name, value in SECURITY_HEADERS
                                           if name not in own or name not in (b"content-security-policy", *keep)]
                if watch is not None and not watch.complete:
                    # Answered before the whole body came (a 401, a 413): the rest of it is not
                    # read, so the connection ends rather than wait for it (web/http_protocol.py).
                    message["headers"].append((b"connection", b"close"))
            await send(message)

        async def refuse(status: int, message: str, headers: dict[str, str] | None = None) -> None:
            await Response(bilingual(message), status, headers=headers, media_type="text/plain; charset=utf-8")(
                scope, receive, send_with_headers)

        async def refuse_body(status: int, message: str) -> None:
            nonlocal answered
            if not started:  # else the app is answering already, and the connection ends after it
                await refuse(status, message)
                answered = True

        raw_headers = scope.get("headers") or []
        headers = dict(raw_headers)
        forwarded = [value.decode("latin-1") for name, value in raw_headers if name == b"x-forwarded-for"]
        client = client_address((scope.get("client") or ("?", 0))[0], forwarded, self.trusted)
        sync = is_sync_path(scope.get("path", ""))
        path = scope.get("path", "")
        principal = path.startswith(PRINCIPAL_PREFIX)
        report = path.startswith(REPORT_PREFIX) or principal
        form = path.startswith(FORM_PREFIX + "/") and scope.get("method") == "POST"
        limit = (self.max_sync_body if sync else PRINCIPAL_BODY_BYTES if principal else REPORT_BODY_BYTES if report
                 else FORM_BODY_BYTES if form else MAX_BODY_BYTES)
        length = headers.get(b"content-length")
        chunked = b"transfer-encoding" in headers
        if chunked or (length is not None and length != b"0"):
            watch = BodyWatch(receive, limit, refuse_body, grace=self.body_grace, min_rate=self.min_body_rate)
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(413, BODY_TOO_LARGE if sync else BODY_NOT_ACCEPTED)
            return
        if chunked and not (sync or report):
            await refuse(413, BODY_NOT_ACCEPTED)
            return
        if not (self.sync if sync else self.public).allow(rate_key(client)):
            await refuse(429, TOO_MANY_REQUESTS, {"retry-after": "1"})
            return
        try:
            await self.app(scope, watch or receive, send_with_headers)
        except Exception:
            # An app that reads on after the Guard cut its body off fails on the missing body;
            # the client has its answer (413 or 408) already.
            if watch is None or not watch.refused:
                raise
