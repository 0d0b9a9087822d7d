"""Machine-readable K2 that adds up, in every command's JSON: total = mk4 + mk7 + other + unsplit,
``null`` only for not measured; and a low-confidence value marks the day that rests on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import Invoke

PARTS = ("mk4", "mk7", "other_mk", "unsplit_mk")
ITEMS = ("30 g natto", "2 eggs", "1 oz gouda", "1 egg yolk", "1 cup kale")


def amounts(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """Every object in a JSON document that carries a K2 total, with its key suffix."""
    if isinstance(node, dict):
        for suffix in ("", "_per_100g"):
            if all(f"{key}_mcg{suffix}" in node for key in ("total", *PARTS)):
                yield node, suffix
        for value in node.values():
            yield from amounts(value)
    elif isinstance(node, list):
        for value in node:
            yield from amounts(value)


def assert_adds_up(document: Any) -> int:
    checked = 0
    for node, suffix in amounts(document):
        parts = [node[f"{p}_mcg{suffix}"] for p in PARTS]
        total = node[f"total_mcg{suffix}"]
        if all(p is None for p in parts):
            assert total is None, node  # nothing measured: the total is not measured either
        else:
            assert total == pytest.approx(sum(p for p in parts if p is not None), abs=1e-5)
        checked += 1
    return checked


@pytest.fixture
def diary(k2: Invoke, tmp_path: Path) -> Path:
    for meal, item in zip(("breakfast", "lunch", "dinner", "snack", ""), ITEMS, strict=True):
        assert k2("log", "add", item, "--meal", meal or "snack").exit_code == 0
    path = tmp_path / "diary.csv"
    path.write_text(k2("log", "export").stdout, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["total", *ITEMS],
        ["foods", "cheese", "--limit", "40"],
        ["show", "gouda"],
        ["show", "kale"],
        ["compare", "natto", "egg yolk", "gouda", "kale"],
        ["suggest", "1 egg"],
        ["log", "show"],
        ["log", "show", "--days", "3"],
    ],
)
def test_every_k2_figure_adds_up(k2: Invoke, diary: Path, args: list[str]) -> None:
    run = k2(*args, "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert assert_adds_up(run.json()) >= 1


def test_report_rows_add_up(k2: Invoke, diary: Path) -> None:
    days = k2("report", str(diary), "-f", "json").json()["days"]
    assert days and all(d["total_mcg"] is not None for d in days)
    assert assert_adds_up(days) == len(days)


def test_a_low_confidence_value_marks_the_day(k2: Invoke) -> None:
    # Egg yolk stands on K2viewer's merged row (low); natto on Kamao 2007 (a better grade).
    alone = k2("total", "30 g natto", "-f", "json").json()
    assert alone["confidence"] != "low"
    day = k2("total", "30 g natto", "1 egg yolk", "-f", "json").json()
    assert [i["confidence"] for i in day["items"]][1] == "low"
    assert day["confidence"] == "low"  # a day is as sure as its least sure part
    table = k2("total", "30 g natto", "1 egg yolk").stdout
    total_line = next(line for line in table.splitlines() if line.startswith("│ Total"))
    assert "†" in total_line and "† low-confidence source" in table
    rows = k2("total", "30 g natto", "1 egg yolk", "-f", "csv").csv()
    assert [r["confidence"] for r in rows][1] == "low"
