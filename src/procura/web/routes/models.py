"""The model catalogue: a card per model (what it looks for, legal basis, tables, parameters with
effective dates, versions and shadow comparison, last run, leads and precision from triage)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from procura.access.principal import Principal
from procura.api.deps import SessionDep
from procura.errors import Forbidden, NotFound
from procura.leads.runs import latest_run
from procura.models.loader import Model, builtin_catalog
from procura.models.versions import VersionError, diff
from procura.web.render import render
from procura.web.session import ViewerDep
from procura.workflow.feedback import ModelStats, model_stats

router = APIRouter(include_in_schema=False)


def _stats(session: Session, principal: Principal) -> dict[str, ModelStats] | None:
    """Leads and precision per model in the viewer's jurisdiction (None for roles without statistics)."""
    try:
        return {s.model_id: s for s in model_stats(session, principal, by_office=False, by_month=False)}
    except Forbidden:
        return None


def _card(session: Session, model: Model, stats: dict[str, ModelStats] | None) -> dict[str, Any]:
    candidates = builtin_catalog().candidates.get(model.id, [])
    return {
        "model": model,
        "spec": model.spec,
        "stats": None if stats is None else stats.get(model.id),
        "stats_allowed": stats is not None,
        "last_run": latest_run(session, model.id, shadow=False),
        "candidates": [c.version for c in candidates],
    }


@router.get("/models")
def catalogue(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """Every model of the catalogue as a card."""
    stats = _stats(session, viewer.principal)
    cards = [_card(session, m, stats) for _, m in sorted(builtin_catalog().models.items())]
    return render(request, "models.html", {"cards": cards})


@router.get("/models/{model_id}")
def one_model(request: Request, model_id: str, session: SessionDep, viewer: ViewerDep) -> Response:
    """One model's card with its rule and, for analysts, the shadow version's comparison."""
    model = builtin_catalog().models.get(model_id)
    if model is None:
        raise NotFound(f"model {model_id!r} is not in the catalogue")
    card = _card(session, model, _stats(session, viewer.principal))
    comparison = None
    if viewer.principal.role == "analyst" and card["candidates"]:
        try:
            found = diff(session, model_id)
            comparison = {
                "shadow_version": found.shadow_version,
                "gained": len(found.gained),
                "lost": len(found.lost),
                "kept": found.kept,
            }
        except VersionError:
            comparison = None
    return render(request, "model.html", {"card": card, "comparison": comparison})
