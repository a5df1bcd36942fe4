"""A TCP proxy in front of a real `serve` that cuts batched downloads short, as a dropped mobile link
would: each answer to POST /sync/files/fetch is forwarded up to the middle of one of its files (read
from the answer's own manifest, web/sync/file_fetch.py), then both connections are closed. Every
other request passes untouched."""

from __future__ import annotations

import contextlib
import json
import socket
import threading


class CuttingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        # The file in whose middle each fetch answer is cut, in turn; then ``always`` (None: no cut).
        self.cuts: list[int] = []
        self.always: int | None = None
        self.answers_cut = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()

    def next_cut(self) -> int | None:
        with self._lock:
            return self.cuts.pop(0) if self.cuts else self.always

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            _Connection(self, client, upstream)


class _Connection:
    def __init__(self, proxy: CuttingProxy, client: socket.socket, upstream: socket.socket) -> None:
        self.proxy, self.client, self.upstream = proxy, client, upstream
        self.cut: int | None = None  # for the answer now awaited (requests on a connection take turns)
        self.answer = bytearray()
        threading.Thread(target=self._requests, daemon=True).start()
        threading.Thread(target=self._answers, daemon=True).start()

    def _close(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _requests(self) -> None:
        try:
            while data := self.client.recv(65536):
                if data[:5] in (b"POST ", b"GET /", b"PUT /"):  # a new request's head
                    self.answer = bytearray()
                    self.cut = self.proxy.next_cut() if data.startswith(b"POST /sync/files/fetch") else None
                self.upstream.sendall(data)
        except OSError:
            pass

    def _answers(self) -> None:
        sent = 0
        try:
            while data := self.upstream.recv(65536):
                if self.cut is None:
                    self.client.sendall(data)
                    continue
                if not self.answer:
                    sent = 0
                self.answer += data
                limit = _cut_position(bytes(self.answer), self.cut)
                if limit is None:
                    continue  # the head and manifest are not all here yet: hold them
                self.client.sendall(self.answer[sent:limit])
                sent = min(len(self.answer), limit)
                if len(self.answer) >= limit:
                    with self.proxy._lock:
                        self.proxy.answers_cut += 1
                    self._close()
                    return
        except OSError:
            pass
        self._close()


def _cut_position(answer: bytes, file_index: int) -> int | None:
    """Where in the answer the middle of its file ``file_index`` lies (its end if it has fewer files);
    None until the HTTP head and the manifest have arrived."""
    head_end = answer.find(b"\r\n\r\n")
    if head_end < 0 or len(answer) < head_end + 8:
        return None
    body = head_end + 4
    length = int.from_bytes(answer[body:body + 4], "big")
    if len(answer) < body + 4 + length:
        return None
    sizes = [entry["size"] for entry in json.loads(answer[body + 4:body + 4 + length])["files"]]
    start = body + 4 + length + sum(sizes[:file_index])
    return start + sizes[file_index] // 2 if file_index < len(sizes) else start
