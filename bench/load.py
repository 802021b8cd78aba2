"""Load test of the REST API: many prosecutors clicking at once.

Starts a real ``procura serve`` (uvicorn) on a random loopback port over a
seeded store (SQLite, or a throwaway PostgreSQL database used through a
non-owner role, as in production), signs in N users across the offices of a
province and lets each alternate the queue page and a lead page with a pause
(``--pause``, ~1 s: a busy prosecutor) for a fixed duration, then stops the
server and prints throughput, latency percentiles, errors and load average.
``--burst`` drops the pause and starts every user at the same instant.

    python bench/load.py --db sqlite --users 50 --duration 60
    python bench/load.py --db postgres --users 200 --duration 60
    python bench/load.py --db postgres --users 200 --duration 20 --burst

``--json`` prints one JSON object (used by tests/api/test_api_load.py); the
exit status is 1 when any request failed (5xx, timeout or transport error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from procura.access import auth
from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.config import Settings
from procura.db import session_scope, system_scope
from procura.leads.orm import Lead
from procura.migrations import open_store

PASSWORD = "load-test-password-1"
# Offices of one province: the province, two cities and their districts.
OFFICES = ("330100-city", "330106-county", "330110-county", "330200-city", "330203-county")
ROLES = ("chief", "department_head", "analyst")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(sessions: sessionmaker[Session], users: int, leads: int) -> None:
    """``users`` signed-up users spread over OFFICES and ROLES; ``leads`` leads never opened before."""
    rows = []
    for n in range(leads):
        office = OFFICES[n % len(OFFICES)]
        rows.append(
            {
                "id": f"L-LOAD{n:06d}",
                "fingerprint": f"{n:064d}",
                "model_id": "unfiled-online-defamation",
                "model_version": "1",
                "params": {"min_views": 5000},
                "anchor": [{"table": "police_reports", "key": {"report_id": f"PR-{n}"}}],
                "evidence": [{"table": "police_reports", "key": {"report_id": f"PR-{n}"}}],
                "subject": {
                    "kind": "person",
                    "entity_id": f"P-{n}",
                    "name": "王小明",
                    "id_no": "330106201203150021",
                },
                "subject_entity_id": f"P-{n}",
                "target": "杭州市公安局西湖区分局",
                "region_code": office[:6],
                "office": office,
                "prong": "criminal",
                "measure": "case_filing_notice",
                "score": round(random.random(), 4),
                "explanation_zh": "被害人王小明（330106201203150021）的报案未立案",
                "explanation_en": "A report was not filed",
                "details": {},
                "status": "new",
            }
        )
    # A cheap password hash: argon2 verifies with the parameters stored in the hash.
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with session_scope(sessions) as session:
        system_scope(session)
        session.execute(insert(Lead), rows)
        for n in range(users):
            role = ROLES[n % len(ROLES)]
            office = "330000-province" if n % 10 == 0 else OFFICES[n % len(OFFICES)]
            add_user(session, SYSTEM, f"user{n:04d}", PASSWORD, office, "criminal", role)


@contextmanager
def store(db: str, home: Path) -> Iterator[tuple[Settings, sessionmaker[Session], dict[str, str]]]:
    """Settings, an owner session factory and the server's environment for ``db``."""
    settings = Settings(home=home)
    if db == "sqlite":
        yield settings, open_store(settings), {}
        return
    sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "workflow"))
    from ops_fixtures import postgres_database  # the tests' throwaway database and app role

    with postgres_database(settings) as pg:
        owner = open_store(settings, pg.owner_url)
        yield settings, owner, {"PROCURA_DATABASE_URL": pg.app_url}


@contextmanager
def server(home: Path, env: dict[str, str], workers: int) -> Iterator[str]:
    """A running ``procura serve`` on a free loopback port; its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "procura", "--workspace", str(home), "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def _login(client: httpx.AsyncClient, base: str, users: int) -> list[str]:
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> str:
        async with gate:
            body = {"username": f"user{n:04d}", "password": PASSWORD}
            response = await client.post(f"{base}/auth/login", json=body, timeout=60)
            response.raise_for_status()
            return str(response.json()["access_token"])

    return list(await asyncio.gather(*(one(n) for n in range(users))))


async def drive(base: str, users: int, duration: float, pause: float, burst: bool) -> dict[str, object]:
    """Run the users; return the measurements."""
    limits = httpx.Limits(max_connections=users + 8, max_keepalive_connections=users + 8)
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        tokens = await _login(client, base, users)
        start = asyncio.Event()
        stop_at = 0.0

        async def get(path: str, token: str) -> httpx.Response | None:
            began = time.perf_counter()
            try:
                response = await client.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
            except httpx.TimeoutException:
                outcomes["timeout"] += 1
                return None
            except httpx.TransportError as exc:
                outcomes[type(exc).__name__] += 1
                return None
            latencies.append(time.perf_counter() - began)
            outcomes[str(response.status_code)] += 1
            return response

        async def user(token: str) -> None:
            await start.wait()
            if not burst:  # real users do not click in lockstep
                await asyncio.sleep(random.random() * pause)
            while time.monotonic() < stop_at:
                page = await get(f"/leads?limit=20&offset={random.randrange(0, 200)}", token)
                items = page.json()["items"] if page is not None and page.status_code == 200 else []
                await asyncio.sleep(pause * random.uniform(0.8, 1.2))
                if items and time.monotonic() < stop_at:
                    await get(f"/leads/{random.choice(items)['id']}", token)
                    await asyncio.sleep(pause * random.uniform(0.8, 1.2))

        tasks = [asyncio.create_task(user(token)) for token in tokens]
        load_before = os.getloadavg()
        began = time.monotonic()
        stop_at = began + duration
        start.set()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0
        )

    errors = sum(n for code, n in outcomes.items() if not code.isdigit() or code.startswith("5"))
    return {
        "users": users,
        "duration_s": round(elapsed, 1),
        "pause_s": pause,
        "burst": burst,
        "requests": sum(outcomes.values()),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "outcomes": dict(outcomes),
        "errors": errors,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--burst", action="store_true", help="no pause, every user starts at once")
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pause = 0.0 if args.burst else args.pause
    keep = os.environ.get("PROCURA_LOAD_KEEP")
    with nullcontext(keep) if keep else tempfile.TemporaryDirectory(prefix="procura-load-") as tmp:
        home = Path(tmp)
        with store(args.db, home) as (_settings, sessions, env):
            seed(sessions, args.users, args.leads)
            sessions.kw["bind"].dispose()
            with server(home, env, args.workers) as base:
                result = asyncio.run(drive(base, args.users, args.duration, pause, args.burst))
    result = {"db": args.db, "workers": args.workers, "leads": args.leads, **result}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
