"""``k2calc log`` through the CLI: add, show, rm, export, import, path, in every format.

Numbers by hand from foods.csv rows: natto mk7 939 /100 g (band 763.3–1103.4); egg mk4 29.6 +
mk7 0.9 + other 2.4 = 32.9 /100 g (DTU barn egg), each = 50 g; cheddar other 13.1 /100 g (Dunlop;
MK-4 and MK-7 not measured by that source).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Invoke

TODAY = dt.date.today()


def iso(days_ago: int = 0) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def test_add_prints_entries_and_the_day_total(k2: Invoke) -> None:
    run = k2("log", "add", "30 g natto", "2 eggs", "--meal", "breakfast")
    assert run.exit_code == 0, run.stderr
    assert "30 g natto" in run.stdout and "breakfast" in run.stdout
    assert f"Day {iso()}: 2 entries in all" in run.stdout
    # 281.7 (natto) + 32.9 (2 eggs = 100 g) = 314.6 > 200
    assert "ABOVE  at least 314.6 mcg: 114.6 over the maximum" in run.stdout


def test_add_json_has_ids_and_the_day(k2: Invoke) -> None:
    k2("log", "add", "2 eggs")
    run = k2("log", "add", "10 g natto", "--note", "lunch box", "-f", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    [entry] = data["added"]
    assert (entry["id"], entry["input"], entry["note"]) == (2, "10 g natto", "lunch box")
    assert entry["mk7_mcg"] == pytest.approx(93.9) and entry["mk4_mcg"] is None
    assert data["day"]["total_mcg"] == pytest.approx(126.8)  # 93.9 + 32.9
    assert data["day"]["status"] == "within"
    assert (data["day"]["target_min_mcg"], data["day"]["target_max_mcg"]) == (45, 200)


def test_add_csv(k2: Invoke) -> None:
    run = k2("log", "add", "100 g cheddar", "-f", "csv")
    assert run.exit_code == 0, run.stderr
    [row] = run.csv()
    # K2viewer 'Cheddar (full fat)': MK-4 8.5, MK-7 0.9, other 0.5 + 0.4 + 4.4 + 12.7 + 14.3
    assert (row["food"], row["mk4_mcg"], row["mk7_mcg"], row["other_mk_mcg"]) == (
        "cheddar",
        "8.5",
        "0.9",
        "32.3",
    )
    assert row["status"] == "below"


def test_one_bad_item_logs_nothing(k2: Invoke) -> None:
    run = k2("log", "add", "30 g natto", "30 g nnato")
    assert run.exit_code == 1
    assert run.stderr == "k2calc: error: item 2: unknown food 'nnato' — did you mean 'natto'?\n"
    shown = k2("log", "show", "-f", "json").json()
    assert shown["days"][0]["entries"] == []


@pytest.mark.parametrize(
    ("given", "days_ago"), [("today", 0), ("yesterday", 1), ("-3", 3), ("2026-11-22", None)]
)
def test_date_forms(k2: Invoke, given: str, days_ago: int | None) -> None:
    run = k2("log", "add", "2 eggs", "--date", given, "-f", "json")
    assert run.exit_code == 0, run.stderr
    expected = "2026-11-22" if days_ago is None else iso(days_ago)
    assert run.json()["added"][0]["date"] == expected
    shown = k2("log", "show", "--date", given, "-f", "json").json()
    assert [e["input"] for e in shown["days"][0]["entries"]] == ["2 eggs"]


def test_a_future_date_is_refused_and_nothing_logged(k2: Invoke) -> None:
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    run = k2("log", "add", "2 eggs", "--date", tomorrow)
    assert run.exit_code == 1
    assert run.stderr == (
        f"k2calc: error: --date {tomorrow}: {tomorrow} is after today ({TODAY}); "
        "log what was eaten, on the day it was eaten\n"
    )
    assert k2("log", "show", "--date", tomorrow, "-f", "json").json()["days"][0]["entries"] == []


def test_bad_date_is_one_line(k2: Invoke) -> None:
    run = k2("log", "add", "2 eggs", "--date", "someday")
    assert run.exit_code == 1
    assert "'someday' is not a date" in run.stderr and "yesterday" in run.stderr


def test_show_one_day_grouped_by_meal(k2: Invoke) -> None:
    k2("log", "add", "10 g natto", "--meal", "dinner")
    k2("log", "add", "2 eggs", "1 egg", "--meal", "Breakfast")
    k2("log", "add", "100 g cheddar")
    run = k2("log", "show")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    order = [next(i for i, line in enumerate(lines) if f" {word} " in line) for word in (
        "breakfast", "2 eggs", "1 egg", "dinner", "10 g natto", "(no meal)", "cheddar",
        "Day total",
    )]  # fmt: skip
    assert order == sorted(order)
    breakfast = next(line for line in lines if " breakfast " in line)
    # 3 eggs = 150 g: MK-4 44.4 + MK-7 1.35 + other 3.6 = 49.35, summed form by form; a
    # lower bound (*): the DTU egg row did not analyse MK-5, MK-9, MK-10
    assert "│   49.4* │" in breakfast
    # K1 apart, last: egg 0.3 /100 g (SR28 01123) × 150 g = 0.45 (0.4499… in floating point)
    assert breakfast.rstrip("│ ").endswith("0.4")
    # 93.9 + 49.35 + 41.7 = 184.95, summed form by form
    assert "WITHIN  at least 185.0 mcg" in run.stdout
    assert "Values as logged, by k2calc 0.1.0" in run.stdout


def test_show_one_day_json(k2: Invoke) -> None:
    k2("log", "add", "30 g natto", "--meal", "lunch")
    data = k2("log", "show", "-f", "json").json()
    assert data["table_values"] == "logged"
    assert "summary" not in data
    [day] = data["days"]
    assert day["date"] == iso()
    assert (day["mk4_mcg"], day["other_mk_mcg"]) == (None, None)
    assert day["total_mcg"] == pytest.approx(281.7)
    assert (day["low_mcg"], day["high_mcg"]) == pytest.approx(
        (228.99, 330.0)
    )  # 763.3, 1100 per 100 g
    assert (day["partial"], day["status"]) == (True, "above")
    [entry] = day["entries"]
    assert set(entry) >= {"id", "meal", "input", "food", "grams", "mk4_mcg", "mk7_mcg",
                          "other_mk_mcg", "total_mcg", "k2calc_version", "logged_at"}  # fmt: skip
    assert (entry["meal"], entry["food"], entry["grams"]) == ("lunch", "natto", 30)


def test_show_one_day_csv_has_the_entries_whose_totals_sum_to_the_day(k2: Invoke) -> None:
    k2("log", "add", "10 g natto", "2 eggs")
    rows = k2("log", "show", "-f", "csv").csv()
    assert [r["input"] for r in rows] == ["10 g natto", "2 eggs"]
    assert sum(float(r["total_mcg"]) for r in rows) == pytest.approx(126.8)  # 93.9 + 32.9
    assert sum(float(r["grams"]) for r in rows) == 110  # 10 g + 2 × 50 g
    day = k2("log", "show", "-f", "json").json()["days"][0]
    assert day["status"] == "within" and day["total_mcg"] == pytest.approx(126.8)


def add_three_days(k2: Invoke) -> None:
    k2("log", "add", "30 g natto", "--date", "-2")  # 281.7 above
    k2("log", "add", "10 g natto", "--date", "-1")  # 93.9 within
    k2("log", "add", "50 g cheddar", "50 g cheddar", "--date", "today")  # 41.7 below


def test_show_range_json_summary_by_hand(k2: Invoke) -> None:
    add_three_days(k2)
    run = k2("log", "show", "--days", "7", "-f", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert [d["date"] for d in data["days"]] == [iso(2), iso(1), iso(0)]
    assert [d["status"] for d in data["days"]] == ["above", "within", "below"]
    summary = data["summary"]
    mean = (281.7 + 93.9 + 41.7) / 3
    stdev = math.sqrt(((281.7 - mean) ** 2 + (93.9 - mean) ** 2 + (41.7 - mean) ** 2) / 2)
    assert summary["days"] == 3
    assert summary["mean_mcg"] == pytest.approx(mean, abs=1e-6)
    assert summary["median_mcg"] == pytest.approx(93.9)
    assert (summary["min_mcg"], summary["max_mcg"]) == pytest.approx((41.7, 281.7))
    assert (summary["days_below"], summary["days_within"], summary["days_above"]) == (1, 1, 1)
    assert summary["cv"] == pytest.approx(stdev / mean, abs=1e-6)


def test_show_range_by_from_and_to(k2: Invoke) -> None:
    add_three_days(k2)
    data = k2("log", "show", "--from", "-2", "--to", "yesterday", "-f", "json").json()
    assert [d["date"] for d in data["days"]] == [iso(2), iso(1)]
    rows = k2("log", "show", "--from", iso(1), "-f", "csv").csv()
    assert [(r["date"], r["status"], r["entries"]) for r in rows] == [
        (iso(1), "within", "1"),
        (iso(0), "below", "2"),
    ]


def test_show_range_table_has_rows_chart_and_summary(k2: Invoke) -> None:
    add_three_days(k2)
    run = k2("log", "show", "--days", "3")
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    assert f"Vitamin K by day, {iso(2)} to {iso(0)}" in out
    chart = [line for line in out.splitlines() if line.startswith(iso(2) + " │")]
    assert chart and "█" in chart[0] and chart[0].endswith("281.7")
    assert "Days logged: 3   K2 mean 139.1   median 93.9   min 41.7   max 281.7 mcg" in out
    assert "Below 45: 1   within: 1   above 200: 1" in out
    k2_row = next(line for line in out.splitlines() if line.startswith("│ K2 "))
    # SD of 281.7, 93.9, 41.7 (mean 139.1): sqrt((142.6² + 45.2² + 97.4²) / 2) =
    # sqrt((20334.76 + 2043.04 + 9486.76) / 2) = 126.22; CV 126.22 / 139.1 = 90.7 %;
    # largest change 281.7 - 93.9 = 187.8
    assert [cell.strip() for cell in k2_row.split("│")[1:-1]] == [
        "K2", "139.1", "126.2", "90.7%", "187.8", "100%",
    ]  # fmt: skip
    assert max(len(line) for line in out.splitlines()) <= 80


def test_empty_range(k2: Invoke) -> None:
    run = k2("log", "show", "--days", "7", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["days"] == [] and run.json()["summary"] is None
    assert "No entries" in k2("log", "show", "--days", "7").stdout


def test_check_exits_3_when_a_day_is_outside(k2: Invoke) -> None:
    k2("log", "add", "10 g natto")  # 93.9: within
    assert k2("log", "show", "--check").exit_code == 0
    k2("log", "add", "30 g natto", "--date", "yesterday")  # 281.7: above
    assert k2("log", "show", "--days", "2", "--check").exit_code == 3
    assert k2("log", "show", "--days", "2", "--check", "--max", "300").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "today", "--days", "3"],
        ["--from", "-3", "--days", "3"],
        ["--from", "today", "--to", "-3"],
        ["--days", "0"],
    ],
)
def test_contradictory_ranges_are_usage_errors(k2: Invoke, args: list[str]) -> None:
    run = k2("log", "show", *args)
    assert run.exit_code == 2, run.stdout


def test_rm(k2: Invoke) -> None:
    k2("log", "add", "1 egg", "2 eggs", "3 eggs")
    run = k2("log", "rm", "1", "3", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert [e["input"] for e in run.json()] == ["1 egg", "3 eggs"]
    left = k2("log", "show", "-f", "json").json()["days"][0]["entries"]
    assert [e["id"] for e in left] == [2]
    missing = k2("log", "rm", "2", "7")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "k2calc: error: no entry with id 7; nothing was removed (see k2calc log show)\n"
    )
    assert len(k2("log", "show", "-f", "json").json()["days"][0]["entries"]) == 1
    assert "Removed 1 entry" in k2("log", "rm", "2").stdout


def test_export_csv_is_the_report_shape(k2: Invoke) -> None:
    k2("log", "add", "30 g natto", "--meal", "breakfast", "--date", "2026-11-01")
    k2("log", "add", "2 eggs", "1 tbsp butter", "--date", "2026-11-02", "--note", "a, b")
    run = k2("log", "export")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[0] == "date,meal,food,amount,note"
    assert run.csv() == [
        {"date": "2026-11-01", "meal": "breakfast", "food": "natto", "amount": "30 gram",
         "note": ""},
        {"date": "2026-11-02", "meal": "", "food": "egg", "amount": "2 each", "note": "a, b"},
        {"date": "2026-11-02", "meal": "", "food": "butter", "amount": "1 tablespoon",
         "note": "a, b"},
    ]  # fmt: skip
    only = k2("log", "export", "-f", "json", "--from", "2026-11-02", "--to", "2026-11-02")
    assert [r["food"] for r in only.json()] == ["egg", "butter"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_import_of_an_export_round_trips(k2: Invoke, tmp_path: Path, fmt: str) -> None:
    k2("log", "add", "30 g natto", "1/3 cup natto", "--meal", "breakfast", "--date", "-1")
    k2("log", "add", "2 eggs", "1 slice cheddar", "100 mcg mk-7", "--note", "x")
    exported = k2("log", "export", "-f", fmt).stdout
    (tmp_path / f"log.{fmt}").write_text(exported, encoding="utf-8")
    other = str(tmp_path / "other.sqlite3")
    run = k2("log", "import", str(tmp_path / f"log.{fmt}"), "--db", other)
    assert run.exit_code == 0, run.stderr
    assert f"Imported 5 entries ({iso(1)} to {iso(0)})" in run.stdout

    def entries(*db: str) -> list[dict[str, object]]:
        days = k2("log", "show", "--days", "2", "-f", "json", *db).json()["days"]
        keep = ("date", "meal", "food", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg",
                "total_mcg", "low_mcg", "high_mcg", "partial", "note")  # fmt: skip
        return [{k: e[k] for k in keep} for d in days for e in d["entries"]]

    assert entries("--db", other) == entries()
    assert k2("log", "export", "-f", fmt, "--db", other).stdout == exported


def test_import_bad_file_imports_nothing(k2: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,food,amount\n2026-11-01,natto,30 g\n2026-11-02,nnato,1\n")
    run = k2("log", "import", str(bad))
    assert run.exit_code == 1
    assert "1 bad row(s), nothing imported" in run.stderr and "row 3:" in run.stderr
    assert k2("log", "export").stdout == "date,meal,food,amount,note\n"
    assert k2("log", "import", str(tmp_path / "missing.csv")).exit_code == 1


def test_import_from_stdin_json_output(k2: Invoke) -> None:
    run = k2("log", "import", "-", "-f", "json", input="date,food,amount\n2026-11-01,egg,2\n")
    assert run.exit_code == 0, run.stderr
    assert run.json() == {
        "imported_entries": 1,
        "first_date": "2026-11-01",
        "last_date": "2026-11-01",
    }


def test_path_precedence_and_nothing_created(
    k2: Invoke, isolated_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert k2("log", "path").stdout == f"{isolated_env / 'log.sqlite3'}\n"
    monkeypatch.setenv("K2CALC_DB", str(tmp_path / "env.sqlite3"))
    assert k2("log", "path").stdout == f"{tmp_path / 'env.sqlite3'}\n"
    flag = k2("log", "path", "--db", str(tmp_path / "flag.sqlite3")).stdout
    assert flag == f"{tmp_path / 'flag.sqlite3'}\n"
    monkeypatch.delenv("K2CALC_DB")
    assert k2("log", "show", "--days", "3").exit_code == 0
    assert not isolated_env.exists()  # reading never creates the folder
    k2("log", "add", "1 egg")
    assert (isolated_env / "log.sqlite3").is_file()


def test_log_help(k2: Invoke) -> None:
    run = k2("log", "--help")
    assert run.exit_code == 0
    for command in ("add", "show", "rm", "export", "import", "path"):
        assert f"  {command} " in run.stdout
    assert "Examples:" in k2("log", "show", "-h").stdout


def test_installed_script_adds_and_shows(tmp_path: Path) -> None:
    script = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
    db = str(tmp_path / "log.sqlite3")
    add = subprocess.run(
        [script, "log", "add", "30 g natto", "--db", db, "-f", "json"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    shown = subprocess.run(
        [script, "log", "show", "--db", db, "-f", "json"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert json.loads(shown.stdout)["days"][0]["total_mcg"] == pytest.approx(281.7)


def test_days_with_nothing_logged_are_shown_as_such_never_as_zero(k2: Invoke) -> None:
    today = dt.date.today()
    two_ago = (today - dt.timedelta(days=2)).isoformat()
    assert k2("log", "add", "30 g natto", "--date", two_ago).exit_code == 0  # 281.7
    assert k2("log", "add", "10 g natto").exit_code == 0  # 93.9, today
    data = k2("log", "show", "--days", "4", "-f", "json").json()
    assert [d["date"] for d in data["days"]] == [two_ago, today.isoformat()]
    assert data["not_logged"] == [
        (today - dt.timedelta(days=n)).isoformat() for n in (3, 1)
    ]  # the 4 days less the 2 logged
    assert data["in_progress"] == today.isoformat()
    # Mean over the logged days only: (281.7 + 93.9) / 2, not / 4.
    assert data["summary"]["days"] == 2
    assert data["summary"]["mean_mcg"] == pytest.approx(187.8)
    rows = k2("log", "show", "--days", "4", "-f", "csv").csv()
    assert [r["status"] for r in rows] == ["not logged", "above", "not logged", "within"]
    assert rows[0]["total_mcg"] == ""  # never 0
    table = k2("log", "show", "--days", "4").stdout
    assert "(today)" in table and "2 day(s) with nothing logged" in table
    empty = k2("log", "show", "--date", "-9", "--check")
    assert empty.exit_code == 0 and "nothing logged" in empty.stderr
