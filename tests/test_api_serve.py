"""``compliance-check serve`` as a process: graceful stop, and one-line errors."""
from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit
from urllib.request import urlopen

from tests.service_helpers import REPO, start_server


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPLIANCE_CHECK_")}
    return subprocess.run([sys.executable, "-m", "compliance_check", "serve", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**environ, **(env or {})})


def test_sigterm_stops_gracefully_and_a_busy_port_is_one_line(tmp_path):
    server = start_server(tmp_path / "d.sqlite3")
    try:
        with urlopen(server.url + "/healthz", timeout=10) as r:
            assert r.status == 200
        busy = serve("--port", str(urlsplit(server.url).port), "--decisions-db", str(tmp_path / "e.sqlite3"))
        assert busy.returncode == 2
        assert busy.stderr.strip().count("\n") == 0 and "--port" in busy.stderr and "Traceback" not in busy.stderr
    finally:
        assert server.stop() == 0
    assert "compliance-check: stopped" in "".join(server.stderr_lines)


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path):
    bad = serve("--port", "0", "--decisions-db", str(tmp_path / "d.sqlite3"),
                env={"COMPLIANCE_CHECK_MAX_MESSAGES": "lots"})
    assert bad.returncode == 2
    assert "COMPLIANCE_CHECK_MAX_MESSAGES" in bad.stderr and bad.stderr.strip().count("\n") == 0


def test_connections_are_accepted_without_nagles_delay():
    """gunicorn writes a response's head and body separately: with Nagle's algorithm the
    body would wait for the client's delayed acknowledgement (40 ms on Linux)."""
    import socket

    from compliance_check.serve import listen

    server = listen("127.0.0.1", 0)
    try:
        client = socket.create_connection(server.getsockname()[:2])
        accepted, _ = server.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        accepted.close()
        client.close()
    finally:
        server.close()
