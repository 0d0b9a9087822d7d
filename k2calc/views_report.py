"""The table form of ``report``: one row per subject-day (and meal), or per subject."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from k2calc import views
from k2calc.bounds import shown
from k2calc.frame_table import (
    CategoryCells,
    Cells,
    FrameCells,
    cells_of,
    drawn_at_once,
    joined,
    replaced,
)
from k2calc.output import Block, Chart, Column, Frames, FrameTable, Grid, Page, View
from k2calc.report import plural
from k2calc.target import JUDGED
from k2calc.views import (
    FORM_HEADERS,
    INFERRED_MARK,
    LOW_MARK,
    NOT_MEASURED,
    NOT_SPLIT,
    PARTIAL_MARK,
    STATUS_STYLE,
    mcg,
    percent,
)
from k2calc.vitamin import INFERRED, VitaminK

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd
    from rich.text import Text

    from k2calc.report import Report

LABELS = {"date": "Date", "subject": "Subject", "meal": "Meal"}
MEASURED_NOTE = "Measured K2/K1: the share of items whose K2 / K1 a source measured"
STEADINESS_NOTE = (
    "CV: day-to-day coefficient of variation (SD / mean) · Max Δ: the largest change\n"
    "between two consecutive days logged · Not logged: days left out, never counted as 0"
)
IN_PROGRESS_NOTE = "In progress: the subject's last day is today; its total may grow."


def fitting(columns: Sequence[Column], rows: Sequence[Any]) -> list[Column]:
    """``columns`` without those that would go first on a narrow terminal (the highest
    ``drop``) until the least the table needs fits the width: what the table layout does
    itself, but measured once, not once per column dropped (a few seconds for a thousand
    rows). The estimate never exceeds the layout's own, so the layout drops what is left."""
    from k2calc.output import TEXT_MIN_WIDTH, text_width

    if not rows:
        return list(columns)
    need = []
    for column in columns:
        widest = max(len(column.header), *(len(str(column.cell(r))) for r in rows))
        whole = column.numeric or not column.fold  # as output lays it out
        need.append(widest if whole else min(widest, TEXT_MIN_WIDTH))
    kept = list(range(len(columns)))
    width = text_width()
    while sum(need[i] + 3 for i in kept) + 1 > width and any(columns[i].drop for i in kept):
        kept.remove(max(kept, key=lambda i: columns[i].drop))
    return [columns[i] for i in kept]


def row_amount(row: dict[str, Any]) -> VitaminK:
    """A report row's vitamin K as the value type (K2 by form, its grade, K1 beside it)."""
    parts = (row["mk4_mcg"], row["mk7_mcg"], row["other_mk_mcg"], row["unsplit_mk_mcg"])
    return VitaminK(
        *parts,
        row["low_mcg"],
        row["high_mcg"],
        row["partial"],
        k1_mcg=row["k1_mcg"],
        k1_partial=row["k1_partial"],
        confidence=row["confidence"],
    )


def _key_cell(key: str, draw: Callable[[Any], str] = str) -> Callable[[dict[str, Any]], str]:
    return lambda row: draw(row[key])


def coverage_cell(row: dict[str, Any]) -> str:
    """``60%/80%``: the shares of the row's items with K2 and with K1 measured."""
    return f"{percent(row['k2_coverage'])}/{percent(row['k1_coverage'])}"


def day_columns(result: Report) -> list[Column]:
    """The columns of a day row: date, subject, meal where shown, K2 and status, then K1 and
    the coverage apart from them (the coverage goes first on a narrow terminal)."""
    keys = [k for k in result.day_keys if k in LABELS]
    return [
        *(
            Column(LABELS[k], _key_cell(k, lambda v: shown(str(v), 200)), fold=k != "subject")
            for k in keys
        ),
        *views.k2_columns(row_amount),
        Column("Status", status_cell, fold=False),
        views.k1_column(row_amount),
        Column("Measured K2/K1", coverage_cell, numeric=True, drop=7),
    ]


# A day with rows that could not be used (``--skip-invalid``): its status rests on the rest.
REFUSED_MARK = "‡"
REFUSED_NOTE = (
    f"{REFUSED_MARK} rows of the day could not be used (listed on stderr): not in its sums, "
    "counted in its Measured K2/K1"
)


def status_cell(row: dict[str, Any]) -> Text:
    """The status, marked where some of the day's rows could not be used."""
    text = views.status_text(row["status"])
    if row["refused_rows"]:
        text.append(REFUSED_MARK)
    return text


def days_blocks(result: Report, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """``rows`` (the report's day rows) as a table, then the count of days by status."""
    counts = result.status_counts()
    target = result.target
    return [
        Grid(fitting(day_columns(result), rows), rows, "Vitamin K2 by day (mcg), K1 beside it"),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: "
        + " · ".join(f"{plural(counts[s], 'day')} {s}" for s in STATUS_STYLE),
        MEASURED_NOTE,
        views.legend(inferred=True),  # a day of inferred zeros alone is marked °
        *([REFUSED_NOTE] if any(r["refused_rows"] for r in rows) else []),
    ]


def _figure(key: str, draw: Callable[[Any], str] = mcg) -> Callable[[dict[str, Any]], str]:
    return lambda row: draw(row[key])


def summary_columns(result: Report, in_progress: bool = False) -> list[Column]:
    """One column per figure: K2 first (centre, spread, steadiness, days by status), then
    K1's (headed K1) and the coverage, apart; the least needed go first when narrow.
    ``in_progress``: some subject's last day is today (else no column says so)."""

    def column(header: str, key: str, draw: Callable[[Any], str] = mcg, drop: int = 0) -> Column:
        return Column(header, _figure(key, draw), numeric=True, drop=drop)

    columns = (
        [Column("Subject", lambda r: shown(str(r["subject"]), 200))] if result.has_subject else []
    )
    return [
        *columns,
        column("Days", "days", str),
        column("Mean", "mean_mcg"),
        column("Median", "median_mcg", drop=8),
        column("Min", "min_mcg", drop=9),
        column("Max", "max_mcg", drop=9),
        Column(
            "/".join(JUDGED).capitalize(),  # days below / within / above the target
            lambda r: "/".join(str(r[f"days_{s}"]) for s in JUDGED),
            numeric=True,
            drop=3,
        ),
        column("Unknown", "days_unknown", str, drop=3),  # no K2 measured: in no K2 figure
        column("SD", "sd_mcg", drop=7),
        column("CV", "cv", percent),
        column("Max Δ", "max_change_mcg", drop=2),
        column("K1 mean", "k1_mean_mcg"),
        column("K1 SD", "k1_sd_mcg", drop=7),
        column("K1 CV", "k1_cv", percent, drop=4),
        column("K1 max Δ", "k1_max_change_mcg", drop=5),
        Column("Measured K2/K1", coverage_cell, numeric=True, drop=6),
        column("Not logged", "not_logged", str, drop=1),
        *([column("In progress", "in_progress", lambda v: "yes" if v else "")] * in_progress),
    ]


def week_columns(result: Report) -> list[Column]:
    """The columns of a week row: subject, the week's Monday, days logged, K2 and K1 means."""
    columns = (
        [Column("Subject", lambda r: shown(str(r["subject"]), 200))] if result.has_subject else []
    )
    return [
        *columns,
        Column("Week of", _key_cell("week_start")),
        Column("Days", _key_cell("days"), numeric=True),
        Column("Unknown", _key_cell("days_unknown"), numeric=True),
        Column("Mean", _figure("mean_mcg"), numeric=True),
        Column("K1 mean", _figure("k1_mean_mcg"), numeric=True),
    ]


WEEKS_TITLE = "Weekly means (mcg a day over the days logged; weeks from Monday)"


def summary_blocks(result: Report, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """One table row per subject (``rows``: the summary rows), then what the figures mean."""
    target = result.target
    in_progress = any(r["in_progress"] for r in rows)
    blocks: list[Any] = [
        Grid(
            fitting(summary_columns(result, in_progress), rows),
            rows,
            "Vitamin K per subject (mcg a day)",
        ),
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day of K2",
        MEASURED_NOTE,
        *STEADINESS_NOTE.splitlines(),
        *views.WARFARIN_LINE.splitlines(),
    ]
    if in_progress:
        blocks.append(IN_PROGRESS_NOTE)
    return blocks


# The day and week tables over a whole batch at once, for long tables written as plain text:
# each cell is drawn by the functions above, once per distinct value it shows (tests hold
# them equal to the columns' cells row by row).


def mcg_cells(values: npt.NDArray[np.float64], places: int = 1) -> Cells:
    """``mcg`` of each value (``—`` for NaN), drawn once per distinct text: a value is keyed
    by its rounded figure unless it lies near a rounding tie (or is negative or huge), where
    it is drawn on its own."""
    scale = 10.0**places
    with np.errstate(invalid="ignore"):
        scaled = values * scale
        rounded = np.rint(scaled)
        safe = (np.abs(np.abs(scaled - rounded) - 0.5) > 1e-4) & (values >= 0) & (values < 1e9)
    keys = np.where(safe, rounded / scale, values)
    return drawn_at_once(keys, lambda uniques: _mcg_texts(uniques, places), NOT_MEASURED)


PLAIN_BELOW = 1000.0  # figures below this need no thousands separator


def _mcg_texts(values: npt.NDArray[np.float64], places: int) -> list[str]:
    """``mcg`` of each value: by numpy's string functions for figures below ``PLAIN_BELOW``
    already rounded to ``places`` (a report's own), by ``mcg`` for the rest."""
    scale = 10**places
    units = np.rint(values * scale)
    plain = (values >= 0) & (values < PLAIN_BELOW) & (units / scale == values)
    texts = np.asarray(
        ["" if p else mcg(v, places) for v, p in zip(values.tolist(), plain.tolist(), strict=True)],
        dtype=object,
    )
    if plain.any():
        whole, part = np.divmod(units[plain].astype(np.int64), scale)
        digits = whole.astype(str)
        if places:
            digits = np.strings.add(
                digits, np.strings.add(".", np.strings.zfill(part.astype(str), places))
            )
        texts[plain] = digits
    return list(texts.tolist())


def _flag_cells(flags: npt.NDArray[np.bool_], mark: str) -> Cells:
    return Cells(flags.astype(np.intp), ["", mark])


def _floats(frame: pd.DataFrame, key: str) -> npt.NDArray[np.float64]:
    return frame[key].to_numpy(dtype=np.float64, na_value=np.nan)


def _flags(frame: pd.DataFrame, key: str) -> npt.NDArray[np.bool_]:
    return frame[key].to_numpy(dtype=bool)


def _shown(text: str) -> str:
    return shown(text, 200)


def _form_cells(key: str) -> FrameCells:
    """``views.form_cell``: the figure, or ``n/s`` where an unsplit total stands for it."""

    def cells(frame: pd.DataFrame) -> Cells:
        value = _floats(frame, key)
        unsplit = ~np.isnan(_floats(frame, "unsplit_mk_mcg")) & ~_flags(frame, "partial")
        return replaced(mcg_cells(value), np.isnan(value) & unsplit, NOT_SPLIT)

    return cells


def _total_cells(frame: pd.DataFrame) -> Cells:
    """``views.total_cell``: the forms' measured sum, ``*`` a lower bound, ``†`` low grade,
    ``°`` an inferred zero."""
    total = np.zeros(len(frame))
    measured = np.zeros(len(frame), dtype=bool)
    for key in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg"):  # VitaminK.total_mcg
        value = _floats(frame, key)
        known = ~np.isnan(value)
        total = np.where(known, total + np.where(known, value, 0.0), total)
        measured |= known
    figures = mcg_cells(np.where(measured, total, np.nan))
    grade = frame["confidence"].astype(object).to_numpy()
    low, inferred = grade == "low", grade == INFERRED
    marks = Cells(  # none on a total not measured; the marks in total_cell's order
        np.where(measured, _flags(frame, "partial") + 2 * low + 4 * inferred, 0).astype(np.intp),
        [
            PARTIAL_MARK * (code & 1) + LOW_MARK * (code >> 1 & 1) + INFERRED_MARK * (code >> 2)
            for code in range(8)
        ],
    )
    return joined(figures, marks)


def _range_cells(frame: pd.DataFrame) -> Cells:
    """``views.band_cell``: low–high, empty without a spread."""
    low, high = _floats(frame, "low_mcg"), _floats(frame, "high_mcg")
    with np.errstate(invalid="ignore"):
        close = np.abs(low - high) <= 1e-9 * np.maximum(np.abs(low), np.abs(high))  # isclose
    flat = np.isnan(low) | np.isnan(high) | close
    return joined(mcg_cells(low), mcg_cells(high), "–", blank=flat)


def _k1_cells(frame: pd.DataFrame) -> Cells:
    """``views.k1_cell``."""
    marks = _flag_cells(_flags(frame, "k1_partial"), PARTIAL_MARK)
    figures = mcg_cells(_floats(frame, "k1_mcg"))
    return joined(figures, marks)


def _coverage_cells(frame: pd.DataFrame) -> Cells:
    """``coverage_cell``."""
    k2 = cells_of(_floats(frame, "k2_coverage"), percent, NOT_MEASURED)
    k1 = cells_of(_floats(frame, "k1_coverage"), percent, NOT_MEASURED)
    return joined(k2, k1, "/")


def day_frame_cells(result: Report) -> list[FrameCells]:
    """``day_columns`` over a batch of day rows at once, column for column."""
    keys = [k for k in result.day_keys if k in LABELS]
    return [
        *(CategoryCells(k, _shown) for k in keys),
        *(_form_cells(key) for _, key, _ in FORM_HEADERS),
        _total_cells,
        _range_cells,
        _status_cells,
        _k1_cells,
        _coverage_cells,
    ]


def _status_cells(frame: pd.DataFrame) -> Cells:
    """``status_cell``."""
    refused = frame["refused_rows"].to_numpy() > 0
    return joined(CategoryCells("status")(frame), _flag_cells(refused, REFUSED_MARK))


def week_frame_cells(result: Report) -> list[FrameCells]:
    """``week_columns`` over a batch of week rows at once."""
    subject = [CategoryCells("subject", _shown)] if result.has_subject else []
    return [
        *subject,
        CategoryCells("week_start"),
        lambda frame: cells_of(frame["days"].to_numpy(), str),
        lambda frame: cells_of(frame["days_unknown"].to_numpy(), str),
        lambda frame: mcg_cells(_floats(frame, "mean_mcg")),
        lambda frame: mcg_cells(_floats(frame, "k1_mean_mcg")),
    ]


def _weeks_blocks(result: Report, rows: list[dict[str, Any]]) -> list[Block]:
    return [Grid(week_columns(result), rows, WEEKS_TITLE)]


def subject_charts(result: Report, subject: str | None = None) -> list[Chart]:
    """For each subject, on a printed page of its own: K2 a day by form against the target
    and K1 a day against the subject's own mean (days not logged are gaps). None by meal."""
    import datetime as dt

    import pandas as pd

    from k2calc.dates import date_range
    from k2calc.days import DayIntake, k1_band
    from k2calc.frames import as_records
    from k2calc.page_charts import day_charts

    batches = list(of_subject(result.day_batches, subject)())
    if result.by_meal or not batches:
        return []
    subjects: dict[Any, dict[str, DayIntake]] = {}
    for row in as_records(pd.concat(batches)):
        date = str(row["date"])
        day = DayIntake(date, row.get("subject"), row_amount(row), row["status"])
        subjects.setdefault(row.get("subject"), {})[date] = day
    charts: list[Chart] = []
    for name, days in subjects.items():
        first, last = (dt.date.fromisoformat(d) for d in (min(days), max(days)))
        dates = [d.isoformat() for d in date_range(first, last)]
        k2, k1 = day_charts(dates, days, result.target, k1_band(list(days.values())))
        heading = "All days" if name is None else f"Subject {shown(str(name), 200)}"
        charts += [replace(k2, starts=f"{heading}, {first} to {last}"), k1]
    return charts


def of_subject(
    batches: Callable[[], Iterator[pd.DataFrame]], subject: str | None
) -> Callable[[], Iterator[pd.DataFrame]]:
    """``batches`` with only the rows of ``subject`` (all rows for ``None``)."""
    if subject is None:
        return batches
    return lambda: (b[b["subject"].astype(str) == subject] for b in batches())


def report_view(
    result: Report, summary: bool = False, weeks: bool = False, subject: str | None = None
) -> View:
    """``report``'s view: the day rows; with ``summary`` one row per subject (and in JSON
    and the table the weekly means under it); with ``weeks`` the weekly means alone; with
    ``subject`` (and ``summary``) only that subject's rows. JSON always lists the skipped
    rows."""
    day_rows = Frames(of_subject(result.day_batches, subject))
    summary_rows = Frames(of_subject(result.summary_batches, subject))
    week_rows = Frames(of_subject(result.week_batches, subject))
    week_table = FrameTable(
        week_rows, partial(_weeks_blocks, result), week_columns(result), week_frame_cells(result)
    )
    document: dict[str, Frames] = {}
    if not weeks:
        document["days"] = day_rows
    if summary and not weeks:
        document["summary"] = Frames(
            of_subject(partial(result.summary_batches, dates=True), subject)
        )
    if summary or weeks:
        document["weeks"] = week_rows
    document["skipped"] = Frames(lambda: iter([result.skipped]))
    if weeks:
        return View(document, week_rows, [week_table], result.week_keys)
    if summary:
        summary_table = FrameTable(summary_rows, partial(summary_blocks, result))
        page = Page(
            about="Vitamin K per subject",
            target=f"K2 {result.target.min_mcg:g}–{result.target.max_mcg:g} mcg a day",
            charts=partial(subject_charts, result, subject),
        )
        blocks: list[Block] = [summary_table, "", week_table]
        return View(document, summary_rows, blocks, result.summary_keys, page=page)
    day_table = FrameTable(
        day_rows, partial(days_blocks, result), day_columns(result), day_frame_cells(result)
    )
    return View(document, day_rows, [day_table], result.day_keys)
