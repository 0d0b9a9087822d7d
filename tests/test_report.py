"""The batch report engine, called directly: totals by hand, order, chunks, bad rows."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import pytest

from k2calc.days import DayIntake, summarize
from k2calc.diary import ColumnError
from k2calc.errors import LISTED_BAD_ROWS, Hint
from k2calc.foods import FoodTable
from k2calc.intake import total
from k2calc.report import BadRowsError, Report, ReportFileError, report
from k2calc.target import Target
from k2calc.vitamin import Coverage, VitaminK

# Rows of foods.csv used below (mcg per 100 g; band low-high; measures):
#   natto:   MK-7 939, MK-4 and other not measured; band 763.3-1100; cup=175
#   butter:  MK-4 20.9, others not measured; band 15.2-22; tbsp=14.2
#   cheddar: MK-4 8.5, MK-7 0.9, other MK 32.3 (every form; K2viewer); no band; slice=28
#   gouda:   total 47.3, forms not split (not partial); band 32-90; package=198
#   mk-7:    the supplement: the amount is MK-7 itself
SMALL = """subject,date,meal,food,amount
a,2026-11-01,breakfast,natto,30 g
a,2026-11-01,lunch,butter,1 tbsp
a,2026-11-02,lunch,cheddar,1 slice
a,2026-11-02,dinner,mk-7,100 mcg
b,2026-11-01,dinner,gouda,50 g
"""
MIXED_ITEMS = [
    ("natto", "30 g"), ("natto", "1/2 cup"), ("butter", "1 tbsp"), ("butter", "1 pat"),
    ("cheddar", "1 slice"), ("cheddar", "2 oz"), ("gouda", "50 g"), ("egg", "2"),
    ("egg yolk", "1"), ("mk-7", "100 mcg"), ("milk", "1 cup"), ("brie", "½ package"),
]  # fmt: skip

pytestmark = pytest.mark.usefixtures("report_engine")


def write(tmp_path: Path, text: str, name: str = "diary.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def days(result: Report) -> list[dict[str, Any]]:
    return result.day_rows()


def mixed_file(tmp_path: Path, shuffle: bool, rows: int = 240) -> Path:
    """Three subjects over four days, items cycling through MIXED_ITEMS."""
    lines = []
    for i in range(rows):
        food, amount = MIXED_ITEMS[i % len(MIXED_ITEMS)]
        subject, day, meal = f"s{i % 3}", 1 + (i // 3) % 4, ("breakfast", "lunch")[i % 2]
        lines.append(f"{subject},2026-11-0{day},{meal},{food},{amount}")
    if shuffle:
        random.Random(7).shuffle(lines)
    return write(tmp_path, "subject,date,meal,food,amount\n" + "\n".join(lines) + "\n")


def assert_same(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> None:
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float):
                assert a[key] == pytest.approx(b[key], abs=1e-9), key
            else:
                assert a[key] == b[key], key


def test_small_file_by_hand(tmp_path: Path, table: FoodTable) -> None:
    result = report(write(tmp_path, SMALL), table)
    a1, a2, b1 = days(result)
    # a, 11-01: 30 g natto (MK-7 939 * 0.3 = 281.7; high 1100 * 0.3 = 330)
    #   + 14.2 g butter (MK-4 20.9 * .142 = 2.9678; low 15.2 * .142 = 2.1584; high 22 * .142
    #   = 3.124)
    assert (a1["subject"], a1["date"]) == ("a", "2026-11-01")
    assert a1["mk4_mcg"] == pytest.approx(2.9678)
    assert a1["mk7_mcg"] == pytest.approx(281.7)
    assert a1["other_mk_mcg"] is None  # neither food measured it: not zero
    assert a1["total_mcg"] == pytest.approx(284.6678)
    assert a1["low_mcg"] == pytest.approx(228.99 + 2.1584)  # natto's band starts at 763.3
    assert a1["high_mcg"] == pytest.approx(330 + 3.124)
    assert a1["partial"] is True
    assert a1["status"] == "above"
    # a, 11-02: 28 g cheddar (MK-4 8.5 * .28 = 2.38, MK-7 0.9 * .28 = 0.252, other 32.3 * .28
    #   = 9.044; no band: 41.7 * .28 = 11.676) + 100 mcg MK-7 (MK-4 0 by definition)
    assert a2["mk4_mcg"] == pytest.approx(2.38)
    assert a2["mk7_mcg"] == pytest.approx(100.252)
    assert a2["other_mk_mcg"] == pytest.approx(9.044)
    assert a2["total_mcg"] == pytest.approx(111.676)
    assert a2["low_mcg"] == pytest.approx(111.676)
    assert a2["status"] == "within"
    # b, 11-01: 50 g gouda, total 47.3 * 0.5 = 23.65, band 16-45, forms not split
    assert (b1["subject"], b1["mk4_mcg"], b1["mk7_mcg"], b1["other_mk_mcg"]) == (
        "b",
        None,
        None,
        None,
    )
    assert (b1["total_mcg"], b1["low_mcg"], b1["high_mcg"]) == pytest.approx((23.65, 16, 45))
    assert b1["partial"] is False
    assert b1["status"] == "below"
    assert result.outside_target
    assert len(result.skipped) == 0


def test_report_equals_total_on_the_same_items(tmp_path: Path, table: FoodTable) -> None:
    path = mixed_file(tmp_path, shuffle=True)
    result = report(path, table)
    items: dict[tuple[str, str], list[str]] = {}
    for line in path.read_text().splitlines()[1:]:
        subject, date, _meal, food, amount = line.split(",")
        items.setdefault((subject, date), []).append(f"{amount} {food}")
    assert len(result.day_rows()) == len(items) == 12
    for day in result.day_rows():
        expected = total(items[(day["subject"], day["date"])], table).sums()
        for key in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "low_mcg", "high_mcg"):
            if expected[key] is None:
                assert day[key] is None, key
            else:
                assert day[key] == pytest.approx(expected[key], abs=1e-6), key
        assert (day["partial"], day["status"]) == (expected["partial"], expected["status"])


def test_shuffled_rows_give_the_same_report(tmp_path: Path, table: FoodTable) -> None:
    ordered = report(mixed_file(tmp_path, shuffle=False), table, by_meal=True)
    shuffled = report(mixed_file(tmp_path, shuffle=True), table, by_meal=True)
    assert_same(ordered.day_rows(), shuffled.day_rows())
    assert_same(ordered.summary_rows(), shuffled.summary_rows())


@pytest.mark.parametrize("chunksize", [1, 3, 7, 1000])
def test_chunked_equals_unchunked(tmp_path: Path, table: FoodTable, chunksize: int) -> None:
    # 240 rows over 12 days: 20 items a day, so chunks of 1-7 rows split every day.
    path = mixed_file(tmp_path, shuffle=True)
    whole = report(path, table)
    chunked = report(path, table, chunksize=chunksize)
    assert_same(whole.day_rows(), chunked.day_rows())


def test_chunked_bad_rows_keep_their_line_numbers(tmp_path: Path, table: FoodTable) -> None:
    text = "date,food,amount\n" + "2026-11-01,natto,30 g\n" * 5 + "2026-11-01,nnato,1 g\n"
    with pytest.raises(BadRowsError) as caught:
        report(write(tmp_path, text), table, chunksize=2)
    assert caught.value.skipped["row"].tolist() == [7]


def test_quantity_and_unit_equal_amount(tmp_path: Path, table: FoodTable) -> None:
    rows = [line.split(",") for line in SMALL.splitlines()[1:]]
    split = ["subject,date,meal,food,quantity,unit"]
    for subject, date, meal, food, amount in rows:
        quantity, _, unit = amount.partition(" ")
        split.append(f"{subject},{date},{meal},{food},{quantity},{unit}")
    from_amount = report(write(tmp_path, SMALL), table)
    from_columns = report(write(tmp_path, "\n".join(split) + "\n", "split.csv"), table)
    assert from_columns.day_rows() == from_amount.day_rows()


def test_summary_matches_days_summarize(tmp_path: Path, table: FoodTable) -> None:
    target = Target(100, 300)
    result = report(mixed_file(tmp_path, shuffle=True), table, target)
    rows = result.summary_rows()
    assert [r["subject"] for r in rows] == ["s0", "s1", "s2"]
    for row in rows:
        mine = [
            DayIntake(
                d["date"],
                d["subject"],
                VitaminK(unsplit_mk_mcg=d["total_mcg"], k1_mcg=d["k1_mcg"]),
                "",
                # 240 rows over 12 days: 20 items a day
                Coverage(20, round(d["k2_coverage"] * 20), round(d["k1_coverage"] * 20)),
            )
            for d in result.day_rows()
            if d["subject"] == row["subject"]
        ]
        expected = summarize(mine, target, row["subject"]).as_dict()
        assert (row.pop("not_logged"), row.pop("in_progress")) == (0, False)
        assert row.keys() == expected.keys()
        for key, value in expected.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert row[key] == value, key


def test_by_meal_rows_sum_to_the_day_and_carry_its_status(tmp_path: Path, table: FoodTable) -> None:
    by_day = {
        (d["subject"], d["date"]): d for d in report(write(tmp_path, SMALL), table).day_rows()
    }
    meals = report(write(tmp_path, SMALL), table, by_meal=True).day_rows()
    assert [(m["subject"], m["date"], m["meal"]) for m in meals] == [
        ("a", "2026-11-01", "breakfast"),
        ("a", "2026-11-01", "lunch"),
        ("a", "2026-11-02", "dinner"),
        ("a", "2026-11-02", "lunch"),
        ("b", "2026-11-01", "dinner"),
    ]
    for key, day in by_day.items():
        parts = [m for m in meals if (m["subject"], m["date"]) == key]
        assert sum(m["total_mcg"] for m in parts) == pytest.approx(day["total_mcg"])
        assert {m["status"] for m in parts} == {day["status"]}
    assert meals[1]["status"] == "above"  # 2.97 mcg of butter, on a day of 284.7 mcg


def test_log_export_shape_without_subject(tmp_path: Path, table: FoodTable) -> None:
    text = "date,meal,food,amount\n2026-11-01,breakfast,natto,30 g\n2026-11-01,lunch,gouda,50 g\n"
    result = report(write(tmp_path, text), table)
    (day,) = result.day_rows()
    assert "subject" not in day
    assert day["total_mcg"] == pytest.approx(281.7 + 23.65)
    (summary,) = result.summary_rows()
    assert "subject" not in summary and summary["days"] == 1 and summary["cv"] is None


def test_headers_any_case_extra_columns_bom_blank_lines(tmp_path: Path, table: FoodTable) -> None:
    text = (
        "\ufeffDATE, Food ,Amount,notes\n2026-11-01, natto ,30 g,fresh\n\n 2026-11-01,natto,30 g,\n"
    )
    (day,) = report(write(tmp_path, text), table).day_rows()
    assert day["date"] == "2026-11-01"
    assert day["mk7_mcg"] == pytest.approx(2 * 281.7)


def test_stream_source(table: FoodTable) -> None:
    (day,) = report(io.StringIO("date,food,amount\n2026-11-01,natto,30 g\n"), table).day_rows()
    assert day["mk7_mcg"] == pytest.approx(281.7)


BAD_ROWS = [
    ("nnato,30 g", "nnato", "unknown food 'nnato' — did you mean 'natto'?"),
    ("cheese,30 g", "cheese", "'cheese' fits several foods"),
    (",30 g", "", "empty food"),
    ("natto,", "", "empty amount"),
    ("natto,some", "some", "'some' in 'some' is not an amount"),
    ("natto,0 g", "0 g", "must be more than 0"),
    ("natto,-2 g", "-2 g", "must be more than 0"),
    ("gouda,1 cup", "1 cup gouda", "'cup' needs a density for gouda"),
    ("natto,2 handfuls", "2 handfuls natto", "unknown unit 'handfuls' for natto"),
    ("gouda,2", "2 gouda", "gouda has no weight per piece"),
]


@pytest.mark.parametrize(("cells", "value", "reason"), BAD_ROWS)
def test_every_bad_row_kind(
    tmp_path: Path, table: FoodTable, cells: str, value: str, reason: str
) -> None:
    text = f"date,food,amount\n2026-11-01,natto,30 g\n\n2026-11-01,{cells}\n"
    with pytest.raises(BadRowsError) as caught:
        report(write(tmp_path, text), table)
    (row,) = caught.value.skipped.to_dict("records")
    assert (row["row"], row["value"]) == (4, value)  # header 1, natto 2, blank 3
    assert reason in row["reason"]


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("", "empty date"),
        ("01/11/2026", "not a date; give YYYY-MM-DD"),
        ("20261101", "not a date; give YYYY-MM-DD"),
        ("2026-02-30", "not a date: day is out of range"),
    ],
)
def test_bad_dates(tmp_path: Path, table: FoodTable, date: str, reason: str) -> None:
    with pytest.raises(BadRowsError) as caught:
        report(write(tmp_path, f"date,food,amount\n{date},natto,30 g\n"), table)
    (row,) = caught.value.skipped.to_dict("records")
    assert (row["row"], row["value"]) == (2, date)
    assert row["reason"].startswith(reason)


def test_empty_subject_is_a_bad_row(tmp_path: Path, table: FoodTable) -> None:
    text = "subject,date,food,amount\na,2026-11-01,natto,30 g\n,2026-11-01,natto,30 g\n"
    with pytest.raises(BadRowsError, match="line 3: '': empty subject"):
        report(write(tmp_path, text), table)


def test_skip_invalid_reports_the_rest(tmp_path: Path, table: FoodTable) -> None:
    text = "date,food,amount\n2026-11-01,natto,30 g\n2026-11-01,nnato,30 g\n2026-11-01,natto,x\n"
    result = report(write(tmp_path, text), table, skip_invalid=True)
    (day,) = result.day_rows()
    assert day["mk7_mcg"] == pytest.approx(281.7)
    skipped = result.skipped[["row", "value"]].itertuples(index=False, name=None)
    assert list(skipped) == [(3, "nnato"), (4, "x")]


def test_error_lists_first_rows_and_counts_the_rest(tmp_path: Path, table: FoodTable) -> None:
    text = "date,food,amount\n" + "2026-11-01,nnato,1 g\n" * (LISTED_BAD_ROWS + 5)
    with pytest.raises(BadRowsError) as caught:
        report(write(tmp_path, text), table)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'diary.csv'}: 25 rows could not be used")
    assert f"line {LISTED_BAD_ROWS + 1}: 'nnato'" in message
    assert f"line {LISTED_BAD_ROWS + 2}:" not in message
    assert message.endswith("… and 5 more")
    assert "--" not in message  # the library names no flag: the CLI adds --skip-invalid
    assert caught.value.hint is Hint.SKIP_ROWS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("food,amount\nnatto,30 g\n", "missing column 'date'"),
        ("date,amount\n2026-11-01,30 g\n", "missing column 'food'"),
        ("date,food\n2026-11-01,natto\n", "missing column 'amount'"),
        ("date,food,quantity\n2026-11-01,natto,30\n", "missing column 'unit'"),
        ("date,food,amount,unit\n2026-11-01,natto,30,g\n", "not both"),
        ("date,food,unit\n2026-11-01,natto,g\n", "missing column 'quantity'"),
        ("date,Date,food,amount\n1,2,natto,30 g\n", "column 'date' appears twice"),
        ("date,food,amount\n2026-11-01,natto,30 g,extra\n", "not a valid CSV"),
        ("date,food,amount\n", "no data rows"),
        ("", "empty"),
    ],
)
@pytest.mark.parametrize("chunksize", [None, 1])  # chunks are parsed ahead in a thread
def test_file_errors(
    tmp_path: Path, table: FoodTable, text: str, message: str, chunksize: int | None
) -> None:
    with pytest.raises((ReportFileError, ColumnError), match=message):
        report(write(tmp_path, text), table, chunksize=chunksize)


def test_a_malformed_row_after_many_chunks_is_an_error(tmp_path: Path, table: FoodTable) -> None:
    text = "date,food,amount\n" + "2026-11-01,natto,30 g\n" * 50 + "2026-11-01,natto,30 g,x\n"
    with pytest.raises(ReportFileError, match="not a valid CSV"):
        report(write(tmp_path, text), table, chunksize=3)


def test_missing_file(tmp_path: Path, table: FoodTable) -> None:
    with pytest.raises(ReportFileError, match="no such file"):
        report(tmp_path / "nope.csv", table)


@pytest.mark.parametrize("shuffle", [False, True])
def test_not_logged_dates_and_today_injected(
    tmp_path: Path, table: FoodTable, shuffle: bool
) -> None:
    lines = [
        "a,2026-11-01,natto,10 g",
        "a,2026-11-02,natto,10 g",
        "a,2026-11-05,natto,10 g",
        "a,2026-11-08,natto,10 g",
        "b,2026-11-03,natto,10 g",
        "b,2026-11-04,natto,10 g",
    ]
    if shuffle:
        random.Random(2).shuffle(lines)
    path = write(tmp_path, "subject,date,food,amount\n" + "\n".join(lines) + "\n")
    with report(path, table, today=dt.date(2026, 11, 8), chunksize=2) as result:
        a, b = result.summary_rows(dates=True)
    # a: 11-01 to 11-08 is 8 dates, 4 logged: 11-03, 11-04, 11-06, 11-07 not logged
    assert (a["days"], a["not_logged"]) == (4, 4)
    assert a["not_logged_dates"] == ["2026-11-03", "2026-11-04", "2026-11-06", "2026-11-07"]
    assert a["mean_mcg"] == pytest.approx(93.9)  # 10 g natto each day: never a 0 among them
    assert (b["not_logged"], b["not_logged_dates"]) == (0, [])
    assert (a["in_progress"], b["in_progress"]) == (True, False)  # a's last day is "today"


def test_table_cells_by_column_equal_the_cells_by_row(tmp_path: Path, table: FoodTable) -> None:
    """A long table draws each batch column by column (``views_report.day_frame_cells``);
    every cell equals the column's own cell of the row, rounding ties included."""
    import numpy as np
    import pandas as pd

    from k2calc.frames import as_records
    from k2calc.views_report import day_columns, day_frame_cells, week_columns, week_frame_cells

    result = report(write(tmp_path, SMALL), table)
    rng = np.random.default_rng(4)
    edges = [0.0, 0.05, 0.15, 0.25, 0.35, 2.45, 9.95, 99.95, 999.95, 1e-7, 1234567.85, 5e9]
    rows = 400

    def floats() -> np.ndarray:
        values = np.where(rng.random(rows) < 0.5, rng.choice(edges, rows), rng.random(rows) * 400)
        return np.where(rng.random(rows) < 0.2, np.nan, values)

    frame = pd.DataFrame(
        {
            "date": pd.Categorical(rng.choice(["2026-11-01", "2026-11-02"], rows)),
            "subject": pd.Categorical(rng.choice(["a", "b\tc", "é" * 3], rows)),
            **{k: floats() for k in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg")},
            "total_mcg": floats(),
            "low_mcg": floats(),
            "high_mcg": floats(),
            "partial": rng.random(rows) < 0.5,
            "confidence": pd.Categorical(
                rng.choice(np.array(["high", "medium", "low", None], dtype=object), rows)
            ),
            "k1_mcg": floats(),
            "k1_partial": rng.random(rows) < 0.5,
            "k2_coverage": rng.choice([0.0, 1 / 3, 0.5, 2 / 3, 1.0], rows),
            "k1_coverage": rng.choice([0.0, 0.125, 1.0], rows),
            "status": pd.Categorical(rng.choice(["below", "within", "above"], rows)),
            "refused_rows": rng.choice([0, 0, 1, 3], rows),
        }
    )
    frame.loc[::7, "high_mcg"] = frame["low_mcg"][::7]  # no spread: no range
    for columns, cells, data in [
        (day_columns(result), day_frame_cells(result), frame[result.day_keys]),
        (
            week_columns(result),
            week_frame_cells(result),
            pd.DataFrame(
                {
                    "subject": frame["subject"],
                    "week_start": frame["date"],
                    "days": rng.integers(1, 8, rows),
                    "days_unknown": rng.integers(0, 2, rows),
                    "mean_mcg": frame["mk4_mcg"],
                    "k1_mean_mcg": frame["k1_mcg"],
                }
            ),
        ),
    ]:
        records = as_records(data)
        for column, draw in zip(columns, cells, strict=True):
            codes, texts = draw(data)
            assert [texts[c] for c in codes] == [str(column.cell(r)) for r in records], (
                column.header
            )
