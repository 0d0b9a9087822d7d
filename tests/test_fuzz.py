"""Fuzzing at a scale that means something (issue #14, item 6; issue #27, item 6).

Seven surfaces, each fed inputs that reach a resolved item, not only the amount regex: real
food names and aliases from the table, real units and measures, amounts of every form, and
noise (control, bidi and undecodable characters, formula starts, quotes, huge numbers):
items, a user's food file, a report CSV, a log import file (issue #14); stdin for
``total -`` with long and odd lines, free-text options, and food files with control and
bidi characters, whose tables must be safe to print (issue #27).

The default run keeps these quick (the ``dev`` profile in conftest.py: 100 examples each). CI runs
``pytest -m fuzz --hypothesis-profile=ci-third`` under each of LC_ALL=C, C.UTF-8 and
en_US.UTF-8: 10,002 examples per surface in all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import locale
import math
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from k2calc import mealog
from k2calc.csvcells import neutralise, restore
from k2calc.errors import K2Error
from k2calc.foods import Food, FoodTable, load_table, read_user_foods
from k2calc.intake import total
from k2calc.output import Format, Frames, View, emit, record_keys, write_csv
from k2calc.report import report
from k2calc.target import Target
from k2calc.views import food_view, foods_view, total_view

pytestmark = pytest.mark.fuzz


class _MemoTable(FoodTable):
    """The real table, whose ``find`` remembers the foods it found.

    The matcher is deterministic and costs milliseconds a name (tens for an unknown one,
    whose close matches it looks for); remembering its answers, and its errors, lets 10,000
    examples a surface fit in CI's time budget while every other step still runs for real.
    """

    def __init__(self, foods: list[Food]) -> None:
        super().__init__(foods)
        self._found: dict[tuple[Any, ...], Food | K2Error] = {}

    def find(self, query: str, *args: Any, **kwargs: Any) -> Food:
        key = (query, args, tuple(sorted(kwargs.items())))
        if key not in self._found:
            try:
                self._found[key] = super().find(query, *args, **kwargs)
            except K2Error as exc:
                self._found[key] = exc
        found = self._found[key]
        if isinstance(found, K2Error):  # a fresh copy: callers may reword its message
            again = found.__class__.__new__(found.__class__)
            again.__dict__.update(found.__dict__)
            again.args = found.args
            raise again
        return found


TABLE = _MemoTable(load_table().foods)
NAMES = sorted({n for f in TABLE.foods for n in (f.name, *f.aliases)})
MEASURES = sorted({m for f in TABLE.foods for m in f.measures})
UNITS = [
    "g", "gram", "grams", "kg", "mg", "mcg", "µg", "ug", "oz", "ounce", "lb", "pound",
    "cup", "cups", "tbsp", "tablespoon", "tsp", "teaspoon", "ml", "l", "liter", "fl oz",
    "pint", "quart", "gallon", "dash", "pinch", "each", "piece", "slice", "", "",
]  # fmt: skip
FORMULA_START = tuple("=+-@\t\r")

noise = st.one_of(
    st.text(max_size=6),
    st.sampled_from(
        ["\x1b[31m", "\x00", "\n", "\r", "\t", "\u202e", "\udcff", "=", "+", "-", "@", "'=",
         '"', ",", ";", "ﷺ", "½", "1/0", "nan", "inf", "1e400", "é", " "]
    ),
)  # fmt: skip
amounts = st.one_of(
    st.integers(0, 3000).map(str),
    st.floats(0, 5000, allow_nan=False).map(lambda x: f"{x:g}"),
    st.tuples(st.integers(0, 9), st.integers(1, 16)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.tuples(st.integers(1, 9), st.integers(1, 3)).map(lambda t: f"{t[0]} {t[1]}/4"),
    st.sampled_from(["½", "1½", "2 ¾", ".5", "1.", "1e3", "1e-320", "-1", "+2", "0", "1e6",
                     "1000001", "1e400", "9" * 40, "0x10", "1,5", "١٢"]),
)  # fmt: skip
units = st.one_of(st.sampled_from(UNITS), st.sampled_from(MEASURES))
names = st.sampled_from(NAMES)


FOODS = TABLE.foods
MASS_UNITS = ["g", "grams", "kg", "oz", "lb", "mg"]
sane_amounts = st.one_of(
    st.integers(1, 500).map(str),
    st.sampled_from(["1/2", "1 1/2", "½", "1½", "0.25", "2.5", "1e2", ".5"]),
)


@st.composite
def good_items(draw: st.DrawFn) -> str:
    """An item that should resolve: a real food, a sane amount, a unit the food knows."""
    food = draw(st.sampled_from(FOODS))
    name = draw(st.sampled_from([food.name, *food.aliases]))
    choices = MASS_UNITS + list(food.measures)
    if food.is_supplement:
        choices = ["mcg", "mg"]
    unit = draw(st.sampled_from(choices))
    return f"{draw(sane_amounts)} {unit} {name}"


@st.composite
def wild_items(draw: st.DrawFn) -> str:
    """AMOUNT UNIT FOOD from real parts, sometimes cased, spaced, pluralised or noised."""
    name = draw(names)
    if draw(st.booleans()):
        name = draw(st.sampled_from([name.upper(), name.title(), name + "s", f"  {name} "]))
    parts = [draw(amounts), draw(units), name]
    text = " ".join(p for p in parts if p)
    if draw(st.integers(0, 7)) == 0:  # noise somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(noise) + text[at:]
    return text


items = st.one_of(good_items(), wild_items())


def _finite(value: Any) -> bool:
    return value is None or isinstance(value, bool | str) or math.isfinite(value)


def _no_formula_cells(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


# -- surface 1: items --------------------------------------------------------------------


@given(st.lists(items, min_size=1, max_size=2))
def test_fuzz_items(texts: list[str]) -> None:
    try:
        result = total(texts, TABLE)
    except K2Error:
        event("refused")
        return
    event("resolved")
    for intake in result.items:
        assert 0 < intake.grams < math.inf
        assert all(_finite(v) for v in intake.as_dict().values())
    assert all(_finite(v) for v in result.sums().values())
    out = io.StringIO()
    emit(total_view(result), Format.json, out)
    json.loads(out.getvalue())
    out.getvalue().encode("utf-8")  # no lone surrogates
    out = io.StringIO()
    emit(total_view(result), Format.csv, out)
    _no_formula_cells(out.getvalue())
    out.getvalue().encode("utf-8")


# -- surface 2: a user's food file -------------------------------------------------------

numbers = st.one_of(
    st.just(""),
    st.floats(0, 1e4, allow_nan=False).map(repr),
    st.floats(0, 1e4, allow_nan=False).map(repr),
    st.integers(0, 2000).map(str),
    st.sampled_from(["0", "-0", "-1", "1e308", "1e8", "1e9", "nan", "inf", "1_000", "abc",
                     "1e-320", " 5 ", "1,5"]),
)  # fmt: skip
HEADER = ["name", "mk4_mcg_per_100g", "mk7_mcg_per_100g", "other_mk_mcg_per_100g", "measures"]


@st.composite
def food_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A --foods CSV (header possibly damaged) and the names it tries to define."""
    header = list(HEADER)
    if draw(st.integers(0, 9)) == 0:
        header = draw(st.permutations(HEADER + ["note", "name", "bogus", "category"]))[:5]
    rows, defined = [], []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.one_of(names, st.from_regex(r"[a-z][a-z ]{0,15}", fullmatch=True), noise))
        defined.append(name)
        measure = draw(
            st.sampled_from(["", "", "cup=175", "slice=20", "slice=20;cup=1e308", "piece=-5"])
        )
        row = {"name": name, "measures": measure}
        row |= {h: draw(numbers) for h in header if h.endswith("_per_100g")}
        row["mk7_mcg_per_100g"] = row.get("mk7_mcg_per_100g") or "10"  # mostly a valid row
        rows.append([row.get(h, draw(noise)) for h in header])
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    return out.getvalue(), defined


@given(
    food_files(), st.one_of(sane_amounts, amounts), st.one_of(st.sampled_from(MASS_UNITS), units)
)
def test_fuzz_food_file(file: tuple[str, list[str]], amount: str, unit: str) -> None:
    text, defined = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "foods.csv"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        try:
            table = load_table(path)
        except K2Error:
            event("file refused")
            return
    event("file accepted")
    for name in defined:
        try:
            result = total([f"{amount} {unit} {name}".strip()], table)
        except K2Error:
            continue
        event("item resolved against it")
        assert all(_finite(v) for v in result.sums().values())
        out = io.StringIO()
        for fmt in (Format.json, Format.csv):
            emit(total_view(result), fmt, out)


# -- surface 3: a report CSV -------------------------------------------------------------

dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-11-22", "2026-02-30", "22/11/2026", "", "today", "2026-11-22 "]),
    noise,
)


@st.composite
def diaries(draw: st.DrawFn) -> str:
    """A food diary CSV: real foods and amounts, some bad cells, quoting of every kind."""
    header = ["date", "food", "amount"]
    header += [c for c in ("subject", "meal", "note") if draw(st.booleans())]
    header = list(draw(st.permutations(header)))
    if draw(st.integers(0, 14)) == 0:
        header.append(draw(st.sampled_from(["date", "quantity", "unit", "x"])))
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        cells = {
            "date": draw(dates),
            "food": draw(st.one_of(names, names, noise)),
            "amount": " ".join(p for p in (draw(amounts), draw(units)) if p),
            "subject": draw(st.one_of(st.sampled_from(["ann", "bob", "=evil"]), noise)),
            "meal": draw(st.one_of(st.sampled_from(["lunch", "@sum(1)", "", "-x"]), noise)),
        }
        rows.append([cells.get(h, draw(noise)) for h in header])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    text = out.getvalue()
    if draw(st.integers(0, 9)) == 0:  # a raw mutation: the CSV itself may break
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(noise) + text[at:]
    return text


@given(diaries(), st.booleans(), st.sampled_from([None, None, None, 2]))
def test_fuzz_report(text: str, by_meal: bool, chunksize: int | None) -> None:
    source = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogateescape")), "utf-8")
    try:
        result = report(source, TABLE, by_meal=by_meal, skip_invalid=True, chunksize=chunksize)
    except K2Error:
        event("refused")
        return
    event("reported")
    with result:
        days = result.days()
        unmeasured = (days["k2_coverage"] == 0).to_numpy()  # no item's K2 measured: null
        for key in ("total_mcg", "low_mcg", "high_mcg"):
            values = days[key].to_numpy(dtype=float)
            assert not np.isinf(values).any()
            assert (np.isnan(values) == unmeasured).all()
        out = io.StringIO()
        write_csv(Frames(lambda: iter([days])), result.day_keys, out)
    _no_formula_cells(out.getvalue())


# -- surface 4: log import ---------------------------------------------------------------


@st.composite
def imports(draw: st.DrawFn) -> str:
    """A log import file, CSV or JSON, in the shape log export writes, with damage."""
    columns = list(draw(st.permutations(["date", "meal", "food", "amount", "note"])))
    rows = []
    for _ in range(draw(st.integers(1, 5))):
        item = draw(good_items()).split(" ", 1)
        amount, food = item[0], item[1]
        unit, _, name = food.partition(" ")
        row = {
            "date": draw(st.dates(dt.date(1900, 1, 1)).map(lambda d: d.isoformat())),
            "meal": draw(st.sampled_from(["breakfast", "=1+1", "'-x", "", "@a", "+1", "Lunch"])),
            "food": name,
            "amount": f"{amount} {unit}",
            "note": draw(st.sampled_from(["", "at Ann's", "-2", "'=x", '"q"', "a,b"])),
        }
        if draw(st.integers(0, 5)) == 0:  # a damaged row
            key = draw(st.sampled_from(list(row)))
            row[key] = draw(st.one_of(noise, dates, amounts, names))
        rows.append(row)
    if draw(st.integers(0, 3)) == 0:
        return json.dumps(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[r[c] for c in columns] for r in rows])
    text = out.getvalue()
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(noise) + text[at:]
    return text


@given(imports())
def test_fuzz_log_import(text: str) -> None:
    try:
        entries = mealog.read_import(text, "fuzz", TABLE)
    except K2Error:
        event("refused")
        return
    event("accepted")
    for entry in entries:
        assert 0 < entry.portion.grams < math.inf
    # export → import: the rows log export would write read back to the same entries
    rows = [
        {
            "date": e.date,
            "meal": e.meal,
            "food": e.portion.food.name,
            "amount": mealog.amount_text(e.portion.amount, e.portion.unit),
            "note": e.note,
        }
        for e in entries
    ]
    out = io.StringIO()
    write_csv(rows, mealog.EXPORT_COLUMNS, out)
    _no_formula_cells(out.getvalue())
    again = mealog.read_import(out.getvalue(), "export", TABLE)
    assert [(e.date, e.meal, e.note, e.portion.food.name) for e in again] == [
        (e.date, e.meal, e.note, e.portion.food.name) for e in entries
    ]
    for before, after in zip(entries, again, strict=True):
        assert math.isclose(before.portion.grams, after.portion.grams, rel_tol=1e-12)
    assert restore("'=x") == "=x"


def test_fuzz_table_is_the_real_one(table: FoodTable) -> None:
    assert len(NAMES) >= len(table.foods) > 100


HEADER_WORDS = st.sampled_from(
    ["date", "Day", "food", "Food Name", "amount", "Amount", "Group", "subject", "Client",
     "ndb", "grams", "quantity", "unit", "meal", "note", "date.1", "Time", "kcal", ""]
)  # fmt: skip


@given(
    header=st.lists(st.one_of(HEADER_WORDS, st.text(max_size=8)), max_size=8),
    mapping=st.dictionaries(
        st.sampled_from(["subject", "date", "food", "amount", "meal", "ndb", "grams"]),
        st.one_of(HEADER_WORDS, st.text(max_size=8)),
        max_size=3,
    ),
)
def test_any_header_is_planned_or_refused_in_one_line(
    header: list[str], mapping: dict[str, str]
) -> None:
    from k2calc import diary

    try:
        read = diary.plan(header, mapping, "f.csv", extra=("note",))
    except K2Error as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert set(read.columns) | set(read.ignored) == set(header)
    assert read.describe("f.csv").startswith("f.csv: ")


@given(st.one_of(st.text(max_size=20), st.from_regex(r"\d{1,4}[.,]\d{0,3} [a-z ,()]{0,12}")))
def test_any_cronometer_amount_cell_is_read_or_passed_on(cell: str) -> None:
    from k2calc import diary

    amount = diary.cronometer_amount(cell)
    assert isinstance(amount, str)


# -- issue #27: what the terminal is shown ------------------------------------------------


def _terminal(view: View) -> str:
    """``view`` as a table, written as the CLI writes to a terminal under this process's
    locale (its encoding, unencodable characters backslash-escaped)."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(
        raw, encoding=locale.getpreferredencoding(False), errors="backslashreplace"
    )
    emit(view, Format.table, stream)
    return raw.getvalue().decode(stream.encoding)


def _safe_for_a_terminal(text: str) -> None:
    """No control character but the line end, no format (bidi) character: nothing in a
    table can move the cursor, recolour the terminal or reorder what follows."""
    for char in text:
        assert char == "\n" or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Zl", "Zp"), (
            repr(char)
        )


def _header_width(view: View) -> int:
    """How many columns the CSV of ``view`` has."""
    assert not isinstance(view.records, Frames)
    return len(view.keys or record_keys(view.records))


def _csv_rows(text: str, keys: int) -> list[list[str]]:
    """CSV that parses, every row as wide as the header."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert all(len(row) == keys for row in rows), rows
    return rows


# -- surface 5: stdin for total - (long and odd lines, a Cronometer export) ----------------

ODD_LINES = st.sampled_from(
    ["", "   ", "# a comment", "\ufeff30 g natto", "30 g natto\r", "2 eggs\x00", "\u202e1 egg",
     "1 egg\u2028yolk", "\x1b[2J", "Day,Group,Food Name,Amount", "Day,Food Name,Amount,Unit",
     '"2026-01-01",,"Natto","1.00 g"', "2026-01-01,Breakfast,Egg,2 large", "\udcff\udcfe",
     "-", "--format=json", "-h", "1,000 g natto", "day,food name,amount"]
)  # fmt: skip


@st.composite
def long_lines(draw: st.DrawFn) -> str:
    """A line over the item bound or over the csv field limit (131,072), made of a real
    item, a quoted field or one character repeated."""
    size = draw(st.sampled_from([1_001, 5_000, 131_072, 131_073, 200_000]))
    unit = draw(st.sampled_from(["natto ", "x", '"', ",", "30 g natto,", "\u202e"]))
    return (draw(st.sampled_from(["30 g ", "", '"', "2026-01-01,natto,"])) + unit * size)[:size]


stdin_lines = st.one_of(items, items, ODD_LINES, long_lines(), noise)


@given(
    st.lists(stdin_lines, min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_fuzz_total_stdin(lines: list[str], end: str, encoding: str) -> None:
    """``total -`` as the CLI reads it: bytes on stdin, items or a Cronometer export."""
    from k2calc.cli.calc import _items_or_export

    data = end.join(lines).encode(
        encoding, "surrogateescape" if encoding != "latin-1" else "replace"
    )
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        texts = _items_or_export(["-"])
        result = total(texts, TABLE)
    except K2Error as exc:
        event("refused")
        assert "\n" not in str(exc) or str(exc).count("\n") < 30
        return
    finally:
        sys.stdin = saved
    event("totalled")
    assert len(result.items) == len(texts)
    assert all(_finite(v) for v in result.sums().values())
    _safe_for_a_terminal(_terminal(total_view(result)))
    out = io.StringIO()
    emit(total_view(result), Format.csv, out)
    rows = _csv_rows(out.getvalue(), len(next(csv.reader(io.StringIO(out.getvalue())))))
    assert len(rows) >= 1 + len(texts)


# -- surface 6: free-text options (--amount, --date, --meal, --note) ----------------------

free_text = st.one_of(noise, st.text(max_size=30), st.sampled_from(["", " ", "\r", "\n"]))


@st.composite
def amount_options(draw: st.DrawFn) -> str:
    """A --amount: an amount and unit, sometimes with noise, a CR or a line break in it."""
    text = " ".join(p for p in (draw(amounts), draw(units)) if p)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(free_text) + text[at:]
    return text


@given(
    amount_options(),
    st.lists(st.sampled_from(FOODS), min_size=1, max_size=3),
    st.one_of(dates, free_text),
    st.one_of(st.sampled_from(["breakfast", "Lunch", "", "=1+1"]), free_text),
    free_text,
)
def test_fuzz_free_text_options(
    amount: str, foods: list[Food], date: str, meal: str, note: str
) -> None:
    """compare --amount through to its CSV and table; --date, --meal and --note as the log
    takes them: each used as given or refused in one line."""
    from k2calc.bounds import text_problem
    from k2calc.compare import compare_foods
    from k2calc.dates import parse_date
    from k2calc.views_compare import compare_view

    try:
        parse_date(date, dt.date(2026, 12, 8))
        event("date read")
    except K2Error as exc:
        assert "\n" not in str(exc)
    for text, what in ((meal, "meal"), (note, "note")):
        problem = text_problem(text, what)
        assert problem is None or "\n" not in problem
        if problem is None:
            assert not any(unicodedata.category(c) == "Cc" for c in text)
    try:
        rows = compare_foods(foods, amount)
    except K2Error as exc:
        event("amount refused")
        assert "\n" not in str(exc)
        return
    event("compared")
    view = compare_view(rows, Target())
    out = io.StringIO()
    emit(view, Format.csv, out)
    table = _csv_rows(out.getvalue(), _header_width(view))
    assert len(table) == 1 + len(foods)
    column = table[0].index("amount")
    assert {row[column] for row in table[1:]} == {neutralise(amount.strip())}
    _safe_for_a_terminal(_terminal(view))


# -- surface 7: a user's food file with control and bidi characters -----------------------

HOSTILE = st.sampled_from(
    ["\x1b[31m", "\x1b]0;title\x07", "\x00", "\x07", "\x9b", "\x85", "\u202e", "\u2066",
     "\u200f", "\u2028", "\ufeff", "\u00ad", "\r", "\t", "\x7f"]
)  # fmt: skip


@st.composite
def hostile_food_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A --foods file one of whose text fields (name, category, aliases) holds control or
    bidi characters, in one of the encodings people save CSV in; and the food's name."""
    name = draw(st.one_of(names, st.from_regex(r"[a-z][a-z ]{1,15}", fullmatch=True)))
    at = draw(st.integers(0, len(name)))
    field = draw(st.sampled_from(["name", "category", "aliases"]))
    hostile = draw(HOSTILE) * draw(st.integers(1, 3))
    row = {"name": name, "category": "fermented", "aliases": "my food", "mk7_mcg_per_100g": "10"}
    row[field] = row[field][:at] + hostile + row[field][at:]
    header = ["name", "category", "aliases", "mk4_mcg_per_100g", "mk7_mcg_per_100g"]
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [header, [row.get(h, "") for h in header]]
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return out.getvalue().encode(encoding, "replace"), row["name"]


@given(hostile_food_files())
def test_fuzz_food_file_text(file: tuple[bytes, str]) -> None:
    """Control characters are refused (one line naming the file); anything accepted is
    escaped in every table, and kept as it is in CSV."""
    data, name = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "foods.csv"
        path.write_bytes(data)
        try:
            mine = read_user_foods(path)
        except K2Error as exc:
            event("file refused")
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            return
    event("file accepted")
    for food in mine:
        for text in (food.name, food.category, *food.aliases):
            assert not any(unicodedata.category(c) == "Cc" for c in text), repr(text)
    view = foods_view(mine, f"foods like '{name}'")
    _safe_for_a_terminal(_terminal(view))
    _safe_for_a_terminal(_terminal(food_view(mine[0])))
    out = io.StringIO()
    emit(view, Format.csv, out)
    assert len(_csv_rows(out.getvalue(), _header_width(view))) == (1 + len(mine))
