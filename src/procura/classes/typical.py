"""Typical case → class supervision: draft a shadow model version from a handled lead (典型案例).

The draft is the next version of the lead's model in the model's own folder
(``<model>/versions/<n>/``, ADR 0402): the current files copied, the version
bumped, every parameter's default set to the value that found the typical lead,
and ``typical-case.json`` beside them with the lead, its facts and the parameter
values, for the reviewer. It then runs as a shadow (``procura run --shadow``),
is compared (``procura models diff``) and promoted only after review
(``procura models promote``). Marking the lead as typical is audited.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy.orm import Session

from procura.access import audit
from procura.access.principal import Principal
from procura.clock import utcnow
from procura.errors import Conflict, InvalidInput
from procura.models.loader import Catalog
from procura.workflow.scope import load

HANDLED = frozenset({"rectified", "closed", "awaiting_response", "not_rectified"})
DRAFT_FILE = "typical-case.json"


@dataclass
class Draft:
    model_id: str
    version: str
    path: str
    parameters: dict[str, dict[str, Any]]


def _next_version(catalog: Catalog, model_id: str) -> str:
    versions = [catalog.get(model_id).version] + [m.version for m in catalog.candidates.get(model_id, [])]
    numbers = [int(v) for v in versions if v.isdigit()]
    if not numbers:
        raise InvalidInput(f"model {model_id}: versions are not numbered, draft the shadow by hand")
    return str(max(numbers) + 1)


def draft_from_typical(
    session: Session, principal: Principal, catalog: Catalog, lead_id: str, note: str = ""
) -> Draft:
    """Mark a handled lead as typical and draft the next version of its model as a shadow."""
    lead, _ = load(session, principal, lead_id)
    if lead.status not in HANDLED:
        raise Conflict(
            f"只有已办理的线索可作为典型案例 lead {lead.id} is {lead.status}; a typical case must be handled "
            f"(one of {', '.join(sorted(HANDLED))})"
        )
    try:
        model = catalog.get(lead.model_id)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0])) from None
    version = _next_version(catalog, model.id)
    target = model.path / "versions" / version
    if target.exists():
        raise Conflict(f"{target} exists already")
    spec: dict[str, Any] = yaml.safe_load((model.path / "model.yaml").read_text(encoding="utf-8"))
    changed: dict[str, dict[str, Any]] = {}
    for name, param in (spec.get("parameters") or {}).items():
        if name in (lead.params or {}) and lead.params[name] != param.get("default"):
            changed[name] = {"from": param.get("default"), "to": lead.params[name]}
            param["default"] = lead.params[name]
    spec["version"] = version
    target.mkdir(parents=True)
    for name in ("rule.sql", "tests.yaml"):
        if (model.path / name).exists():
            shutil.copy2(model.path / name, target / name)
    (target / "model.yaml").write_text(
        yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    record = {
        "typical_case": lead.id,
        "model": model.id,
        "from_version": model.version,
        "version": version,
        "marked_by": principal.username,
        "marked_at": utcnow().isoformat(),
        "note": note,
        "parameters": lead.params,
        "changed": changed,
        "facts": lead.details,
        "review": [
            f"procura {step} {model.id}"
            for step in ("run --shadow --models", "models diff", "models promote")
        ],
    }
    (target / DRAFT_FILE).write_text(
        json.dumps(record, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    audit.record(
        session,
        principal,
        "mark_typical",
        "lead",
        lead.id,
        purpose=note,
        details={"model": model.id, "version": version, "path": str(target)},
    )
    return Draft(model.id, version, str(target), changed)
