"""Views of the meal log: entries, a day by meal, a range of days with its chart and summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from k2calc.chart import bar_lines
from k2calc.dates import date_range
from k2calc.days import K1Band, k1_band, weekly_means
from k2calc.food_shares import FOOD_SHARE_KEYS, FoodShare, food_shares
from k2calc.intake import Total
from k2calc.mealog import TABLE_VALUES_LOGGED, Entry, LoggedDay
from k2calc.output import Chart, Column, Grid, Page, TextChart, View, text_width
from k2calc.target import Target
from k2calc.views import (
    DROP_DETAIL,
    K1_STYLE,
    NOT_MEASURED,
    WARFARIN_LINE,
    amount_column,
    band_cell,
    grams_text,
    k1_cell,
    k1_column,
    k2_columns,
    legend,
    mcg,
    percent,
    status_text,
    target_line,
    total_cell,
)
from k2calc.vitamin import INFERRED, Vitamin, VitaminK

if TYPE_CHECKING:
    from k2calc.days import Summary

NO_MEAL = "(no meal)"
CHART_WIDTH = 100


def entries_count(count: int) -> str:
    """``1 entry``, ``3 entries``."""
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def entry_record(entry: Entry, target: Target) -> dict[str, Any]:
    """An entry's machine shape, with its own total's status against ``target``."""
    return {**entry.as_dict(), "status": target.status(entry.intake.vitamin_k.total_mcg)}


def _inferred(entries: Sequence[Entry]) -> bool:
    """True when some entry's K2 is an inferred zero (its table then explains ``°``)."""
    return any(e.intake.vitamin_k.confidence == INFERRED for e in entries)


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
        Column("Grams", lambda e: grams_text(e.intake.grams), numeric=True, drop=DROP_DETAIL),
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

    amount = pick(lambda m: m[1].vitamin_k, lambda e: e.intake.vitamin_k)

    columns = [
        Column("ID", pick(lambda m: "", lambda e: str(e.id)), numeric=True),
        Column("Item", pick(lambda m: m[0], lambda e: "  " + e.intake.input), footer="Day total"),
        Column("Food", pick(lambda m: "", lambda e: e.intake.food)),
        Column(
            "Grams", pick(lambda m: "", lambda e: grams_text(e.intake.grams)), numeric=True, drop=1
        ),
        *k2_columns(amount, total.vitamin_k, band=False),
        k1_column(amount, total.vitamin_k),
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
    values = _values_line(logged.entries)
    blocks += [values, legend(_inferred(logged.entries))]
    shares = food_shares(e.intake for e in logged.entries)
    page = Page(
        about="Vitamin K on the day",
        period=logged.day.date,
        target=target_text(target),
        sections=[food_shares_grid(shares, logged.day.date)],
        foods=_built_in_foods(logged.entries),
        table_values=values,
    )
    return View(document, records, blocks, page=page)


NOT_LOGGED = "not logged"
LISTED_DAYS = 62  # a range up to two months lists every day, logged or not


def range_view(
    days: Sequence[LoggedDay],
    summary: Summary | None,
    target: Target,
    span: tuple[str, str],
    today: str,
    vitamin: Vitamin = Vitamin.k2,
) -> View:
    """A range of days: one row a day (days with nothing logged shown as such, never as 0),
    the bar chart of the logged days (K2 against the target, or K1 against the person's own
    mean), their summary with the steadiness of K2 and K1 apart, and weekly means; ``today``
    is marked in progress. With ``vitamin`` K1 the view centres on K1 (the clinician's view:
    own mean, SD, CV, the days outside ± 20 % of the own mean), K2 below it."""
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
    weeks = weekly_means([d.day for d in days])
    document = _days_document(days, target, summary)
    document["weeks"] = weeks
    document["not_logged"] = not_logged
    document["in_progress"] = today if today in dates else None
    title = f"{first} to {last}"
    if summary is None:
        return View(document, records, [f"No entries {title}."])
    band = k1_band([d.day for d in days])
    document["k1_band"] = band.as_dict()

    def day_amount(date: str) -> VitaminK | None:
        return logged[date].day.vitamin_k if date in logged else None

    def measured(date: str) -> str:
        if date not in logged:
            return ""
        coverage = logged[date].day.coverage
        return f"{percent(coverage.k2_coverage)[:-1]}/{percent(coverage.k1_coverage)}"

    # A long range lists the days logged only; the line below says how many were not.
    rows = dates if len(dates) <= LISTED_DAYS else [d for d in dates if d in logged]
    date_column = Column("Date", lambda d: d + (" (today)" if d == today else ""), fold=False)
    blocks: list[Any]
    if vitamin is Vitamin.k1:
        blocks = [
            Grid(_k1_columns(date_column, logged, band), rows, f"Vitamin K1 by day, {title} (mcg)"),
            *_k1_chart(days, band),
            "",
            *k1_lines(summary, band),
            "",
            "K2, for reference (the target is about K2 only):",
            *summary_lines(summary, target),
            steadiness_grid(summary),
            STEADINESS_NOTE,
        ]
    else:
        columns = [
            date_column,
            *k2_columns(day_amount, rows=dates),
            Column("Status", lambda d: _status(logged, d), fold=False),
            k1_column(day_amount),
            Column("Measured\nK2/K1", measured, numeric=True, drop=DROP_DETAIL),
            Column(
                "Entries",
                lambda d: str(len(logged[d].entries)) if d in logged else "",
                numeric=True,
                drop=7,
            ),
        ]
        blocks = [
            Grid(columns, rows, f"Vitamin K by day, {title} (mcg)"),
            *_chart(days, target),
            "",
            *summary_lines(summary, target),
            steadiness_grid(summary),
            STEADINESS_NOTE,
        ]
    if len(weeks) > 1:
        blocks.append(weeks_grid(weeks))
    if not_logged:
        blocks.append(
            f"{len(not_logged)} day(s) with nothing logged are left out of these figures, never "
            "counted as 0."
        )
    if today in logged:
        blocks.append(f"Today ({today}) is still in progress: its total may grow.")
    entries = [e for d in days for e in d.entries]
    values = _values_line(entries)
    blocks += [WARFARIN_LINE, values, legend(_inferred(entries))]
    shares = food_shares(e.intake for e in entries)
    page = Page(
        about="Vitamin K1 by day" if vitamin is Vitamin.k1 else "Vitamin K by day",
        period=f"{title} ({len(days)} of {len(dates)} days logged)",
        target=target_text(target),
        charts=partial(_page_charts, dates, days, target, band, weeks, vitamin),
        sections=[food_shares_grid(shares, title)],
        foods=_built_in_foods(entries),
        table_values=values,
    )
    return View(document, records, blocks, page=page)


def _status(logged: dict[str, LoggedDay], date: str) -> Any:
    if date not in logged:
        return NOT_LOGGED
    return status_text(logged[date].day.status)


def _k1_columns(date_column: Column, logged: dict[str, LoggedDay], band: K1Band) -> list[Column]:
    """Date, K1, how far from the own mean, whether outside the band, K1 measured, K2 total."""

    def k1(date: str) -> float | None:
        return logged[date].day.vitamin_k.k1_mcg or 0.0 if date in logged else None

    def from_mean(date: str) -> str:
        value = k1(date)
        if value is None or not band.mean_mcg:
            return ""
        return f"{(value - band.mean_mcg) / band.mean_mcg * 100:+.0f}%"

    def outside(date: str) -> str:
        value = k1(date)
        if date not in logged:
            return NOT_LOGGED
        if value is None or not band.outside(value):
            return ""
        return OUTSIDE_ABOVE if value > band.high_mcg else OUTSIDE_BELOW

    def day_amount(date: str) -> VitaminK | None:
        return logged[date].day.vitamin_k if date in logged else None

    def k1_measured(date: str) -> str:
        return percent(logged[date].day.coverage.k1_coverage) if date in logged else ""

    return [
        date_column,
        amount_column(day_amount, None, "K1", k1_cell, style=K1_STYLE),
        Column("From own mean", from_mean, numeric=True),
        Column(f"Outside ± {band.share:.0%}", outside, fold=False),
        Column("K1 measured", k1_measured, numeric=True, drop=2),
        amount_column(day_amount, None, "K2 total", total_cell, drop=3),
    ]


OUTSIDE_ABOVE = "▲ above"
OUTSIDE_BELOW = "▼ below"


def k1_lines(summary: Summary, band: K1Band) -> list[str]:
    """The clinician's figures of K1: own mean, SD, CV, the band and the days outside it, the
    largest day-to-day change and how much was measured."""
    cv = NOT_MEASURED if summary.k1_cv is None else f"{summary.k1_cv * 100:.1f}%"
    return [
        f"K1 over {summary.days} days logged: own mean {mcg(band.mean_mcg)}   "
        f"SD {mcg(summary.k1_sd_mcg)}   CV {cv} (mcg a day)",
        f"Own mean ± {band.share:.0%}: {mcg(band.low_mcg)}–{mcg(band.high_mcg)} mcg; "
        f"days outside it: {len(band.days_outside)} of {summary.days}",
        f"Largest day-to-day change: {mcg(summary.k1_max_change_mcg)} mcg   "
        f"K1 measured: {percent(summary.k1_coverage)} of the items",
        "The band compares the days with the person's own mean: not a target, not advice.",
    ]


def target_text(target: Target) -> str:
    """The K2 target as a page states it."""
    return f"K2 {target.min_mcg:g}–{target.max_mcg:g} mcg a day (K1 has no target in k2calc)"


def _page_charts(
    dates: Sequence[str],
    days: Sequence[LoggedDay],
    target: Target,
    band: K1Band,
    weeks: Sequence[dict[str, Any]],
    vitamin: Vitamin,
) -> list[Chart]:
    """The charts of a range's page, K1's first in the K1 view."""
    from k2calc import page_charts

    intakes = {d.day.date: d.day for d in days}
    k2, k1 = page_charts.day_charts(dates, intakes, target, band)
    charts = [k1, k2] if vitamin is Vitamin.k1 else [k2, k1]
    if len(weeks) > 1:
        charts.append(
            Chart(
                "Weekly means (days logged only)",
                page_charts.weekly(weeks),
                "The weekly table above gives the days logged in each week (d on a bar).",
            )
        )
    return charts


def food_shares_grid(shares: Sequence[FoodShare], title: str) -> Grid:
    """Per food: entries, grams, K2 by form, K1, and the share of the period's K2 and K1."""
    total = VitaminK.sum(s.vitamin_k for s in shares)
    grams = sum(s.grams for s in shares)
    columns = [
        Column("Food", lambda s: s.food, footer="All foods"),
        Column("Entries", lambda s: str(s.entries), numeric=True, drop=4),
        Column("Grams", lambda s: grams_text(s.grams), numeric=True, footer=grams_text(grams)),
        *k2_columns(lambda s: s.vitamin_k, total, band=False),
        Column("K2 share", lambda s: percent(s.k2_share), numeric=True),
        k1_column(lambda s: s.vitamin_k, total),
        Column("K1 share", lambda s: percent(s.k1_share), numeric=True, drop=2),
    ]
    return Grid(columns, shares, f"Which foods supplied it, {title} (mcg)", footer=True)


def food_shares_view(days: Sequence[LoggedDay], span: tuple[str, str]) -> View:
    """``log show --by food``: per food over the days, what it supplied and its share."""
    title = f"{span[0]} to {span[1]}" if span[0] != span[1] else span[0]
    entries = [e for d in days for e in d.entries]
    shares = food_shares(e.intake for e in entries)
    records = [s.as_dict() for s in shares]
    document = {
        "first_date": span[0],
        "last_date": span[1],
        "table_values": TABLE_VALUES_LOGGED,
        "foods": records,
    }
    if not shares:
        return View(document, records, [f"No entries {title}."], keys=FOOD_SHARE_KEYS)
    values = _values_line(entries)
    blocks: list[Any] = [
        food_shares_grid(shares, title),
        "Share: of the K2 (or K1) measured in everything eaten over the days; — where the",
        "food's K2 (or K1) was not measured (unknown, not 0%).",
        values,
        legend(),
    ]
    page = Page(
        about="Which foods supplied vitamin K",
        period=title,
        foods=_built_in_foods(entries),
        table_values=values,
    )
    return View(document, records, blocks, keys=FOOD_SHARE_KEYS, page=page)


def _built_in_foods(entries: Sequence[Entry]) -> list[str]:
    """The foods of ``entries`` logged from the built-in table (whose sources a page cites)."""
    return list(dict.fromkeys(e.intake.food for e in entries if e.food_origin == "built-in"))


def _chart(days: Sequence[LoggedDay], target: Target) -> list[str]:
    """The bar chart of K2 a day against the target."""
    width = min(text_width(), CHART_WIDTH)
    bars = [(d.day.date, d.day.vitamin_k.lower_bound_mcg) for d in days]
    heading = f"\nTotal K2 a day against the target {target.min_mcg:g}–{target.max_mcg:g} mcg:"
    return [TextChart("\n".join([heading, *bar_lines(bars, target, width)]))]


def _k1_chart(days: Sequence[LoggedDay], band: K1Band) -> list[str]:
    """The bar chart of K1 a day, marked at the edges of the own-mean band."""
    width = min(text_width(), CHART_WIDTH)
    bars = [(d.day.date, d.day.vitamin_k.k1_mcg) for d in days]
    edges = Target(band.low_mcg, band.high_mcg)  # marks only: K1 has no target
    heading = f"\nK1 (phylloquinone) a day, not K2, marked at own mean ± {band.share:.0%}:"
    return [TextChart("\n".join([heading, *bar_lines(bars, edges, width)]))]


def summary_lines(summary: Summary, target: Target) -> list[str]:
    """Where the days' K2 fell against the target, as two lines of text."""
    return [
        f"Days logged: {summary.days}   K2 mean {mcg(summary.mean_mcg)}   "
        f"median {mcg(summary.median_mcg)}   min {mcg(summary.min_mcg)}   "
        f"max {mcg(summary.max_mcg)} mcg",
        f"Below {target.min_mcg:g}: {summary.days_below}   within: {summary.days_within}   "
        f"above {target.max_mcg:g}: {summary.days_above}   "
        f"unknown (no K2 measured): {summary.days_unknown}",
    ]


STEADINESS_NOTE = (
    "CV: SD / mean, day to day. Largest change: between two consecutive days logged.\n"
    "Measured: the share of items whose K2 / K1 a source measured. What was not\n"
    "measured counts as 0: the lower the share, the more each figure is a floor."
)


def steadiness_grid(summary: Summary) -> Grid:
    """Mean, SD, CV, the largest day-to-day change and the measured share: K2, then K1."""

    def figure(key: str, cv: bool = False) -> Callable[[str], str]:
        def cell(prefix: str) -> str:
            value = getattr(summary, prefix + key)
            if cv:
                return NOT_MEASURED if value is None else f"{value * 100:.1f}%"
            return mcg(value)

        return cell

    columns = [
        Column("", lambda prefix: "K1 (not K2)" if prefix else "K2"),
        Column("Mean", figure("mean_mcg"), numeric=True),
        Column("SD", figure("sd_mcg"), numeric=True),
        Column("CV", figure("cv", cv=True), numeric=True),
        Column("Largest change", figure("max_change_mcg"), numeric=True),
        Column(
            "Measured",
            lambda prefix: percent(summary.k1_coverage if prefix else summary.k2_coverage),
            numeric=True,
        ),
    ]
    return Grid(columns, ["", "k1_"], f"Steadiness over the {summary.days} days logged (mcg a day)")


def weeks_grid(weeks: Sequence[dict[str, Any]]) -> Grid:
    """Weekly means of K2 and K1 over the days logged in each week."""
    columns = [
        Column("Week of", lambda w: w["week_start"]),
        Column("Days logged", lambda w: str(w["days"]), numeric=True),
        Column("Unknown", lambda w: str(w["days_unknown"]), numeric=True, drop=1),
        Column("K2 mean", lambda w: mcg(w["mean_mcg"]), numeric=True),
        Column("K1 mean", lambda w: mcg(w["k1_mean_mcg"]), numeric=True, style=K1_STYLE),
    ]
    return Grid(columns, weeks, "Weekly means (Monday to Sunday, days logged only; mcg a day)")


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
