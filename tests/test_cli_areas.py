"""The command -> area table that lets ``procura CMD`` import only the area it needs."""

import importlib

import pytest
import typer

from procura.cli import AREAS, COMMAND_AREAS, invoked_area


def _commands(area: str) -> set[str]:
    app = typer.Typer()
    importlib.import_module(f"procura.cli.{area}").register(app)
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return names | {g.name or "" for g in app.registered_groups}


@pytest.mark.parametrize("area", AREAS)
def test_every_command_maps_to_the_area_that_registers_it(area: str) -> None:
    mapped = {c for c, a in COMMAND_AREAS.items() if a == area}
    assert mapped <= _commands(area)


def test_no_two_areas_register_the_same_command() -> None:
    seen: dict[str, str] = {}
    for area in AREAS:
        for name in _commands(area):
            assert name not in seen, f"{name} in {seen.get(name)} and {area}"
            seen[name] = area


@pytest.mark.parametrize(
    ("argv", "area"),
    [
        (["/x/bin/procura", "ingest", "data"], "ingest"),
        (["/x/bin/procura", "--workspace", "run", "link"], "link"),
        (["/x/bin/procura", "-w", "ws", "run", "--as-of", "2026-06-30"], "models"),
        (["/x/bin/procura", "--help"], None),
        (["/x/bin/procura", "lead", "queue"], None),
        (["/x/bin/pytest", "-k", "link"], None),
    ],
)
def test_invoked_area(argv: list[str], area: str | None) -> None:
    assert invoked_area(argv) == area
