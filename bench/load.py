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
    python bench/load.py --db postgres --users 200 --duration 60 --workers 2 --pages

``--pages`` drives the web workbench (``/leads`` and ``/leads/<id>``, HTML
with the session cookie) instead of the REST API. The users speak HTTP/1.1
over one keep-alive connection each through a lean asyncio client, so the
generator takes little of the CPU the server needs; the result includes the
server's and the generator's CPU milliseconds per request.

``--json`` prints one JSON object (used by tests/api/test_api_load.py); the
exit status is 1 when any request failed (5xx, timeout or transport error).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

import httpx
from argon2 import PasswordHasher
from sqlalchemy import insert, text
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
    if sessions.kw["bind"].dialect.name == "postgresql":
        with sessions.kw["bind"].connect() as conn:  # what autovacuum does within a minute of a load
            conn.execute(text("ANALYZE"))
            conn.commit()


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
def server(home: Path, env: dict[str, str], workers: int, port: int = 0) -> Iterator[tuple[str, int]]:
    """A running ``procura serve`` on a loopback port (free one when 0); its base URL and process id."""
    port = port or _free_port()
    command = [sys.executable, "-m", "procura", "--workspace", str(home), "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env}, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a loaded machine boots workers slowly
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield base, proc.pid
    finally:
        # The server and its worker processes are one process group: stop them all, so no
        # worker outlives the run holding the port (on a loaded machine shutdown is slow).
        os.killpg(proc.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=60)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()


async def _login(client: httpx.AsyncClient, base: str, users: int) -> list[str]:
    gate = asyncio.Semaphore(8)

    async def one(n: int) -> str:
        async with gate:
            body = {"username": f"user{n:04d}", "password": PASSWORD}
            response = await client.post(f"{base}/api/v1/auth/login", json=body, timeout=60)
            response.raise_for_status()
            return str(response.json()["access_token"])

    return list(await asyncio.gather(*(one(n) for n in range(users))))


class Connection:
    """One user's keep-alive HTTP/1.1 connection: a lean client, so the load generator
    spends little of the two cores it shares with the server (httpx costs ~10x more CPU)."""

    def __init__(self, host: str, port: int, auth: bytes) -> None:
        self.host, self.port, self.auth = host, port, auth
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n".encode() + self.auth + b"\r\n")
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, close = None, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                length = -1
        if length == -1:
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            body = b"".join(chunk[:-2] for chunk in chunks)
        else:
            body = await self.reader.readexactly(length or 0)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (the uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _db_cpu_seconds(database: str) -> float:
    """User + system CPU seconds of the PostgreSQL backends serving ``database`` (their process
    titles name it); the pool's connections live through the run, so the difference is theirs."""
    if not database:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


LEAD_HREF = re.compile(r'href="/leads/(L-[A-Za-z0-9-]+)"')


async def drive(
    base: str,
    users: int,
    duration: float,
    pause: float,
    burst: bool,
    ui: bool = False,
    server_pid: int = 0,
    database: str = "",
) -> dict[str, object]:
    """Run the users; return the measurements.

    ``ui``: the workbench pages (``/leads`` and ``/leads/<id>``, HTML, session cookie)
    instead of the API (``/api/v1/leads``, JSON, Bearer token).
    """
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    host, port = base.removeprefix("http://").split(":")
    async with httpx.AsyncClient(timeout=60) as client:
        tokens = await _login(client, base, users)
    start = asyncio.Event()
    stop_at = 0.0

    async def get(conn: Connection, path: str) -> bytes | None:
        began = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(conn.get(path), timeout=30)
        except TimeoutError:
            conn.close()
            outcomes["timeout"] += 1
            return None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            outcomes[type(exc).__name__] += 1
            return None
        latencies.append(time.perf_counter() - began)
        outcomes[str(status)] += 1
        return body if status == 200 else None

    def lead_ids(body: bytes | None) -> list[str]:
        if body is None:
            return []
        if ui:
            return LEAD_HREF.findall(body.decode("utf-8", "replace"))
        return [item["id"] for item in json.loads(body)["items"]]

    def credentials(token: str) -> bytes:
        header = f"Cookie: procura_session={token}" if ui else f"Authorization: Bearer {token}"
        return header.encode() + b"\r\n"

    async def user(token: str) -> None:
        conn = Connection(host, int(port), credentials(token))
        await start.wait()
        if not burst:  # real users do not click in lockstep
            await asyncio.sleep(random.random() * pause)
        while time.monotonic() < stop_at:
            if ui:
                page = await get(conn, f"/leads?limit=25&page={random.randrange(1, 9)}")
            else:
                page = await get(conn, f"/api/v1/leads?limit=20&offset={random.randrange(0, 200)}")
            items = lead_ids(page)
            await asyncio.sleep(pause * random.uniform(0.8, 1.2))
            if items and time.monotonic() < stop_at:
                await get(conn, f"{'' if ui else '/api/v1'}/leads/{random.choice(items)}")
                await asyncio.sleep(pause * random.uniform(0.8, 1.2))
        conn.close()

    # Warm up (templates compiled, caches filled) with one queue and one lead page, unmeasured.
    warm = Connection(host, int(port), credentials(tokens[0]))
    first = await warm.get("/leads" if ui else "/api/v1/leads?limit=20")
    for lead in lead_ids(first[1] if first[0] == 200 else None)[:1]:
        await warm.get(f"{'' if ui else '/api/v1'}/leads/{lead}")
    warm.close()
    tasks = [asyncio.create_task(user(token)) for token in tokens]
    load_before = os.getloadavg()
    server_cpu, client_cpu = _cpu_seconds(server_pid) if server_pid else 0.0, time.process_time()
    db_cpu = _db_cpu_seconds(database)
    began = time.monotonic()
    stop_at = began + duration
    start.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - began
    server_cpu = _cpu_seconds(server_pid) - server_cpu if server_pid else 0.0
    client_cpu = time.process_time() - client_cpu
    db_cpu = _db_cpu_seconds(database) - db_cpu
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) if latencies else 0.0
        )

    errors = sum(n for code, n in outcomes.items() if not code.isdigit() or code.startswith("5"))
    answered = max(1, len(latencies))
    return {
        "target": "pages" if ui else "api",
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
        "server_cpu_ms_per_req": round(server_cpu / answered * 1000, 2),
        "client_cpu_ms_per_req": round(client_cpu / answered * 1000, 2),
        "db_cpu_ms_per_req": round(db_cpu / answered * 1000, 2),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def _database(env: dict[str, str]) -> str:
    """The PostgreSQL database the server uses ("" on SQLite)."""
    url = env.get("PROCURA_DATABASE_URL", "")
    return url.rsplit("/", 1)[1].split("?")[0] if url else ""


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
    parser.add_argument("--pages", action="store_true", help="the workbench pages instead of the API")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pause = 0.0 if args.burst else args.pause
    keep = os.environ.get("PROCURA_LOAD_KEEP")
    with nullcontext(keep) if keep else tempfile.TemporaryDirectory(prefix="procura-load-") as tmp:
        home = Path(tmp)
        with store(args.db, home) as (_settings, sessions, env):
            seed(sessions, args.users, args.leads)
            sessions.kw["bind"].dispose()
            with server(home, env, args.workers, args.port) as (base, pid):
                result = asyncio.run(
                    drive(base, args.users, args.duration, pause, args.burst, args.pages, pid, _database(env))
                )
    result = {"db": args.db, "workers": args.workers, "leads": args.leads, **result}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
