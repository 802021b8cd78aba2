"""docs/synth.md cannot drift: every option of `procura synth` and `procura evaluate` is documented."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import get_type_hints

import typer

from procura.cli.synth import evaluate_command, synth_command
from procura.synth.truth import MODEL_IDS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _options(command: object) -> list[str]:
    names = []
    hints = get_type_hints(command, include_extras=True)
    for name in inspect.signature(command).parameters:  # type: ignore[arg-type]
        info = getattr(hints.get(name), "__metadata__", [None])[0]
        if isinstance(info, typer.models.OptionInfo):
            given = [info.default, *(info.param_decls or ())]
            decls = [d for d in given if isinstance(d, str) and d.startswith("--")]
            names.append(decls[0] if decls else "--" + name.replace("_", "-"))
    return names


def test_every_option_is_documented() -> None:
    text = (DOCS / "synth.md").read_text(encoding="utf-8")
    options = _options(synth_command) + _options(evaluate_command)
    assert len(options) >= 9
    assert [o for o in options if f"`{o}" not in text] == []


def test_every_model_has_an_adr_reading() -> None:
    text = (DOCS / "decisions" / "0201-rule-readings-for-planting.md").read_text(encoding="utf-8")
    assert len(MODEL_IDS) == 10
    assert all(f"\n{i}. " in text for i in (1, 2, 4, 5, 6, 7, 8, 9, 10))
