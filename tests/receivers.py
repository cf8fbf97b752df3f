"""Listeners on this machine's loopback for the tests of outbound calls (tests/core/test_outbound.py, the
webhooks): a free port, and an open port that does not speak HTTP."""

from __future__ import annotations

import socket
import threading


def free_port() -> int:
    """A port nothing listens on (closed: a connection to it is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NotHttp:
    """An open port that does not speak HTTP: it reads the request, says its line (an SSH banner, or nothing)
    and hangs up, as an SSH server answers a stranger."""

    def __init__(self, line: bytes) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, args=(line,), daemon=True).start()

    def _serve(self, line: bytes) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:  # stopped
                return
            with conn:
                conn.recv(65536)
                conn.sendall(line)

    def stop(self) -> None:
        self.sock.close()
