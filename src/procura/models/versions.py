"""Model versions: compare a shadow run with the current one, and promote the shadow."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from procura.db import system_scope
from procura.errors import InvalidInput
from procura.leads.export import export_record
from procura.leads.runs import latest_run, leads_by_fingerprint, run_fingerprints, shadow_leads
from procura.models.loader import VERSIONS_DIR, Catalog

MODEL_FILES = ("model.yaml", "rule.sql", "tests.yaml")


class VersionError(InvalidInput):
    """No shadow version or shadow run to compare or promote."""


@dataclass(frozen=True)
class VersionDiff:
    """Leads the shadow version gains and loses against the current version's latest run."""

    model_id: str
    current_version: str | None
    shadow_version: str
    current_run_id: int | None
    shadow_run_id: int
    gained: list[dict[str, Any]]
    lost: list[dict[str, Any]]
    kept: int


def diff(session: Session, model_id: str) -> VersionDiff:
    """Compare the latest shadow run of ``model_id`` with its latest current run."""
    system_scope(session)  # a version comparison spans every jurisdiction (PostgreSQL RLS)
    shadow = latest_run(session, model_id, shadow=True)
    if shadow is None:
        raise VersionError(f"model {model_id} has no shadow run: run `procura run --shadow {model_id}` first")
    current = latest_run(session, model_id, shadow=False)
    new_fps = run_fingerprints(session, shadow)
    old_fps = run_fingerprints(session, current) if current else set()
    gained = [s.record for s in shadow_leads(session, shadow.id, sorted(new_fps - old_fps))]
    lost = [export_record(lead) for lead in leads_by_fingerprint(session, sorted(old_fps - new_fps))]
    return VersionDiff(
        model_id=model_id,
        current_version=current.model_version if current else None,
        shadow_version=shadow.model_version,
        current_run_id=current.id if current else None,
        shadow_run_id=shadow.id,
        gained=gained,
        lost=lost,
        kept=len(new_fps & old_fps),
    )


def promote(catalog: Catalog, model_id: str) -> tuple[str, str]:
    """Make the shadow version current: archive the current files, move the shadow's up.

    Returns (old version, new version). The catalogue folder is changed on
    disk; reload the catalogue afterwards.
    """
    try:
        current = catalog.get(model_id)
        shadow = catalog.shadow(model_id)
    except KeyError as exc:
        raise VersionError(str(exc.args[0])) from None
    archive = current.path / VERSIONS_DIR / current.version
    if archive.exists():
        raise VersionError(f"{archive} already exists; cannot archive version {current.version}")
    archive.mkdir(parents=True)
    for name in MODEL_FILES:
        shutil.move(str(current.path / name), str(archive / name))
    for name in MODEL_FILES:
        shutil.move(str(shadow.path / name), str(current.path / name))
    if not any(shadow.path.iterdir()):
        shadow.path.rmdir()
    return current.version, shadow.version
