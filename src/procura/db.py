"""The operational database: SQLAlchemy base, engine and sessions.

SQLite in the workspace by default, PostgreSQL by URL. Every ORM table of the
operational store (leads, workflow, access, audit) derives from ``Base``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from procura.config import Settings


class Base(DeclarativeBase):
    """Declarative base of every operational table."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """A session factory bound to the workspace's operational database."""
    settings.ensure()
    return sessionmaker(make_engine(settings.ops_url), expire_on_commit=False)


def set_scope(session: Session, office_id: str, *, system: bool = False) -> None:
    """Set the row-security scope of the current transaction (PostgreSQL only, see ADR 0503).

    The policies (``procura.access.rls``) let a row through when its office lies
    below ``office_id``, or always when ``system`` is on. SQLite has no policies:
    this does nothing there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT set_config('procura.office_id', :office, true), "
            "set_config('procura.system', :system, true)"
        ),
        {"office": office_id, "system": "on" if system else "off"},
    )


def system_scope(session: Session) -> None:
    """Let the current transaction see every row (model runs, migrations, demo set-up)."""
    set_scope(session, "", system=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
