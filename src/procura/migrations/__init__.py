"""Alembic migrations of the operational database, shipped inside the package.

``upgrade`` brings any database (SQLite file or PostgreSQL) to the newest
schema and fills the office table from GB/T 2260; ``open_store`` does that on
first use (``settings.auto_migrate``) and returns a session factory.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from procura.config import Settings
from procura.db import Base, make_engine

HERE = Path(__file__).parent
# Every module that defines tables on ``Base``; env.py imports them all.
ORM_MODULES = (
    "procura.leads.orm",
    "procura.access.orm",
    "procura.workflow.orm",
    "procura.documents.orm",
    "procura.exchange.orm",
)
_migrated: set[str] = set()


def load_metadata():  # type: ignore[no-untyped-def]
    """``Base.metadata`` with every ORM module imported."""
    for name in ORM_MODULES:
        importlib.import_module(name)
    return Base.metadata


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the package's scripts and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision shipped."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to ``revision`` and sync the offices; return the new revision."""
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
    engine = serialize_sqlite_writes(make_engine(url))
    if settings.auto_migrate and url not in _migrated:
        if current_revision(engine) != head_revision():
            upgrade(engine)
        _migrated.add(url)
    return sessionmaker(engine, expire_on_commit=False)
