"""REST API benchmark: request latency over a store of many leads, and document rendering.

Builds a migrated SQLite store holding ``--leads`` leads spread over the
counties of one city, signs in the city's chief and a county handler, and
times each request through FastAPI's
TestClient (in process: the figures are the application's, not the network's).
Documents are timed on a lead citing two warehouse rows.

    python bench/api.py                    # 10,000 leads on SQLite, writes BENCHMARKS.md
    python bench/api.py --leads 1000 --no-write
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from fastapi.testclient import TestClient
from sqlalchemy import insert

from procura.access.principal import SYSTEM
from procura.access.users import add_user
from procura.api import create_app
from procura.config import Settings
from procura.db import session_scope
from procura.leads.orm import Lead
from procura.migrations import open_store
from procura.standard import regions
from procura.workflow.orm import LeadWork

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench/api.py: start -->", "<!-- bench/api.py: end -->"
PASSWORD = "bench-password-1"
MODELS = ("unfiled-online-defamation", "mandatory-report-failure", "fines-instead-of-prosecution")


def _counties(city: str) -> list[str]:
    return [r.code for r in regions.all_regions() if r.level == "county" and r.parent_code == city]


def _fill(settings: Settings, sessions: Any, count: int) -> str:
    """``count`` leads in the counties of 杭州市; return one lead id."""
    counties = _counties("330100")
    rows, work = [], []
    for n in range(count):
        county = counties[n % len(counties)]
        ref = [{"table": "police_reports", "key": {"report_id": f"PR-{n % 2}"}}]
        rows.append(
            {
                "id": f"L-B{n:07d}",
                "fingerprint": f"{n:064d}",
                "model_id": MODELS[n % 3],
                "model_version": "1",
                "params": {},
                "anchor": ref,
                "evidence": ref,
                "subject": {"kind": "person"},
                "target": "公安机关",
                "region_code": county,
                "office": f"{county}-county",
                "prong": "criminal",
                "measure": "case_filing_notice",
                "score": (n % 100) / 100,
                "explanation_zh": "说明",
                "explanation_en": "explanation",
                "details": {},
                "status": "new",
            }
        )
        work.append(
            {
                "lead_id": f"L-B{n:07d}",
                "office_id": f"{county}-county",
                "department": "criminal",
                "updated_at": date(2026, 6, 1),
            }
        )
    with session_scope(sessions) as session:
        for start in range(0, count, 2000):
            session.execute(insert(Lead), rows[start : start + 2000])
            session.execute(insert(LeadWork), work[start : start + 2000])
        add_user(session, SYSTEM, "bench_chief", PASSWORD, "330100-city", "criminal", "chief")
        add_user(session, SYSTEM, "bench_handler", PASSWORD, f"{counties[0]}-county", "criminal", "handler")
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute(
        "CREATE TABLE police_reports(report_id VARCHAR, police_unit VARCHAR, received_at DATE, "
        "offense_type VARCHAR, victim_name VARCHAR, views_count BIGINT, filed BOOLEAN)"
    )
    con.execute(
        "INSERT INTO police_reports VALUES "
        "('PR-0','西湖分局','2026-03-01','online_insult','王小明',9000,false),"
        "('PR-1','西湖分局','2026-03-02','online_defamation','李四',12000,false)"
    )
    con.close()
    return str(rows[0]["id"])


def _time(call: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds (after one warm-up call)."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, response.text
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def run(count: int, repeat: int) -> list[tuple[str, float, float]]:
    home = Path(tempfile.mkdtemp(prefix="procura-bench-api-"))
    settings = Settings(home=home).ensure()
    sessions = open_store(settings)
    started = time.perf_counter()
    lead = _fill(settings, sessions, count)
    print(f"filled {count} leads in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    client = TestClient(create_app(settings, sessions))

    def login(user: str) -> dict[str, str]:
        token = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD}).json()
        return {"Authorization": f"Bearer {token['access_token']}"}

    chief, handler = login("bench_chief"), login("bench_handler")
    api = "/api/v1"
    cases: list[tuple[str, Callable[[], Any]]] = [
        (
            "POST /auth/login (argon2)",
            lambda: client.post(f"{api}/auth/login", json={"username": "bench_chief", "password": PASSWORD}),
        ),
        ("GET /auth/me", lambda: client.get(f"{api}/auth/me", headers=chief)),
        ("GET /leads (city chief, page of 50, total)", lambda: client.get(f"{api}/leads", headers=chief)),
        (
            "GET /leads?severity=high&model=…&offset=200",
            lambda: client.get(
                f"{api}/leads", headers=chief, params={"severity": "high", "model": MODELS[0], "offset": 200}
            ),
        ),
        ("GET /leads (county handler)", lambda: client.get(f"{api}/leads", headers=handler)),
        ("GET /leads/{id} (audited read)", lambda: client.get(f"{api}/leads/{lead}", headers=chief)),
        ("GET /leads/{id}/evidence", lambda: client.get(f"{api}/leads/{lead}/evidence", headers=chief)),
        ("GET /models/stats (by office and month)", lambda: client.get(f"{api}/models/stats", headers=chief)),
        (
            "GET /leads/{id}/documents/auto DOCX",
            lambda: client.get(
                f"{api}/leads/{lead}/documents/auto", headers=handler, params={"format": "docx"}
            ),
        ),
        (
            "GET /leads/{id}/documents/auto PDF",
            lambda: client.get(
                f"{api}/leads/{lead}/documents/auto", headers=handler, params={"format": "pdf"}
            ),
        ),
    ]
    results = []
    for name, call in cases:
        slow = "login" in name or "PDF" in name or "stats" in name
        median, p95 = _time(call, max(3, repeat // 5) if slow else repeat)
        results.append((name, median, p95))
        print(f"{name:50s} {median:8.1f} ms  p95 {p95:8.1f} ms", file=sys.stderr)
    return results


def section(count: int, results: list[tuple[str, float, float]]) -> str:
    load = os.getloadavg()[0]
    lines = [
        START,
        f"## REST API (`bench/api.py`, {count:,} leads, SQLite, in-process TestClient)",
        "",
        "| request | median ms | p95 ms |",
        "|---|---:|---:|",
        *[f"| {name} | {median:.1f} | {p95:.1f} |" for name, median, p95 in results],
        "",
        "Every request authenticates its Bearer token (one indexed lookup and a",
        "`last_seen_at` write) and commits; reads of a lead and documents add an audit",
        "entry. The PDF time is dominated by subsetting the CJK font (CFF outlines).",
        f"Load average when measured: {load:.1f} on 2 cores (shared with other jobs).",
        END,
    ]
    return "\n".join(lines)


def write(text: str, start: str = START, end: str = END) -> None:
    """Replace the section between ``start`` and ``end`` in BENCHMARKS.md (append it the first time)."""
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text(encoding="utf-8")
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        current = before + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-write", action="store_true", help="print only, leave BENCHMARKS.md alone")
    args = parser.parse_args()
    results = run(args.leads, args.repeat)
    text = section(args.leads, results)
    print(text)
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
