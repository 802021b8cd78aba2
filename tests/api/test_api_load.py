"""A small load test in ``make test`` (ADR 0560): 20 users for 10 s against a real server, no 5xx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).parents[2] / "bench" / "load.py"


@pytest.mark.slow
def test_twenty_users_for_ten_seconds_get_no_server_error() -> None:
    command = [
        sys.executable,
        str(LOAD),
        "--db",
        "sqlite",
        "--users",
        "20",
        "--duration",
        "10",
        "--leads",
        "400",
    ]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=600)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    server_errors = {code: n for code, n in result["outcomes"].items() if not code.startswith(("2", "4"))}
    assert server_errors == {}, result
    assert result["requests"] >= 20 and result["outcomes"].get("200", 0) == result["requests"], result
