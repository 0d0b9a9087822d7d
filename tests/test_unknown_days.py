"""Issue 21 (5): a day whose K2 nobody measured is ``unknown``, never ``below`` and never 0.

By hand, from foods.csv: natto MK-7 939 /100 g, gouda 47.3 /100 g (not split); ghee and
jarlsberg have no K2 measured (not measured, not zero). The diary's days:

- 2026-11-01 (a Sunday): 10 g natto = 93.9 mcg, within 45–200
- 2026-11-02: 20 g ghee + 30 g jarlsberg: no K2 measured, unknown
- 2026-11-03: 50 g gouda = 23.65 mcg, below

Over the two known days: mean = median = (93.9 + 23.65) / 2 = 58.775, min 23.65, max 93.9;
one day below, one within, none above, one unknown. Weeks from Monday: 2026-10-26 holds
11-01 alone (93.9); 2026-11-02 holds 11-02 (unknown) and 11-03 (23.65).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Invoke

DIARY = """subject,date,meal,food,amount
a,2026-11-01,breakfast,natto,10 g
a,2026-11-02,lunch,ghee,20 g
a,2026-11-02,dinner,jarlsberg,30 g
a,2026-11-03,lunch,gouda,50 g
"""
# The same without the below day: only within and unknown, so --check passes.
STEADY = "\n".join(DIARY.splitlines()[:4]) + "\n"


@pytest.fixture
def diary(tmp_path: Path) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text(DIARY, encoding="utf-8")
    return path


@pytest.mark.usefixtures("report_engine")
def test_report_days_summary_and_weeks(k2: Invoke, diary: Path) -> None:
    data = k2("report", str(diary), "--summary", "-f", "json").json()
    first, unknown, last = data["days"]
    assert (first["total_mcg"], first["status"]) == (pytest.approx(93.9), "within")
    assert unknown["date"] == "2026-11-02"
    assert (unknown["total_mcg"], unknown["k2_coverage"], unknown["status"]) == (
        None,
        0.0,
        "unknown",
    )
    assert (last["total_mcg"], last["status"]) == (pytest.approx(23.65), "below")
    (summary,) = data["summary"]
    assert (summary["days"], summary["days_unknown"]) == (3, 1)
    assert summary["mean_mcg"] == pytest.approx(58.775)
    assert summary["median_mcg"] == pytest.approx(58.775)
    assert (summary["min_mcg"], summary["max_mcg"]) == (pytest.approx(23.65), pytest.approx(93.9))
    below_within_above = (summary["days_below"], summary["days_within"], summary["days_above"])
    assert below_within_above == (1, 1, 0)
    assert summary["max_change_mcg"] is None  # 11-01 and 11-03 are not consecutive
    by_week = k2("report", str(diary), "--weeks", "-f", "json").json()["weeks"]
    weeks = [(w["week_start"], w["days"], w["days_unknown"], w["mean_mcg"]) for w in by_week]
    assert weeks == [
        ("2026-10-26", 1, 0, pytest.approx(93.9)),
        ("2026-11-02", 2, 1, pytest.approx(23.65)),
    ]


@pytest.mark.usefixtures("report_engine")
def test_report_csv_by_meal_table_and_check(k2: Invoke, diary: Path, tmp_path: Path) -> None:
    rows = k2("report", str(diary), "--by", "meal", "-f", "csv").csv()
    statuses = [(r["date"], r["meal"], r["total_mcg"], r["status"]) for r in rows]
    assert sorted(statuses[1:3]) == [
        ("2026-11-02", "dinner", "", "unknown"),
        ("2026-11-02", "lunch", "", "unknown"),
    ]
    table = k2("report", str(diary)).stdout
    assert "1 day below · 1 day within · 0 days above · 1 day unknown" in table
    assert k2("report", str(diary), "--check").exit_code == 3  # 11-03 is below
    steady = tmp_path / "steady.csv"
    steady.write_text(STEADY, encoding="utf-8")
    assert k2("report", str(steady), "--check").exit_code == 0  # unknown is never outside


def test_log_show_summary(k2: Invoke) -> None:
    for item, date in (("10 g natto", "2026-11-01"), ("20 g ghee", "2026-11-02")):
        assert k2("log", "add", item, "--date", date).exit_code == 0
    args = ("log", "show", "--from", "2026-11-01", "--to", "2026-11-02")
    data = k2(*args, "-f", "json").json()
    assert [d["status"] for d in data["days"]] == ["within", "unknown"]
    summary = data["summary"]
    assert (summary["days"], summary["days_unknown"], summary["mean_mcg"]) == (2, 1, 93.9)
    assert summary["min_mcg"] == pytest.approx(93.9)  # the unknown day is no 0
    assert k2(*args, "--check").exit_code == 0
    table = k2(*args).stdout
    assert "unknown (no K2 measured): 1" in table


def test_total_of_unmeasured_foods_as_a_real_process(tmp_path: Path) -> None:
    script = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("K2CALC_")}
    env["K2CALC_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [script, "total", "20 g ghee", "30 g jarlsberg", "--check"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "100"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr  # unknown: not judged, so not outside
    assert "UNKNOWN" in done.stdout and "BELOW" not in done.stdout and "0.0" not in done.stdout
    plant = subprocess.run(
        [script, "total", "100 g carrots", "-f", "json"],
        capture_output=True,
        text=True,
        env={**env, "K2CALC_MEASURED_ONLY": "1"},
        timeout=60,
    )
    assert '"status": "unknown"' in plant.stdout  # the inferred zero turned off


def test_compare_and_suggest_say_what_nobody_measured(k2: Invoke) -> None:
    rows = k2("compare", "ghee", "cauliflower", "-f", "json").json()
    ghee, cauliflower = rows  # ghee: nobody measured; cauliflower: SR28 0.0, n=4
    assert (ghee["k2_measured"], ghee["grams_to_min"]) == (False, None)
    assert (cauliflower["k2_measured"], cauliflower["grams_to_min"]) == (True, None)
    table = k2("compare", "ghee", "cauliflower").stdout
    reach = table[table.index("To 45 mcg") :].splitlines()  # the amounts that reach the target
    ghee_line = next(line for line in reach if line.startswith("│ ghee"))
    cauliflower_line = next(line for line in reach if line.startswith("│ cauliflower"))
    assert "not measured" in ghee_line and "never" not in ghee_line
    assert "never" in cauliflower_line
    advice = k2("suggest", "20 g ghee", "-f", "json").json()
    assert (advice["status"], advice["gap_mcg"], advice["suggestions"]) == ("unknown", None, [])
    assert "No K2 was measured in this day's foods" in k2("suggest", "20 g ghee").stdout


@pytest.mark.usefixtures("report_engine")
def test_a_day_of_inferred_zeros_is_marked_in_every_format(k2: Invoke, tmp_path: Path) -> None:
    # carrots (SR28 11124): no K2 record and no study: the plant rule's inferred 0
    path = tmp_path / "plants.csv"
    path.write_text("date,food,amount\n2026-11-01,carrots,100 g\n", encoding="utf-8")
    [day] = k2("report", str(path), "-f", "json").json()["days"]
    assert (day["total_mcg"], day["confidence"], day["status"]) == (0.0, "inferred", "below")
    [row] = k2("report", str(path), "-f", "csv").csv()
    assert (row["total_mcg"], row["confidence"]) == ("0.0", "inferred")
    table = k2("report", str(path)).stdout
    assert "0.0°" in table and "° inferred zero" in table
    off = k2("--measured-only", "report", str(path), "-f", "json").json()["days"][0]
    assert (off["total_mcg"], off["confidence"], off["status"]) == (None, None, "unknown")
    assert k2("log", "add", "100 g carrots", "--date", "2026-11-01").exit_code == 0
    logged = k2("log", "show", "--date", "2026-11-01").stdout
    assert "0.0°" in logged and "° inferred zero" in logged
    plain = k2("log", "show", "--date", "2026-11-01", "-f", "json").json()
    assert plain["days"][0]["confidence"] == "inferred"
