"""A sync that cannot reach the server says why in words, translated (not "[Errno 111] Connection
refused"), whichever language asks."""

from __future__ import annotations

import socket
import uuid

import pytest

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import use_language
from inspector_app.web.sync.client import HttpTransport


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_in_words_in_both_languages():
    url = f"http://127.0.0.1:{closed_port()}"
    transport = HttpTransport(url, "token", sleep=lambda _seconds: None)
    try:
        with pytest.raises(InspectorError) as caught:
            transport.hello(uuid.uuid4(), "laptop")
    finally:
        transport.close()
    with use_language("en"):
        assert str(caught.value) == f"Cannot reach the server at {url}: connection refused."
    with use_language("zh_CN"):  # the same error, put in words again in the other language
        chinese = str(caught.value)
    assert url in chinese and "Errno" not in chinese and "refused" not in chinese
    assert "拒绝" in chinese


def test_an_unknown_name_in_words():
    transport = HttpTransport("http://no-such-host.invalid", "token", sleep=lambda _seconds: None)
    try:
        with pytest.raises(InspectorError) as caught, use_language("en"):
            transport.hello(uuid.uuid4(), "laptop")
        with use_language("en"):
            assert "the name of the server is not known" in str(caught.value)
            assert "Errno" not in str(caught.value)
    finally:
        transport.close()
