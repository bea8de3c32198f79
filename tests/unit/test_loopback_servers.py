"""The loopback HTTP servers of the tests stay quiet when a client resets the connection
(a fetch that timed out, a cancelled probe): socketserver would print a traceback to
stderr for each, which reads as a failure in a passing run's output."""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, QuietHandler, Route

TESTS = Path(__file__).resolve().parents[1]


class Plain(QuietHandler):
    """A handler like the one-off ones in the tests (HTTP/1.0, one answer)."""

    def do_GET(self) -> None:
        time.sleep(0.2)  # the client has gone by now
        self.send_response(200)
        self.send_header("Content-Length", "3")
        self.end_headers()
        self.wfile.write(b"hi\n")


@pytest.fixture(params=["feedserver", "plain"])
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    if request.param == "feedserver":
        server = FeedServer().start()
        server.routes["/slow"] = Route(body=b"x" * 100_000, delay=0.2)
        yield server.port
        server.stop()
        return
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Plain)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def _reset(port: int, data: bytes) -> None:
    """Send `data`, then close with a reset (SO_LINGER 0) instead of a FIN."""
    client = socket.create_connection(("127.0.0.1", port))
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.sendall(data)
    time.sleep(0.05)
    client.close()


def test_a_reset_connection_prints_nothing(port: int, capfd: pytest.CaptureFixture[str]) -> None:
    _reset(port, b"GET /sl")  # in the middle of the request line
    _reset(port, b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # before the answer
    time.sleep(0.6)  # the server has read the reset and written into it
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception occurred" not in err, err
    with socket.create_connection(("127.0.0.1", port)) as client:  # still serving
        client.sendall(b"GET /slow HTTP/1.0\r\n\r\n")
        assert client.recv(12).startswith(b"HTTP/1.")


def test_every_test_server_handler_is_a_quiet_one() -> None:
    loud = [f"{path.relative_to(TESTS)}: {m.group(0)}" for path in TESTS.rglob("*.py")
            for m in re.finditer(r"class \w+\((?:http\.server\.)?BaseHTTPRequestHandler\)",
                                 path.read_text(encoding="utf-8"))
            if m.group(0) != "class QuietHandler(BaseHTTPRequestHandler)"]
    assert loud == []
