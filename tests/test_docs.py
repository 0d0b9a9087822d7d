"""Docs cannot drift: the CLI reference and the README's examples are regenerated and compared."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from k2calc.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_and_readme_examples_are_current() -> None:
    # Runs every README example in-process and renders every --help; see the script's doc.
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_every_command_has_help_and_is_in_the_docs() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    commands: dict[str, object] = getattr(group, "commands", {})
    assert {"total", "foods", "show"} <= set(commands)
    for name, command in commands.items():
        assert getattr(command, "help", None), f"{name} has no help"
        assert f"## `k2calc {name}`" in reference


def test_readme_gives_the_two_setup_commands_and_the_disclaimer() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install . && k2calc total "30 g natto" "2 eggs" "1 oz gouda"' in readme
    assert 'pip install ".[test]" && pytest' in readme
    assert "Not medical advice" in readme


def test_ci_runs_the_readme_test_command_in_a_fresh_venv() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv" in ci
    assert 'pip install ".[test]" && pytest' in ci
    assert "-eq 5" in ci  # pytest's "no tests collected" is a failure


def test_update_docs_leaves_no_temporary_folder(tmp_path: Path) -> None:
    """D14: the docs check makes no k2calc-docs-* folder it does not remove."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "K2CALC_HOME"}
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_docs.py"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert list(tmp_path.glob("k2calc-docs-*")) == []
