"""The ``report`` command: a batch intake report over a CSV of many days and subjects."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from k2calc.bounds import safe_lines, shown
from k2calc.cli.common import (
    EXIT_OUTSIDE_TARGET,
    FoodsOpt,
    Format,
    FormatOpt,
    MaxOpt,
    MinOpt,
    StrictOpt,
    user_errors,
)
from k2calc.target import DEFAULT_MAX_MCG, DEFAULT_MIN_MCG

if TYPE_CHECKING:
    import pandas as pd
    from rich.progress import Progress

    from k2calc.report import Report

DEFAULT_CHUNK_ROWS = 200_000
RICH_TABLE_MAX_ROWS = 2_000  # longer day tables are drawn as plain aligned text
PROGRESS_AFTER_SECONDS = 1.0
LABELS = {"date": "Date", "subject": "Subject", "meal": "Meal"}


class By(StrEnum):
    """Levels below the day that ``--by`` can add."""

    meal = "meal"


@user_errors
def report(
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE|-",
            help="CSV with columns date, food, amount (or quantity and unit), optionally "
            "subject and meal; - reads stdin.",
        ),
    ],
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="One row per subject: days, mean, median, min, max, days below / within / "
            "above, day-to-day coefficient of variation.",
        ),
    ] = False,
    by: Annotated[
        By | None, typer.Option("--by", help="Add a level below the day: one row per meal.")
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Report the usable rows; list the skipped ones on stderr (and in JSON).",
        ),
    ] = False,
    chunksize: Annotated[
        int,
        typer.Option(
            "--chunksize",
            min=1,
            metavar="ROWS",
            help="Rows read at a time; memory stays bounded for files of any size.",
        ),
    ] = DEFAULT_CHUNK_ROWS,
    fmt: FormatOpt = Format.table,
    foods_file: FoodsOpt = None,
    min_mcg: MinOpt = DEFAULT_MIN_MCG,
    max_mcg: MaxOpt = DEFAULT_MAX_MCG,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit with status 3 when any day is outside the target."),
    ] = False,
    strict: StrictOpt = False,
) -> None:
    """Report K2 intake per subject and day from a CSV food diary, fast and loud.

    One row per subject and date: MK-4, MK-7, other MK, total, low-high band, status.
    Amounts are items' amounts ('30 g', '2', '1/2 cup'), read exactly as by 'total'.
    Header names are case-insensitive; other columns are ignored; 'k2calc log export'
    output is valid input. A row that cannot be used (unknown food, bad amount or
    date) fails the whole report, with the list of bad rows, unless --skip-invalid.
    With --by meal a meal row carries its day's status.

    \b
    Examples:
      k2calc report examples/diary.csv
      k2calc report examples/diary.csv --summary --format csv
      k2calc log export --format csv | k2calc report - --check
      k2calc report cohort.csv --skip-invalid --format json > report.json
    """
    from k2calc.foods import load_table
    from k2calc.frames import write_csv, write_json
    from k2calc.report import bad_rows_text, plural
    from k2calc.report import report as build_report
    from k2calc.target import Target

    target = Target(min_mcg, max_mcg)
    table = load_table(foods_file)
    source: Path | TextIO = sys.stdin if file == "-" else Path(file)
    with _ProgressBar(source) as bar:
        result = build_report(
            source,
            table,
            target,
            by_meal=by is By.meal,
            skip_invalid=skip_invalid,
            chunksize=chunksize,
            progress=bar.update,
            strict=strict,
        )
    with result:
        if len(result.skipped):
            count = plural(len(result.skipped), "row")
            heading = f"k2calc: {file}: skipped {count} that could not be used:"
            listed = bad_rows_text(result.skipped, heading)
            typer.echo(safe_lines(listed), err=True)  # no raw control characters (D10)
        if fmt is Format.json:
            sections = [("days", result.day_batches())]
            if summary:
                sections.append(("summary", result.summary_batches()))
            sections.append(("skipped", iter([result.skipped])))
            write_json(sections, sys.stdout)
        elif fmt is Format.csv and summary:
            write_csv(result.summary_batches(), result.summary_keys, sys.stdout)
        elif fmt is Format.csv:
            write_csv(result.day_batches(), result.day_keys, sys.stdout)
        elif summary:
            _summary_table(result, sys.stdout)
        else:
            _days_table(result, sys.stdout)
        if check and result.outside_target:
            raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _cells(row: dict[str, Any]) -> list[str]:
    """MK-4, MK-7, other MK, total (* when partial) and band cells of a day row."""
    from k2calc.render import band_text, form_cell, total_cell

    unsplit = not row["partial"]  # a form is missing only because the source gave a total
    return [
        *(form_cell(row[key], unsplit) for key in ("mk4_mcg", "mk7_mcg", "other_mk_mcg")),
        total_cell(row["total_mcg"], row["partial"]),
        band_text(row["low_mcg"], row["high_mcg"]),
    ]


def _days_table(result: Report, file: TextIO) -> None:
    """One table row per subject and day (and meal); plain text past RICH_TABLE_MAX_ROWS."""
    from rich.table import Table
    from rich.text import Text

    from k2calc.frames import as_records
    from k2calc.render import LEGEND, STATUS_STYLE, console
    from k2calc.report import plural

    keys = [k for k in result.day_keys if k in LABELS]
    out = console(file)
    out.print("Vitamin K2 by day (mcg)")
    first: list[pd.DataFrame] = []
    for batch in result.day_batches():  # rich needs about a minute for 100,000 rows
        first.append(batch)
        if sum(map(len, first)) > RICH_TABLE_MAX_ROWS:
            _plain_days_table(result, keys, file)
            break
    else:
        table = Table(show_edge=False)
        for key in keys:
            table.add_column(LABELS[key], no_wrap=key == "date", overflow="fold", min_width=7)
        for header in ("MK-4", "MK-7", "Other MK", "Total"):
            table.add_column(header, justify="right", no_wrap=True)
        table.add_column("Range", justify="right", overflow="fold")  # may wrap, never cut
        table.add_column("Status", no_wrap=True)
        for batch in first:
            for row in as_records(batch):
                status = Text(row["status"], style=STATUS_STYLE[row["status"]])
                table.add_row(*(shown(str(row[k]), 200) for k in keys), *_cells(row), status)
        out.print(table)
    counts = result.status_counts()
    target = result.target
    out.print(
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day: "
        + " · ".join(f"{plural(counts[s], 'day')} {s}" for s in STATUS_STYLE)
    )
    out.print(Text(LEGEND, style="dim"))


def _plain_cells(batch: pd.DataFrame, keys: list[str]) -> list[list[str]]:
    """The plain table's cells of a batch of day rows."""
    from k2calc.frames import as_records

    return [
        [*(shown(str(row[k]), 200) for k in keys), *_cells(row), row["status"]]
        for row in as_records(batch)
    ]


def _plain_days_table(result: Report, keys: list[str], file: TextIO) -> None:
    """The day rows as plain aligned text (as ``render.plain_table`` lays it out), in two
    passes over the batches, widths then rows, so memory stays bounded."""
    headers = [*(LABELS[k] for k in keys), "MK-4", "MK-7", "Other MK", "Total", "Range", "Status"]
    right = [False] * len(keys) + [True] * 5 + [False]
    widths = [len(h) for h in headers]
    for batch in result.day_batches():
        for row in _plain_cells(batch, keys):
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    file.write(line(headers) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    for batch in result.day_batches():
        file.writelines(line(row) + "\n" for row in _plain_cells(batch, keys))


def _summary_table(result: Report, file: TextIO) -> None:
    """One table row per subject."""
    from rich.table import Table

    from k2calc.render import NOT_MEASURED, console, mcg

    table = Table(title="Vitamin K2 per subject (mcg a day)", title_justify="left", show_edge=False)
    if result.has_subject:
        table.add_column("Subject", no_wrap=True)
    for header in ("Days", "Mean", "Median", "Min", "Max", "Below", "Within", "Above", "CV"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in result.summary_rows():
        cv = NOT_MEASURED if row["cv"] is None else f"{row['cv']:.0%}"
        table.add_row(
            *([shown(str(row["subject"]), 200)] if result.has_subject else []),
            str(row["days"]),
            *(mcg(row[k]) for k in ("mean_mcg", "median_mcg", "min_mcg", "max_mcg")),
            *(str(row[f"days_{s}"]) for s in ("below", "within", "above")),
            cv,
        )
    out = console(file)
    out.print(table)
    target = result.target
    out.print(
        f"Target {target.min_mcg:g}–{target.max_mcg:g} mcg/day · CV: day-to-day coefficient "
        "of variation (sample standard deviation / mean)"
    )


class _ProgressBar:
    """A progress bar on stderr, shown only on a terminal and once the run passes 1 s."""

    def __init__(self, source: Path | TextIO) -> None:
        self.total_bytes = None
        if isinstance(source, Path) and source.is_file():
            self.total_bytes = source.stat().st_size
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty()
        self.bar: Progress | None = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, rows: int, bytes_read: int | None) -> None:
        """Called after each chunk."""
        if not self.enabled or time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.add_task("reading", total=self.total_bytes)
            self.bar.start()
        known = bytes_read is not None and self.total_bytes is not None
        self.bar.update(
            self.bar.task_ids[0],
            completed=bytes_read if known else rows,
            description=f"{rows:,} rows",
        )


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command()(report)
