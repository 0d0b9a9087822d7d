"""The report's large-file paths: days split across chunks, rows out of order, the CSV
formatters, and the same aggregation run by a second engine from the library's pieces."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from k2calc.foods import FoodTable
from k2calc.frames import _csv_by_pandas, _duckdb_csv, _neutralised, rounded
from k2calc.intake import INTAKE_KEYS, intake_columns
from k2calc.output import Frames, write_csv, write_json
from k2calc.report import K2_SUMS, report, resolve_items
from k2calc.target import Target

pytestmark = pytest.mark.usefixtures("report_engine")

# natto: MK-7 939 mcg/100 g, so 30 g is 281.7; butter: MK-4 20.9/100 g, 1 tbsp = 14.2 g.
NATTO_30G, BUTTER_TBSP = 281.7, 20.9 * 0.142


def diary(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text("subject,date,meal,food,amount\n" + "\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_day_split_across_chunks_sums_whole(
    tmp_path: Path, table: FoodTable, shuffle: bool
) -> None:
    # ann's 2026-11-02 has 5 natto and 3 butter rows; with 2-row chunks it spans 4 chunks.
    lines = ["ann,2026-11-01,lunch,natto,30 g"]
    lines += ["ann,2026-11-02,lunch,natto,30 g"] * 5 + ["ann,2026-11-02,dinner,butter,1 tbsp"] * 3
    lines += ["bob,2026-11-02,lunch,natto,30 g"]
    if shuffle:
        random.Random(3).shuffle(lines)
    with report(diary(tmp_path, lines), table, chunksize=2) as result:
        rows = {(d["subject"], d["date"]): d for d in result.day_rows()}
    assert len(rows) == 3
    day = rows[("ann", "2026-11-02")]
    assert day["mk7_mcg"] == pytest.approx(5 * NATTO_30G)
    assert day["mk4_mcg"] == pytest.approx(3 * BUTTER_TBSP)
    assert day["total_mcg"] == pytest.approx(5 * NATTO_30G + 3 * BUTTER_TBSP)
    assert rows[("ann", "2026-11-01")]["total_mcg"] == pytest.approx(NATTO_30G)
    assert rows[("bob", "2026-11-02")]["mk4_mcg"] is None


def _lines(subjects: int, days: int, meals: list[tuple[str, str, str]]) -> list[str]:
    """Diary lines: each subject, each day from 2026-11-01, each (meal, food, amount)."""
    return [
        f"s{s},2026-11-{d:02d},{meal},{food},{amount}"
        for s in range(subjects)
        for d in range(1, days + 1)
        for meal, food, amount in meals
    ]


def _report_csv(
    path: Path, lines: list[str], table: FoodTable, by_meal: bool, days: bool = True
) -> tuple[str, dict[str, int]]:
    """The CSV of a report in chunks of 3 rows (the day rows unless not ``days``, then the
    summary), and its days by status."""
    with report(diary(path, lines), table, chunksize=3, by_meal=by_meal) as result:
        out = io.StringIO()
        if days:
            write_csv(Frames(result.day_batches), result.day_keys, out)
        write_csv(Frames(result.summary_batches), result.summary_keys, out)
        return out.getvalue(), result.status_counts()


def test_shuffled_file_gives_the_same_csv(tmp_path: Path, table: FoodTable) -> None:
    lines = _lines(4, 5, [("lunch", "natto", "1/2 cup"), ("dinner", "gouda", "50 g")])
    outputs = []
    for seed in (None, 1, 2):
        if seed is not None:
            random.Random(seed).shuffle(lines)
        for by_meal in (False, True):
            outputs.append((by_meal, *_report_csv(tmp_path, lines, table, by_meal)))
    assert all(o == outputs[0] for o in outputs[0::2])
    assert all(o == outputs[1] for o in outputs[1::2])


def test_rows_as_frames_are_written_by_the_same_rules_as_dicts() -> None:
    """``output``'s one CSV and JSON writer: rows given as a DataFrame batch (a report's) come
    out as the same rows given as dicts (every other command's), cell for cell."""
    import json

    rows = [
        {"subject": "=cmd", "total_mcg": 0.1 + 0.2, "partial": True, "k1_mcg": None},
        {"subject": "b,c", "total_mcg": 1234.5678904, "partial": False, "k1_mcg": 2.5},
    ]
    frame = pd.DataFrame(rows).astype({"k1_mcg": float})  # None: NaN, as a report holds it
    keys = list(rows[0])
    as_dicts, as_frames = io.StringIO(), io.StringIO()
    write_csv(rows, keys, as_dicts)
    write_csv(Frames(lambda: iter([frame])), keys, as_frames)
    expected = 'subject,total_mcg,partial,k1_mcg\n\'=cmd,0.3,true,\n"b,c",1234.56789,false,2.5\n'
    assert as_dicts.getvalue() == as_frames.getvalue() == expected
    as_dicts, as_frames = io.StringIO(), io.StringIO()
    write_json({"days": rows}, as_dicts)
    write_json({"days": Frames(lambda: iter([frame])), "none": Frames(lambda: iter([]))}, as_frames)
    streamed = json.loads(as_frames.getvalue())
    assert streamed == {**json.loads(as_dicts.getvalue()), "none": []}
    assert streamed["days"][0] == {
        "subject": "=cmd", "total_mcg": 0.3, "partial": True, "k1_mcg": None
    }  # fmt: skip


def test_duckdb_and_pandas_write_the_same_csv() -> None:
    texts = ["a", "", "a,b", 'q"x', "l\nm", " sp ", "=1+1", "'=x", "-2", "é", "NULL"]
    frame = pd.DataFrame(
        {
            "name": np.asarray(texts, dtype=object),
            "group": pd.Categorical(texts[::-1]),
            "value": [1.5, np.nan, -0.0, 2.0, 1e-06, 1e-7, 305.35, 1e16, 0.1 + 0.2, 3, 4e-5],
            "days": np.arange(len(texts)),
            "partial": [True, False] * 5 + [True],
        }
    )
    ready = rounded(frame)
    for key in ("name", "group"):
        ready[key] = _neutralised(ready[key])
    by_pandas = _csv_by_pandas(ready.copy())
    assert _duckdb_csv(ready.copy(), ["name", "group"]) == by_pandas
    assert b"'=1+1" in by_pandas and b",1e-06," in by_pandas


def test_a_second_engine_gets_the_same_report(tmp_path: Path, table: FoodTable) -> None:
    """The recipe of docs/report.md "Beyond one machine", with DuckDB as the other engine:
    it reads the file, the distinct (food, amount) strings are resolved once and broadcast,
    the per-row arithmetic runs per partition, and the engine sums per subject and day."""
    import duckdb

    items = [("natto", "1/2 cup"), ("butter", "1 tbsp"), ("cheddar", "2 slices"),
             ("gouda", "50 g"), ("mk-7", "100 mcg"), ("egg", "2"), ("sauerkraut", "1 cup"),
             ("ghee", "1 tbsp")]  # fmt: skip
    lines = [
        f"s{i % 3},2026-11-0{1 + i % 4},lunch,{items[i % len(items)][0]},{items[i % 8][1]}"
        for i in range(60)
    ]
    lines += ["s9,2026-11-05,lunch,ghee,1 tbsp", "s9,2026-11-06,lunch,mk-7,100 mcg"]
    random.Random(5).shuffle(lines)
    path = diary(tmp_path, lines)
    engine = duckdb.connect()
    engine.execute(f"CREATE TABLE rows AS SELECT * FROM read_csv('{path}', all_varchar=true)")
    distinct = engine.execute("SELECT DISTINCT food, amount FROM rows").df()
    resolved, per_100g = resolve_items(list(distinct["food"]), list(distinct["amount"]), table)
    assert resolved["reason"].isna().all()
    engine.register("resolved", resolved[["food", "amount", "food_number", "grams"]])
    joined = engine.execute(
        "SELECT subject, date, food_number, grams FROM rows JOIN resolved USING (food, amount)"
    )
    partitions = []
    while len(part := joined.fetch_df_chunk(1)):  # as Dask's map_partitions would
        values = intake_columns(per_100g, part["food_number"].to_numpy(), part["grams"].to_numpy())
        partitions.append(part[["subject", "date"]].assign(**values))
    engine.register("values", pd.concat(partitions))
    # SQL sum ignores nulls and is null when no item measured it (not measured is not zero);
    # the K2 total and band are null on a day with no item's K2 measured; the grade is the
    # largest rank (the worst); K1 is summed on its own, never into K2.
    sums = ", ".join(
        f"sum({k}) AS {k}"
        if k not in K2_SUMS
        else f"CASE WHEN bool_or(k2_measured) THEN sum({k}) END AS {k}"
        for k in INTAKE_KEYS
        if k != "k1_mcg"
    )
    days = engine.execute(
        f"SELECT date, subject, {sums}, bool_or(partial) AS partial, "
        "[NULL, 'inferred', 'high', 'medium', 'low'][max(confidence_rank) + 2] AS confidence, "
        "sum(k1_mcg) AS k1_mcg, count(k1_mcg) > 0 AND count(k1_mcg) < count(*) AS k1_partial, "
        "avg(k2_measured::INT) AS k2_coverage, count(k1_mcg) / count(*) AS k1_coverage, "
        "CASE WHEN bool_or(k2_measured) THEN sum(total_mcg) END AS day_total "
        "FROM values GROUP BY ALL ORDER BY subject, date"
    ).df()
    days["status"] = Target().statuses(days.pop("day_total"))
    days["refused_rows"] = 0  # every row resolved
    with report(path, table) as result:
        expected = result.days()
    assert len(days) == len(expected) == 14
    assert "low" in set(days["confidence"].dropna())  # sauerkraut's grade reaches its days
    assert days["confidence"].isna().sum() == 2  # s9: ghee (no K2), mk-7 (no grade)
    assert (days["status"] == "unknown").sum() == 1  # s9's ghee day: no K2 measured
    pd.testing.assert_frame_equal(
        days.astype({"date": str, "subject": str, "status": str, "confidence": object}),
        expected.astype({"date": str, "subject": str, "status": str, "confidence": object}),
        check_exact=False,
        rtol=1e-12,
    )


def _written(frame: pd.DataFrame, fmt: str) -> str:
    out = io.StringIO()
    rows = Frames(lambda: iter([frame]))
    if fmt == "csv":
        write_csv(rows, list(frame.columns), out)
    else:
        write_json({"days": rows}, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("distinct_by", ["pandas", "duckdb"])
def test_repeated_values_are_written_from_pieces_as_whole_rows(
    fmt: str, distinct_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch whose value rows repeat is put together from its distinct rows: the same bytes
    as DuckDB's CSV (and the same JSON values), text cells of every kind in the leading
    columns."""
    import json

    import k2calc.frames as frames

    texts = ["a", "", "a,b", 'q"x', "l\nm", "r\rs", " sp ", "=1+1", "é", "NULL", "P1"]
    rows = 60
    frame = pd.DataFrame(
        {
            "date": pd.Categorical([texts[i % len(texts)] for i in range(rows)]),
            "subject": pd.Categorical([texts[(i * 7) % len(texts)] for i in range(rows)]),
            "value": [[1.5, np.nan, 1e-06, 305.35][i % 4] for i in range(rows)],
            "partial": [i % 3 == 0 for i in range(rows)],
            "status": pd.Categorical([["below", None][i % 2] for i in range(rows)]),
        }
    )
    frame.loc[5, "subject"] = np.nan
    monkeypatch.setattr(frames, "FAST_ROWS", 0)
    monkeypatch.setattr(frames, "TEXT_ROWS", 7)  # rows put together a few at a time
    monkeypatch.setattr(frames, "REPEATED", -1.0)  # never by pieces: DuckDB
    ordinary = _written(frame.copy(), fmt)
    monkeypatch.setattr(frames, "REPEATED", 1.0)  # always by pieces, never whole by DuckDB
    whole = frames._duckdb_csv

    def distinct_only(part: pd.DataFrame, text: list[str]) -> bytes:
        assert len(part) < rows  # the batch's distinct rows, never the batch itself
        return whole(part, text)

    monkeypatch.setattr(frames, "_duckdb_csv", distinct_only)
    if fmt == "json":
        monkeypatch.setattr(frames, "_by_duckdb", None)
    # the batch is large; its distinct rows are too (DuckDB), or not (pandas)
    monkeypatch.setattr(frames, "FAST_DISTINCT", 0 if distinct_by == "duckdb" else rows)
    pieces = _written(frame.copy(), fmt)
    if fmt == "csv":
        assert pieces == ordinary
    else:
        assert json.loads(pieces) == json.loads(ordinary)
        assert len(pieces.splitlines()) == rows + 4  # one object a line


def test_days_set_aside_come_back_joined_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finished days set aside on disk come back as they went, in order, records joined (as
    numbers) into frames of at least ``BATCH_ROWS`` rows, each column contiguous; value rows
    are compared only where their numbers are not known."""
    import tempfile

    import numpy.typing as npt

    import k2calc.frames as frames
    import k2calc.report as engine

    monkeypatch.setattr(engine, "BATCH_ROWS", 4)
    compared: list[int] = []

    def distinct_rows(
        frame: pd.DataFrame, keys: list[str]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
        compared.append(len(frame))
        return frames.distinct_rows(frame, keys)

    monkeypatch.setattr(engine, "distinct_rows", distinct_rows)
    width = len(engine.VALUE_COLUMNS)

    def days(first: int, rows: int, distinct: int, known: bool) -> pd.DataFrame:
        values = (np.arange(rows * width, dtype=float) % (distinct * width)).reshape(rows, width)
        frame = pd.DataFrame(values, columns=list(engine.VALUE_COLUMNS))
        keys = {"subject": 1, "date": np.arange(first, first + rows), "meal": 0}
        value_row = np.arange(rows) % distinct if known else -1
        return pd.concat([pd.DataFrame(keys), frame], axis=1).assign(value_row=value_row)

    records = [days(0, 3, 1, True), days(3, 1, 1, False), days(4, 5, 5, False), days(9, 2, 2, True)]
    with tempfile.TemporaryFile() as handle:
        for frame in records:
            engine._save_days(handle, frame)
        back = list(engine._read_days(handle, engine.VALUE_COLUMNS))
    assert compared == [1, 5]
    assert [len(frame) for frame in back] == [4, 5, 2]
    expected = pd.concat(records, ignore_index=True).drop(columns="value_row")
    pd.testing.assert_frame_equal(pd.concat(back, ignore_index=True), expected)
    assert all(frame[key].to_numpy().flags.c_contiguous for frame in back for key in frame)
    with tempfile.TemporaryFile() as handle:
        for frame in records:
            engine._save_days(handle, frame)
        some = list(engine._read_days(handle, ["items", "total_mcg"]))
    columns = ["subject", "date", "meal", "items", "total_mcg"]
    pd.testing.assert_frame_equal(pd.concat(some, ignore_index=True), expected[columns])


def test_a_meal_row_carries_its_days_status_with_one_meal_a_day_or_more(
    tmp_path: Path, table: FoodTable
) -> None:
    """Days of one meal each (a batch of them takes each row's total as its day's) and days
    of several meals: every meal row has its whole day's status."""
    lines = [
        f"ann,2026-11-0{d},lunch,{'natto,30 g' if d % 2 else 'butter,1 tbsp'}" for d in (1, 2, 3)
    ]
    lines += ["bob,2026-11-01,lunch,butter,1 tbsp", "bob,2026-11-01,dinner,natto,30 g"]
    lines += [f"cy,2026-11-0{d},lunch,butter,1 tbsp" for d in (1, 2, 3, 4)]
    with report(diary(tmp_path, lines), table, chunksize=2, by_meal=True) as result:
        rows = [(r["subject"], r["date"], r["meal"], r["status"]) for r in result.day_rows()]
    assert rows == [
        ("ann", "2026-11-01", "lunch", "above"),  # natto: 281.7 mcg
        ("ann", "2026-11-02", "lunch", "below"),  # butter: 2.97 mcg
        ("ann", "2026-11-03", "lunch", "above"),
        ("bob", "2026-11-01", "dinner", "above"),
        ("bob", "2026-11-01", "lunch", "above"),  # butter, on a day of 284.7 mcg
        *(("cy", f"2026-11-0{d}", "lunch", "below") for d in (1, 2, 3, 4)),
    ]


def test_distinct_rows_by_their_bits() -> None:
    """Rows are numbered by their values' bits: NumPy's NaN repeats as any value does; a NaN
    of other bits is a row of its own, never merged with another row."""
    from k2calc.frames import distinct_rows

    other_nan = np.array([0x7FF8000000000001], dtype=np.uint64).view(np.float64)[0]
    frame = pd.DataFrame(
        {
            "value": [1.5, np.nan, 1.5, np.nan, other_nan, 1.5, np.nan, np.nan],
            "flag": [True, False, True, False, False, True, False, False],
        }
    )
    found = distinct_rows(frame, ["value", "flag"])
    assert found is not None
    codes, firsts = found
    assert codes.tolist() == [0, 1, 0, 1, 2, 0, 1, 1]
    assert firsts.tolist() == [0, 1, 4]


def test_a_summary_by_meal_equals_the_summary_by_day(tmp_path: Path, table: FoodTable) -> None:
    """The summary of a report by meal (its meals summed into days again, from only the sums
    a summary reads) equals the summary of the same report by day."""
    lines = _lines(3, 4, [("lunch", "natto", "1/2 cup"), ("dinner", "kale", "1 cup")])
    summaries = [
        _report_csv(tmp_path, lines, table, by_meal, days=False)[0] for by_meal in (False, True)
    ]
    assert summaries[0] == summaries[1]
    assert len(summaries[0].splitlines()) == 4  # a header and 3 subjects


def test_texts_set_aside_come_back_as_they_were() -> None:
    """A long table's drawn texts go to disk as one string each column; a column with a text
    holding the separator goes as its list."""
    from k2calc.frame_table import _packed, _unpacked

    for texts in (["1.5", "", "—", "12.0*†"], [""], [], ["a\0b", "c"], ["\0"]):
        packed = _packed(texts)
        assert _unpacked(packed) == texts
        assert isinstance(packed, str) == ("\0" not in "".join(texts) and texts != [])
