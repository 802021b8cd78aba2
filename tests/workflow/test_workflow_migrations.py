"""Migrations: the schema they build equals the ORM metadata; they run both ways; first use migrates."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from procura.access import audit
from procura.access.principal import Principal
from procura.config import Settings
from procura.db import make_engine
from procura.leads.orm import Lead
from procura.migrations import (
    ORM_MODULES,
    current_revision,
    downgrade,
    head_revision,
    load_metadata,
    open_store,
    upgrade,
)


def test_migrated_sqlite_matches_the_orm(ops_template: Path) -> None:
    engine = make_engine(f"sqlite:///{ops_template}")
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_metadata()
        )
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    assert upgrade(engine) == head_revision()
    assert downgrade(engine, "base") is None
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    assert upgrade(engine) == head_revision()
    engine.dispose()


def test_the_store_migrates_itself_on_first_use(settings: Settings) -> None:
    factory = open_store(settings)
    assert current_revision(factory.kw["bind"]) == head_revision()
    assert (settings.home / "procura.db").exists()


def test_concurrent_writers_on_sqlite_wait_instead_of_failing(settings: Settings) -> None:
    factory = open_store(settings)
    who = Principal(1, "x", "330110-county", "criminal", "chief")
    errors: list[Exception] = []

    def append(n: int) -> None:
        for i in range(10):
            try:
                with factory() as db:
                    db.get(Lead, "L-none")  # a read first, as the services do
                    audit.record(db, who, "lead.read", "lead", f"{n}-{i}")
                    db.commit()
            except Exception as exc:  # collected: the assertion names them
                errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as db:
        report = audit.verify(db)
    assert report.ok and report.entries == 30


def test_every_orm_module_is_known_to_the_migrations() -> None:
    root = Path(__file__).parents[2] / "src"
    defining = {
        ".".join(path.relative_to(root).with_suffix("").parts)
        for path in (root / "procura").rglob("*.py")
        if re.search(r"^class \w+\(Base\):", path.read_text(encoding="utf-8"), re.M)
    }
    assert defining == set(ORM_MODULES)


def test_the_fast_head_check_reads_the_same_head_as_alembic() -> None:
    """``open_store`` skips importing alembic when the files name one head; it must be alembic's head."""
    from procura.migrations import _shipped_head

    assert _shipped_head() == head_revision()
