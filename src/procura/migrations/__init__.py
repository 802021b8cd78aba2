"""Alembic migrations of the operational database, shipped inside the package.

``upgrade`` brings any database (SQLite file or PostgreSQL) to the newest
schema and fills the office table from GB/T 2260; ``open_store`` does that on
first use (``settings.auto_migrate``) and returns a session factory.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from procura.config import Settings
from procura.db import Base, make_engine

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent
# Every module that defines tables on ``Base``; env.py imports them all.
ORM_MODULES = (
    "procura.leads.orm",
    "procura.access.orm",
    "procura.workflow.orm",
    "procura.exchange.orm",
)
_migrated: set[str] = set()


def load_metadata():  # type: ignore[no-untyped-def]
    """``Base.metadata`` with every ORM module (``ORM_MODULES``) imported."""
    import procura.access.orm
    import procura.exchange.orm
    import procura.leads.orm
    import procura.workflow.orm  # noqa: F401

    return Base.metadata


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the package's scripts and ``url``."""
    from alembic.config import Config  # alembic is imported only when migrating

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision shipped."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to ``revision`` and sync the offices; return the new revision."""
    from alembic import command

    from procura.access.offices import offices_in_sync, sync_offices

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    if revision == "head":
        with engine.begin() as conn:
            if not offices_in_sync(conn):
                sync_offices(conn)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str) -> str | None:
    """Migrate the database back to ``revision`` (``base`` empties it)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    return current_revision(engine)


def serialize_sqlite_writes(engine: Engine) -> Engine:
    """Make every SQLite transaction ``BEGIN IMMEDIATE``.

    SQLite's default deferred transactions let two sessions read the same audit
    head and then collide when both write; taking the write lock at BEGIN makes
    concurrent requests wait (busy timeout) instead of failing. No-op elsewhere.
    """
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def open_store(settings: Settings, url: str | None = None) -> sessionmaker[Session]:
    """A session factory on the operational database, migrated to head on first use."""
    url = url or settings.ops_url
    settings.ensure()
    engine = serialize_sqlite_writes(make_engine(url, settings.db_pool_size))
    if settings.auto_migrate and url not in _migrated:
        if not _at_head(engine) and current_revision(engine) != head_revision():
            upgrade(engine)
        _migrated.add(url)
    return sessionmaker(engine, expire_on_commit=False, info={"settings": settings})


def open_system_store(settings: Settings) -> sessionmaker[Session]:
    """``open_store`` as the system role, for unattended jobs (``Settings.system_database_url``, ADR 0570)."""
    return open_store(settings, settings.system_url)


_REVISION = re.compile(r'^(down_revision|revision): str(?: \| None)? = ["\']?([\w]+)["\']?', re.M)


@cache
def _shipped_head() -> str | None:
    """The head revision read from the script files, without importing alembic (a fast path)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (HERE / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(engine: Engine) -> bool:
    """True when the database's ``alembic_version`` already names the shipped head."""
    head = _shipped_head()
    if head is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        versions = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return versions == {head}
