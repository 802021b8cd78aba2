"""The interface commands: ``procura serve`` (the REST API) and ``procura document`` (formal documents)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from procura.config import Settings

console = Console()


def proxy_options(settings: Settings) -> dict[str, object]:
    """Uvicorn's proxy settings: X-Forwarded-For is believed only from the configured proxies.

    Uvicorn's default believes it from 127.0.0.1, so any local client could
    choose the address written to the audit log.
    """
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": ",".join(proxies) or None}


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``document``."""

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on (监听地址).")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port (端口).")] = 8000,
        workers: Annotated[
            int, typer.Option(min=1, max=32, help="Worker processes (进程数); each has its own pool.")
        ] = 1,
    ) -> None:
        """启动工作台与接口 Start the browser workbench (/) and the REST API (OpenAPI at /api/v1/docs)."""
        import uvicorn

        from procura.web import create_app

        settings = ctx.obj
        try:
            api = create_app(settings)
        except (OSError, SQLAlchemyError) as exc:
            where = escape(f"{settings.ops_url}: {' '.join(str(exc).split())[:300]}")
            console.print(f"[red]无法打开业务库 cannot open the ops database[/red] {where}", highlight=False)
            raise typer.Exit(1) from exc
        console.print(f"[bold]procura API[/bold] 工作区 workspace: {escape(str(settings.home))}")
        console.print(f"工作台 Workbench: http://{escape(host)}:{port}/", highlight=False)
        console.print(f"接口文档 OpenAPI: http://{escape(host)}:{port}/api/v1/docs", highlight=False)
        options = {"host": host, "port": port, "log_level": "info", "timeout_keep_alive": 30}
        if workers == 1:
            uvicorn.run(api, **options, **proxy_options(settings))  # type: ignore[arg-type]
            return
        # Each worker process builds its own app from the environment: pass the workspace on.
        os.environ["PROCURA_HOME"] = str(settings.home)
        uvicorn.run(
            "procura.web:app_from_environment",
            factory=True,
            workers=workers,
            **options,  # type: ignore[arg-type]
            **proxy_options(settings),  # type: ignore[arg-type]
        )

    @app.command("document")
    def document(
        ctx: typer.Context,
        lead_id: Annotated[str, typer.Argument(help="线索编号 Lead id.")],
        kind: Annotated[str, typer.Option(help="文书种类 Kind; auto: the lead's measure's.")] = "auto",
        fmt: Annotated[str, typer.Option("--format", help="docx or pdf.")] = "docx",
        lang: Annotated[str, typer.Option(help="zh (default) or en.")] = "zh",
        measure: Annotated[int | None, typer.Option(help="措施编号 Measure id (default: latest).")] = None,
        out: Annotated[Path | None, typer.Option(help="输出文件 Output file.")] = None,
    ) -> None:
        """文书 Draft a lead's formal document (DOCX/PDF) as the signed-in user; the drafting is audited."""
        import duckdb

        from procura.cli import access as base
        from procura.documents.service import DocumentRequest, lead_document

        request = DocumentRequest(None if kind == "auto" else kind, fmt, lang, measure)
        try:
            with base.unit(ctx) as (settings, session):
                drafted = lead_document(session, settings, base.me(settings, session), lead_id, request)
        except duckdb.Error as exc:
            reason = escape(" ".join(str(exc).split())[:200])
            console.print(f"[red]数据仓库不可用 warehouse unavailable[/red]: {reason}", highlight=False)
            raise typer.Exit(1) from exc
        path = out or ctx.obj.ensure().out_dir / "documents" / drafted.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(drafted.data)
        base.done(f"{drafted.content.title} → {path}")
