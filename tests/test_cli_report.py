"""``k2calc report`` through the CLI: formats, stdin, exit codes, skipped rows, a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest
from helpers import Invoke

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "diary.csv"
# natto: MK-7 939 mcg/100 g; gouda: total 47.3 mcg/100 g (forms not split).
DIARY = """Subject,Date,Meal,Food,Amount
a,2026-11-01,breakfast,natto,30 g
a,2026-11-01,lunch,gouda,50 g
a,2026-11-02,lunch,gouda,50 g
"""


@pytest.fixture
def diary(tmp_path: Path) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text(DIARY, encoding="utf-8")
    return path


pytestmark = pytest.mark.usefixtures("report_engine")


def test_json_days_and_summary(k2: Invoke, diary: Path) -> None:
    run = k2("report", str(diary), "--summary", "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert list(data) == ["days", "summary", "weeks", "skipped"]
    first, second = data["days"]
    # 30 g natto: 939 * 0.3 = 281.7; 50 g gouda: 47.3 * 0.5 = 23.65
    assert first == {
        "date": "2026-11-01",
        "subject": "a",
        "mk4_mcg": None,
        "mk7_mcg": 281.7,
        "other_mk_mcg": None,
        "unsplit_mk_mcg": 23.65,  # gouda's total, not split by form
        "total_mcg": 305.35,
        "low_mcg": 228.99 + 16.0,  # natto's band starts at 763.3 * 0.3; gouda's at 32 * 0.5
        "high_mcg": 330.0 + 45.0,  # natto 1100 * 0.3; gouda 90 * 0.5
        "partial": True,
        "confidence": "medium",  # natto medium (read from an abstract), gouda medium
        "k1_mcg": 8.08,  # K1 beside K2: natto 23.1 * 0.3 = 6.93 + gouda 2.3 * 0.5 = 1.15
        "k1_partial": False,
        "k2_coverage": 1.0,
        "k1_coverage": 1.0,
        "status": "above",
        "refused_rows": 0,
    }
    assert (second["total_mcg"], second["partial"], second["status"]) == (23.65, False, "below")
    (summary,) = data["summary"]
    assert summary["days"] == 2
    assert summary["mean_mcg"] == pytest.approx((305.35 + 23.65) / 2)
    assert (summary["days_below"], summary["days_within"], summary["days_above"]) == (1, 0, 1)
    assert data["skipped"] == []


def test_csv_days_and_summary(k2: Invoke, diary: Path) -> None:
    rows = k2("report", str(diary), "-f", "csv").csv()
    assert [r["total_mcg"] for r in rows] == ["305.35", "23.65"]
    assert rows[0]["mk4_mcg"] == ""  # not measured: empty, never 0
    assert rows[0]["partial"] == "true"
    (summary,) = k2("report", str(diary), "-f", "csv", "--summary").csv()
    assert (summary["subject"], summary["days"], summary["median_mcg"]) == ("a", "2", "164.5")


def test_by_meal(k2: Invoke, diary: Path) -> None:
    rows = k2("report", str(diary), "--by", "meal", "-f", "csv").csv()
    assert [(r["date"], r["meal"], r["total_mcg"], r["status"]) for r in rows] == [
        ("2026-11-01", "breakfast", "281.7", "above"),
        ("2026-11-01", "lunch", "23.65", "above"),  # the day's status
        ("2026-11-02", "lunch", "23.65", "below"),
    ]


def test_table(k2: Invoke, diary: Path) -> None:
    run = k2("report", str(diary))
    assert run.exit_code == 0, run.stderr
    # 305.35 and 23.65 are stored just under, so one place rounds them down; * = lower bound
    assert "305.3*" in run.stdout and "23.6 " in run.stdout
    assert "1 day below · 0 days within · 1 day above" in run.stdout
    assert "\x1b[" not in run.stdout
    summary = k2("report", str(diary), "--summary")
    assert "164.5" in summary.stdout  # the median


def test_stdin(k2: Invoke) -> None:
    run = k2("report", "-", "-f", "json", input=DIARY)
    assert run.exit_code == 0, run.stderr
    assert [d["total_mcg"] for d in run.json()["days"]] == [305.35, 23.65]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ([], 3),
        (["--min", "20", "--max", "400"], 0),
        (["--min", "300", "--max", "400"], 3),
    ],
)
def test_check(k2: Invoke, diary: Path, options: list[str], code: int) -> None:
    run = k2("report", str(diary), "--check", "-f", "csv", *options)
    assert run.exit_code == code, run.stderr


def test_min_max_set_statuses(k2: Invoke, diary: Path) -> None:
    rows = k2("report", str(diary), "-f", "csv", "--min", "20", "--max", "400").csv()
    assert [r["status"] for r in rows] == ["within", "within"]


def test_bad_rows_fail_with_a_list(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,food,amount\n" + "2026-11-01,nnato,1 g\n" * 23, encoding="utf-8")
    run = k2("report", str(path), "-f", "json")
    assert run.exit_code == 1
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert (
        lines[0] == f"k2calc: error: {path}: 23 rows could not be used "
        "(fix them, or give --skip-invalid to report the rest):"
    )
    assert lines[1] == "  line 2: 'nnato': unknown food 'nnato' — did you mean 'natto'?"
    assert lines[-1] == "  … and 3 more"
    assert len(lines) == 22


def test_skip_invalid(k2: Invoke, diary: Path) -> None:
    diary.write_text(DIARY + "a,2026-11-02,dinner,natto,lots\na,11/02/2026,dinner,natto,1 g\n")
    run = k2("report", str(diary), "--skip-invalid", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"k2calc: {diary}: skipped 2 rows that could not be used:",
        "  line 5: 'lots': 'lots' in 'lots' is not an amount; an item is AMOUNT [UNIT] FOOD, "
        "e.g. '30 g natto', '2 eggs', '1/2 cup sauerkraut'",
        "  line 6: '11/02/2026': not a date; give YYYY-MM-DD, e.g. 2026-11-22",
    ]
    data = run.json()
    assert [s["row"] for s in data["skipped"]] == [5, 6]
    assert [d["total_mcg"] for d in data["days"]] == [305.35, 23.65]


def test_missing_column_names_it(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("date,amount\n2026-11-01,30 g\n", encoding="utf-8")
    run = k2("report", str(path))
    assert run.exit_code == 1
    assert "missing column 'food'" in run.stderr


def test_usage_errors(k2: Invoke, diary: Path) -> None:
    assert k2("report", str(diary), "--by", "week").exit_code == 2
    assert k2("report", str(diary), "--chunksize", "0").exit_code == 2
    assert k2("report", str(diary), "--min", "50", "--max", "10").exit_code == 2


def test_chunksize_changes_nothing(k2: Invoke) -> None:
    whole = k2("report", str(EXAMPLE), "-f", "json", "--by", "meal", "--summary")
    chunked = k2(
        "report", str(EXAMPLE), "-f", "json", "--by", "meal", "--summary", "--chunksize", "2"
    )
    assert whole.exit_code == 0, whole.stderr
    assert chunked.stdout == whole.stdout
    assert chunked.stderr == ""  # no progress bar off a terminal


def test_example_file_reports_cleanly(k2: Invoke) -> None:
    data = k2("report", str(EXAMPLE), "-f", "json", "--summary").json()
    assert {d["subject"] for d in data["days"]} == {"ann", "bob"}
    assert [s["days"] for s in data["summary"]] == [3, 2]
    assert data["skipped"] == []


def test_installed_script_in_a_real_process(tmp_path: Path) -> None:
    script = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
    (tmp_path / "in.csv").write_text(DIARY, encoding="utf-8")
    done = subprocess.run(
        [script, "report", "in.csv", "--format", "json", "--check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert [d["status"] for d in json.loads(done.stdout)["days"]] == ["above", "below"]
    assert done.stderr == ""


@pytest.mark.parametrize("by_meal", [False, True])
def test_json_output_equals_the_library_report(k2: Invoke, by_meal: bool) -> None:
    # The CLI writes JSON through pandas' encoder for speed; it must read back exactly as the
    # library's report rows do after the usual output rounding.
    from k2calc.foods import load_table
    from k2calc.output import clean
    from k2calc.report import report
    from k2calc.target import Target

    with report(EXAMPLE, load_table(), Target(), by_meal=by_meal) as result:
        expected = clean(
            {
                "days": result.day_rows(),
                "summary": result.summary_rows(dates=True),
                "weeks": result.week_rows(),
                "skipped": [],
            }
        )
    args = ["--by", "meal"] if by_meal else []
    assert k2("report", str(EXAMPLE), "--summary", "-f", "json", *args).json() == expected


def test_long_day_tables_are_plain_text(k2: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    import k2calc.output as output

    rich_out = k2("report", str(EXAMPLE)).stdout
    monkeypatch.setattr(output, "PLAIN_ROWS", 1)
    plain = k2("report", str(EXAMPLE)).stdout.splitlines()
    assert plain[1].split() == [
        "Date", "Subject", "MK-4", "MK-7", "Other", "MK", "Total", "Range", "Status", "K1",
        "Measured", "K2/K1",
    ]  # fmt: skip
    assert set(plain[2]) <= {"-", " "}
    days = k2("report", str(EXAMPLE), "-f", "json").json()["days"]
    assert len([line for line in plain if line[:4].isdigit()]) == len(days)
    assert plain[-2] in rich_out  # the same target line under both


# Rows of foods.csv used below (mcg per 100 g; measures):
#   basil:     K2 not measured (a herb: no form, no grade, not in the plant rule); K1 414.8
#   olive oil: K2 not measured; K1 60.2; tbsp=13.5
#   natto:     MK-7 939 (MK-4, other not measured: partial); K1 23.1; grade medium; band
#              763.3-1100
#   tempeh:    MK-4 0.7, MK-7 2, other 3.1 (total 5.8); K1 not measured; grade low
#   sauerkraut: grade low
K1_DIARY = """subject,date,meal,food,amount
a,2026-11-01,lunch,basil,100 g
a,2026-11-01,lunch,olive oil,1 tbsp
a,2026-11-02,lunch,natto,30 g
a,2026-11-02,dinner,basil,100 g
a,2026-11-03,lunch,natto,30 g
a,2026-11-03,dinner,tempeh,100 g
"""


def shuffled_file(tmp_path: Path, text: str, shuffle: bool) -> Path:
    """``text`` as a file, its data lines reversed when ``shuffle`` (out of order)."""
    header, *lines = text.splitlines()
    path = tmp_path / "k1.csv"
    path.write_text("\n".join([header, *(lines[::-1] if shuffle else lines)]) + "\n")
    return path


@pytest.mark.parametrize("shuffle", [False, True])
def test_k1_beside_k2_in_day_rows(k2: Invoke, tmp_path: Path, shuffle: bool) -> None:
    path = shuffled_file(tmp_path, K1_DIARY, shuffle)
    basil_oil, natto_basil, natto_tempeh = k2("report", str(path), "-f", "json").json()["days"]
    # 100 g basil: 414.8; 1 tbsp olive oil = 13.5 g: 60.2 * 0.135 = 8.127; K1 = 422.927.
    # Neither has K2 measured: every K2 figure is null (not 0), no grade; K2 status unknown.
    assert basil_oil["k1_mcg"] == pytest.approx(422.927)
    assert [basil_oil[k] for k in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg")] == [
        None, None, None, None,
    ]  # fmt: skip
    assert (basil_oil["low_mcg"], basil_oil["high_mcg"]) == (None, None)
    assert (basil_oil["confidence"], basil_oil["k1_partial"]) == (None, False)
    assert (basil_oil["k2_coverage"], basil_oil["k1_coverage"]) == (0.0, 1.0)
    assert basil_oil["status"] == "unknown"
    # 30 g natto (MK-7 939 * 0.3 = 281.7; K1 23.1 * 0.3 = 6.93) + 100 g basil (K1 414.8):
    # K1 = 421.73 beside a K2 total of exactly natto's 281.7 (never 281.7 + K1).
    assert natto_basil["k1_mcg"] == pytest.approx(421.73)
    assert natto_basil["total_mcg"] == natto_basil["mk7_mcg"] == 281.7
    assert (natto_basil["low_mcg"], natto_basil["high_mcg"]) == (228.99, 330.0)
    assert natto_basil["confidence"] == "medium"  # basil has no K2, so no grade
    assert (natto_basil["k2_coverage"], natto_basil["k1_coverage"]) == (0.5, 1.0)
    assert natto_basil["status"] == "above"
    # 30 g natto + 100 g tempeh (K2 5.8: MK-4 0.7, MK-7 2, other 3.1; K1 not measured):
    # total 281.7 + 5.8 = 287.5; K1 6.93 is a lower bound (tempeh's not measured); grade low.
    assert natto_tempeh["total_mcg"] == pytest.approx(287.5)
    assert natto_tempeh["mk7_mcg"] == pytest.approx(283.7)
    assert (natto_tempeh["k1_mcg"], natto_tempeh["k1_partial"]) == (6.93, True)
    assert (natto_tempeh["k2_coverage"], natto_tempeh["k1_coverage"]) == (1.0, 0.5)
    assert natto_tempeh["confidence"] == "low"


@pytest.mark.parametrize("shuffle", [False, True])
def test_k1_in_csv_by_meal_and_table(
    k2: Invoke, tmp_path: Path, shuffle: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shuffled_file(tmp_path, K1_DIARY, shuffle)
    rows = k2("report", str(path), "-f", "csv").csv()
    assert [r["k1_mcg"] for r in rows] == ["422.927", "421.73", "6.93"]
    assert [r["k1_partial"] for r in rows] == ["false", "false", "true"]
    assert [r["confidence"] for r in rows] == ["", "medium", "low"]
    assert [r["total_mcg"] for r in rows] == ["", "281.7", "287.5"]
    assert [r["k2_coverage"] for r in rows] == ["0.0", "0.5", "1.0"]
    meals = k2("report", str(path), "-f", "csv", "--by", "meal").csv()
    # 11-02 dinner: 100 g basil (K1 414.8, no K2); 11-03 dinner: 100 g tempeh (no K1)
    assert [(m["date"], m["meal"], m["k1_mcg"], m["total_mcg"]) for m in meals] == [
        ("2026-11-01", "lunch", "422.927", ""),
        ("2026-11-02", "dinner", "414.8", ""),
        ("2026-11-02", "lunch", "6.93", "281.7"),
        ("2026-11-03", "dinner", "", "5.8"),
        ("2026-11-03", "lunch", "6.93", "281.7"),
    ]
    assert [m["confidence"] for m in meals] == ["", "", "medium", "low", "medium"]
    table = k2("report", str(path)).stdout
    assert "287.5*†" in table  # natto's forms not all measured; tempeh's grade is low
    assert "6.9*" in table and "422.9" in table and "421.7" in table  # the K1 column
    monkeypatch.setenv("COLUMNS", "200")
    wide = k2("report", str(path)).stdout
    assert "Measured K2/K1" in wide and "50%/100%" in wide and "0%/100%" in wide


def test_k1_never_inside_a_k2_figure(k2: Invoke, tmp_path: Path) -> None:
    # The same days without the K1-only foods give every K2 figure unchanged.
    path = shuffled_file(tmp_path, K1_DIARY, False)
    k2_only = tmp_path / "k2only.csv"
    k2_only.write_text(
        "\n".join(
            line for line in K1_DIARY.splitlines() if "basil" not in line and "oil" not in line
        )
        + "\n"
    )
    keys = ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg", "total_mcg", "low_mcg",
            "high_mcg")  # fmt: skip
    both = k2("report", str(path), "-f", "json", "--summary").json()
    alone = k2("report", str(k2_only), "-f", "json", "--summary").json()
    assert [[d[k] for k in keys] for d in both["days"][1:]] == [
        [d[k] for k in keys] for d in alone["days"]
    ]
    # summary: K2 mean over the 2 known days (11-01 is unknown: no K2 measured) =
    # (281.7 + 287.5) / 2 = 284.6; K1 apart, over all 3 days.
    (summary,) = both["summary"]
    assert summary["mean_mcg"] == pytest.approx((281.7 + 287.5) / 2)
    assert summary["max_mcg"] == pytest.approx(287.5)
    assert summary["k1_mean_mcg"] == pytest.approx((422.927 + 421.73 + 6.93) / 3)
    # 6 items: K2 measured for 3 (natto, natto, tempeh), K1 for 5 (all but tempeh)
    assert (summary["k2_coverage"], summary["k1_coverage"]) == (0.5, pytest.approx(5 / 6))


# 10 g natto: K2 93.9, K1 2.31; 20 g: 187.8, 4.62; 30 g: 281.7, 6.93. b: one day.
STEADY = """subject,date,food,amount
a,2026-11-01,natto,10 g
a,2026-11-02,natto,20 g
a,2026-11-04,natto,30 g
b,2026-11-06,natto,10 g
"""


@pytest.mark.parametrize("shuffle", [False, True])
def test_summary_steadiness_by_hand(
    k2: Invoke, tmp_path: Path, shuffle: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shuffled_file(tmp_path, STEADY, shuffle)
    a, b = k2("report", str(path), "-f", "json", "--summary").json()["summary"]
    # a: mean (93.9 + 187.8 + 281.7) / 3 = 187.8; deviations -93.9, 0, 93.9: sample SD
    # sqrt(2 * 93.9² / 2) = 93.9; CV 93.9 / 187.8 = 0.5. Largest change between consecutive
    # calendar days both logged: 11-01 → 11-02 only, 93.9 (11-02 → 11-04 skips a day).
    assert a["days"] == 3
    assert a["mean_mcg"] == pytest.approx(187.8)
    assert a["median_mcg"] == pytest.approx(187.8)
    assert (a["min_mcg"], a["max_mcg"]) == pytest.approx((93.9, 281.7))
    assert (a["days_below"], a["days_within"], a["days_above"]) == (0, 2, 1)
    assert a["sd_mcg"] == pytest.approx(93.9)
    assert a["cv"] == pytest.approx(0.5)
    assert a["max_change_mcg"] == pytest.approx(93.9)
    # K1 the same way: mean (2.31 + 4.62 + 6.93) / 3 = 4.62, SD 2.31, CV 0.5, change 2.31
    assert a["k1_mean_mcg"] == pytest.approx(4.62)
    assert a["k1_sd_mcg"] == pytest.approx(2.31)
    assert a["k1_cv"] == pytest.approx(0.5)
    assert a["k1_max_change_mcg"] == pytest.approx(2.31)
    assert (a["k2_coverage"], a["k1_coverage"]) == (1.0, 1.0)
    # 11-03 has no rows: not logged, left out of the figures above (never a 0)
    assert (a["not_logged"], a["not_logged_dates"]) == (1, ["2026-11-03"])
    assert (b["days"], b["cv"], b["max_change_mcg"], b["not_logged"]) == (1, None, None, 0)
    assert b["not_logged_dates"] == []
    assert (a["in_progress"], b["in_progress"]) == (False, False)
    rows = k2("report", str(path), "-f", "csv", "--summary").csv()
    assert [(r["subject"], r["not_logged"], r["in_progress"]) for r in rows] == [
        ("a", "1", "false"),
        ("b", "0", "false"),
    ]
    assert "not_logged_dates" not in rows[0]
    monkeypatch.setenv("COLUMNS", "200")
    table = k2("report", str(path), "--summary").stdout
    assert "Max Δ" in table and "K1 mean" in table and "50%" in table
    assert "between two consecutive days logged" in table
    assert "take them to your clinician" in table
    assert "Weekly means" in table


@pytest.mark.parametrize("shuffle", [False, True])
def test_weekly_means(k2: Invoke, tmp_path: Path, shuffle: bool) -> None:
    path = shuffled_file(tmp_path, STEADY, shuffle)
    # 2026-11-01 is a Sunday: its week starts Monday 2026-10-26; 11-02 and 11-04 share the
    # week of 11-02: K2 (187.8 + 281.7) / 2 = 234.75, K1 (4.62 + 6.93) / 2 = 5.775.
    expected = [
        {"subject": "a", "week_start": "2026-10-26", "days": 1, "days_unknown": 0,
         "mean_mcg": 93.9, "k1_mean_mcg": 2.31},
        {"subject": "a", "week_start": "2026-11-02", "days": 2, "days_unknown": 0,
         "mean_mcg": 234.75, "k1_mean_mcg": 5.775},
        {"subject": "b", "week_start": "2026-11-02", "days": 1, "days_unknown": 0,
         "mean_mcg": 93.9, "k1_mean_mcg": 2.31},
    ]  # fmt: skip
    assert k2("report", str(path), "-f", "json", "--summary").json()["weeks"] == expected
    assert k2("report", str(path), "-f", "json", "--weeks").json() == {
        "weeks": expected,
        "skipped": [],
    }
    rows = k2("report", str(path), "-f", "csv", "--weeks").csv()
    assert [(r["subject"], r["week_start"], r["days"], r["mean_mcg"]) for r in rows] == [
        ("a", "2026-10-26", "1", "93.9"),
        ("a", "2026-11-02", "2", "234.75"),
        ("b", "2026-11-02", "1", "93.9"),
    ]
    table = k2("report", str(path), "--weeks").stdout
    assert "Week of" in table and "234.8" in table
    assert k2("report", str(path), "--weeks", "--by", "meal").exit_code == 2


def test_a_subject_whose_last_day_is_today_is_in_progress(
    k2: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    today = dt.date.today().isoformat()
    path = tmp_path / "today.csv"
    path.write_text(f"subject,date,food,amount\na,{today},natto,10 g\nb,2026-11-01,natto,10 g\n")
    a, b = k2("report", str(path), "-f", "json", "--summary").json()["summary"]
    assert (a["in_progress"], b["in_progress"]) == (True, False)
    monkeypatch.setenv("COLUMNS", "200")
    table = k2("report", str(path), "--summary").stdout
    assert "In progress" in table and "its total may grow" in table


@pytest.mark.parametrize("args", [[], ["--by", "meal"], ["--weeks"], ["--summary"]])
def test_long_tables_equal_output_plain_grid(
    k2: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A long table, streamed column by column, is exactly ``output.plain_grid`` of its rows."""
    import dataclasses

    import pandas as pd

    import k2calc.frame_table as frame_table
    import k2calc.frames as frames
    import k2calc.output as output
    from k2calc.frames import as_records

    path = shuffled_file(tmp_path, K1_DIARY + STEADY.split("\n", 1)[1].replace(",n", ",x,n"), False)
    monkeypatch.setattr(output, "PLAIN_ROWS", 1)
    monkeypatch.setattr(frames, "TEXT_ROWS", 3)  # lines put together a few at a time
    streamed = k2("report", str(path), *args)
    assert streamed.exit_code == 0, streamed.stderr

    def whole(table: output.FrameTable, file: TextIO) -> None:
        rows = as_records(pd.concat(list(table.rows.batches())))
        if table.cells is None:  # never streamed (the summary): drawn whole either way
            output.draw(table.blocks(rows), file)
            return
        drawn = list(table.blocks([]))  # a plain table shows every column
        assert isinstance(drawn[0], output.Grid)
        output.plain_grid(dataclasses.replace(drawn[0], rows=rows), file)
        output.draw(drawn[1:], file)

    monkeypatch.setattr(frame_table, "draw_frame_table", whole)
    assert streamed.stdout == k2("report", str(path), *args).stdout
