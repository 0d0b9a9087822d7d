"""The ``report`` command: a batch intake report over a CSV of many days and subjects."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from k2calc.bounds import safe_lines
from k2calc.cli.columns import DiaryColumnsOpt, announce, column_hints
from k2calc.cli.common import (
    DEFAULT_LOOKUP,
    DEFAULT_TARGET,
    EXIT_OUTSIDE_TARGET,
    FormatOpt,
    LookupOpt,
    OutputOpt,
    TargetOpt,
    TitleOpt,
    UsageError,
    user_errors,
)
from k2calc.output import Format

if TYPE_CHECKING:
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
            "above, SD, day-to-day coefficient of variation and largest change, the same for "
            "K1, the share of items measured, dates not logged, in progress; JSON adds the "
            "weekly means.",
        ),
    ] = False,
    weeks: Annotated[
        bool,
        typer.Option(
            "--weeks",
            help="Weekly means per subject instead (weeks from Monday: days logged, K2 and K1 "
            "means), e.g. as CSV.",
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
    output: OutputOpt = None,
    lookup: LookupOpt = DEFAULT_LOOKUP,
    target: TargetOpt = DEFAULT_TARGET,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit with status 3 when any day is outside the target."),
    ] = False,
    columns: DiaryColumnsOpt = None,
    title: TitleOpt = None,
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            metavar="ID",
            help="With --summary: only this subject (e.g. one participant's page).",
        ),
    ] = None,
) -> None:
    """Report K2 intake per subject and day from a CSV food diary, fast and loud.

    One row per subject and date: MK-4, MK-7, other MK, total, low-high band, status,
    and K1 beside them (never in the K2 total), with the share of items measured.
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
      k2calc report examples/diary.csv --weeks --format csv
      k2calc log export --format csv | k2calc report - --check
      k2calc report cohort.csv --skip-invalid --format json > report.json
      k2calc report clients.csv --subject-column Client --summary
      k2calc report servings.csv --by meal
      k2calc report study.csv --summary --format html --title "Study X" > study.html
      k2calc report study.csv --summary --subject P004 --format html > p004.html
    """
    if weeks and by is not None:
        raise UsageError("weekly means are per day: give --weeks or --by, not both")
    if subject is not None and not summary:
        raise UsageError("--subject picks a subject of the summary: give it with --summary")
    from k2calc.diary import is_left_out
    from k2calc.output import emit, titled
    from k2calc.report import NO_WEEKS, ReportFileError, bad_rows_text, plural
    from k2calc.report import report as build_report
    from k2calc.views_report import report_view

    table = lookup.table()
    source: Path | TextIO = sys.stdin if file == "-" else Path(file)
    with _ProgressBar(source) as bar, column_hints():
        result = build_report(
            source,
            table,
            target,
            by_meal=by is By.meal,
            skip_invalid=skip_invalid,
            chunksize=chunksize,
            progress=bar.update,
            strict=lookup.strict,
            mapping=columns,
            on_plan=announce("stdin" if file == "-" else file),
        )
    with result:
        if weeks and result.numbered_days:
            raise ReportFileError(f"{file}: {NO_WEEKS}; --summary gives the means per person")
        left_out = result.skipped["reason"].map(is_left_out).astype(bool)
        for rows, what in (
            (result.skipped[left_out], "left out {count}: no food eaten"),
            (result.skipped[~left_out], "skipped {count} that could not be used"),
        ):
            if len(rows):
                heading = f"k2calc: {file}: {what.format(count=plural(len(rows), 'row'))}:"
                listed = bad_rows_text(rows, heading)
                typer.echo(safe_lines(listed), err=True)  # no raw control characters (D10)
        if subject is not None:
            _check_subject(result, subject, file)
        emit(titled(report_view(result, summary, weeks, subject), title), fmt, output)
        if result.file_k1 is not None:
            typer.echo(f"k2calc: {file}: {k1_comparison_text(result)}", err=True)
        if check and result.outside_target:
            raise typer.Exit(EXIT_OUTSIDE_TARGET)


def k1_comparison_text(result: Report) -> str:
    """One line: the report's K1 per person-day against the recall file's own vitamin K."""
    from k2calc.recall import k1_agreement

    found = k1_agreement(result.days())
    if found is None:
        return f"{result.recall_kind} file: no person-day with both K1 values to compare"
    days, ours, theirs, median = found
    change = (ours - theirs) / theirs * 100
    return (
        f"{result.recall_kind} file: K1 over {days:,} person-days {ours:,.1f} mcg against the "
        f"file's own vitamin K {theirs:,.1f} mcg ({change:+.1f}%); median person-day "
        f"difference {median:.1f}%"
    )


def _check_subject(result: Report, subject: str, file: str) -> None:
    """Refuse a --subject the report has no rows of (naming a few that it has)."""
    from k2calc.errors import K2Error

    found = [str(s) for b in result.summary_batches() if "subject" in b for s in b["subject"]]
    if subject not in found:
        some = ", ".join(found[:5]) + (", …" if len(found) > 5 else "")
        raise K2Error(
            f"--subject {subject}: no such subject in {file} (subjects: {some or 'none'})"
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
