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


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for ``url`` with a fixed pool of ``pool_size`` connections (no overflow).

    The API admits at most ``pool_size`` requests at a time (ADR 0560), so a
    request never waits for a connection; CLI commands use the default 5.
    SQLite gets foreign keys, WAL and a busy timeout. PostgreSQL runs without JIT
    compilation: the row-security subplans inflate the planner's cost estimates past
    ``jit_above_cost``, and compiling took 30 of a queue page's 42 ms (ADR 0567).
    """
    pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/") == "sqlite:":
            pool = {}
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)  # type: ignore[arg-type]

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(
        url, pool_pre_ping=True, connect_args={"options": "-c jit=off"}, **pool  # type: ignore[arg-type]
    )


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """A session factory bound to the workspace's operational database."""
    settings.ensure()
    engine = make_engine(settings.ops_url, settings.db_pool_size)
    return sessionmaker(engine, expire_on_commit=False, info={"settings": settings})


def set_scope(session: Session, office_id: str, *, system: bool = False) -> None:
    """Set the row-security scope of the current transaction (PostgreSQL only, see ADR 0503).

    The policies (``procura.access.rls``) let a row through when its office lies
    below ``office_id``, or always when ``system`` is on. SQLite has no policies:
    this does nothing there.
    """
    if session.get_bind().dialect.name != "postgresql" or session.info.get(_SCOPE) == (office_id, system):
        return
    session.execute(
        text(
            "SELECT set_config('procura.office_id', :office, true), "
            "set_config('procura.system', :system, true)"
        ),
        {"office": office_id, "system": "on" if system else "off"},
    )
    note_scope(session, office_id, system=system)


# The scope set in the session's current transaction, so that a request that set it once
# (at sign-in, from the session token) does not set it again for every query (ADR 0567).
_SCOPE = "procura_scope"


def note_scope(session: Session, office_id: str, *, system: bool = False) -> None:
    """Record that the current transaction's scope is ``office_id``/``system`` (set by the caller)."""
    session.info[_SCOPE] = (office_id, system)


@event.listens_for(Session, "after_transaction_end")
def _forget_scope(session: Session, _transaction: object) -> None:
    # SET LOCAL ends with its transaction, and a rolled back savepoint undoes it: forget the
    # scope at the end of any transaction, nested or not (at worst it is set once more).
    session.info.pop(_SCOPE, None)


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
