"""Items are never options: an item starting with '-' is an item, wherever it stands (D2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Invoke

ITEMS = ["-1 cup whole milk", "-2 oz cheddar cheese", "-1 fl oz milk", "-1 cup diced tomato"]


@pytest.mark.parametrize("bad", ITEMS)
@pytest.mark.parametrize("command", [["total"], ["suggest"], ["log", "add"]])
def test_a_negative_item_is_an_error_naming_it(
    k2: Invoke, tmp_path: Path, command: list[str], bad: str
) -> None:
    db = tmp_path / "log.sqlite3"
    extra = ["--check"] if command == ["total"] else ["--db", str(db)]
    run = k2(*command, "30 g natto", bad, "-f", "json", *extra)
    assert run.exit_code == 1, run.stdout
    assert run.stdout == ""
    assert run.stderr.startswith("k2calc: error: item 2: ")
    assert f"'{bad}'" in run.stderr
    assert not db.exists()


def test_options_after_items_still_work(k2: Invoke, tmp_path: Path) -> None:
    assert k2("total", "30 g natto", "--format", "json").json()["items"][0]["food"] == "natto"
    assert k2("total", "30 g natto", "--format=csv").csv()[0]["food"] == "natto"
    assert k2("total", "30 g natto", "-fjson").json()["items"][0]["food"] == "natto"
    db = tmp_path / "log.sqlite3"
    added = k2("log", "add", "2 eggs", "-d", "-1", "-m", "lunch", "--db", str(db), "-f", "json")
    assert added.exit_code == 0, added.stderr
    assert added.json()["added"][0]["meal"] == "lunch"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_still_works_after_items(k2: Invoke, flag: str) -> None:
    run = k2("total", "30 g natto", flag)
    assert run.exit_code == 0 and run.stdout.startswith("Usage: k2calc total")


def test_a_double_dash_ends_the_options(k2: Invoke) -> None:
    run = k2("total", "--", "--format")
    assert run.exit_code == 2 and "no such option: --format" in run.stderr


def test_an_unknown_long_option_is_still_a_usage_error(k2: Invoke) -> None:
    run = k2("total", "--bogus", "30 g natto")
    assert run.exit_code == 2 and "no such option: --bogus" in run.stderr
