"""Batch intake reports: a CSV of many days and subjects, vectorized with pandas.

Every distinct value (date, food name, amount, unit-and-food pair) is resolved once, by
the same parser as ``k2calc total``; rows are then mapped through small lookup arrays by
their categorical codes and summed per (subject, date[, meal]) with ``numpy.bincount``.
Sums are accumulated across chunks, so a file larger than memory streams in any row order.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from k2calc import diary
from k2calc.bounds import shown
from k2calc.csvcells import neutralise, restore
from k2calc.diary import Plan
from k2calc.errors import K2Error
from k2calc.foods import Food, FoodTable
from k2calc.parse import EACH, cut_words, grams_per_unit, split_amount
from k2calc.target import ABOVE, BELOW, WITHIN, Target

LISTED_BAD_ROWS = 20
FORMS = ("mk4_mcg", "mk7_mcg", "other_mk_mcg")
SUMS = ("total_mcg", "low_mcg", "high_mcg")
DAY_KEYS = ("date", "subject", "meal", *FORMS, *SUMS, "partial", "status")
SUMMARY_KEYS = (
    "subject", "days", "mean_mcg", "median_mcg", "min_mcg", "max_mcg",
    "days_below", "days_within", "days_above", "cv",
)  # fmt: skip
SKIPPED_KEYS = ("row", "value", "reason")
GROUP_KEYS = ["subject", "date", "meal"]
COLUMNS_HINT = (
    "a report needs the columns date, food and amount (or quantity and unit), "
    "and optionally subject and meal"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIRST_DATA_LINE = 2  # the header is line 1

Progress = Callable[[int, int | None], None]  # (rows read, bytes read where known)
IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


class ReportFileError(K2Error):
    """The input cannot be read as a report (no such file, missing column, malformed CSV)."""


def plural(count: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def bad_rows_lines(skipped: pd.DataFrame, heading: str) -> list[str]:
    """``heading``, the first bad rows (line, value, reason) and a count of the rest."""
    lines = [heading]
    for row in skipped.head(LISTED_BAD_ROWS).itertuples(index=False):
        lines.append(f"  line {row.row}: '{shown(str(row.value))}': {row.reason}")
    if len(skipped) > LISTED_BAD_ROWS:
        lines.append(f"  … and {len(skipped) - LISTED_BAD_ROWS:,} more")
    return lines


class BadRowsError(K2Error):
    """Rows that could not be used; the message lists the first few and counts the rest."""

    def __init__(self, label: str, skipped: pd.DataFrame) -> None:
        self.skipped = skipped
        heading = (
            f"{label}: {plural(len(skipped), 'row')} could not be used "
            "(fix them, or give --skip-invalid to report the rest):"
        )
        super().__init__("\n".join(bad_rows_lines(skipped, heading)))


def date_reason(text: str) -> str | None:
    """Why ``text`` is not a strict ISO date (YYYY-MM-DD), or ``None`` when it is one."""
    if not text:
        return "empty date"
    if not _ISO_DATE.fullmatch(text):
        return "not a date; give YYYY-MM-DD, e.g. 2026-11-22"
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        return f"not a date: {exc}"
    return None


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
        self.foods: list[Food] = []
        self.cuts: list[frozenset[str]] = []  # cut words of each food string ("shredded")
        self._food_ids: dict[str, int | str] = {}
        self._dates: dict[str, str | None] = {}
        self._amounts: dict[str, tuple[float, str] | str] = {}
        self._grams: dict[tuple[str, int], float | str] = {}

    def date(self, text: str) -> str | None:
        """Why a date is bad, or ``None``."""
        if text not in self._dates:
            self._dates[text] = date_reason(text)
        return self._dates[text]

    def food(self, name: str) -> int | str:
        """The food's index in ``foods``, or why the name fits no single food."""
        if name not in self._food_ids:
            self._food_ids[name] = self._find(name)
        return self._food_ids[name]

    def _find(self, name: str) -> int | str:
        if not name:
            return "empty food"
        try:
            found = self.table.find(name, self.strict)
        except K2Error as exc:
            return str(exc)
        pairs = list(zip(self.foods, self.cuts, strict=True))
        key = (found, cut_words(name))
        if key not in pairs:
            self.foods.append(found)
            self.cuts.append(key[1])
            pairs.append(key)
        return pairs.index(key)

    def amount(self, text: str) -> tuple[float, str] | str:
        """The number and unit word (``each`` when none) of an amount, or why it is bad."""
        if text not in self._amounts:
            self._amounts[text] = self._split(text)
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

    def per_100g(self) -> dict[str, FloatArray]:
        """Each value per 100 g of every food seen, by food index (NaN = not measured)."""
        forms = np.array(
            [[np.nan if v is None else v for v in f.forms_mcg_per_100g] for f in self.foods],
            dtype=float,
        ).reshape(-1, 3)
        return {
            "mk4_mcg": forms[:, 0],
            "mk7_mcg": forms[:, 1],
            "other_mk_mcg": forms[:, 2],
            "total_mcg": np.array([f.total_mcg_per_100g for f in self.foods], dtype=float),
            "low_mcg": np.array([f.per_100g.low_mcg or 0.0 for f in self.foods], dtype=float),
            "high_mcg": np.array([f.per_100g.high_mcg or 0.0 for f in self.foods], dtype=float),
        }

    def partial(self) -> FloatArray:
        """1.0 for foods whose total rests on forms not measured, by food index."""
        return np.array([f.partial for f in self.foods], dtype=float)


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
    by_meal: bool,
    bad: list[pd.DataFrame],
    line_offsets: IntArray | int = 0,
) -> pd.DataFrame:
    """Resolve one chunk, append its bad rows to ``bad``, and sum it per (subject, date, meal)."""
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
        failed = column.check(results, todo, lines)
        if len(failed):
            bad.append(failed)

    # Each distinct (unit word, food) pair is converted once.
    keep = np.flatnonzero(todo)
    food_row = np.array([f if isinstance(f, int) else -1 for f in food_ids], np.intp)[
        foods.codes[keep]
    ]
    numbers = np.array([p[0] if isinstance(p, tuple) else np.nan for p in parts], dtype=float)
    unit_codes, unit_words = pd.factorize(
        np.asarray([p[1] if isinstance(p, tuple) else "" for p in parts], dtype=object)
    )
    n_foods = max(len(resolver.foods), 1)
    pair_of_row, pairs = pd.factorize(unit_codes[amounts.codes[keep]] * n_foods + food_row)
    grams = [resolver.grams(str(unit_words[p // n_foods]), int(p % n_foods)) for p in pairs]
    unconverted = np.array([isinstance(g, str) for g in grams], dtype=bool)[pair_of_row]
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
                    "reason": np.asarray(grams, dtype=object)[pair_of_row[unconverted]],
                }
            )
        )
    converted = ~unconverted
    keep, food_row, pair_of_row = keep[converted], food_row[converted], pair_of_row[converted]
    grams_per_pair = np.array([g if isinstance(g, float) else np.nan for g in grams], dtype=float)
    # The arithmetic of intake.portion_intake: grams = amount * g per unit; value * (grams / 100).
    scale = (numbers[amounts.codes[keep]] * grams_per_pair[pair_of_row]) / 100.0

    no_column = _Column.constant(rows)
    subject_row, subject_values = (subjects or no_column).canonical()
    date_row, date_values = dates.canonical()
    meal_row, meal_values = (meals if by_meal and meals is not None else no_column).canonical()
    n_dates, n_meals = len(date_values), len(meal_values)
    key = (subject_row[keep].astype(np.int64) * n_dates + date_row[keep]) * n_meals
    group, uniques = pd.factorize(key + meal_row[keep])
    size, day = len(uniques), uniques // n_meals
    sums: dict[str, Any] = {
        "subject": subject_values[day // n_dates],
        "date": date_values[day % n_dates],
        "meal": meal_values[uniques % n_meals],
    }
    for name, per_100g in resolver.per_100g().items():
        values = per_100g[food_row] * scale
        measured = ~np.isnan(values)
        sums[name] = np.bincount(group, np.where(measured, values, 0.0), minlength=size)
        if name in FORMS:
            sums[f"{name}_items"] = np.bincount(group, minlength=size, weights=measured)
    sums["partial_items"] = np.bincount(group, resolver.partial()[food_row], minlength=size)
    return pd.DataFrame(sums)


MERGE_ROWS = 1_000_000  # group rows held before chunk sums are merged


def _merge(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per group from several chunks' sums (a group may span chunks)."""
    both = pd.concat(parts, ignore_index=True)
    return both.groupby(GROUP_KEYS, sort=False, as_index=False).sum()


def _status(total_mcg: FloatArray, target: Target) -> ObjectArray:
    """``below`` / ``within`` / ``above`` for each total, exactly as ``Target.status``."""
    inside = np.where(total_mcg <= target.max_mcg, WITHIN, ABOVE)
    return np.asarray(np.where(total_mcg < target.min_mcg, BELOW, inside), dtype=object)


def records(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """A frame's rows as dicts of plain Python values, ``None`` for NaN."""
    columns = {}
    for key in keys:
        values = frame[key].to_numpy(dtype=object, copy=True)
        values[frame[key].isna().to_numpy()] = None
        columns[key] = values
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass(frozen=True)
class Report:
    """A batch report: day rows (per meal with ``by_meal``), day totals and skipped rows."""

    days: pd.DataFrame  # DAY_KEYS (meal only meaningful with by_meal), sorted
    day_totals: pd.DataFrame  # subject, date, total_mcg, status: one row per day
    skipped: pd.DataFrame  # row, value, reason
    target: Target
    has_subject: bool
    by_meal: bool

    @property
    def day_keys(self) -> list[str]:
        """The keys of a day row, as in JSON and the CSV header."""
        return [
            k
            for k in DAY_KEYS
            if (k != "subject" or self.has_subject) and (k != "meal" or self.by_meal)
        ]

    @property
    def summary_keys(self) -> list[str]:
        """The keys of a summary row."""
        return [k for k in SUMMARY_KEYS if k != "subject" or self.has_subject]

    @property
    def outside_target(self) -> bool:
        """True when some day's total is below or above the target."""
        return bool((self.day_totals["status"] != WITHIN).any())

    def day_rows(self) -> list[dict[str, Any]]:
        """One dict per subject and date (and meal)."""
        return records(self.days, self.day_keys)

    def summary(self) -> pd.DataFrame:
        """Per subject: days, mean, median, min, max, days below/within/above, CV.

        The same figures as ``k2calc.days.summarize`` over each subject's days.
        """
        totals = self.day_totals.groupby("subject", sort=True)["total_mcg"]
        counts = (
            self.day_totals.groupby(["subject", "status"])
            .size()
            .unstack(fill_value=0)
            .reindex(columns=[BELOW, WITHIN, ABOVE], fill_value=0)
        )
        frame = pd.DataFrame(
            {
                "days": totals.size(),
                "mean_mcg": totals.mean(),
                "median_mcg": totals.median(),
                "min_mcg": totals.min(),
                "max_mcg": totals.max(),
            }
        )
        for status in (BELOW, WITHIN, ABOVE):
            frame[f"days_{status}"] = counts[status]
        stdev = totals.std(ddof=1)
        frame["cv"] = (stdev / frame["mean_mcg"]).where(
            (frame["days"] >= 2) & (frame["mean_mcg"] != 0)
        )
        return frame.reset_index()

    def summary_rows(self) -> list[dict[str, Any]]:
        """One dict per subject (a single one when the file has no subject column)."""
        return records(self.summary(), self.summary_keys)

    def skipped_rows(self) -> list[dict[str, Any]]:
        """Rows that were not used: line number, the bad value, the reason."""
        return records(self.skipped, list(SKIPPED_KEYS))

    def as_dict(self, summary: bool = False) -> dict[str, Any]:
        """The JSON shape: ``days``, ``summary`` when asked for, ``skipped``."""
        data: dict[str, Any] = {"days": self.day_rows()}
        if summary:
            data["summary"] = self.summary_rows()
        data["skipped"] = self.skipped_rows()
        return data


def _finish(
    sums: pd.DataFrame, skipped: pd.DataFrame, target: Target, has_subject: bool, by_meal: bool
) -> Report:
    """Turn accumulated sums into the report: not-measured forms back to null, statuses."""
    days = sums.sort_values(GROUP_KEYS, ignore_index=True)
    for form in FORMS:
        days[form] = days[form].where(days[f"{form}_items"] > 0)
    days["partial"] = days["partial_items"] > 0
    day_totals = days.groupby(["subject", "date"], sort=False)["total_mcg"].sum().reset_index()
    day_totals["status"] = _status(day_totals["total_mcg"].to_numpy(), target)
    if by_meal:  # a meal row carries its whole day's status: the target is per day
        days = days.merge(
            day_totals[["subject", "date", "status"]], on=["subject", "date"], how="left"
        )
    else:
        days["status"] = day_totals["status"]
    return Report(
        days=days[list(DAY_KEYS)],
        day_totals=day_totals,
        skipped=skipped,
        target=target,
        has_subject=has_subject,
        by_meal=by_meal,
    )


def _chunks(
    source: Path | IO[str], label: str, chunksize: int | None
) -> Iterator[tuple[pd.DataFrame, int | None]]:
    """The CSV's chunks, every column categorical, with the bytes read so far (if known)."""
    options: dict[str, Any] = {
        "dtype": "category",
        "na_filter": False,
        "skip_blank_lines": False,  # keeps row numbers equal to line numbers
        "index_col": False,
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
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportFileError(f"{label}: cannot read: {exc}") from None
    except pd.errors.EmptyDataError:
        raise ReportFileError(f"{label}: empty; {COLUMNS_HINT}") from None
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
        for frame in reader:
            yield frame, position() if position else None


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
) -> Report:
    """The intake report of a CSV file (a path, or an open text stream such as stdin).

    Raises ``BadRowsError`` when rows cannot be used, unless ``skip_invalid``; then they
    are in ``Report.skipped``. ``chunksize`` (rows) bounds memory for very large files.
    ``mapping`` names the file's own columns (``{"subject": "Client"}``, see
    ``k2calc.diary.plan``); ``on_plan`` is called with the plan once the header is read.
    """
    label = str(source) if isinstance(source, Path) else "stdin"
    if chunksize is not None and chunksize < 1:
        raise ReportFileError(f"chunk size {chunksize}: give at least 1 row")
    resolver = _Resolver(table, strict)
    parts: list[pd.DataFrame] = []  # chunk sums; merged when they grow, so memory stays bounded
    bad: list[pd.DataFrame] = []
    rows = 0
    has_subject = False
    extra_lines = 0  # line breaks inside quoted cells so far: rows → physical lines (D11)
    plan: Plan | None = None
    for frame, bytes_read in _chunks(source, label, chunksize):
        if plan is None:
            plan = _column_names(frame, label, mapping)
            if on_plan is not None:
                on_plan(plan)
        names = plan.columns
        breaks = _line_breaks(frame)
        offsets = extra_lines + np.cumsum(breaks) - breaks
        extra_lines += int(breaks.sum())
        frame = _apply_plan(frame[list(names)].rename(columns=names), plan)
        has_subject = "subject" in frame
        parts.append(_chunk_sums(frame, resolver, by_meal, bad, offsets))
        if sum(map(len, parts[1:])) > max(MERGE_ROWS, len(parts[0])):
            parts = [_merge(parts)]
        rows += len(frame)
        if progress is not None:
            progress(rows, bytes_read)
    skipped = pd.concat(bad, ignore_index=True) if bad else pd.DataFrame(columns=SKIPPED_KEYS)
    skipped = skipped.sort_values("row", kind="stable", ignore_index=True)
    if len(skipped) and not skip_invalid:
        raise BadRowsError(label, skipped)
    sums = _merge(parts) if parts else None
    if sums is None or not (len(sums) or len(skipped)):
        raise ReportFileError(f"{label}: no data rows; {COLUMNS_HINT}")
    return _finish(sums, skipped, target or Target(), has_subject, by_meal)
