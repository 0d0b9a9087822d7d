"""The ``report`` command: a batch intake report over a CSV of many days and subjects."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from k2calc.bounds import safe_lines
from k2calc.cli.columns import (
    AmountColumnOpt,
    DateColumnOpt,
    FoodColumnOpt,
    MealColumnOpt,
    SubjectColumnOpt,
    announce,
    column_hints,
    mapping_of,
)
from k2calc.cli.common import (
    EXIT_OUTSIDE_TARGET,
    FoodsOpt,
    FormatOpt,
    MaxOpt,
    MinOpt,
    StrictOpt,
    user_errors,
)
from k2calc.output import PLACES, Format
from k2calc.target import DEFAULT_MAX_MCG, DEFAULT_MIN_MCG

if TYPE_CHECKING:
    import pandas as pd
    from rich.progress import Progress

    from k2calc.report import Report

DEFAULT_CHUNK_ROWS = 200_000
PROGRESS_AFTER_SECONDS = 1.0


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
    subject_column: SubjectColumnOpt = None,
    date_column: DateColumnOpt = None,
    food_column: FoodColumnOpt = None,
    amount_column: AmountColumnOpt = None,
    meal_column: MealColumnOpt = None,
) -> None:
    """Report K2 intake per subject and day from a CSV food diary, fast and loud.

    One row per subject and date: MK-4, MK-7, other MK, total, low-high band, status.
    Amounts are items' amounts ('30 g', '2', '1/2 cup'), read exactly as by 'total'.
    Header names are case-insensitive; a food may be an NDB number (an ndb column, or
    'ndb:01009') and an amount a grams column. Columns read under other names and
    columns ignored are listed on stderr; a file without a subject column but with one
    that names people (Client, participant, SEQN…) is refused unless --subject-column
    says which. A Cronometer servings export is read as it is. 'k2calc log export'
    output is valid input. A row that cannot be used (unknown food, bad amount or
    date) fails the whole report, with the list of bad rows, unless --skip-invalid.
    With --by meal a meal row carries its day's status.

    \b
    Examples:
      k2calc report examples/diary.csv
      k2calc report examples/diary.csv --summary --format csv
      k2calc log export --format csv | k2calc report - --check
      k2calc report cohort.csv --skip-invalid --format json > report.json
      k2calc report clients.csv --subject-column Client --summary
      k2calc report servings.csv --by meal
    """
    from k2calc.foods import load_table
    from k2calc.report import bad_rows_lines, plural
    from k2calc.report import report as build_report
    from k2calc.target import Target

    target = Target(min_mcg, max_mcg)
    table = load_table(foods_file)
    source: Path | TextIO = sys.stdin if file == "-" else Path(file)
    mapping = mapping_of(subject_column, date_column, food_column, amount_column, meal_column)
    with _ProgressBar(source) as bar, column_hints():
        result = build_report(
            source,
            table,
            target,
            by_meal=by is By.meal,
            skip_invalid=skip_invalid,
            chunksize=chunksize,
            progress=bar.update,
            strict=strict,
            mapping=mapping,
            on_plan=announce("stdin" if file == "-" else file),
        )
    if len(result.skipped):
        heading = f"{file}: skipped {plural(len(result.skipped), 'row')} that could not be used:"
        listed = "\n".join(bad_rows_lines(result.skipped, f"k2calc: {heading}"))
        typer.echo(safe_lines(listed), err=True)  # no raw control characters (D10)
    if fmt is Format.json:
        _write_json(result, summary, sys.stdout)
    elif fmt is Format.csv:
        frame = result.summary() if summary else result.days
        keys = result.summary_keys if summary else result.day_keys
        _write_csv(frame[keys], sys.stdout)
    else:
        from k2calc.output import draw
        from k2calc.views_report import days_blocks, summary_blocks

        draw(summary_blocks(result) if summary else days_blocks(result), sys.stdout)
    if check and result.outside_target:
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Floats rounded once for output, as ``render.clean`` does (and -0.0 made 0.0)."""
    out = frame.copy()
    for key in out.select_dtypes(include=float).columns:
        out[key] = out[key].round(PLACES) + 0.0
    return out


def _write_csv(frame: pd.DataFrame, file: TextIO) -> None:
    """CSV with the JSON keys as header; empty for null, true/false, floats as render writes."""
    import numpy as np

    from k2calc.csvcells import neutralise

    out = _rounded(frame)
    for key in out.select_dtypes(include=bool).columns:
        out[key] = np.where(out[key].to_numpy(), "true", "false")
    for key in out.select_dtypes(include=["object", "category", "string"]).columns:
        if key not in ("partial",):  # text cells: no spreadsheet formulas (D9)
            out[key] = (
                out[key].astype(object).map(lambda v: neutralise(v) if isinstance(v, str) else v)
            )
    out.to_csv(file, index=False, lineterminator="\n")


def _write_json(result: Report, summary: bool, file: TextIO) -> None:
    """The report object, one day (or summary, or skipped row) a line: fast for big files.

    Rows go through pandas' JSON encoder (NaN → null); floats are rounded to PLACES first
    and written with that many decimals, so they read back as ``render.clean`` leaves them.
    """
    parts = [("days", result.days[result.day_keys])]
    if summary:
        parts.append(("summary", result.summary()[result.summary_keys]))
    parts.append(("skipped", result.skipped))
    file.write("{\n")
    for position, (key, frame) in enumerate(parts):
        end = "," if position < len(parts) - 1 else ""
        if frame.empty:
            file.write(f'  "{key}": []{end}\n')
            continue
        encoded = _rounded(frame).to_json(
            orient="records", lines=True, force_ascii=False, double_precision=PLACES
        )
        lines = ",\n".join("    " + line for line in encoded.splitlines())
        file.write(f'  "{key}": [\n{lines}\n  ]{end}\n')
    file.write("}\n")


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
