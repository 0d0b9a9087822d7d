"""CSV output is safe in a spreadsheet, and reads back exactly (issue #14, D9)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from helpers import Invoke
from hypothesis import given
from hypothesis import strategies as st

from k2calc.csvcells import neutralise, restore

FORMULA_START = tuple("=+-@\t\r")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@given(st.text(max_size=20))
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(FORMULA_START)


def test_report_csv_has_no_formula_cells(k2: Invoke, tmp_path: Path) -> None:
    diary = tmp_path / "f.csv"
    diary.write_text(
        "date,subject,meal,food,amount\n"
        "2026-11-22,\"=cmd|' /C calc'!A0\",@SUM(1+1),natto,30 g\n"
        "2026-11-22,+1,-1+2,natto,30 g\n"
    )
    run = k2("report", str(diary), "--by", "meal", "-f", "csv")
    assert run.exit_code == 0, run.stderr
    assert not any(cell.startswith(FORMULA_START) for cell in _cells(run.stdout))
    assert "'=cmd|' /C calc'!A0" in _cells(run.stdout)


def test_log_export_import_and_report_round_trip(k2: Invoke, tmp_path: Path) -> None:
    db, copy = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    for meal, note in [
        ("@SUM(1+1)", '=HYPERLINK("http://x.example/","x")'),
        ("'-x", "''+y"),
        ("+1", "-2"),
    ]:
        added = k2("log", "add", "30 g natto", "--meal", meal, "--note", note, "--db", str(db))
        assert added.exit_code == 0, added.stderr
    exported = k2("log", "export", "--db", str(db))
    assert not any(cell.startswith(FORMULA_START) for cell in _cells(exported.stdout))
    export_file = tmp_path / "e.csv"
    export_file.write_text(exported.stdout)
    assert k2("log", "import", str(export_file), "--db", str(copy)).exit_code == 0
    assert k2("log", "export", "--db", str(copy)).stdout == exported.stdout
    meals = {e["meal"] for e in k2("log", "export", "--db", str(copy), "-f", "json").json()}
    assert meals == {"@sum(1+1)", "'-x", "+1"}
    run = k2("report", str(export_file), "--by", "meal", "-f", "json")
    assert {day["meal"] for day in run.json()["days"]} == meals


def test_total_csv_neutralises_a_formula_food_name(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "foods.csv"
    foods.write_text("name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\n@evil,1,,\n")
    run = k2("total", "1 g @evil", "--foods", str(foods), "-f", "csv")
    assert run.exit_code == 0, run.stderr
    assert run.csv()[0]["food"] == "'@evil"
