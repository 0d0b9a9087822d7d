"""``k2calc report`` through the CLI: formats, stdin, exit codes, skipped rows, a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

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
    assert list(data) == ["days", "summary", "skipped"]
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
        "high_mcg": 331.02 + 45.0,
        "partial": True,
        "status": "above",
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
            {"days": result.day_rows(), "summary": result.summary_rows(), "skipped": []}
        )
    args = ["--by", "meal"] if by_meal else []
    assert k2("report", str(EXAMPLE), "--summary", "-f", "json", *args).json() == expected


def test_long_day_tables_are_plain_text(k2: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    import k2calc.output as output

    rich_out = k2("report", str(EXAMPLE)).stdout
    monkeypatch.setattr(output, "PLAIN_ROWS", 1)
    plain = k2("report", str(EXAMPLE)).stdout.splitlines()
    assert plain[1].split() == [
        "Date", "Subject", "MK-4", "MK-7", "Other", "MK", "Total", "Range", "Status",
    ]  # fmt: skip
    assert set(plain[2]) <= {"-", " "}
    days = k2("report", str(EXAMPLE), "-f", "json").json()["days"]
    assert len([line for line in plain if line[:4].isdigit()]) == len(days)
    assert plain[-2] in rich_out  # the same target line under both
