"""The shape of the code: no hidden imports, a CLI that imports little, the layer contracts.

The layer contracts themselves live in ``pyproject.toml`` ([tool.importlinter]) and run
in ``make lint``; the test below runs them too, so a broken layer fails the test suite.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from procura.cli import COMMANDS, app, hoist_global_options, load_all

SRC = Path(__file__).resolve().parents[1] / "src" / "procura"
HEAVY = ("duckdb", "pandas", "splink", "sqlalchemy", "fastapi", "pyarrow", "alembic", "pyspark")
# The one dynamic import: a postprocess hook of a catalogue outside the package, which
# ``resolve_hook`` refuses for procura's own modules (tests/models covers that refusal).
DYNAMIC_IMPORT_ALLOWED = {"models/loader.py"}


def _dynamic_imports(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else ""
            if name in ("import_module", "__import__"):
                lines.append(node.lineno)
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "importlib"
            and any(alias.name == "import_module" for alias in node.names)
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_imports_project_code_by_name() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        lines = _dynamic_imports(ast.parse(path.read_text(encoding="utf-8")))
        if lines and relative not in DYNAMIC_IMPORT_ALLOWED:
            offenders.append(f"{relative}:{lines}")
    assert offenders == [], "import modules with import statements, not importlib/__import__"


def test_the_dynamic_import_check_finds_each_spelling() -> None:
    source = "import importlib\nimportlib.import_module('procura.x')\n__import__('procura.y')\n"
    assert _dynamic_imports(ast.parse(source)) == [2, 3]
    assert _dynamic_imports(ast.parse("from importlib import import_module\n")) == [1]
    assert _dynamic_imports(ast.parse("from importlib import resources\n")) == []


def test_the_built_in_catalogue_names_its_hooks() -> None:
    from procura.models.loader import resolve_hook
    from procura.models.stats import price_discrimination

    assert resolve_hook("price_discrimination") is price_discrimination
    with pytest.raises(ValueError, match="built-in hook"):
        resolve_hook("procura.models.stats:price_discrimination")


def test_the_layer_contracts_hold() -> None:
    tool = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(tool), "--no-cache"], capture_output=True, text=True, cwd=SRC.parents[1], check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 kept, 0 broken" in result.stdout


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = f"import sys, procura.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_help_loads_no_area() -> None:
    code = (
        "import sys\nfrom procura.cli import app\n"
        "try:\n    app(['--help'], prog_name='procura')\nexcept SystemExit:\n    pass\n"
        "print('AREAS', sorted(m for m in sys.modules if m.startswith('procura.cli.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "AREAS []" in result.stdout and "lead" in result.stdout


def test_the_command_table_matches_the_commands() -> None:
    group = load_all()
    assert set(group.commands) == set(COMMANDS)
    for name, area in COMMANDS.items():
        first_line = (group.commands[name].help or "").strip().splitlines()[0]
        assert first_line == area.help, name


@pytest.mark.parametrize(
    ("args", "hoisted"),
    [
        (["status", "--workspace", "X"], ["--workspace", "X", "status"]),
        (["lead", "show", "L-1", "-w", "X"], ["--workspace", "X", "lead", "show", "L-1"]),
        (["status", "--workspace=X"], ["--workspace=X", "status"]),
        (["ingest", "data", "--", "--workspace", "X"], ["ingest", "data", "--", "--workspace", "X"]),
    ],
)
def test_global_options_are_hoisted(args: list[str], hoisted: list[str]) -> None:
    assert hoist_global_options(args) == hoisted


def test_the_workspace_option_works_after_the_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ws" / "warehouse.duckdb").exists()


def test_the_pipeline_commands_load_no_sign_in_stack() -> None:
    """`procura link` does not import SQLAlchemy/Alembic (only its review subcommands do, ADR 0115)."""
    code = (
        "import sys, procura.cli.link; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
