"""uvicorn's h11 protocol, hardened for a server facing the open internet with no proxy in front of it
(a laptop serving its school's LAN): a deadline for each request's headers, a connection limit (in
all and per client address), and the security headers on the answers the HTTP layer writes itself
(400 / 414 / 431 for requests it cannot parse, 408, 503), which never pass through the ASGI Guard.
It also sends each response's head and body in one write (half the system calls per page).

Chosen over another server (hypercorn, granian) because it keeps uvicorn's workers, lifecycle and
tested HTTP handling, and changes only the few places where the protocol answers on its own.
The limits count this process's sockets only: with several workers each one enforces them.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from inspector_app.i18n import N_
from inspector_app.web.guard import SECURITY_HEADERS, IPNetwork, bilingual

DEFAULT_HEADER_TIMEOUT = 15.0
DEFAULT_KEEP_ALIVE = 5
DEFAULT_MAX_CONNECTIONS = 1000
DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64
DEFAULT_MAX_HEAD_BYTES = 16 * 1024  # request line + headers; h11 refuses anything longer
# After a refusal, what the client is still sending is read and dropped for a moment before the
# socket closes: closing with unread data makes the kernel send a reset, which can destroy the
# answer before the client reads it.
LINGER_SECONDS = 2.0
LINGER_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = DEFAULT_HEADER_TIMEOUT  # seconds from the first byte wanted to the end of the headers
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    max_connections_per_client: int = DEFAULT_MAX_CONNECTIONS_PER_CLIENT
    trusted_proxies: tuple[IPNetwork, ...] = field(default_factory=tuple)  # many clients share their address

    def is_proxy(self, address: str) -> bool:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self.trusted_proxies)


REASONS = {400: b"Bad Request", 408: b"Request Timeout", 414: b"URI Too Long",
           431: b"Request Header Fields Too Large", 501: b"Not Implemented", 503: b"Service Unavailable"}


BAD_REQUEST = N_("The request is not valid HTTP.")
LINE_TOO_LONG = N_("The requested address is too long.")
HEADERS_TOO_LARGE = N_("The request headers are too large.")
HEADERS_TOO_SLOW = N_("The request took too long to arrive.")
TOO_MANY_CONNECTIONS = N_("Too many connections; try again shortly.")
TOO_MANY_FROM_YOU = N_("Too many connections from your address; try again shortly.")
UNSUPPORTED = N_("This kind of request is not supported.")


def raw_answer(status: int, message: str, extra: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection, with the security headers."""
    body = bilingual(message)
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *SECURITY_HEADERS, *extra]
    head = b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b"Error"))
    return head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body


class _Connections:
    """This server's open connections per client address (one per uvicorn.Server, kept on its state)."""

    def __init__(self) -> None:
        self.per_client: Counter[str] = Counter()


class CoalescingTransport:
    """The connection's transport, with the writes of one turn of the event loop sent together:
    uvicorn writes a response's head and its body apart, and on loopback or a LAN every send costs
    a system call and a packet. Order is kept; close() sends what waits first."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop,
                 linger: Callable[[], bool] | None = None) -> None:
        """``linger()``: asked at close; True when it took over ending the connection gently."""
        self.transport, self.loop, self.linger = transport, loop, linger
        self.pending: list[bytes] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self.pending:
            self.loop.call_soon(self.flush)
        self.pending.append(bytes(data))

    def flush(self) -> None:
        if self.pending:
            data = b"".join(self.pending)
            self.pending.clear()
            if not self.transport.is_closing():
                self.transport.write(data)

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def close(self) -> None:
        self.flush()
        if not self.closing:  # the first close may end gently; any later one ends now
            self.closing = True
            if self.linger is not None and self.linger():
                return
        self.transport.close()

    def is_closing(self) -> bool:
        return self.closing or self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:  # is_closing, pause_reading, get_extra_info, ...
        return getattr(self.transport, name)


def head_size(request: h11.Request) -> tuple[int, int]:
    """The bytes of a parsed request's line and of its whole head (line and headers), as sent."""
    line = len(request.method) + len(request.target) + len(b"  HTTP/1.1\r\n")
    return line, line + sum(len(name) + len(value) + 4 for name, value in request.headers.raw_items()) + 2


class _RememberingConnection(h11.Connection):
    """h11's connection, keeping the parse error the parent protocol catches and drops, and holding
    every request head to the limit: h11's own limit only counts a head still incomplete, so 100 KB
    of headers arriving in one piece would pass it."""

    last_error: h11.RemoteProtocolError | None = None

    def __init__(self, our_role: Any, max_head_bytes: int) -> None:
        super().__init__(our_role, max_incomplete_event_size=max_head_bytes)
        self.max_head_bytes = max_head_bytes

    def next_event(self) -> Any:
        try:
            event = super().next_event()
            if isinstance(event, h11.Request):
                line, head = head_size(event)
                if head > self.max_head_bytes:
                    raise h11.RemoteProtocolError("request head too large",
                                                  error_status_hint=414 if line > self.max_head_bytes else 431)
            return event
        except h11.RemoteProtocolError as exc:
            self.last_error = exc
            raise


class HardenedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, limits: ConnectionLimits | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn: _RememberingConnection = _RememberingConnection(
            h11.SERVER, self.config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD_BYTES)
        self.limits = limits or ConnectionLimits()
        state = self.server_state
        if not hasattr(state, "inspector_connections"):
            state.inspector_connections = _Connections()  # type: ignore[attr-defined]
        self.counted: _Connections = state.inspector_connections  # type: ignore[attr-defined]
        self.client_key: str | None = None
        self.header_timer: asyncio.TimerHandle | None = None
        self.timed_cycle: object | None = None
        self.head_started = False  # a byte of the awaited request has arrived
        self.line_ended = False  # its request line is complete
        self.lingering: int | None = None  # bytes dropped since a refusal, while the answer drains

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop, self._linger_if_body_unread)  # type: ignore[assignment]
        address = self.client[0] if self.client else ""
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, TOO_MANY_CONNECTIONS)
            return
        if not self.limits.is_proxy(address):
            if self.counted.per_client[address] >= self.limits.max_connections_per_client:
                self._refuse(503, TOO_MANY_FROM_YOU)
                return
            self.client_key = address
            self.counted.per_client[address] += 1
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        if self.client_key is not None:
            self.counted.per_client[self.client_key] -= 1
            if self.counted.per_client[self.client_key] <= 0:
                del self.counted.per_client[self.client_key]
            self.client_key = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering is not None:
            self.lingering += len(data)
            if self.lingering > LINGER_BYTES:
                self.transport.close()
            return
        if self.header_timer is not None:
            self.head_started = True
            self.line_ended = self.line_ended or b"\n" in data
        super().data_received(data)
        if self.header_timer is not None and self.cycle is not self.timed_cycle:  # a new request's headers are in
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._await_headers()  # before the pipelined request that the parent may start now
        super().on_response_complete()
        if self.cycle is not self.timed_cycle or self.transport.is_closing():
            self._stop_header_timer()

    def send_400_response(self, msg: str) -> None:
        """The parent's answer to a request h11 could not parse, with the right status and headers."""
        status = getattr(self.conn.last_error, "error_status_hint", 400)
        if status == 414 or (status == 431 and not self.line_ended):
            status, message = 414, LINE_TOO_LONG
        elif status == 431:
            message = HEADERS_TOO_LARGE
        else:
            message = UNSUPPORTED if status == 501 else BAD_REQUEST
        self._refuse(status, message)

    def _await_headers(self) -> None:
        self._stop_header_timer()
        self.timed_cycle, self.head_started, self.line_ended = self.cycle, False, False
        self.header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _headers_too_slow(self) -> None:
        self.header_timer = None
        if self.transport.is_closing():
            return
        if self.head_started:
            self._refuse(408, HEADERS_TOO_SLOW)
        else:  # an idle connection: nothing to answer
            self.transport.close()

    def eof_received(self) -> None:
        if self.lingering is not None:
            self.transport.close()

    def _linger_if_body_unread(self) -> bool:
        """An answer given before the request's body was read (a 401, a 413, a 408 for a body too
        slow) closes the connection; while the client is still sending that body, its bytes are read
        and dropped for a moment first, as after our own refusals, so the answer is not lost to a reset."""
        if self.lingering is not None or self.conn.their_state is not h11.SEND_BODY:
            return False
        transport = self.transport.transport  # type: ignore[attr-defined]
        if not transport.can_write_eof():
            return False
        transport.write_eof()
        self._stop_header_timer()
        self.lingering = 0
        self.flow.resume_reading()
        self.loop.call_later(LINGER_SECONDS, transport.close)
        return True

    def _refuse(self, status: int, message: str) -> None:
        """Answer and close: the answer first, then (still reading) the end of our side, then the socket."""
        self._stop_header_timer()
        if self.transport.is_closing() or self.lingering is not None:
            return
        extra = [(b"retry-after", b"5")] if status == 503 else []
        self.transport.write(raw_answer(status, message, extra))
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.lingering = 0
        self.flow.resume_reading()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def hardened_protocol(limits: ConnectionLimits) -> Callable[..., asyncio.Protocol]:
    """What uvicorn's ``http=`` option takes: a picklable factory, so worker processes get it too."""
    return functools.partial(HardenedH11Protocol, limits=limits)
