"""The ``report`` command: a batch intake report over a CSV of many days and subjects."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from k2calc.bounds import safe_lines
from k2calc.cli.columns import DiaryColumnsOpt, announce, column_hints
from k2calc.cli.common import (
    DEFAULT_LOOKUP,
    DEFAULT_TARGET,
    EXIT_OUTSIDE_TARGET,
    FormatOpt,
    LookupOpt,
    TargetOpt,
    UsageError,
    user_errors,
)
from k2calc.output import Format

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    from rich.progress import Progress

    from k2calc.output import Column
    from k2calc.report import Report
    from k2calc.views_report import Cells, FrameCells

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
    lookup: LookupOpt = DEFAULT_LOOKUP,
    target: TargetOpt = DEFAULT_TARGET,
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit with status 3 when any day is outside the target."),
    ] = False,
    columns: DiaryColumnsOpt = None,
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
    """
    if weeks and by is not None:
        raise UsageError("weekly means are per day: give --weeks or --by, not both")
    from k2calc.frames import write_csv, write_json
    from k2calc.report import bad_rows_text, plural
    from k2calc.report import report as build_report

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
        if len(result.skipped):
            count = plural(len(result.skipped), "row")
            heading = f"k2calc: {file}: skipped {count} that could not be used:"
            listed = bad_rows_text(result.skipped, heading)
            typer.echo(safe_lines(listed), err=True)  # no raw control characters (D10)
        if fmt is Format.json:
            sections: list[tuple[str, Iterable[pd.DataFrame]]] = []
            if not weeks:
                sections.append(("days", result.day_batches()))
            if summary and not weeks:
                sections.append(("summary", result.summary_batches(dates=True)))
            if summary or weeks:
                sections.append(("weeks", result.week_batches()))
            sections.append(("skipped", iter([result.skipped])))
            write_json(sections, sys.stdout)
        elif fmt is Format.csv and weeks:
            write_csv(result.week_batches(), result.week_keys, sys.stdout)
        elif fmt is Format.csv and summary:
            write_csv(result.summary_batches(), result.summary_keys, sys.stdout)
        elif fmt is Format.csv:
            write_csv(result.day_batches(), result.day_keys, sys.stdout)
        else:
            _tables(result, summary, weeks, sys.stdout)
        if check and result.outside_target:
            raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _tables(result: Report, summary: bool, weeks: bool, file: TextIO) -> None:
    """The table form: the day rows, or the summary and the weekly means under it, or the
    weekly means alone."""
    from k2calc import output
    from k2calc.frames import as_records
    from k2calc.views_report import (
        WEEKS_TITLE,
        day_columns,
        day_frame_cells,
        days_blocks,
        summary_blocks,
        week_columns,
        week_frame_cells,
    )

    if not summary and not weeks:
        columns = day_columns(result)
        blocks = lambda rows: days_blocks(result, rows)  # noqa: E731
        _table(result.day_batches, columns, day_frame_cells(result), blocks, file)
        return
    if summary and not weeks:
        rows = [r for batch in result.summary_batches() for r in as_records(batch)]
        output.draw(summary_blocks(result, rows), file)
        file.write("\n")
    columns = week_columns(result)
    weekly = lambda rows: [output.Grid(columns, rows, WEEKS_TITLE)]  # noqa: E731
    _table(result.week_batches, columns, week_frame_cells(result), weekly, file)


def _table(
    batches: Callable[[], Iterator[pd.DataFrame]],
    columns: list[Column],
    cells: list[FrameCells],
    blocks: Callable[[list[dict[str, Any]]], list[Any]],
    file: TextIO,
) -> None:
    """Rows from ``batches`` as a table: laid out by rich when short; streamed as plain
    aligned text (as ``output.plain_grid`` lays it out) in two passes when long, the cells of
    each batch drawn column by column (``cells``, one per column). ``blocks`` of the rows:
    the table (a ``Grid``) first, then lines under it."""
    import pandas as pd

    from k2calc import output
    from k2calc.frames import as_records

    first: list[pd.DataFrame] = []
    rows = batches()
    for batch in rows:
        first.append(batch)
        if sum(map(len, first)) > output.PLAIN_ROWS:
            break
    else:
        output.draw(blocks(as_records(pd.concat(first)) if first else []), file)
        return
    getattr(rows, "close", lambda: None)()  # its thread stops; the plain text reads anew
    del first
    drawn = _plain_rows(batches, columns, cells, lambda: blocks([]), file)
    output.draw(drawn[1:], file)


def _plain_rows(
    batches: Callable[[], Iterator[pd.DataFrame]],
    columns: list[Column],
    cells: list[FrameCells],
    blocks: Callable[[], list[Any]],
    file: TextIO,
) -> list[Any]:
    """``output.plain_grid`` over batches: the cells drawn in one pass, which measures the
    widths and sets the drawn cells aside in a temporary file (each column's codes and its
    distinct texts, so memory stays bounded by the batch); then the lines are put together
    from each column's distinct cells, padded once. Returns ``blocks()`` (called after the
    first pass, so that counts made on the way are known), whose first is the table: its
    title goes first."""
    import pickle
    import tempfile

    import numpy as np

    widths = [len(c.header) for c in columns]
    with tempfile.TemporaryFile() as drawn_file:
        batches_drawn = 0
        for batch in batches():
            rows, drawn_cells, by_value = _batch_cells(batch, cells)
            for place, (codes, texts) in enumerate(drawn_cells):
                used = np.bincount(codes, minlength=len(texts)) > 0
                longest = max((len(t) for t, u in zip(texts, used, strict=True) if u), default=0)
                widths[place] = max(widths[place], longest)
            saved = (len(batch), rows, drawn_cells, by_value)
            pickle.dump(saved, drawn_file, protocol=pickle.HIGHEST_PROTOCOL)
            batches_drawn += 1

        def line(row: list[str]) -> str:
            return "  ".join(
                cell.rjust(w) if c.numeric else cell.ljust(w)
                for cell, w, c in zip(row, widths, columns, strict=True)
            ).rstrip()

        drawn = blocks()
        file.write(f"{drawn[0].title}\n{line([c.header for c in columns])}\n")
        file.write("  ".join("-" * w for w in widths) + "\n")
        last = len(columns) - 1
        drawn_file.seek(0)
        for _ in range(batches_drawn):
            size, rows, drawn_cells, by_value = pickle.load(drawn_file)
            pieces = np.empty((size, len(columns)), dtype=object)
            trailing = False  # some line would end in spaces: strip them, as plain_grid does
            for place, (column, width) in enumerate(zip(columns, widths, strict=True)):
                codes, texts = drawn_cells[place]
                if by_value[place]:  # drawn from the distinct value rows
                    codes = codes[rows]
                padded = [t.rjust(width) if column.numeric else t.ljust(width) for t in texts]
                if place == last:
                    trailing = any(t.endswith(" ") for t in padded)
                after = "\n" if place == last else "  "
                pieces[:, place] = np.asarray([t + after for t in padded], dtype=object)[codes]
            text = "".join(pieces.ravel())
            if trailing:
                text = "".join(line.rstrip() + "\n" for line in text.splitlines())
            file.write(text)
    return drawn


def _batch_cells(
    batch: pd.DataFrame, cells: list[FrameCells]
) -> tuple[npt.NDArray[np.intp] | None, list[Cells], list[bool]]:
    """Each column's cells of ``batch``: those of the leading text columns (date, subject,
    meal) from the batch, the others from its distinct value rows where they repeat; the
    number of each row's distinct value row (else ``None``), and which columns' codes are
    by those numbers. Codes are kept in the smallest integer type that holds them."""
    import numpy as np

    from k2calc.frames import distinct_rows, leading_text
    from k2calc.views_report import CategoryCells, Cells

    def small(some: Cells) -> Cells:
        return Cells(some.codes.astype(np.min_scalar_type(len(some.texts))), some.texts)

    leading = leading_text(batch)
    found = distinct_rows(batch, [str(k) for k in batch.columns if k not in leading])
    if found is None:
        return None, [small(draw(batch)) for draw in cells], [False] * len(cells)
    codes, firsts = found
    distinct = batch.iloc[firsts].reset_index(drop=True)
    by_row = [isinstance(draw, CategoryCells) and draw.key in leading for draw in cells]
    out = [small(draw(batch if row else distinct)) for draw, row in zip(cells, by_row, strict=True)]
    return codes.astype(np.min_scalar_type(len(firsts))), out, [not row for row in by_row]


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
