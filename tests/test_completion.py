"""Shell completion: food names through the completion protocol, and each shell's script.

Each shell's script is also run for real, in bash, zsh and fish under tmux, by
scripts/check_completion.sh (a step of .ci/run, which installs the shells).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT


def _complete(shell: str, line: str, **env: str) -> str:
    """What the installed k2calc answers a shell asking to complete ``line``."""
    protocol = {"_K2CALC_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        protocol["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    if shell == "bash":
        words = line.split(" ")
        protocol = {
            "_K2CALC_COMPLETE": "complete_bash",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
    done = subprocess.run(
        [SCRIPT],
        env={**os.environ, **protocol, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completes_food_names(shell: str) -> None:
    assert "natto" in _complete(shell, "k2calc show natt")


def test_names_are_offered_shortest_first_and_only_matching() -> None:
    offered = _complete("fish", "k2calc compare egg\\ y").splitlines()
    assert offered[0] == "egg yolk"
    assert all(name.startswith("egg y") for name in offered)


def test_an_item_completes_its_food_after_the_amount_and_unit() -> None:
    offered = _complete("zsh", 'k2calc total "30 g natt')
    assert '"30 g natto"' in offered
    offered = _complete("zsh", 'k2calc log add "2 egg y')
    assert '"2 egg yolk"' in offered


def test_a_foods_file_adds_its_names(tmp_path: Path) -> None:
    own = tmp_path / "mine.csv"
    own.write_text(
        "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nzzyzx cheese,,,5\n",
        encoding="utf-8",
    )
    assert "zzyzx cheese" in _complete("fish", "k2calc show zzy", K2CALC_FOODS=str(own))
    assert "zzyzx" not in _complete("fish", "k2calc show zzy")


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o default -F _k2calc_completion k2calc"),
        ("zsh", "compdef _k2calc_completion k2calc"),
        ("fish", "complete --command k2calc"),
    ],
)
def test_completion_prints_the_script_of_the_shell_named(
    k2: Invoke, shell: str, marker: str
) -> None:
    run = k2("completion", shell)
    assert run.exit_code == 0
    assert marker in run.stdout
    others = {"bash": "compdef", "zsh": "complete -o default", "fish": "compdef"}
    assert others[shell] not in run.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error(k2: Invoke) -> None:
    assert k2("completion", "tcsh").exit_code == 2
