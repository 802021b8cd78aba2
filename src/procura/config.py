"""Settings: the only place that reads environment variables.

A workspace folder holds everything one installation works on: the warehouse,
the operational database, saved linkage models and outputs. It is chosen by
``--workspace``, else ``PROCURA_HOME``, else ``./procura-workspace``.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All settings of one procura installation."""

    model_config = SettingsConfigDict(env_prefix="PROCURA_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.cwd() / "procura-workspace")
    database_url: str | None = None
    # Tests set these in CI so that a missing service fails instead of skipping.
    require_postgres: bool = False
    require_spark: bool = False
    require_browser: bool = False  # CI: a missing Chromium fails the browser tests instead of skipping
    postgres_admin_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    lockout_failures: int = 5
    lockout_minutes: int = 15
    # Workflow: response deadline per measure kind ("2M" = two calendar months, "7D" = days);
    # a kind missing here sets no deadline. Overridable per workspace.
    measure_deadlines: dict[str, str] = Field(
        default_factory=lambda: {
            "procuratorial_suggestion": "2M",
            "case_filing_notice": "7D",
            "corrective_opinion": "15D",
            "pre_litigation_notice": "2M",
            "admin_penalty_opinion": "2M",
        }
    )
    # Workflow: migrate the operational database automatically when opened.
    auto_migrate: bool = True
    # Entity resolution (procura link): probabilities are Splink match probabilities.
    link_match_threshold: float = 0.95
    link_review_low: float = 0.5
    link_review_high: float = 0.99
    # A name-only mention joins the one cluster its scored pairs reach at this probability.
    link_attach_floor: float = 0.1
    link_u_max_pairs: float = 2e6
    link_em_max_pairs: float = 5e5
    link_seed: int = 42

    @cached_property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @cached_property
    def ops_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'procura.db'}"

    @cached_property
    def link_dir(self) -> Path:
        return self.home / "link"

    @cached_property
    def out_dir(self) -> Path:
        return self.home / "out"

    def ensure(self) -> Settings:
        """Create the workspace folders if missing; return self."""
        for path in (self.home, self.link_dir, self.out_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self


def get_settings(workspace: Path | None = None) -> Settings:
    """Settings for a workspace given on the command line, else from the environment."""
    if workspace is not None:
        return Settings(home=workspace.resolve())
    return Settings()
