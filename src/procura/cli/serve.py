"""``procura serve``: the REST API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

console = Console()


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on (监听地址).")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port (端口).")] = 8000,
    ) -> None:
        """启动 REST 接口 Start the REST API (OpenAPI at /api/v1/docs)."""
        import uvicorn

        from procura.api import create_app

        settings = ctx.obj
        try:
            api = create_app(settings)
        except (OSError, SQLAlchemyError) as exc:
            console.print(f"[red]无法打开业务库 cannot open the ops database[/red] {settings.ops_url}: {exc}")
            raise typer.Exit(1) from exc
        console.print(f"[bold]procura API[/bold] 工作区 workspace: {settings.home}")
        console.print(f"接口文档 OpenAPI: http://{host}:{port}/api/v1/docs")
        uvicorn.run(api, host=host, port=port, log_level="info")
