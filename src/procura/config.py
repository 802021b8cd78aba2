"""Settings: the only place that reads environment variables.

A workspace folder holds everything one installation works on: the warehouse,
the operational database, saved linkage models and outputs. It is chosen by
``--workspace``, else ``PROCURA_HOME``, else ``./procura-workspace``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All settings of one procura installation."""

    model_config = SettingsConfigDict(env_prefix="PROCURA_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.cwd() / "procura-workspace",
        description="Workspace folder (warehouse, operational database, link models, outputs); "
        "`--workspace` on the command line wins.",
    )
    lake: Path | None = Field(
        default=None,
        description="A Parquet lake folder that `procura lake export` writes (default `<home>/lake`) and "
        "`procura run` reads instead of the warehouse file, verified against its manifest first; on "
        "Spark no DuckDB file is read (ADR 0130). `--to` / `--lake DIR` win.",
    )
    database_url: str | None = Field(
        default=None,
        description="Operational database URL (e.g. `postgresql+psycopg://…`); "
        "default: SQLite `procura.db` in the workspace.",
    )
    system_database_url: str | None = Field(
        default=None,
        description="Database URL of unattended jobs (model runs, version diffs, reminders): on "
        "PostgreSQL the tables' owner (or a member of it), the only role whose system scope opens "
        "every office's rows; the app role's does not (ADR 0570). Default: `database_url`.",
    )
    require_postgres: bool = Field(
        default=False,
        description="Tests: fail instead of skipping when PostgreSQL is unreachable (CI sets it).",
    )
    require_spark: bool = Field(
        default=False, description="Tests: fail instead of skipping when Spark cannot start (CI sets it)."
    )
    require_browser: bool = Field(
        default=False,
        description="Tests: fail instead of skipping when Debian's chromium is missing (CI sets it).",
    )
    postgres_admin_url: str = Field(
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        description="Tests: the server where throwaway PostgreSQL databases are created.",
    )
    db_pool: int | None = Field(
        default=None,
        ge=1,
        le=200,
        description="Requests the API works on at once = database connections = worker threads "
        "(ADR 0560); default 20 on PostgreSQL, 2 on SQLite.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="The audit chain's HMAC key (hex, at least 32 bytes); default: the key file "
        "`audit.key` in the workspace, created on first use (ADR 0562).",
    )
    session_idle_minutes: int = Field(
        default=30, description="A signed-in session ends after this long idle."
    )
    session_absolute_hours: int = Field(
        default=12, description="A session ends this long after sign-in at the latest."
    )
    lockout_failures: int = Field(default=5, description="Failed sign-ins in a row that lock an account.")
    lockout_minutes: int = Field(default=15, description="How long a locked account stays locked.")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses of reverse proxies whose `X-Forwarded-For` is believed "
        "(the audit's client address); empty: the header is ignored (ADR 0561).",
    )
    measure_deadlines: dict[str, str] = Field(
        default_factory=lambda: {
            "procuratorial_suggestion": "2M",
            "case_filing_notice": "7D",
            "corrective_opinion": "15D",
            "filing_order": "15D",
            "protest": "30D",
            "pre_litigation_notice": "2M",
            "admin_penalty_opinion": "2M",
        },
        description="Response deadline per measure kind (`2M` = two calendar months, `7D` = days); "
        "a kind missing here sets no deadline. JSON in the environment.",
    )
    remind_days_before: int = Field(
        default=7, description="Reminders (`procura remind`): notify this many days before a deadline."
    )
    exchange_max_attachment: int = Field(
        default=10 * 1024 * 1024, description="Exchange: largest reply attachment accepted, in bytes."
    )
    ingest_max_columns: int = Field(
        default=500, ge=1, description="Ingest: a file with more columns is refused before it is read."
    )
    ingest_max_cell_chars: int = Field(
        default=1_000_000, ge=1, description="Ingest: a longer cell quarantines its row (field named)."
    )
    ingest_max_sheet_rows: int = Field(
        default=1_048_576, ge=1, description="Ingest: an XLSX sheet with more rows is refused."
    )
    ingest_max_xlsx_mb: int = Field(
        default=256,
        ge=1,
        description="Ingest: an XLSX whose parts decompress to more megabytes is refused before it is "
        "opened (besides the zip-bomb ratio of 100).",
    )
    auto_migrate: bool = Field(
        default=True, description="Migrate the operational database when it is opened."
    )
    link_match_threshold: float = Field(
        default=0.95, description="Entity resolution: Splink match probability at which two mentions link."
    )
    link_review_low: float = Field(
        default=0.5, description="Entity resolution: lower end of the review band."
    )
    link_review_high: float = Field(
        default=0.99, description="Entity resolution: upper end of the review band."
    )
    duckdb_memory_limit: str | None = Field(
        default=None,
        pattern=r"^\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*$",
        description="Warehouse (DuckDB): most memory a connection may use, e.g. `8GB`; larger joins and "
        "sorts spill to `duckdb_temp_dir`. Default: DuckDB's own (80% of the machine's memory).",
    )
    duckdb_temp_dir: Path | None = Field(
        default=None,
        description="Warehouse (DuckDB): folder for spilled intermediate results; default: DuckDB's "
        "(`warehouse.duckdb.tmp` beside the warehouse).",
    )
    link_attach_floor: float = Field(
        default=0.35,
        description="A name-only mention joins the one cluster its scored pairs reach at this probability.",
    )
    link_attach_loose_floor: float = Field(
        default=0.45,
        description="The same for a mention with more than a name that the model left alone, "
        "whose fields its candidate does not carry (ADR 0310).",
    )
    link_attach_context: bool = Field(
        default=True,
        description="Weigh the record's context (county, dates, co-mentioned parties) when a mention "
        "attaches by name, with weights estimated on the warehouse (ADR 0311).",
    )
    link_u_max_pairs: float = Field(
        default=2e6, description="Entity resolution: pairs sampled to estimate u."
    )
    link_em_max_pairs: float = Field(default=5e5, description="Entity resolution: pairs used per EM session.")
    link_seed: int = Field(default=42, description="Entity resolution: random seed (reproducible runs).")

    @cached_property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @cached_property
    def ops_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'procura.db'}"

    @property
    def system_url(self) -> str:
        """The operational database as the system role (``system_database_url``, else ``ops_url``)."""
        return self.system_database_url or self.ops_url

    @property
    def db_pool_size(self) -> int:
        """Connections of the pool = requests admitted at once (``db_pool`` or the backend's default)."""
        return self.db_pool or (2 if self.ops_url.startswith("sqlite") else 20)

    @cached_property
    def link_dir(self) -> Path:
        return self.home / "link"

    @property
    def lake_dir(self) -> Path:
        """Where ``procura lake export`` writes by default: the ``lake`` setting, else ``<home>/lake``."""
        return self.lake or self.home / "lake"

    @cached_property
    def out_dir(self) -> Path:
        return self.home / "out"

    def ensure(self) -> Settings:
        """Create the workspace folders if missing; return self."""
        for path in (self.home, self.link_dir, self.out_dir):
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.home.chmod(0o700)
        return self


def get_settings(workspace: Path | None = None) -> Settings:
    """Settings for a workspace given on the command line, else from the environment."""
    if workspace is not None:
        return Settings(home=workspace.resolve())
    return Settings()
