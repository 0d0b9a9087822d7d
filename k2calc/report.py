"""Batch intake reports: a CSV of many days and subjects, vectorized, in bounded memory.

Every distinct value (date, food name, amount, unit-and-food pair) is resolved once, by
the same parser as ``k2calc total``; rows are then mapped through small lookup arrays by
their categorical codes (``intake.intake_columns``) and summed per (subject, date[, meal])
with ``numpy.bincount``, one chunk of the file at a time. The chunks' partial sums are held
in pandas while they are few; past ``SPILL_ROWS`` they go to DuckDB, which merges and sorts
them on disk past its memory limit, so memory is bounded by the chunk, not by the output.
Finished day rows come back sorted, as batches of DataFrames with the public keys.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from k2calc import diary
from k2calc.bounds import shown
from k2calc.csvcells import neutralise, restore
from k2calc.dates import DAY_NUMBER_BASE, day_number, iso_problem, ordinal_text, parse_date
from k2calc.days import SUMMARY_FIGURES, WEEK_KEYS, summary_columns, week_columns
from k2calc.diary import Plan
from k2calc.errors import LISTED_BAD_ROWS, Hint, K2Error, bad_rows_listing, os_reason
from k2calc.foods import Food, FoodTable
from k2calc.frames import as_records, distinct_rows, prefetched
from k2calc.intake import INTAKE_KEYS, NO_GRADE, intake_columns, per_100g_columns
from k2calc.parse import EACH, cut_words, grams_per_unit, split_amount
from k2calc.recall import Recall, header_of, read_recall
from k2calc.target import ABOVE, BELOW, STATUSES, Target
from k2calc.vitamin import GRADES, KEYS
from k2calc.wording import supplement_food

if TYPE_CHECKING:
    import duckdb

FORMS = INTAKE_KEYS[:4]  # mk4, mk7, other_mk, unsplit_mk
MEASURED = (*FORMS, "k1_mcg")  # null where no item of the row measured them
K2_SUMS = ("total_mcg", "low_mcg", "high_mcg")  # null where no item had any K2 measured
# A day row as log's (``DayIntake.as_dict``): the value type's keys, coverage, status.
# ``refused_rows``: rows of the day that could not be used (skipped), counted in the coverage.
DAY_KEYS = (
    *("date", "subject", "meal", *KEYS, "k2_coverage", "k1_coverage", "status"),
    "refused_rows",
)
SUMMARY_KEYS = ("subject", *SUMMARY_FIGURES, "not_logged", "in_progress")
WEEK_ROW_KEYS = ("subject", *WEEK_KEYS)
# Summed per group: the values, how many items measured each of them, how many were
# partial, how many items there were and how many had K2 measured.
SUM_COLUMNS = (
    *INTAKE_KEYS,
    *(f"{key}_items" for key in MEASURED),
    "partial_items",
    "items",
    "k2_items",
    "refused_items",
)
# Taken as the largest per group: the worst grade of the items (``GRADES``, best first).
MAX_COLUMNS = ("confidence_rank",)
VALUE_COLUMNS = (*SUM_COLUMNS, *MAX_COLUMNS)
ALL_COLUMNS = ["subject", "date", "meal", *VALUE_COLUMNS]
SKIPPED_KEYS = ("row", "value", "reason")
GROUP_KEYS = ["subject", "date", "meal"]
# Beside a chunk's sums: each row's number among the distinct value rows where it is known
# without comparing them (a day of one item has that item's values), else -1.
VALUE_ROW = "value_row"
_FIRST_DATA_LINE = 2  # the header is line 1

Progress = Callable[[int, int | None], None]  # (rows read, bytes read where known)
IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


NO_WEEKS = "weekly means need calendar dates; these days are numbered (day 1, day 2)"


class ReportFileError(K2Error):
    """The input cannot be read as a report (no such file, missing column, malformed CSV)."""


def plural(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def bad_rows_text(skipped: pd.DataFrame, heading: str) -> str:
    """``heading``, the first bad rows (line, value, reason) and a count of the rest."""
    first = skipped.head(LISTED_BAD_ROWS)
    lines = [
        f"line {row.row}: '{shown(str(row.value))}': {row.reason}"
        for row in first.itertuples(index=False)
    ]
    return bad_rows_listing(heading, lines, len(skipped))


class BadRowsError(K2Error):
    """Rows that could not be used; the message lists the first few and counts the rest."""

    def __init__(self, label: str, skipped: pd.DataFrame) -> None:
        self.skipped = skipped
        heading = f"{label}: {plural(len(skipped), 'row')} could not be used:"
        super().__init__(bad_rows_text(skipped, heading), hint=Hint.SKIP_ROWS)


def date_reason(text: str) -> str | None:
    """Why a date cell is bad (``dates.iso_problem``, the rule ``log`` uses), or ``None``; a
    recall's ``day N`` (no calendar date) is good."""
    if not text:
        return "empty date"
    return None if day_number(text) is not None else iso_problem(text)


@dataclass
class _Column:
    """One chunk's column as codes into its distinct values (stripped; '' when missing)."""

    codes: IntArray
    values: list[str]

    @classmethod
    def of(cls, series: pd.Series[Any]) -> _Column:
        """From a categorical column; code -1 (missing) points at a trailing ''."""
        values = [restore(str(v)).strip() for v in series.cat.categories] + [""]
        codes = series.cat.codes.to_numpy().astype(np.intp)
        codes[codes < 0] = len(values) - 1
        return cls(codes, values)

    @classmethod
    def constant(cls, rows: int) -> _Column:
        """An absent column: '' on every row."""
        return cls(np.zeros(rows, dtype=np.intp), [""])

    def empty(self) -> BoolArray:
        """Rows where the value is empty."""
        return np.array([not v for v in self.values], dtype=bool)[self.codes]

    def canonical(self) -> tuple[IntArray, ObjectArray]:
        """Row codes that merge values equal after stripping, and those values."""
        merged, uniques = pd.factorize(np.asarray(self.values, dtype=object))
        return merged.astype(np.intp)[self.codes], np.asarray(uniques, dtype=object)

    def check(self, results: list[Any], todo: BoolArray, lines: IntArray) -> pd.DataFrame:
        """Rows still ``todo`` whose value's result is a reason (a ``str``), taken out of
        ``todo``: their line, value and reason."""
        failed = np.array([isinstance(r, str) for r in results], dtype=bool)
        mask = failed[self.codes] & todo
        todo &= ~mask
        codes = self.codes[mask]
        reasons = np.asarray([r if isinstance(r, str) else "" for r in results], dtype=object)
        return pd.DataFrame(
            {
                "row": lines[mask],
                "value": np.asarray(self.values, dtype=object)[codes],
                "reason": reasons[codes],
            }
        )


class _Names:
    """The distinct values of a key column over the whole file, numbered as first seen.

    Sums are kept per number, so they stay numeric (cheap to merge, spill and sort); a batch
    of output gets its strings back by number, sorted as the strings sort (``ranks``).
    """

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.names: list[str] = []

    def number(self, name: str) -> int:
        """The number of ``name``, new if it is new."""
        found = self.numbers.get(name)
        if found is None:
            found = self.numbers[name] = len(self.names)
            self.names.append(name)
        return found

    def numbered(self, values: ObjectArray) -> npt.NDArray[np.int64]:
        """The numbers of ``values``."""
        return np.array([self.number(str(v)) for v in values], dtype=np.int64)

    def ranks(self) -> npt.NDArray[np.int64]:
        """Each number's place when the names are sorted."""
        ranks = np.empty(len(self.names), dtype=np.int64)
        ranks[sorted(range(len(self.names)), key=self.names.__getitem__)] = np.arange(len(ranks))
        return ranks

    def order(self, numbers: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """For each of ``numbers``, its name's place among the names of ``numbers``."""
        where, present = pd.factorize(numbers)  # hashed, not sorted: few distinct numbers
        places = np.empty(len(present), dtype=np.int64)
        by_name = sorted(range(len(present)), key=lambda i: self.names[present[i]])
        places[by_name] = np.arange(len(present))
        return places[where]

    def text(self, numbers: npt.NDArray[np.int64]) -> pd.Categorical:
        """The names of ``numbers``, as a categorical column (its categories: those present)."""
        codes, present = pd.factorize(numbers)
        return _categorical(codes, [self.names[n] for n in present])


def _ordinals(dates: ObjectArray) -> npt.NDArray[np.int64]:
    """Day numbers of checked ISO dates and ``day N`` (below every date; 0 for bad dates,
    which no kept row uses)."""
    return np.array([_ordinal(d) for d in dates], dtype=np.int64)


def _ordinal(text: str) -> int:
    number = day_number(text)
    if number is not None:
        return DAY_NUMBER_BASE + number
    return dt.date.fromisoformat(text).toordinal() if not date_reason(text) else 0


def _date_text(ordinals: npt.NDArray[np.int64]) -> pd.Categorical:
    """ISO dates of day numbers (the dates as given: they were checked to be strict ISO)."""
    codes, present = pd.factorize(ordinals)
    return _categorical(codes, [ordinal_text(int(n)) for n in present])


def _categorical(codes: npt.NDArray[np.intp], names: list[str]) -> pd.Categorical:
    """A text column as codes into its distinct ``names``."""
    categories: pd.Index[Any] = pd.Index(names, dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories)


def _amounts(frame: pd.DataFrame) -> _Column:
    """The amount column, or ``quantity`` and ``unit`` joined (``30``, ``g`` → ``30 g``)."""
    if "amount" in frame:
        return _Column.of(frame["amount"])
    quantity, unit = _Column.of(frame["quantity"]), _Column.of(frame["unit"])
    width = len(unit.values)
    codes, pairs = pd.factorize(quantity.codes * width + unit.codes)
    values = [f"{quantity.values[p // width]} {unit.values[p % width]}".strip() for p in pairs]
    return _Column(codes.astype(np.intp), values)


class _Resolver:
    """Resolves each distinct value once for the whole file (all chunks)."""

    def __init__(self, table: FoodTable, strict: bool = False) -> None:
        self.table = table
        self.strict = strict
        self.cronometer = False  # a Cronometer export: its rows of no food eaten are left out
        self.foods: list[Food] = []
        self.cuts: list[frozenset[str]] = []  # cut words of each food string ("shredded")
        self._positions: dict[tuple[Food, frozenset[str]], int] = {}  # (food, cuts) -> index
        self._food_ids: dict[str, int | str] = {}
        self._dates: dict[str, str | None] = {}
        self._amounts: dict[str, tuple[float, str] | str] = {}
        self._grams: dict[tuple[str, int], float | str] = {}

    def date(self, text: str) -> str | None:
        """Why a date is bad, or ``None``."""
        if text not in self._dates:
            self._dates[text] = date_reason(text)
        return self._dates[text]

    def numbered_days(self) -> bool:
        """True when some date read was a recall's ``day N``."""
        return any(day_number(text) is not None for text in self._dates)

    def food(self, name: str) -> int | str:
        """The food's index in ``foods``, or why the name fits no single food."""
        if name not in self._food_ids:
            self._food_ids[name] = self._find(name)
        return self._food_ids[name]

    def _find(self, name: str) -> int | str:
        if not name:
            return "empty food"
        if self.cronometer and (reason := diary.food_left_out(name)) is not None:
            return reason
        try:
            found = self.table.find(name, self.strict)
        except K2Error as exc:
            supplement = None if self.strict else supplement_food(name)
            if supplement is None:
                return str(exc)
            found = supplement
        key = (found, cut_words(name))
        if key not in self._positions:  # a dict: a recall file has thousands of foods
            self._positions[key] = len(self.foods)
            self.foods.append(found)
            self.cuts.append(key[1])
        return self._positions[key]

    def amount(self, text: str) -> tuple[float, str] | str:
        """The number and unit word (``each`` when none) of an amount, or why it is bad."""
        if text not in self._amounts:
            left_out = diary.amount_left_out(text) if self.cronometer else None
            self._amounts[text] = left_out or self._split(text)
        return self._amounts[text]

    @staticmethod
    def _split(text: str) -> tuple[float, str] | str:
        if not text:
            return "empty amount"
        try:
            number, unit_word = split_amount(text)
        except K2Error as exc:
            return str(exc)
        return number, unit_word or EACH

    def grams(self, unit_word: str, food_id: int) -> float | str:
        """Grams of a food in one unit (pint, or the food's measures), or why it won't convert."""
        key = (unit_word, food_id)
        if key not in self._grams:
            try:
                food, cuts = self.foods[food_id], self.cuts[food_id]
                self._grams[key] = grams_per_unit(food, unit_word, cuts)[1]
            except K2Error as exc:
                self._grams[key] = str(exc)
        return self._grams[key]

    def per_100g(self) -> dict[str, npt.NDArray[Any]]:
        """Each value per 100 g of every food seen, by food index (NaN = not measured)."""
        return per_100g_columns(self.foods)


def resolve_items(
    foods: Sequence[str], amounts: Sequence[str], table: FoodTable, strict: bool = False
) -> tuple[pd.DataFrame, dict[str, npt.NDArray[Any]]]:
    """Resolve distinct (food, amount) cell pairs once each, as ``report`` does.

    Returns a frame with one row per pair: ``food``, ``amount``, ``food_number`` (an index
    into the per-100 g columns returned beside it, -1 when unusable), ``grams`` (NaN when
    unusable) and ``reason`` (why not, or ``None``). With ``intake.intake_columns`` this is
    what an engine that is not k2calc's needs to run the report over many machines: resolve
    the distinct strings once, broadcast this small table, join it to the rows and sum
    (docs/report.md, "Beyond one machine").
    """
    resolver = _Resolver(table, strict)
    numbers: list[int] = []
    grams: list[float] = []
    reasons: list[str | None] = []
    for food, amount in zip(foods, amounts, strict=True):
        found = resolver.food(restore(food).strip())
        split = resolver.amount(restore(amount).strip())
        number, weight, reason = -1, np.nan, None
        if isinstance(found, str):
            reason = found
        elif isinstance(split, str):
            reason = split
        else:
            per_unit = resolver.grams(split[1], found)
            if isinstance(per_unit, str):
                reason = per_unit
            else:
                number, weight = found, split[0] * per_unit  # grams as parse reckons them
        numbers.append(number)
        grams.append(weight)
        reasons.append(reason)
    frame = pd.DataFrame(
        {
            "food": list(foods),
            "amount": list(amounts),
            "food_number": np.asarray(numbers, dtype=np.intp),
            "grams": np.asarray(grams, dtype=float),
            "reason": np.asarray(reasons, dtype=object),
        }
    )
    return frame, resolver.per_100g()


def _line_breaks(frame: pd.DataFrame) -> IntArray:
    """Line breaks inside each row's quoted cells (a row's lines are 1 + these)."""
    breaks = np.zeros(len(frame), dtype=np.intp)
    for column in frame.columns:
        series = frame[column]
        if not isinstance(series.dtype, pd.CategoricalDtype):
            continue
        per_value = np.array(
            [str(v).count("\n") for v in series.cat.categories] + [0], dtype=np.intp
        )
        if per_value.any():
            breaks += per_value[series.cat.codes.to_numpy().astype(np.intp)]
    return breaks


def _chunk_sums(
    frame: pd.DataFrame,
    resolver: _Resolver,
    keys: tuple[_Names, _Names],
    by_meal: bool,
    bad: list[pd.DataFrame],
    line_offsets: IntArray | int = 0,
) -> pd.DataFrame:
    """Resolve one chunk, append its bad rows to ``bad``, and sum it per (subject, date, meal),
    numbered by ``keys`` (subjects, meals) and day number."""
    subjects_seen, meals_seen = keys
    rows = len(frame)
    lines = frame.index.to_numpy().astype(np.intp) + _FIRST_DATA_LINE + line_offsets
    dates, foods, amounts = _Column.of(frame["date"]), _Column.of(frame["food"]), _amounts(frame)
    subjects = _Column.of(frame["subject"]) if "subject" in frame else None
    meals = _Column.of(frame["meal"]) if "meal" in frame else None

    given = [c for c in (dates, foods, amounts, subjects, meals) if c is not None]
    todo = ~np.logical_and.reduce([c.empty() for c in given])  # blank lines are not rows
    food_ids = [resolver.food(v) for v in foods.values]
    parts = [resolver.amount(v) for v in amounts.values]
    checks: list[tuple[_Column, list[Any]]] = [(dates, [resolver.date(v) for v in dates.values])]
    if subjects is not None:
        checks.append((subjects, ["empty subject" if not v else None for v in subjects.values]))
    checks += [(foods, food_ids), (amounts, parts)]
    for column, results in checks:
        if column is foods:
            dated = todo.copy()  # rows of a known day and person, refused or not
        failed = column.check(results, todo, lines)
        if len(failed):
            bad.append(failed)
    # A row of a day whose food or amount is refused still counts in the day's coverage, as
    # an item nothing was measured in; a row of no food eaten (diary.left_out_reason) does not.
    left_out = _left_out(food_ids, foods.codes) | _left_out(parts, amounts.codes)
    refused = dated & ~todo & ~left_out

    # Each distinct item (amount, food) is weighed and valued once, each distinct (unit
    # word, food) pair converted once; rows are then mapped through the items' values.
    keep = np.flatnonzero(todo)
    food_ids_array = np.array([f if isinstance(f, int) else -1 for f in food_ids], np.intp)
    n_foods = max(len(resolver.foods), 1)
    item_of_row, item_keys = pd.factorize(
        amounts.codes[keep].astype(np.int64) * n_foods + food_ids_array[foods.codes[keep]]
    )
    item_amount, item_food = item_keys // n_foods, item_keys % n_foods
    grams = [
        _item_grams(resolver, parts[a], int(f)) for a, f in zip(item_amount, item_food, strict=True)
    ]
    failed_item = np.array([isinstance(g, str) for g in grams], dtype=bool)
    unconverted = failed_item[item_of_row]
    if unconverted.any():
        where = keep[unconverted]
        bad.append(
            pd.DataFrame(
                {
                    "row": lines[where],
                    "value": [
                        f"{amounts.values[a]} {foods.values[f]}"
                        for a, f in zip(amounts.codes[where], foods.codes[where], strict=True)
                    ],
                    "reason": np.asarray(grams, dtype=object)[item_of_row[unconverted]],
                }
            )
        )
        refused[where] = True
        keep, item_of_row = keep[~unconverted], item_of_row[~unconverted]
    item_grams = np.array([g if isinstance(g, float) else np.nan for g in grams], dtype=float)
    values = _item_values(intake_columns(resolver.per_100g(), item_food, item_grams))
    if refused.any():  # one more value row: a refused item, counted and nothing measured
        refused_rows = np.flatnonzero(refused)
        keep = np.concatenate([keep, refused_rows])
        item_of_row = np.concatenate([item_of_row, np.full(len(refused_rows), len(values))])
        values = np.vstack([values, _refused_item()])

    no_column = _Column.constant(rows)
    subject_row, subject_values = (subjects or no_column).canonical()
    date_row, date_values = dates.canonical()
    meal_row, meal_values = (meals if by_meal and meals is not None else no_column).canonical()
    n_dates, n_meals = len(date_values), len(meal_values)
    key = (subject_row[keep].astype(np.int64) * n_dates + date_row[keep]) * n_meals
    group, uniques = pd.factorize(key + meal_row[keep])
    size, day = len(uniques), uniques // n_meals
    if size == len(keep):  # a row a group (a day of one item): the group's sums are its item's
        item_of_group = np.empty(size, dtype=np.intp)
        item_of_group[group] = item_of_row
        sums, value_row = _by_column(values, item_of_group), item_of_group
    else:
        value_row = np.full(size, -1, dtype=np.intp)
        sums = np.empty((len(VALUE_COLUMNS), size))
        for place, name in enumerate(VALUE_COLUMNS):
            weights = values[:, place][item_of_row]
            if name in MAX_COLUMNS:
                sums[place] = NO_GRADE
                np.maximum.at(sums[place], group, weights)
            else:
                sums[place] = np.bincount(group, weights, minlength=size)
    frame = pd.DataFrame(sums.T, columns=list(VALUE_COLUMNS), copy=False)
    frame.insert(0, "meal", meals_seen.numbered(meal_values)[uniques % n_meals])
    frame.insert(0, "date", _ordinals(date_values)[day % n_dates])
    frame.insert(0, "subject", subjects_seen.numbered(subject_values)[day // n_dates])
    frame[VALUE_ROW] = value_row
    return frame


def _left_out(results: Sequence[Any], codes: IntArray) -> BoolArray:
    """Rows whose value's result is a reason of no food eaten (``diary.is_left_out``)."""
    left = np.array([isinstance(r, str) and diary.is_left_out(r) for r in results], dtype=bool)
    return left[codes] if len(left) else np.zeros(len(codes), dtype=bool)


def _refused_item() -> FloatArray:
    """The value row of a refused item: one item and one refused, nothing measured, partial
    (the day's sums are lower bounds without it), no grade."""
    row = np.zeros(len(VALUE_COLUMNS))
    for name, value in (("items", 1.0), ("refused_items", 1.0), ("partial_items", 1.0)):
        row[VALUE_COLUMNS.index(name)] = value
    row[VALUE_COLUMNS.index("confidence_rank")] = NO_GRADE
    return row


def _by_column(values: FloatArray, rows: npt.NDArray[np.integer[Any]]) -> FloatArray:
    """``values[rows]`` transposed, a column a row, each column contiguous (as a frame holds
    it: a strided column makes every later pass over it several times slower)."""
    return np.take(np.ascontiguousarray(values.T), rows, axis=1)


def _item_grams(resolver: _Resolver, part: tuple[float, str] | str, food: int) -> float | str:
    """The grams of an item (its amount's number times the grams of a unit of its food), or
    why it has none; an item whose amount or food is bad is never used."""
    if isinstance(part, str) or food < 0:
        return 0.0
    per_unit = resolver.grams(part[1], food)
    return per_unit if isinstance(per_unit, str) else part[0] * per_unit  # as parse does


def _item_values(values: Mapping[str, npt.NDArray[Any]]) -> FloatArray:
    """Each item's ``VALUE_COLUMNS``, a row an item: its figures (0 where not measured), 1 for
    each figure measured, its flags, 1 item, its grade's rank."""
    out = np.empty((len(values["total_mcg"]), len(VALUE_COLUMNS)))
    for place, name in enumerate(VALUE_COLUMNS):
        if name in INTAKE_KEYS:
            out[:, place] = np.nan_to_num(values[name], nan=0.0)
        elif name.endswith("_items") and name[: -len("_items")] in MEASURED:
            out[:, place] = ~np.isnan(values[name[: -len("_items")]])
        elif name == "partial_items":
            out[:, place] = values["partial"]
        elif name == "items":
            out[:, place] = 1.0
        elif name == "k2_items":
            out[:, place] = values["k2_measured"]
        elif name == "refused_items":
            out[:, place] = 0.0
        else:
            out[:, place] = values["confidence_rank"]
    return out


MERGE_ROWS = 1_000_000  # group rows held before chunk sums are merged
SPILL_ROWS = 250_000  # group rows held in pandas before they move to DuckDB
BATCH_ROWS = 100_000  # day rows per output batch
IN_ORDER = True  # take the in-order path while rows come sorted (off: tests of the other)
DUCKDB_THREADS = 1  # each thread sorts and aggregates in its own memory: one keeps it bounded
DUCKDB_MEMORY = "128MB"  # DuckDB's own limit; past it, it sorts and aggregates on disk


def _merge(parts: list[pd.DataFrame], keys: list[str] = GROUP_KEYS) -> pd.DataFrame:
    """One row per group from several chunks' sums (a group may span chunks)."""
    return _grouped(pd.concat(parts, ignore_index=True), keys)


def _grouped(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per group of ``keys``: ``SUM_COLUMNS`` summed, ``MAX_COLUMNS`` the largest
    (those of them ``frame`` has)."""
    groups = frame.groupby(keys, sort=False)
    out = groups[[key for key in SUM_COLUMNS if key in frame]].sum()
    for key in MAX_COLUMNS:
        if key in frame:
            out[key] = groups[key].max()
    return out.reset_index()


@dataclass
class _Sums:
    """Partial sums per (subject, date, meal) numbers, in bounded memory.

    While the file's rows come sorted by subject and date (as most diaries and exports do),
    a day is finished when the next one starts: finished days are set aside in order (on
    disk past ``spill_rows``) and never merged or sorted again. From the first row out of
    order on, sums go to pandas up to ``spill_rows`` groups, then to DuckDB (imported only
    then), whose aggregation and sort spill to a temporary folder past its memory limit.
    """

    spill_rows: int = SPILL_ROWS
    in_order: bool = True  # so far every chunk started at or after the day before it
    subjects: _Names = field(default_factory=_Names)
    meals: _Names = field(default_factory=_Names)
    done: list[pd.DataFrame] = field(default_factory=list)  # finished days, in order
    done_file: IO[bytes] | None = None  # earlier finished days, as .npy records
    carry: pd.DataFrame | None = None  # the last day seen: the next chunk may add to it
    parts: list[pd.DataFrame] = field(default_factory=list)
    duck: duckdb.DuckDBPyConnection | None = None
    folder: Callable[[], Any] | None = None  # removes DuckDB's spill folder

    def add(self, frame: pd.DataFrame) -> None:
        """Add one chunk's sums."""
        if self.in_order and len(frame):
            if VALUE_ROW not in frame:  # summed again (DuckDB's sums): not known
                frame = frame.assign(**{VALUE_ROW: -1})
            frame = self._sorted(frame)
            first = self._day_of(frame)
            carry = self.carry
            if carry is not None:
                last = self._day_of(carry)
                if first < last:
                    self._out_of_order(frame)
                    return
                if first == last:
                    same = int(np.argmax(~_same_day(frame, frame.iloc[0]))) or len(frame)
                    head = _merge([carry, frame.iloc[:same]], GROUP_KEYS).assign(**{VALUE_ROW: -1})
                    frame = pd.concat([self._sorted(head), frame.iloc[same:]], ignore_index=True)
                else:
                    self._finish(carry)
            start = len(frame) - int(_same_day(frame, frame.iloc[-1]).sum())  # sorted: a tail
            self.carry = frame.iloc[start:].reset_index(drop=True)
            if start:
                self._finish(frame.iloc[:start])
            return
        if self.duck is not None:
            self._insert(frame)
            return
        self.parts.append(frame)
        if sum(map(len, self.parts[1:])) > max(MERGE_ROWS, len(self.parts[0])):
            self.parts = [_merge(self.parts)]
        if sum(map(len, self.parts)) > self.spill_rows:
            self._spill()

    def _day_of(self, frame: pd.DataFrame) -> tuple[str, int]:
        """The subject's name and the day number of a frame's first row, to compare days."""
        subject, date = frame["subject"].to_numpy()[0], frame["date"].to_numpy()[0]
        return self.subjects.names[int(subject)], int(date)

    def _sorted(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A chunk's groups sorted as their names sort."""
        subject = self.subjects.order(frame["subject"].to_numpy())
        meal = self.meals.order(frame["meal"].to_numpy())
        date = frame["date"].to_numpy()
        if _ascending(subject, date, meal):  # as a sorted file's chunks come: nothing to do
            return frame.reset_index(drop=True)
        order = np.lexsort((meal, date, subject))
        return frame.iloc[order].reset_index(drop=True)

    def _finish(self, days: pd.DataFrame) -> None:
        """Set finished days aside, in order; on disk once there are many."""
        self.done.append(days)
        if sum(map(len, self.done)) > self.spill_rows:
            if self.done_file is None:
                self.done_file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close)
                weakref.finalize(self, self.done_file.close)  # or when the report goes
            for frame in self.done:
                _save_days(self.done_file, frame)
            self.done = []

    def _finished(self, values: Sequence[str]) -> Iterator[pd.DataFrame]:
        """The finished days, in order, then the last day (with at least ``values``)."""
        yield from _read_days(self.done_file, values)
        for days in [*self.done, *([] if self.carry is None else [self.carry])]:
            yield days.drop(columns=VALUE_ROW)

    def _out_of_order(self, frame: pd.DataFrame) -> None:
        """A row came before the day before it: from now on, sum and sort in general (the
        days set aside go over a batch at a time, so memory stays bounded here too)."""
        handle, done, carry = self.done_file, self.done, self.carry
        self.in_order, self.done_file, self.done, self.carry = False, None, [], None
        for part in _read_days(handle, VALUE_COLUMNS):
            self.add(part)
        for part in [*done, *([] if carry is None else [carry]), frame]:
            self.add(part)
        if handle is not None:
            handle.close()

    @property
    def empty(self) -> bool:
        """True when no row was summed."""
        if self.in_order:
            return self.carry is None
        return self.duck is None and not any(len(p) for p in self.parts)

    def _spill(self) -> None:
        import duckdb

        folder = tempfile.mkdtemp(prefix="k2calc-report-")
        self.folder = weakref.finalize(self, shutil.rmtree, folder, True)  # also if not closed
        self.duck = duckdb.connect(
            os.path.join(folder, "sums.duckdb"),  # the sums on disk, not held in memory
            config={
                "memory_limit": DUCKDB_MEMORY,
                "temp_directory": folder,
                "preserve_insertion_order": False,
                "threads": DUCKDB_THREADS,
            },
        )
        columns = ", ".join(f"{c} DOUBLE" for c in VALUE_COLUMNS)
        self.duck.execute(
            f"CREATE TABLE sums (subject BIGINT, date BIGINT, meal BIGINT, {columns})"
        )
        for part in self.parts:
            self._insert(part)
        self.parts = []

    def _insert(self, frame: pd.DataFrame) -> None:
        assert self.duck is not None
        self.duck.register("chunk_sums", frame)
        self.duck.execute(f"INSERT INTO sums SELECT {', '.join(ALL_COLUMNS)} FROM chunk_sums")
        self.duck.unregister("chunk_sums")

    def groups(
        self, by_meal: bool, values: Sequence[str] = VALUE_COLUMNS
    ) -> Iterator[pd.DataFrame]:
        """Sums per (subject, date[, meal]), sorted as their strings sort, in batches, with
        ``day_total_mcg`` (the day's whole total, which sets a meal row's status)."""
        no_meal = self.meals.number("")
        if self.in_order:
            for frame in self._finished(values):
                yield _with_day_totals(frame, by_meal, no_meal)
            return
        subject_ranks, meal_ranks = self.subjects.ranks(), self.meals.ranks()
        if self.duck is None:
            if not self.parts:
                return
            merged = _merge(self.parts, GROUP_KEYS if by_meal else GROUP_KEYS[:2])
            if not by_meal:
                merged["meal"] = no_meal
            subject, date = merged["subject"].to_numpy(), merged["date"].to_numpy()
            meal = meal_ranks[merged["meal"].to_numpy()]
            merged = merged.iloc[np.lexsort((meal, date, subject_ranks[subject]))]
            merged = merged.reset_index(drop=True)
            days = merged.groupby(GROUP_KEYS[:2], sort=False)[["total_mcg", "k2_items"]]
            summed = days.transform("sum") if by_meal else merged
            merged["day_total_mcg"] = _known(summed["total_mcg"], summed["k2_items"])
            for start in range(0, len(merged), BATCH_ROWS):
                yield merged.iloc[start : start + BATCH_ROWS]
            return
        raise AssertionError("settle() sums DuckDB's rows once before they are read")

    def settle(self) -> None:
        """Sums moved to DuckDB are summed there once, per (subject, date, meal) and sorted,
        and set aside in order as the in-order path sets finished days aside (a temporary
        file of numbers into distinct value rows): every later pass over them (the days, the
        summary, the weeks, a table's two) reads that file instead of summing again."""
        if self.duck is None:
            return
        subject_ranks, meal_ranks = self.subjects.ranks(), self.meals.ranks()
        duck, self.duck = self.duck, None
        self.in_order, self.done, self.done_file, self.carry = True, [], None, None
        cursor = duck.cursor()
        try:
            cursor.register("subject_ranks", pd.DataFrame({"rank": subject_ranks}).reset_index())
            cursor.register("meal_ranks", pd.DataFrame({"rank": meal_ranks}).reset_index())
            sums = ", ".join(
                [
                    *(f"sum({c}) AS {c}" for c in SUM_COLUMNS),
                    *(f"max({c}) AS {c}" for c in MAX_COLUMNS),
                ]
            )
            result = cursor.execute(
                f"WITH g AS (SELECT subject, date, meal, {sums} FROM sums GROUP BY ALL) "
                "SELECT g.* FROM g JOIN subject_ranks s ON g.subject = s.index "
                "JOIN meal_ranks m ON g.meal = m.index ORDER BY s.rank, g.date, m.rank"
            )
            while len(batch := result.fetch_df_chunk(BATCH_ROWS // 2048 + 1)):
                self.add(batch[ALL_COLUMNS].astype(dict.fromkeys(GROUP_KEYS, np.int64)))
        finally:
            cursor.close()
            duck.close()
            if self.folder is not None:
                self.folder()
                self.folder = None

    def close(self) -> None:
        """Drop DuckDB's tables and temporary files."""
        if self.done_file is not None:
            self.done_file.close()
            self.done_file = None
        if self.duck is not None:
            self.duck.close()
            self.duck = None
        if self.folder is not None:
            self.folder()
            self.folder = None


def _save_days(handle: IO[bytes], frame: pd.DataFrame) -> None:
    """Finished days onto ``handle``: their keys, and their value rows as numbers into the
    distinct ones (a day of one item has that item's values: few distinct rows), so the file
    stays small where values repeat."""
    np.save(handle, frame[GROUP_KEYS].to_numpy(dtype=np.int32))
    known = frame[VALUE_ROW].to_numpy()
    found = _known_rows(known) if (known >= 0).all() else distinct_rows(frame, list(VALUE_COLUMNS))
    values = frame[list(VALUE_COLUMNS)].to_numpy(dtype=float)
    if found is None:
        np.save(handle, np.arange(len(frame), dtype=np.int32))
        np.save(handle, values)
    else:
        codes, firsts = found
        np.save(handle, codes.astype(np.int32))
        np.save(handle, values[firsts])


def _known_rows(value_row: IntArray) -> tuple[IntArray, IntArray]:
    """``distinct_rows`` from the value rows ``_chunk_sums`` knew (small numbers: its items):
    each row's number among those present, and a row of each."""
    present = np.zeros(int(value_row.max()) + 1, dtype=bool)
    present[value_row] = True
    codes = (np.cumsum(present) - 1)[value_row]
    rows = np.empty(int(present.sum()), dtype=np.intp)
    rows[codes] = np.arange(len(codes))
    return codes, rows


# Finished days as ``_save_days`` sets them aside: their keys (subject, date, meal), each
# one's number among the distinct value rows, and those rows.
_DaysRecord = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], FloatArray]


def _read_days(handle: IO[bytes] | None, values: Sequence[str]) -> Iterator[pd.DataFrame]:
    """The frames of finished days set aside in ``handle`` (``_save_days``), in order: records
    joined as numbers (not as frames, which copies every column) into frames of at least
    ``BATCH_ROWS`` rows, so that a chunk's last day set aside alone is no batch of its own."""
    if handle is None:
        return
    handle.seek(0)
    size = os.fstat(handle.fileno()).st_size
    records: list[_DaysRecord] = []
    while handle.tell() < size:
        records.append((np.load(handle), np.load(handle), np.load(handle)))
        if sum(len(keys) for keys, _, _ in records) >= BATCH_ROWS:
            yield _days_frame(records, values)
            records = []
    if records:
        yield _days_frame(records, values)


def _days_frame(records: list[_DaysRecord], values: Sequence[str]) -> pd.DataFrame:
    """One frame of records set aside by ``_save_days``, of their ``values`` (value columns)
    only: the rows of the others are not made."""
    keys = np.concatenate([record[0] for record in records])
    starts = np.cumsum([0, *(len(record[2]) for record in records)])
    codes = [record[1] + start for record, start in zip(records, starts[:-1], strict=True)]
    places = [VALUE_COLUMNS.index(key) for key in values]
    distinct = np.concatenate([record[2][:, places] for record in records])
    frame = pd.DataFrame(
        _by_column(distinct, np.concatenate(codes)).T, columns=list(values), copy=False
    )
    for place in reversed(range(len(GROUP_KEYS))):  # each column contiguous, no copies
        frame.insert(0, GROUP_KEYS[place], keys[:, place].astype(np.int64))
    return frame


def _ascending(*keys: npt.NDArray[np.int64]) -> bool:
    """True when the rows are already in the order of ``keys`` (the first key first)."""
    later = np.zeros(len(keys[0]) - 1, dtype=bool)  # a row already after the one before it
    tied = np.ones(len(keys[0]) - 1, dtype=bool)
    for key in keys:
        later |= tied & (key[1:] > key[:-1])
        tied &= key[1:] == key[:-1]
    return bool((later | tied).all())


def _same_day(frame: pd.DataFrame, row: pd.Series[Any]) -> BoolArray:
    """Rows of ``frame`` on the subject and date of ``row``."""
    return np.asarray(
        (frame["subject"].to_numpy() == row["subject"]) & (frame["date"].to_numpy() == row["date"])
    )


def _with_day_totals(frame: pd.DataFrame, by_meal: bool, no_meal: int) -> pd.DataFrame:
    """Sorted sums of whole days: per day (meals summed) unless ``by_meal``, with
    ``day_total_mcg``."""
    if not by_meal:
        if not (frame["meal"].to_numpy() == no_meal).all():  # summed by meal: sum the days
            frame = _grouped(frame, GROUP_KEYS[:2]).assign(meal=no_meal)
        return frame.assign(day_total_mcg=_known(frame["total_mcg"], frame["k2_items"]))
    subject, date = frame["subject"].to_numpy(), frame["date"].to_numpy()
    if not ((subject[1:] == subject[:-1]) & (date[1:] == date[:-1])).any():  # a meal a day
        return frame.assign(day_total_mcg=_known(frame["total_mcg"], frame["k2_items"]))
    days = frame.groupby(GROUP_KEYS[:2], sort=False)[["total_mcg", "k2_items"]]
    summed = days.transform("sum")
    return frame.assign(day_total_mcg=_known(summed["total_mcg"], summed["k2_items"]))


def _known(totals: pd.Series[Any], k2_items: pd.Series[Any]) -> npt.NDArray[np.float64]:
    """Day totals, NaN for a day no item of which had K2 measured (its status: unknown)."""
    return np.where(k2_items.to_numpy() > 0, totals.to_numpy(dtype=float), np.nan)


def _day_rows(sums: pd.DataFrame, names: _Sums, target: Target) -> pd.DataFrame:
    """Finished rows from summed ones: strings for numbers, figures no item measured back to
    null, the worst grade, K1's lower-bound mark, coverage, statuses."""
    out: dict[str, Any] = {
        "date": _date_text(sums["date"].to_numpy()),
        "subject": names.subjects.text(sums["subject"].to_numpy()),
        "meal": names.meals.text(sums["meal"].to_numpy()),
    }
    items = sums["items"].to_numpy(dtype=float)
    k2_items = sums["k2_items"].to_numpy(dtype=float)
    k1_items = sums["k1_mcg_items"].to_numpy(dtype=float)
    for key in INTAKE_KEYS:
        values = sums[key].to_numpy(dtype=float)
        if key in MEASURED:
            values = np.where(sums[f"{key}_items"].to_numpy() > 0, values, np.nan)
        elif key in K2_SUMS:
            values = np.where(k2_items > 0, values, np.nan)
        out[key] = values
    out["partial"] = sums["partial_items"].to_numpy() > 0
    ranks = sums["confidence_rank"].to_numpy(dtype=float).astype(np.intp)
    out["confidence"] = pd.Categorical.from_codes(
        np.where(ranks < 0, -1, ranks), categories=pd.Index(GRADES, dtype=object)
    )
    out["k1_partial"] = (k1_items > 0) & (k1_items < items)
    out["k2_coverage"] = k2_items / items
    out["k1_coverage"] = k1_items / items
    bands = target.band(sums["day_total_mcg"].to_numpy(dtype=float))
    out["status"] = _categorical(bands, list(STATUSES))
    out["refused_rows"] = sums["refused_items"].to_numpy().astype(np.int64)
    return pd.DataFrame(out, columns=list(DAY_KEYS))


@dataclass
class Report:
    """A batch report: its day rows (per meal with ``by_meal``) and summary come out sorted,
    in batches, from the sums it holds; ``skipped`` lists the rows it could not use."""

    skipped: pd.DataFrame  # row, value, reason
    target: Target
    has_subject: bool
    by_meal: bool
    sums: _Sums
    today: dt.date = field(default_factory=dt.date.today)  # a subject's day then: in progress
    _counts: dict[str, int] | None = None
    # A recall file's own K1 per subject and day (``k2calc.recall``): ``k1_file_mcg`` beside.
    file_k1: pd.DataFrame | None = None
    recall_kind: str | None = None
    numbered_days: bool = False  # some day is a recall's "day N", not a date

    def __enter__(self) -> Report:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sums.close()

    @property
    def day_keys(self) -> list[str]:
        """The keys of a day row, as in JSON and the CSV header."""
        keys = [
            k
            for k in DAY_KEYS
            if (k != "subject" or self.has_subject) and (k != "meal" or self.by_meal)
        ]
        return keys + ["k1_file_mcg"] if self._file_k1_shown else keys

    @property
    def _file_k1_shown(self) -> bool:
        return self.file_k1 is not None and not self.by_meal

    @property
    def summary_keys(self) -> list[str]:
        """The keys of a summary row (in CSV; JSON adds ``not_logged_dates``)."""
        return [k for k in SUMMARY_KEYS if k != "subject" or self.has_subject]

    @property
    def week_keys(self) -> list[str]:
        """The keys of a week row."""
        return [k for k in WEEK_ROW_KEYS if k != "subject" or self.has_subject]

    def day_batches(self) -> Iterator[pd.DataFrame]:
        """Day rows (``day_keys``), sorted by subject, date (and meal), a batch at a time
        (made in a thread ahead of the one being written)."""
        return prefetched(self._day_batches())

    def _day_batches(self) -> Iterator[pd.DataFrame]:
        counts = np.zeros(len(STATUSES), dtype=np.int64)
        previous: tuple[int, int] | None = None  # the last day of the batch before
        for sums in _coalesced(self.sums.groups(self.by_meal)):
            subject, date = sums["subject"].to_numpy(), sums["date"].to_numpy()
            first = np.ones(len(sums), dtype=bool)  # a day's first row: count each day once
            first[1:] = (subject[1:] != subject[:-1]) | (date[1:] != date[:-1])
            first[0] = previous != (subject[0], date[0])
            previous = (subject[-1], date[-1])
            day_totals = sums["day_total_mcg"].to_numpy(dtype=float)[first]
            counts += np.bincount(self.target.band(day_totals), minlength=len(STATUSES))
            rows = _day_rows(sums, self.sums, self.target)
            if self._file_k1_shown:
                rows = self._with_file_k1(rows)
            rows = rows[self.day_keys]
            for start in range(0, len(rows), BATCH_ROWS):  # batches of a bounded size
                yield rows.iloc[start : start + BATCH_ROWS]
        self._counts = dict(zip(STATUSES, counts.tolist(), strict=True))

    def _with_file_k1(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Day rows with the recall file's own K1 for the same subject and day beside."""
        assert self.file_k1 is not None
        file_k1 = self.file_k1.set_index(["subject", "date"])["k1_file_mcg"]
        keys = pd.MultiIndex.from_arrays(
            [rows["subject"].astype(str).to_numpy(), rows["date"].astype(str).to_numpy()]
        )
        rows = rows.copy()
        rows["k1_file_mcg"] = file_k1.reindex(keys).to_numpy()
        return rows

    def status_counts(self) -> dict[str, int]:
        """Days below, within and above the target (each day once, also ``by_meal``)."""
        if self._counts is None:
            for _ in self.day_batches():
                pass
        assert self._counts is not None
        return self._counts

    @property
    def outside_target(self) -> bool:
        """True when some day's total is below or above the target (never for unknown)."""
        counts = self.status_counts()
        return counts[BELOW] + counts[ABOVE] > 0

    def summary_batches(self, dates: bool = False) -> Iterator[pd.DataFrame]:
        """Per subject (``summary_keys``): ``days.SUMMARY_FIGURES`` (``days.summary_columns``,
        the one implementation log uses too), the dates between the subject's first and last
        that have no rows (``not_logged``; with ``dates`` also ``not_logged_dates``, their
        ISO dates) and ``in_progress`` (the last date is ``today``)."""
        for days in self._subject_days():
            yield self._summary(days, dates)

    def week_batches(self) -> Iterator[pd.DataFrame]:
        """Per subject and week (Monday to Sunday) with a day logged (``week_keys``): days
        logged, mean K2 and mean K1 over them (``days.week_columns``)."""
        for days in self._subject_days():
            if (days["date"].to_numpy() < 0).any():  # NHANES day 1, day 2: no calendar
                raise ReportFileError(NO_WEEKS)
            group, subjects = pd.factorize(days["subject"], sort=False)
            weeks = week_columns(self._day_columns(days, group))
            names = np.asarray(subjects, dtype=np.int64)[weeks["group"]]
            out = {
                "subject": self.sums.subjects.text(names),
                **weeks,
                "week_start": _date_text(weeks["week_start"]),
            }
            yield pd.DataFrame(out)[self.week_keys]

    def _subject_days(self) -> Iterator[pd.DataFrame]:
        """The day sums, sorted, in batches of whole subjects (a subject's days may span the
        batches they come in: only its days are joined, the rest of a batch is passed on as
        it is)."""
        carry: pd.DataFrame | None = None  # the last subject's days so far
        for days in self.sums.groups(by_meal=False, values=_DAY_VALUES):
            subject = days["subject"].to_numpy()
            if carry is not None:  # sorted: its days go on at the head of this batch
                other = subject != carry["subject"].iat[0]
                head = int(np.argmax(other)) if other.any() else len(days)
                carry = pd.concat([carry, days.iloc[:head]], ignore_index=True)
                if head == len(days):
                    continue
                yield carry
                days, subject = days.iloc[head:], subject[head:]
            tail = len(days) - int((subject == subject[-1]).sum())  # the last subject's days
            carry = days.iloc[tail:]
            if tail:
                yield days.iloc[:tail]
        if carry is not None:
            yield carry

    @staticmethod
    def _day_columns(days: pd.DataFrame, group: npt.NDArray[np.intp]) -> dict[str, Any]:
        """``days.DAY_COLUMNS`` of day sums."""
        columns: dict[str, Any] = {"group": group, "ordinal": days["date"].to_numpy()}
        for key in ("total_mcg", "k1_mcg"):
            columns[key] = days[key].to_numpy(dtype=float)
        for key, source in _DAY_ITEMS.items():
            columns[key] = days[source].to_numpy(dtype=float)
        return columns

    def _summary(self, days: pd.DataFrame, dates: bool) -> pd.DataFrame:
        group, subjects = pd.factorize(days["subject"], sort=False)
        figures = summary_columns(self._day_columns(days, group), self.target)
        names = self.sums.subjects.text(np.asarray(subjects, dtype=np.int64))
        ordinal = days["date"].to_numpy().astype(np.int64)
        counts = figures["days"]
        last = ordinal[np.cumsum(counts) - 1]
        span = last - ordinal[np.cumsum(counts) - counts] + 1
        out = {"subject": names, **figures, "not_logged": span - counts}
        out["in_progress"] = last == self.today.toordinal()
        keys = self.summary_keys
        if dates:
            out["not_logged_dates"] = _gaps(group, ordinal, len(counts))
            at = keys.index("not_logged") + 1
            keys = [*keys[:at], "not_logged_dates", *keys[at:]]
        return pd.DataFrame(out)[keys]

    def days(self) -> pd.DataFrame:
        """All day rows in one frame: for small reports."""
        return _concat(self.day_batches(), self.day_keys)

    def summary(self, dates: bool = False) -> pd.DataFrame:
        """All summary rows in one frame (``summary_batches``)."""
        return _concat(self.summary_batches(dates), self.summary_keys)

    def weeks(self) -> pd.DataFrame:
        """All week rows in one frame."""
        return _concat(self.week_batches(), self.week_keys)

    def day_rows(self) -> list[dict[str, Any]]:
        """One dict per subject and date (and meal): for small reports."""
        return as_records(self.days())

    def summary_rows(self, dates: bool = False) -> list[dict[str, Any]]:
        """One dict per subject (a single one when the file has no subject column)."""
        return as_records(self.summary(dates))

    def week_rows(self) -> list[dict[str, Any]]:
        """One dict per subject and week with a day logged."""
        return as_records(self.weeks())


def _coalesced(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``frames`` (sums: numbers only) joined into frames of at least ``BATCH_ROWS`` rows
    where they come smaller (a chunk of a diary of many items a day finishes few days), so
    that every batch written is large enough to be written fast."""
    pending: list[pd.DataFrame] = []
    for frame in frames:
        pending.append(frame)
        if sum(map(len, pending)) >= BATCH_ROWS:
            yield pending[0] if len(pending) == 1 else pd.concat(pending, ignore_index=True)
            pending = []
    if pending:
        yield pd.concat(pending, ignore_index=True)


# The item counts a summary reads (``days.DAY_COLUMNS``), by the sums' names for them.
_DAY_ITEMS = {"items": "items", "k2_items": "k2_items", "k1_items": "k1_mcg_items"}
_DAY_VALUES = ("total_mcg", "k1_mcg", *_DAY_ITEMS.values())  # the sums a summary reads


def _gaps(
    group: npt.NDArray[np.intp], ordinal: npt.NDArray[np.int64], groups: int
) -> list[list[str]]:
    """Per group, the ISO dates between consecutive logged days (sorted by group then date)
    that have no row."""
    same = group[1:] == group[:-1]
    missing = np.where(same, np.diff(ordinal) - 1, 0)
    starts = np.repeat(ordinal[:-1] + 1, missing)
    offsets = np.arange(len(starts)) - np.repeat(np.cumsum(missing) - missing, missing)
    days = starts + offsets
    owner = np.repeat(group[:-1], missing)
    text = np.asarray(_date_text(days).astype(object)) if len(days) else np.array([], object)
    out: list[list[str]] = [[] for _ in range(groups)]
    for g, date in zip(owner.tolist(), text.tolist(), strict=True):
        out[g].append(date)
    return out


def _concat(batches: Iterator[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    frames = list(batches)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=keys)


def csv_chunks(
    source: Path | IO[str], label: str, chunksize: int | None, **overrides: Any
) -> Iterator[tuple[pd.DataFrame, int | None]]:
    """A diary CSV's chunks with the bytes read so far (if known), or ``ReportFileError``
    saying why it cannot be read. Every column categorical and blank lines kept (so row
    numbers are line numbers) unless ``overrides`` (pandas ``read_csv`` options) say else."""
    options: dict[str, Any] = {
        "dtype": "category",
        "na_filter": False,
        "skip_blank_lines": False,  # keeps row numbers equal to line numbers
        "index_col": False,
        **overrides,
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            if isinstance(source, Path):
                with source.open("rb") as handle:  # a pipe or FIFO has no position (D12)
                    position = handle.tell if handle.seekable() else None
                    yield from _read(handle, chunksize, options, position)
            else:  # a text stream: its bytes where it has them, so a BOM is dropped too
                binary = getattr(source, "buffer", None)
                yield from _read(binary or source, chunksize, options, None)
    except FileNotFoundError:
        raise ReportFileError(f"{label}: no such file") from None
    except OSError as exc:
        raise ReportFileError(f"{label}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise ReportFileError(f"{label}: cannot read: {exc}") from None
    except pd.errors.EmptyDataError:
        raise ReportFileError(f"{label}: empty; {diary.COLUMNS_HINT}") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise ReportFileError(f"{label}: not a valid CSV: {exc}".rstrip()) from None


def _read(
    handle: IO[Any],
    chunksize: int | None,
    options: dict[str, Any],
    position: Callable[[], int] | None,
) -> Iterator[tuple[pd.DataFrame, int | None]]:
    if "b" in getattr(handle, "mode", "b"):
        options = {**options, "encoding": "utf-8-sig"}
    if chunksize is None:
        frame = pd.read_csv(handle, **options)
        yield frame, position() if position else None
        return
    with pd.read_csv(handle, chunksize=chunksize, **options) as reader:
        yield from prefetched((frame, position() if position else None) for frame in reader)


def _column_names(
    frame: pd.DataFrame, label: str, mapping: Mapping[str, str] | None = None
) -> Plan:
    """How the file's header is read (``k2calc.diary.plan``): source → canonical names."""
    return diary.plan([str(c) for c in frame.columns], mapping, label)


def _recode(series: pd.Series[Any], change: Callable[[str], str]) -> pd.Series[Any]:
    """A categorical column with ``change`` applied to each distinct value once."""
    # Written back neutralised, as read: the engine restores every cell once.
    values = [neutralise(change(restore(str(v)))) for v in [*series.cat.categories, ""]]
    merged, uniques = pd.factorize(np.asarray(values, dtype=object))
    codes = series.cat.codes.to_numpy().astype(np.intp)
    codes[codes < 0] = len(values) - 1
    return pd.Series(
        pd.Categorical.from_codes(merged[codes], categories=pd.Index(uniques)), index=series.index
    )


def _joined(
    first: pd.Series[Any], second: pd.Series[Any], join: Callable[[str, str], str]
) -> pd.Series[Any]:
    """A categorical column from two, ``join`` applied to each distinct pair once."""
    a, b = _Column.of(first), _Column.of(second)
    width = len(b.values)
    pair_codes, pairs = pd.factorize(a.codes * width + b.codes)
    values = [neutralise(join(a.values[p // width], b.values[p % width])) for p in pairs]
    merged, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Series(
        pd.Categorical.from_codes(merged[pair_codes], categories=pd.Index(uniques)),
        index=first.index,
    )


def _apply_plan(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Canonical columns from a planned chunk: Cronometer amounts read, ``ndb`` codes into
    ``food`` (``ndb:01009``) and ``grams`` into ``amount`` where a row gives them."""
    if plan.cronometer and "amount" in frame:
        frame["amount"] = _recode(frame["amount"], diary.cronometer_amount)
    if "ndb" in frame:
        food = frame["food"] if "food" in frame else _blank(frame)
        frame["food"] = _joined(food, frame.pop("ndb"), diary.food_text)
    if "fndds" in frame:
        food = frame["food"] if "food" in frame else _blank(frame)
        frame["food"] = _joined(food, frame.pop("fndds"), diary.fndds_text)
    if "grams" in frame:
        if "amount" not in frame and "quantity" in frame:
            quantity, unit = frame.pop("quantity"), frame.pop("unit")
            frame["amount"] = _joined(quantity, unit, lambda q, u: f"{q} {u}".strip())
        amount = frame["amount"] if "amount" in frame else _blank(frame)
        frame["amount"] = _joined(amount, frame.pop("grams"), diary.amount_text)
    return frame


def _blank(frame: pd.DataFrame) -> pd.Series[Any]:
    """An empty categorical column as long as ``frame``."""
    codes = np.zeros(len(frame), dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index([""])), index=frame.index)


def report(
    source: Path | IO[str],
    table: FoodTable,
    target: Target | None = None,
    *,
    by_meal: bool = False,
    skip_invalid: bool = False,
    chunksize: int | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    mapping: Mapping[str, str] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    spill_rows: int | None = None,
    today: dt.date | None = None,
) -> Report:
    """The intake report of a CSV file (a path, or an open text stream such as stdin).

    Raises ``BadRowsError`` when rows cannot be used, unless ``skip_invalid``; then they
    are in ``Report.skipped``. ``chunksize`` (rows) bounds memory for very large files;
    past ``spill_rows`` groups (``SPILL_ROWS``) of a file out of order the sums move to
    DuckDB, which keeps them on disk. ``mapping`` names the file's own columns
    (``{"subject": "Client"}``, see ``k2calc.diary.plan``); ``on_plan`` is called with the
    plan once the header is read. A subject whose last date is ``today`` (the local date
    by default) is marked in progress in the summary.
    """
    label = str(source) if isinstance(source, Path) else "stdin"
    if chunksize is not None and chunksize < 1:
        raise ReportFileError(f"chunk size {chunksize}: give at least 1 row")
    recall, reading, overrides = open_diary(source, label, mapping)
    if recall is not None:
        mapping = None
    resolver = _Resolver(table, strict)
    sums = _Sums(SPILL_ROWS if spill_rows is None else spill_rows, IN_ORDER)
    bad: list[pd.DataFrame] = []
    rows = 0
    has_subject = False
    extra_lines = 0  # line breaks inside quoted cells so far: rows → physical lines (D11)
    plan: Plan | None = None
    try:
        chunks = (
            recall.chunks(chunksize)
            if recall is not None
            else csv_chunks(reading, label, chunksize, **overrides)
        )
        for frame, bytes_read in chunks:
            if plan is None:
                plan = _column_names(frame, label, mapping)
                resolver.cronometer = plan.cronometer
                if on_plan is not None:
                    on_plan(plan)
            names = plan.columns
            breaks = _line_breaks(frame)
            offsets = extra_lines + np.cumsum(breaks) - breaks
            extra_lines += int(breaks.sum())
            frame = _apply_plan(frame[list(names)].rename(columns=names), plan)
            _check_amounts(frame, plan, mapping, label)
            has_subject = "subject" in frame
            keys = (sums.subjects, sums.meals)
            sums.add(_chunk_sums(frame, resolver, keys, by_meal, bad, offsets))
            rows += len(frame)
            if progress is not None:
                progress(rows, bytes_read)
        skipped = pd.concat(bad, ignore_index=True) if bad else pd.DataFrame(columns=SKIPPED_KEYS)
        skipped = skipped.sort_values("row", kind="stable", ignore_index=True)
        unusable = skipped[~skipped["reason"].map(diary.is_left_out).astype(bool)]
        if len(unusable) and not skip_invalid:
            raise BadRowsError(label, unusable)
        if sums.empty and not len(skipped):
            raise ReportFileError(f"{label}: no data rows; {diary.COLUMNS_HINT}")
        sums.settle()
    except BaseException:
        sums.close()
        raise
    day = parse_date("today") if today is None else today
    result = Report(skipped, target or Target(), has_subject, by_meal, sums, day)
    if recall is not None:
        result.file_k1, result.recall_kind = recall.k1_by_day(), recall.kind
    result.numbered_days = resolver.numbered_days()
    return result


def open_diary(
    source: Path | IO[str], label: str, mapping: Mapping[str, str] | None
) -> tuple[Recall | None, Path | IO[Any], dict[str, Any]]:
    """What to read: an NHANES or ASA24 file as canonical rows (``k2calc.recall``, read
    from its ``chunks``), or the file as it is, with the ``read_csv`` options it needs
    (tab-separated)."""
    if not isinstance(source, Path) or not source.is_file():
        return None, source, {}
    found = read_recall(source, label)
    if found is not None:
        if mapping:
            raise ReportFileError(
                f"{label}: an {found.kind} file is read by its own columns; map none",
                hint=Hint.RECALL_COLUMNS,
            )
        return found, source, {}
    header = header_of(source)
    tabs = header is not None and header[1] == "\t"
    return None, source, {"sep": "\t"} if tabs else {}


def _check_amounts(
    frame: pd.DataFrame, plan: Plan, mapping: Mapping[str, str] | None, label: str
) -> None:
    """A column mapped as amount that holds bare numbers (``60.0``) would count pieces: if
    they are grams the user says so, else the run stops."""
    column = (mapping or {}).get("amount")
    if not column or "amount" not in frame or plan.cronometer:
        return
    bare = [str(v) for v in frame["amount"].cat.categories if diary.is_bare_number(str(v))]
    if bare:
        raise ReportFileError(
            f"{label}: column '{column}' (given for amount) holds bare numbers such as "
            f"'{bare[0]}', which would be read as a count of pieces; if they are grams, map "
            "it as the grams column instead",
            hint=Hint.GRAMS_COLUMN,
        )
