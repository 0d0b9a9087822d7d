"""The settings file: defaults for --min, --max, --db and --foods; the command line wins."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT

OWN_NATTO = "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nnatto,,500,\n"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A settings file in a folder of its own, named by K2CALC_CONFIG."""
    folder = tmp_path / "settings"
    folder.mkdir()
    path = folder / "config.toml"
    monkeypatch.setenv("K2CALC_CONFIG", str(path))
    return path


def test_without_a_file_the_built_in_defaults_hold(k2: Invoke, settings: Path) -> None:
    data = k2("total", "2 eggs", "-f", "json").json()
    assert (data["target_min_mcg"], data["target_max_mcg"]) == (45.0, 200.0)
    shown = k2("config", "show", "-f", "json").json()
    assert shown == {"path": str(settings), "exists": False, "settings": {}}
    assert k2("config", "path").stdout == f"{settings}\n"


def test_target_from_the_file_and_the_command_line_wins(k2: Invoke, settings: Path) -> None:
    settings.write_text("min = 90\nmax = 300\n", encoding="utf-8")
    data = k2("total", "2 eggs", "-f", "json").json()
    assert (data["target_min_mcg"], data["target_max_mcg"]) == (90.0, 300.0)
    assert data["status"] == "below"  # 2 eggs hold 32.9 mcg: below 90 (within 45-200 otherwise)
    data = k2("total", "2 eggs", "--min", "20", "-f", "json").json()
    assert (data["target_min_mcg"], data["target_max_mcg"]) == (20.0, 300.0)


def test_foods_file_relative_to_the_settings_folder(k2: Invoke, settings: Path) -> None:
    (settings.parent / "mine.csv").write_text(OWN_NATTO, encoding="utf-8")
    settings.write_text('foods = "mine.csv"\n', encoding="utf-8")
    item = k2("total", "10 g natto", "-f", "json").json()["items"][0]
    assert item["mk7_mcg"] == pytest.approx(50.0)  # the file's 500 mcg/100 g × 10 g


def test_db_from_the_file_and_the_environment_wins(
    k2: Invoke, settings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.write_text(f'db = "{tmp_path / "mine.sqlite3"}"\n', encoding="utf-8")
    assert k2("log", "add", "2 eggs").exit_code == 0
    assert (tmp_path / "mine.sqlite3").is_file()
    monkeypatch.setenv("K2CALC_DB", str(tmp_path / "env.sqlite3"))
    assert k2("log", "add", "2 eggs").exit_code == 0
    assert (tmp_path / "env.sqlite3").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mni = 90\n", "unknown setting(s) mni; known: min, max, db, foods"),
        ('min = "ninety"\n', "min = 'ninety' is not a number of mcg"),
        ("db = 3\n", "db = 3 is not a file path (give it in quotes)"),
        ("min = [\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_and_config_still_runs(
    k2: Invoke, settings: Path, text: str, message: str
) -> None:
    settings.write_text(text, encoding="utf-8")
    run = k2("total", "2 eggs")
    assert run.exit_code == 1
    assert run.stderr.startswith(f"k2calc: error: settings file {settings}: {message}")
    assert run.stderr.count("\n") == 1
    assert k2("config", "path").exit_code == 0


def test_installed_command_reads_the_file(settings: Path) -> None:
    settings.write_text("min = 10\nmax = 30\n", encoding="utf-8")
    done = subprocess.run(
        [SCRIPT, "total", "2 eggs", "--check"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )
    assert done.returncode == 3, done.stderr  # 32.9 mcg is above the file's maximum of 30
