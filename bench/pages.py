"""Workbench page benchmark: render times of the dashboard and the queue over 10,000 leads.

Fills a SQLite store as ``bench/api.py`` does (10,000 leads over the counties
of 杭州市, a third of them accepted and some with measures), serves the app
with uvicorn on a local port, signs in through the login form and times each
page over HTTP (server render + loopback, no browser). The JSON API answer for
the same queue is timed beside it as the plain alternative.

    python bench/pages.py                    # writes the section of BENCHMARKS.md
    python bench/pages.py --leads 1000 --no-write
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
import uvicorn

from api import PASSWORD, _counties, _fill, _time, write
from procura.access.principal import SYSTEM
from procura.config import Settings
from procura.db import session_scope
from procura.migrations import open_store
from procura.web import create_app
from procura.workflow import service

START, END = "<!-- bench/pages.py: start -->", "<!-- bench/pages.py: end -->"


def _work(sessions: Any, settings: Settings, count: int, counties: int) -> None:
    """Accept every third lead; in the handler's county, assign and issue a measure on a third of them."""
    with session_scope(sessions) as session:
        for n in range(0, count, 3):
            service.triage(session, SYSTEM, f"L-B{n:07d}", "accept")
        for n in range(0, count, 3 * counties):  # n % counties == 0: the handler's county
            service.assign(session, SYSTEM, f"L-B{n:07d}", "bench_handler")
            service.act(session, settings, SYSTEM, f"L-B{n:07d}", "case_filing_notice")


def _server(app: Any) -> tuple[uvicorn.Server, str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def _signed_in(base: str, user: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"username": user, "password": PASSWORD, "csrf": csrf})
    return client


def run(count: int, repeat: int) -> list[tuple[str, float, float]]:
    settings = Settings(home=Path(tempfile.mkdtemp(prefix="procura-bench-pages-"))).ensure()
    sessions = open_store(settings)
    started = time.perf_counter()
    lead = _fill(settings, sessions, count)
    _work(sessions, settings, count, len(_counties("330100")))
    print(f"filled {count} leads in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    server, base = _server(create_app(settings, sessions))
    chief, handler = _signed_in(base, "bench_chief"), _signed_in(base, "bench_handler")
    token = chief.cookies.get("procura_session")
    bearer = {"Authorization": f"Bearer {token}"}
    cases: list[tuple[str, Callable[[], httpx.Response]]] = [
        ("GET / dashboard (city chief, 10,000 leads)", lambda: chief.get("/")),
        ("GET / dashboard (county handler)", lambda: handler.get("/")),
        ("GET /leads queue (city chief, page 1 of 50)", lambda: chief.get("/leads")),
        (
            "GET /leads?status=accepted&sort=newest&page=5",
            lambda: chief.get("/leads", params={"status": "accepted", "sort": "newest", "page": 5}),
        ),
        ("GET /leads/{id} lead page (audited read)", lambda: chief.get(f"/leads/{lead}")),
        ("plain: GET /api/v1/leads JSON (same queue)", lambda: chief.get("/api/v1/leads", headers=bearer)),
        (
            "plain: GET /api/v1/dashboard/funnel JSON",
            lambda: chief.get("/api/v1/dashboard/funnel", headers=bearer),
        ),
    ]
    results = []
    for name, call in cases:
        median, p95 = _time(call, repeat)
        results.append((name, median, p95))
        print(f"{name:52s} {median:8.1f} ms  p95 {p95:8.1f} ms", file=sys.stderr)
    server.should_exit = True
    return results


def section(count: int, results: list[tuple[str, float, float]]) -> str:
    load = os.getloadavg()
    peak = psutil.Process().memory_info().rss / 2**20
    return "\n".join(
        [
            START,
            f"## Workbench pages (`bench/pages.py`, {count:,} leads, SQLite, uvicorn over loopback)",
            "",
            "| page | median ms | p95 ms |",
            "|---|---:|---:|",
            *[f"| {name} | {median:.1f} | {p95:.1f} |" for name, median, p95 in results],
            "",
            "Times are the server's render plus loopback HTTP (no browser). Every page authenticates its",
            "cookie (the API's session), runs its service calls and renders Jinja2; the dashboard runs",
            "seven aggregate queries over the jurisdiction. Target: dashboard and queue under 300 ms at p95.",
            f"Process RSS after the run: {peak:.0f} MiB. Load average when measured: "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min) on 2 cores shared with other jobs.",
            END,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = parser.parse_args()
    text = section(args.leads, run(args.leads, args.repeat))
    print(text)
    if not args.no_write:
        write(text, START, END)


if __name__ == "__main__":
    main()
