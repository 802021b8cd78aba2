"""``procura serve``: the API answers over HTTP; a bad database is one clear line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from procura.cli import app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_health_and_openapi(tmp_path: Path) -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "procura",
        "--workspace",
        str(tmp_path / "ws"),
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.3)
        assert health.status_code == 200 and health.json()["schema_current"] is True
        assert "/api/v1/leads" in httpx.get(f"{base}/openapi.json", timeout=5).json()["paths"]
        assert httpx.get(f"{base}/leads", timeout=5).json()["error"]["code"] == "unauthenticated"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_with_an_unreachable_database_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCURA_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path), "serve", "--port", "1"])
    assert result.exit_code == 1
    assert "cannot open the ops database" in result.output and "Traceback" not in result.output
