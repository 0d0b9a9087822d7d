"""Views of the meal log: entries, a day by meal, a range of days with its chart and summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from k2calc.chart import bar_lines
from k2calc.dates import date_range
from k2calc.intake import Total
from k2calc.mealog import TABLE_VALUES_LOGGED, Entry, LoggedDay
from k2calc.output import Column, Grid, View, text_width
from k2calc.target import Target
from k2calc.views import (
    band_cell,
    grams_text,
    k2_columns,
    legend,
    status_text,
    target_line,
    total_cell,
)

if TYPE_CHECKING:
    from k2calc.days import Summary

NO_MEAL = "(no meal)"
CHART_WIDTH = 100


def entries_count(count: int) -> str:
    """``1 entry``, ``3 entries``."""
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def entry_record(entry: Entry, target: Target) -> dict[str, Any]:
    """An entry's machine shape, with its own total's status against ``target``."""
    return {**entry.as_dict(), "status": target.status(entry.intake.vitamin_k.lower_bound_mcg)}


def _values_line(entries: Sequence[Entry]) -> str:
    versions = sorted({e.k2calc_version for e in entries})
    return f"Values as logged, by k2calc {', '.join(versions)} (not today's table)."


def entries_grid(entries: Sequence[Entry], title: str) -> Grid:
    """Entries added or removed: id, date, meal, item, food, grams, total."""
    columns = [
        Column("ID", lambda e: str(e.id), numeric=True),
        Column("Date", lambda e: e.date, drop=1),
        Column("Meal", lambda e: e.meal, drop=2),
        Column("Item", lambda e: e.intake.input),
        Column("Food", lambda e: e.intake.food),
        Column("Grams", lambda e: grams_text(e.intake.grams), numeric=True, drop=3),
        Column("Total", lambda e: total_cell(e.intake.vitamin_k), numeric=True),
    ]
    return Grid(columns, entries, title)


def removed_view(removed: Sequence[Entry]) -> View:
    """``log rm``: the entries removed."""
    records = [entry_record(e, Target()) for e in removed]
    return View(records, records, [entries_grid(removed, f"Removed {entries_count(len(removed))}")])


def added_view(added: Sequence[Entry], logged: LoggedDay) -> View:
    """``log add``: the entries added, and the day's new total against the target."""
    target = logged.total.target
    records = [entry_record(e, target) for e in added]
    document = {
        "added": [e.as_dict() for e in added],
        "day": {**logged.day.as_dict(), **target.as_dict()},
    }
    blocks: list[Any] = [
        entries_grid(added, f"Logged {entries_count(len(added))} (mcg)"),
        f"Day {logged.day.date}: {entries_count(len(logged.entries))} in all",
        target_line(logged.total),
    ]
    return View(document, records, blocks)


def _days_document(
    days: Sequence[LoggedDay], target: Target, summary: Summary | None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "table_values": TABLE_VALUES_LOGGED,
        **target.as_dict(),
        "days": [d.as_dict() for d in days],
    }
    if summary is not None or len(days) != 1:
        data["summary"] = None if summary is None else summary.as_dict()
    return data


def _meal_rows(logged: LoggedDay) -> list[tuple[str, Any]]:
    """("meal", (name, subtotal)) then ("entry", entry) rows, meal by meal."""
    rows: list[tuple[str, Any]] = []
    for meal, entries in logged.meals():
        rows.append(
            (
                "meal",
                (meal or NO_MEAL, Total(tuple(e.intake for e in entries), logged.total.target)),
            )
        )
        rows.extend(("entry", e) for e in entries)
    return rows


def day_view(logged: LoggedDay) -> View:
    """One day: entries grouped by meal with ids and subtotals, the day's total and status.

    CSV has the entries only, so summing ``total_mcg`` over its rows gives the day's total.
    """
    target, total = logged.total.target, logged.total
    records = [entry_record(e, target) for e in logged.entries]
    document = _days_document([logged], target, None)
    if not logged.entries:
        empty = f'Nothing logged on {logged.day.date}. Add some: k2calc log add "30 g natto"'
        return View(document, records, [empty])

    def pick(meal: Any, entry: Any) -> Any:
        return lambda row: meal(row[1]) if row[0] == "meal" else entry(row[1])

    columns = [
        Column("ID", pick(lambda m: "", lambda e: str(e.id)), numeric=True),
        Column("Item", pick(lambda m: m[0], lambda e: "  " + e.intake.input), footer="Day total"),
        Column("Food", pick(lambda m: "", lambda e: e.intake.food)),
        Column(
            "Grams", pick(lambda m: "", lambda e: grams_text(e.intake.grams)), numeric=True, drop=1
        ),
        *k2_columns(
            pick(lambda m: m[1].vitamin_k, lambda e: e.intake.vitamin_k),
            total.vitamin_k,
            band=False,
        ),
    ]
    grid = Grid(
        columns,
        _meal_rows(logged),
        f"{logged.day.date}: vitamin K2 by meal (mcg)",
        footer=True,
        row_style=lambda row: "bold" if row[0] == "meal" else "",
        section_after=lambda before, row: row[0] == "meal",
    )
    blocks: list[Any] = [grid, target_line(total)]
    if band := band_cell(total.vitamin_k):
        blocks.append(f"Range where sources differ: {band} mcg")
    blocks += [_values_line(logged.entries), legend()]
    return View(document, records, blocks)


NOT_LOGGED = "not logged"
LISTED_DAYS = 62  # a range up to two months lists every day, logged or not


def range_view(
    days: Sequence[LoggedDay],
    summary: Summary | None,
    target: Target,
    span: tuple[str, str],
    today: str,
) -> View:
    """A range of days: one row a day (days with nothing logged shown as such, never as 0),
    the bar chart of the logged days, and their summary; ``today`` is marked in progress."""
    first, last = span
    logged = {d.day.date: d for d in days}
    dates = [
        d.isoformat() for d in date_range(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    ]
    not_logged = [d for d in dates if d not in logged]
    records: list[dict[str, Any]] = [
        {**logged[d].day.as_dict(), "entries": len(logged[d].entries)}
        if d in logged
        else {"date": d, "status": NOT_LOGGED, "entries": 0}
        for d in dates
    ]
    document = _days_document(days, target, summary)
    document["not_logged"] = not_logged
    document["in_progress"] = today if today in dates else None
    title = f"{first} to {last}"
    if summary is None:
        return View(document, records, [f"No entries {title}."])

    def status(date: str) -> Any:
        if date not in logged:
            return NOT_LOGGED
        return status_text(logged[date].day.status)

    columns = [
        Column("Date", lambda d: d + (" (today)" if d == today else "")),
        *k2_columns(lambda d: logged[d].day.vitamin_k if d in logged else None),
        Column("Status", status),
        Column(
            "Entries",
            lambda d: str(len(logged[d].entries)) if d in logged else "",
            numeric=True,
            drop=1,
        ),
    ]
    # A long range lists the days logged only; the line below says how many were not.
    rows = dates if len(dates) <= LISTED_DAYS else [d for d in dates if d in logged]
    chart = bar_lines(
        [(d.day.date, d.day.vitamin_k.lower_bound_mcg) for d in days],
        target,
        min(text_width(), CHART_WIDTH),
    )
    blocks: list[Any] = [
        Grid(columns, rows, f"Vitamin K2 by day, {title} (mcg)"),
        f"\nTotal K2 a day against the target {target.min_mcg:g}–{target.max_mcg:g} mcg:",
        *chart,
        "",
        *summary_lines(summary, target),
    ]
    if not_logged:
        blocks.append(
            f"{len(not_logged)} day(s) with nothing logged are left out of these figures, never "
            "counted as 0."
        )
    if today in logged:
        blocks.append(f"Today ({today}) is still in progress: its total may grow.")
    blocks += [_values_line([e for d in days for e in d.entries]), legend()]
    return View(document, records, blocks)


def summary_lines(summary: Summary, target: Target) -> list[str]:
    """The summary of a range as a few lines of text."""
    cv = "n/a (needs 2 days)" if summary.cv is None else f"{summary.cv * 100:.1f}%"
    return [
        f"Days logged: {summary.days}   mean {summary.mean_mcg:,.1f}   "
        f"median {summary.median_mcg:,.1f}   min {summary.min_mcg:,.1f}   "
        f"max {summary.max_mcg:,.1f} mcg",
        f"Below {target.min_mcg:g}: {summary.days_below}   within: {summary.days_within}   "
        f"above {target.max_mcg:g}: {summary.days_above}",
        f"Day-to-day variation (CV): {cv}; steadiness matters on warfarin",
    ]


def imported_view(added: Sequence[Entry], where: str) -> View:
    """``log import``: how many entries went in, over which dates."""
    dates = sorted({e.date for e in added})
    document = {
        "imported_entries": len(added),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
    }
    span = f" ({dates[0]} to {dates[-1]})" if dates else ""
    return View(document, [document], [f"Imported {entries_count(len(added))}{span} into {where}"])


def export_view(entries: Sequence[Entry]) -> View:
    """``log export``: date, meal, food, amount, note: the shape ``report`` and ``import`` read."""
    from k2calc.mealog import EXPORT_COLUMNS

    records = [e.export_row() for e in entries]
    return View(records, records, keys=EXPORT_COLUMNS)
