"""The ``log`` commands: add, show, rm, export, import and path of the personal meal log."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from k2calc.cli.columns import DiaryColumnsOpt, announce, column_hints
from k2calc.cli.common import (
    DEFAULT_LOOKUP,
    DEFAULT_TARGET,
    EXIT_OUTSIDE_TARGET,
    FoodsOpt,
    FormatOpt,
    ItemsCommand,
    LookupOpt,
    OutputOpt,
    TargetOpt,
    TitleOpt,
    UsageError,
    food_table,
    items_argument,
    new_app,
    read_items,
    user_errors,
)
from k2calc.errors import K2Error
from k2calc.output import Format, emit
from k2calc.target import Target
from k2calc.vitamin import Vitamin

LOG_HELP = """Keep a log of what you eat, day by day, and see how the days add up.

The log is a SQLite file in your user data folder (see k2calc log path), or the file
given with --db or K2CALC_DB. Each entry keeps the values the food table gave when it
was logged, so the record stays the same if the table changes later.

\b
Examples:
  k2calc log add "30 g natto" "2 eggs" --meal breakfast
  k2calc log show
  k2calc log show --days 7
"""
log_app = new_app("log", LOG_HELP)

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="K2CALC_DB",
        dir_okay=False,
        help="The log database file (default: log.sqlite3 in the user data folder; "
        "see k2calc log path).",
    ),
]
DateOpt = Annotated[
    str,
    typer.Option(
        "--date", "-d", help="The day: 2026-11-22, today, yesterday, or -N for N days ago."
    ),
]
FromOpt = Annotated[
    str | None, typer.Option("--from", help="First day of a range (same forms as --date).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day of a range (default: today).")]
DaysOpt = Annotated[
    int | None,
    typer.Option("--days", "-n", min=1, help="A range of N days, ending --to (default: today)."),
]


class ByFood(StrEnum):
    """What ``log show --by`` groups the days' entries by."""

    food = "food"


class ExportFormat(StrEnum):
    """Formats of ``log export`` (both read back by ``log import`` and ``report``)."""

    csv = "csv"
    json = "json"


def db_path(db: Path | None, creating: bool = False) -> Path:
    """The log file: --db / K2CALC_DB, else the default in the user data folder.

    A log the user names is only created in a folder that exists (a typo in --db must not
    make a tree of folders); the default log's folder is made as needed.
    """
    from k2calc.paths import default_log_path

    if db is None:
        return default_log_path()
    if creating and not db.parent.is_dir():
        raise K2Error(f"--db {db}: the folder {db.parent} does not exist; create it first")
    return db


def log_date(text: str) -> str:
    """A --date as an ISO date (today, yesterday, -N, or ISO)."""
    from k2calc.dates import parse_date

    return parse_date(text).isoformat()


def _span(
    date: str | None, first: str | None, last: str | None, days: int | None
) -> tuple[str, str] | None:
    """The range asked for as (first, last) ISO dates, or ``None`` for one day."""
    if first is None and last is None and days is None:
        return None
    if date is not None:
        raise UsageError("give either --date (one day) or --from/--to/--days (a range)")
    if first is not None and days is not None:
        raise UsageError("give --from or --days, not both (--days counts back from --to)")
    end = dt.date.fromisoformat(log_date(last or "today"))
    if first is not None:
        start = dt.date.fromisoformat(log_date(first))
    elif days and days > (end - dt.date.min).days + 1:  # before year 1 (D6)
        raise UsageError(f"--days {days} reaches back before the year 1; give fewer days")
    else:
        start = end - dt.timedelta(days=(days or 1) - 1) if days else end
    if start > end:
        raise UsageError(f"the range {start} to {end} ends before it starts")
    return start.isoformat(), end.isoformat()


@log_app.command(cls=ItemsCommand)
@user_errors
def add(
    items: Annotated[
        list[str],
        items_argument("AMOUNT [UNIT] FOOD, as for k2calc total. A lone - reads items from stdin."),
    ],
    date: DateOpt = "today",
    meal: Annotated[
        str | None,
        typer.Option("--meal", "-m", help="The meal: breakfast, lunch, dinner, snack, or any."),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note kept with each entry.")] = "",
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    lookup: LookupOpt = DEFAULT_LOOKUP,
    target: TargetOpt = DEFAULT_TARGET,
    db: DbOpt = None,
) -> None:
    """Log what you ate: the items go in the log for the day, all or none.

    Every item is read as for k2calc total; if one is wrong, nothing is logged. Prints
    the entries with their ids (for k2calc log rm) and the day's new total against the
    target.

    \b
    Examples:
      k2calc log add "30 g natto" "2 eggs" --meal breakfast
      k2calc log add "1 oz gouda" --date yesterday --meal dinner --note "at Ann's"
      printf '1 cup kale\\n1 tbsp butter\\n' | k2calc log add - --meal lunch
    """
    from k2calc import mealog
    from k2calc.parse import resolve_all
    from k2calc.views_log import added_view

    date_logged = log_date(date)
    if date_logged > dt.date.today().isoformat():
        raise K2Error(
            f"--date {date}: {date_logged} is after today ({dt.date.today()}); "
            "log what was eaten, on the day it was eaten"
        )
    path = db_path(db, creating=True)
    portions = resolve_all(read_items(items), lookup.table(), lookup.strict)
    new = [mealog.NewEntry(date_logged, mealog.normalize_meal(meal), p, note) for p in portions]
    added = mealog.add_entries(path, new)
    emit(added_view(added, mealog.logged_day(path, date_logged, target)), fmt, output)


@log_app.command()
@user_errors
def show(
    date: Annotated[
        str | None,
        typer.Option(
            "--date", "-d", help="One day: 2026-11-22, today (the default), yesterday, -N."
        ),
    ] = None,
    first: FromOpt = None,
    last: ToOpt = None,
    days: DaysOpt = None,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    target: TargetOpt = DEFAULT_TARGET,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Exit with status 3 when any day shown is outside the target."
        ),
    ] = False,
    db: DbOpt = None,
    vitamin: Annotated[
        Vitamin,
        typer.Option(
            "--vitamin",
            case_sensitive=False,
            help="The vitamin a range centres on: K2 against the target, or K1 against the "
            "person's own mean (own mean, SD, CV, days outside ± 20 %; K2 below it).",
        ),
    ] = Vitamin.k2,
    by: Annotated[
        ByFood | None,
        typer.Option(
            "--by",
            help="food: one row per food over the days shown: grams, K2 by form, K1, and its "
            "share of the days' K2 and K1.",
        ),
    ] = None,
    title: TitleOpt = None,
) -> None:
    """Show a day of the log by meal, or a range of days with a chart and a summary.

    One day (--date, default today): the entries grouped by meal, with their ids,
    subtotals, the day's K2 total, its low-high band and its status, and K1 in its own
    column. A range (--from/--to or --days N): one row a day with K2, K1 and the share of
    items whose K2 and K1 were measured; a bar chart (--vitamin k2 or k1); the K2 mean,
    median, min, max and days below / within / above; and the steadiness of K2 and of K1
    apart: mean, SD, day-to-day CV, the largest change between consecutive days, and
    weekly means. Days with no entries are shown as not logged and left out of every
    figure. Values are those logged with each entry (table_values "logged" in JSON).

    \b
    Examples:
      k2calc log show
      k2calc log show --date yesterday --format json
      k2calc log show --days 7
      k2calc log show --days 28 --vitamin k1
      k2calc log show --days 30 --by food
      k2calc log show --days 90 --format html --title "Ann B." > ann.html
      k2calc log show --from 2026-11-01 --to 2026-11-30 --format csv
    """
    from k2calc import mealog
    from k2calc.output import titled
    from k2calc.views_log import day_view, food_shares_view, range_view

    path = db_path(db)
    span = _span(date, first, last, days)
    if span is None:
        one = mealog.logged_day(path, log_date(date or "today"), target)
        shown = [one]
        span = (one.day.date, one.day.date)
        view = food_shares_view(shown, span) if by is ByFood.food else day_view(one)
    else:
        from k2calc.days import summarize

        shown = mealog.logged_days(mealog.entries_between(path, *span), target)
        summary = summarize([d.day for d in shown], target) if shown else None
        if by is ByFood.food:
            view = food_shares_view(shown, span)
        else:
            view = range_view(shown, summary, target, span, log_date("today"), vitamin)
    emit(titled(view, title), fmt, output)
    shown = [d for d in shown if d.entries]
    if check and not shown:
        typer.echo("k2calc: nothing logged in the days shown, so nothing to check", err=True)
    if check and any(Target.outside(d.day.status) for d in shown):
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


@log_app.command("rm")
@user_errors
def remove(
    ids: Annotated[
        list[int], typer.Argument(metavar="ID...", help="Ids of entries, from k2calc log show.")
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    db: DbOpt = None,
) -> None:
    """Remove entries by id: all of them, or none if an id is not in the log.

    \b
    Examples:
      k2calc log rm 12
      k2calc log rm 12 13 14
    """
    from k2calc import mealog
    from k2calc.views_log import removed_view

    emit(removed_view(mealog.remove_entries(db_path(db), ids)), fmt, output)


@log_app.command("export")
@user_errors
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv (the default) or json, both read back by import."),
    ] = ExportFormat.csv,
    output: OutputOpt = None,
    first: FromOpt = None,
    last: ToOpt = None,
    days: DaysOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the log (or a range of it) as CSV or JSON: date, meal, food, amount, note.

    The shape k2calc report reads and k2calc log import reads back. The amount is the
    amount and unit as understood ('30 gram', '2' for pieces), so each row reads back to
    the same food and grams.

    \b
    Examples:
      k2calc log export > my-log.csv
      k2calc log export --days 7 | k2calc report -
      k2calc log export --format json --from 2026-11-01
    """
    from k2calc import mealog
    from k2calc.views_log import export_view

    path = db_path(db)
    span = _span(None, first, last, days)
    entries = mealog.all_entries(path) if span is None else mealog.entries_between(path, *span)
    emit(export_view(entries), Format(fmt.value), output)


@log_app.command("import")
@user_errors
def import_(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-", help="CSV or JSON in the shape log export writes; - for stdin."
        ),
    ],
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    foods_file: FoodsOpt = None,
    db: DbOpt = None,
    columns: DiaryColumnsOpt = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the usable rows; list the skipped ones on stderr.",
        ),
    ] = False,
) -> None:
    """Add the entries of a CSV or JSON file to the log: every row checked first, then all or none.

    Columns: date (YYYY-MM-DD), food, amount (e.g. '30 g', '2', '1/2 cup'), and optionally
    meal and note; or an ndb column for the food and a grams column for the amount. A
    Cronometer servings export is read as it is. Columns read under other names and
    columns ignored are listed on stderr; a file of several subjects is refused (the log
    is one person's). A file with any bad row imports nothing and lists the bad rows,
    unless --skip-invalid.
    Importing the same file twice logs its entries twice.

    \b
    Examples:
      k2calc log import my-log.csv
      k2calc log export --db old.sqlite3 | k2calc log import -
      k2calc log import servings.csv
    """
    from k2calc import mealog
    from k2calc.bounds import MAX_INPUT_BYTES, read_bounded
    from k2calc.errors import os_reason
    from k2calc.files import open_regular
    from k2calc.views_log import imported_view

    label = "stdin" if file == "-" else file
    try:
        if file == "-":
            data = read_bounded(sys.stdin.buffer)
        else:
            with open_regular(Path(file)) as handle:
                data = read_bounded(handle)
        if data is None:
            raise K2Error(f"{label}: too big to import (over {MAX_INPUT_BYTES:,} bytes)")
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise K2Error(f"{file}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise K2Error(f"{file}: cannot read: {exc}") from None
    skipped: list[str] | None = [] if skip_invalid else None
    left_out: list[str] = []
    with column_hints():
        new = mealog.read_import(
            text, label, food_table(foods_file), columns, announce(label), skipped, left_out
        )
    from k2calc.bounds import safe_lines
    from k2calc.errors import bad_rows_listing

    for rows, what in (
        (left_out, "left out {} row(s): no food eaten"),
        (skipped or [], "skipped {} row(s) that could not be used"),
    ):
        if rows:
            heading = f"k2calc: {label}: {what.format(len(rows))}:"
            typer.echo(safe_lines(bad_rows_listing(heading, rows)), err=True)
    path = db_path(db, creating=True)
    added = mealog.add_entries(path, new) if new else []
    emit(imported_view(added, str(path)), fmt, output)


@log_app.command("path")
@user_errors
def path(db: DbOpt = None) -> None:
    """Print the path of the log database (it may not exist yet).

    \b
    Examples:
      k2calc log path
      sqlite3 "$(k2calc log path)" .schema
    """
    typer.echo(str(db_path(db)))


def register(app: typer.Typer) -> None:
    """Add the ``log`` group to ``app``."""
    app.add_typer(log_app, name="log")
