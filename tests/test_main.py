from typer.testing import CliRunner

from procura.cli import app


def test_help_lists_the_workspace_option() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "--workspace" in result.output
