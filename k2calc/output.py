"""The one output path: a command builds a ``View``; ``emit`` writes it as a table, CSV, JSON
or a self-contained HTML page (``page``).

One JSON encoder, one CSV writer, one rounding rule. Rows come as dicts, or, for a report's
millions, as ``Frames`` (DataFrame batches), which the same writers hand to their fast path
(``frames``, ``frame_table``). Tables for people are laid out by rich up to ``PLAIN_ROWS``
rows and as plain aligned text beyond (fast for thousands of rows). A table is never cut:
written to a file or a pipe it takes the width it needs; on a narrow terminal the least
important columns go first (a line under it names them), text folds, and numbers never split.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from k2calc.bounds import escaped
from k2calc.csvcells import neutralise
from k2calc.errors import K2Error, os_reason

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from k2calc.frame_table import FrameCells

PLACES = 6  # decimals kept in CSV and JSON: hides float noise, keeps micrograms exact
TEXT_MIN_WIDTH = 8  # a text column folds no narrower than this (or its widest cell)
PLAIN_ROWS = 2000  # longer tables print as plain text: rich's layout is slow past this


class Format(StrEnum):
    """Output formats every data command accepts."""

    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


def clean(value: Any) -> Any:
    """Round floats once, for output; lists and maps are cleaned through."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number in output: {value}")
        rounded = round(value, PLACES)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


@dataclass(frozen=True)
class Frames:
    """Rows too many to hold as dicts: DataFrame batches whose columns are the rows' keys,
    made anew by each call of ``batches`` (floats rounded, NaN written as null, on the way
    out, as ``clean`` does)."""

    batches: Callable[[], Iterator[pd.DataFrame]]


def write_json(data: Any, file: TextIO) -> None:
    """JSON with numbers as numbers, ``null`` for not measured; NaN fails loudly. A document
    of ``Frames`` (a report's) is an object of arrays written as they stream, a row a line."""
    streamed = isinstance(data, Mapping) and all(isinstance(v, Frames) for v in data.values())
    if not streamed or not data:
        file.write(json.dumps(clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        return
    from k2calc.frames import json_rows

    file.write("{\n")
    for position, (key, rows) in enumerate(data.items()):
        end = "," if position < len(data) - 1 else ""
        file.write(f"  {json.dumps(key)}: [")
        wrote = json_rows(rows.batches(), file)
        file.write(f"\n  ]{end}\n" if wrote else f"]{end}\n")
    file.write("}\n")


def csv_cell(value: Any) -> str:
    """One CSV cell: rounded numbers, ``true``/``false``, lists and maps joined with ``;``."""
    value = clean(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ";".join(f"{k}={csv_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ";".join(csv_cell(v) for v in value)
    return neutralise(value) if isinstance(value, str) else str(value)  # D9: no formulas


def write_csv(
    rows: Iterable[Mapping[str, Any]] | Frames, keys: Sequence[str], file: TextIO
) -> None:
    """CSV whose header is ``keys`` (the JSON keys of the rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    if isinstance(rows, Frames):
        from k2calc.frames import csv_rows

        file.write(buffer.getvalue())
        csv_rows(rows.batches(), keys, file)
        return
    # csv quotes a cell holding the line terminator ("\n") but not a lone CR, which readers
    # take as a line end too: a row with one is written with "\r\n" rows, then ended "\n"
    quoting_cr = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        cells = [csv_cell(row.get(k)) for k in keys]
        if any("\r" in cell for cell in cells):
            quoting_cr.writerow(cells)
            buffer.seek(buffer.tell() - 2)
            buffer.write("\n")
            buffer.truncate()
        else:
            writer.writerow(cells)
    file.write(buffer.getvalue())


def record_keys(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of ``records``, in the order first seen."""
    return list(dict.fromkeys(k for r in records for k in r))


@dataclass(frozen=True)
class Column:
    """A column of a table for people: a header and how to draw a row's cell."""

    header: str
    cell: Callable[[Any], Any]  # a row -> its cell: str or rich Text
    numeric: bool = False  # right-aligned and never split across lines
    footer: str = ""
    drop: int = 0  # 0: always shown; on a narrow terminal the highest goes first
    style: str = ""  # a rich style for the whole column, e.g. to set K1 apart from K2
    fold: bool = True  # text may fold across lines (False: like numbers, never split)
    # A stand-in: hidden until every column of these headers is hidden on a narrow terminal,
    # then shown in their place (their sum in one column, so the shown forms still add up).
    stands_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A table for people: rows drawn through ``columns``, with an optional footer row."""

    columns: Sequence[Column]
    rows: Sequence[Any]
    title: str = ""
    footer: bool = False
    row_style: Callable[[Any], str] | None = None  # e.g. bold for a meal's subtotal row
    section_after: Callable[[Any, Any], bool] | None = None  # a rule between two rows
    bare: bool = False  # no header and no box: a card of label and value


@dataclass(frozen=True)
class FrameTable:
    """A table of ``Frames`` rows: ``blocks`` of the rows (a ``Grid`` first, then lines
    under it) when they are few; when they are many and ``cells`` draw ``columns`` a batch
    at a time (``frame_table``), plain aligned text streamed with the lines of ``blocks([])``
    under it."""

    rows: Frames
    blocks: Callable[[list[dict[str, Any]]], Sequence[Block]]
    columns: Sequence[Column] = ()
    cells: Sequence[FrameCells] | None = None  # None: the rows are always read whole


class TextChart(str):
    """A picture drawn in text (a bar chart): a page with charts of its own leaves it out."""


@dataclass(frozen=True)
class Legend:
    """The marks' legend under a table: each part with the headers of the columns it
    explains (none: always), so a part whose columns a narrow terminal hid is left out."""

    lines: Sequence[Sequence[tuple[str, tuple[str, ...]]]]  # lines of parts joined by " · "

    def text(self, shown: set[str] | None) -> Text:
        """The legend of the columns ``shown`` (``None``: every column)."""
        from rich.text import Text

        def wanted(headers: tuple[str, ...]) -> bool:
            return shown is None or not headers or bool(shown & set(headers))

        lines = [" · ".join(p for p, headers in line if wanted(headers)) for line in self.lines]
        return Text("\n".join(line for line in lines if line), style="dim")


Block: TypeAlias = "Grid | FrameTable | Legend | str | Text"  # a table form's parts, in turn


@dataclass(frozen=True)
class Chart:
    """A chart of a page: its heading, the SVG, a note under it, and, for the first chart of
    a subject, the subject's heading, which starts a new printed page."""

    heading: str
    svg: str
    note: str = ""
    starts: str = ""


def no_charts() -> Sequence[Chart]:
    """A page without charts."""
    return ()


@dataclass(frozen=True)
class Page:
    """What a page (``--format html``) carries besides the table form: what it is about, the
    charts, sections the table form leaves out, and the sources behind its values."""

    about: str = ""  # what the page shows, e.g. "Vitamin K by day"
    subject: str = ""  # the person or subject (``--title``)
    period: str = ""  # the dates shown
    target: str = ""  # the target, as a line
    # makes the charts: run only for a page, so the plotting library is imported only then
    charts: Callable[[], Sequence[Chart]] = no_charts
    sections: Sequence[Block] = ()  # drawn after the charts
    foods: Sequence[str] = ()  # the foods whose sources the page cites
    table_values: str = ""  # how the values were taken, e.g. "as logged"


@dataclass(frozen=True)
class View:
    """What a command shows: its JSON document, its CSV records, its table form, and what
    its page adds."""

    document: Any
    records: Sequence[Mapping[str, Any]] | Frames
    blocks: Sequence[Block] = ()
    keys: Sequence[str] = field(default=())  # the CSV header; default: the records' keys
    page: Page = Page()


def titled(view: View, subject: str | None) -> View:
    """``view`` with its page about ``subject`` (the person or subject named by ``--title``)."""
    if not subject:
        return view
    return replace(view, page=replace(view.page, subject=subject))


# Set while a page is made: a page's tables are as wide as they need (the browser and the
# printer wrap them), so no column is dropped for a terminal's width.
PAGE_WIDTH: ContextVar[int | None] = ContextVar("page_width", default=None)


def text_width() -> int:
    """The width tables for people are laid out in: a page's, else the terminal's, else
    $COLUMNS, else 80."""
    import shutil

    page = PAGE_WIDTH.get()
    return page if page is not None else shutil.get_terminal_size((80, 24)).columns


# A write that fails for one of these is the output's failure, said in one line (issue #27);
# EPIPE (a reader that stopped) is not a failure.
WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EACCES, errno.EPERM, errno.EROFS}
)


class OutputError(K2Error):
    """The output could not be written (a full disk, an I/O error, no permission)."""


def write_failure(exc: OSError, what: str = "the output") -> OutputError:
    """The one line for a failed write of ``what``: ``cannot write the output: no space
    left on device``."""
    return OutputError(f"cannot write {what}: {os_reason(exc)}")


def emit(view: View, fmt: Format, to: TextIO | Path | None = None) -> None:
    """Write ``view`` as ``fmt`` to ``to``: stdout (``None``), an open text file, or a file
    by its path, written whole beside it and renamed into place (``written``). A long
    table on a terminal is paged.

    A write that fails (a full disk, an I/O error, no permission) is an ``OutputError``
    and a reader that stopped (``| head``) a ``BrokenPipeError``; what could not be
    written to stdout is dropped, so nothing is written again (half) at exit.
    """
    try:
        if isinstance(to, Path):
            with written(to) as out:
                _write(view, fmt, out)
            return
        if to is None and fmt is Format.table and _paged(view.blocks):
            sys.stdout.flush()
            return
        out = sys.stdout if to is None else to
        _write(view, fmt, out)
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if to is None:
            drop_stdout()
        raise write_failure(exc, str(to) if isinstance(to, Path) else "the output") from None


@contextmanager
def written(path: Path) -> Iterator[TextIO]:
    """A text file (UTF-8) that becomes ``path`` only when all of it is written: it is made
    beside ``path`` (beside the file a symbolic link names) and renamed over it on success,
    removed on any failure, so a full disk or an interrupt never leaves a 0-byte or
    half-written ``path``. It gets the mode a new file gets, or the mode of the file it
    replaces. A ``path`` that is not a regular file (``/dev/null``, a FIFO) is written to
    as it is: it is never replaced."""
    import tempfile

    real = path.resolve()
    if real.exists() and not real.is_file():
        with real.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    descriptor, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, _mode_for(real))
        os.replace(name, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits of ``path`` if it exists, else those of a new file (umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def drop_stdout() -> None:
    """Point stdout at the null device, so what is still buffered for it is dropped quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _write(view: View, fmt: Format, out: TextIO) -> None:
    """``view`` as ``fmt`` on ``out``."""
    if fmt is Format.json:
        write_json(view.document, out)
    elif fmt is Format.csv:
        keys = view.keys
        if not keys and not isinstance(view.records, Frames):
            keys = record_keys(view.records)
        write_csv(view.records, keys, out)
    elif fmt is Format.html:
        from k2calc.page import write_page

        write_page(view, out)
    else:
        draw(view.blocks, out)


def _paged(blocks: Sequence[Block]) -> bool:
    """Draw ``blocks`` for the terminal and send them through the pager if they are taller
    than the screen; False (nothing written) when stdout is no terminal, paging is off, or
    the table streams (a report's rows, drawn as they come)."""
    from k2calc import pager

    command = pager.wanted()
    if command is None or any(isinstance(b, FrameTable) for b in blocks):
        return False
    drawn = io.StringIO()
    draw(blocks, drawn, terminal=True)
    text = drawn.getvalue()
    if pager.taller_than_screen(text):
        pager.page(text, command)
    else:
        sys.stdout.write(text)
    return True


def draw(blocks: Sequence[Block], file: TextIO, terminal: bool = False) -> None:
    """The table form: each block in turn, tables never cut; with ``terminal``, drawn for
    the terminal (its width and colours) although ``file`` is not one."""
    from rich.console import Console

    class Drawing(Console):
        def on_broken_pipe(self) -> None:
            """A reader that stopped (``| head``): k2calc's own handling (exit 0), not
            rich's (exit 1)."""
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    console = Drawing(
        file=file,
        highlight=False,
        soft_wrap=False,
        force_terminal=terminal or None,
        width=text_width() if terminal else None,
    )
    shown: set[str] | None = None  # the headers of the last table drawn (None: all of them)
    for block in blocks:
        if isinstance(block, FrameTable):
            from k2calc.frame_table import draw_frame_table

            file.flush()
            draw_frame_table(block, file)
            shown = None
        elif isinstance(block, Grid) and len(block.rows) > PLAIN_ROWS:
            plain_grid(block, file)
            shown = None
        elif isinstance(block, Grid):
            if block.title:
                console.print(escaped(block.title), markup=False, highlight=False)
            width = console.width
            table, positions, hidden = _fitted(block, console)
            console.print(table)
            shown = {block.columns[i].header for i in positions}
            if hidden:
                line = _hidden_line([block.columns[i] for i in positions], hidden, width)
                console.print(line, style="dim", markup=False, highlight=False)
        elif isinstance(block, Legend):
            console.print(block.text(shown), markup=False, highlight=False)
        else:
            # plain lines (a path, a count) are never wrapped; styled lines fold at the width
            line = escaped(block) if isinstance(block, str) else _escaped(block)
            console.print(line, markup=False, highlight=False, soft_wrap=isinstance(block, str))


def _rich_table(grid: Grid, cells: Sequence[Sequence[Any]], shown: Sequence[int]) -> Table:
    """The rich table of ``grid``'s columns at the positions ``shown``, from cells drawn once."""
    from rich import box
    from rich.table import Table

    table = Table(
        show_footer=grid.footer,
        show_header=not grid.bare,
        box=None if grid.bare else box.HEAVY_HEAD,
    )
    for i in shown:
        column = grid.columns[i]
        width = _widest([column.header, column.footer, *(row[i] for row in cells)])
        whole = column.numeric or not column.fold
        table.add_column(
            column.header,
            footer=column.footer,
            justify="right" if column.numeric else "left",
            no_wrap=whole,
            overflow="fold",
            min_width=width if whole else min(width, TEXT_MIN_WIDTH),
            style=column.style or None,
            header_style=column.style or None,
        )
    previous = None
    for row, drawn in zip(grid.rows, cells, strict=True):
        if previous is not None and grid.section_after and grid.section_after(previous, row):
            table.add_section()
        style = grid.row_style(row) if grid.row_style else None
        table.add_row(*(drawn[i] for i in shown), style=style)
        previous = row
    return table


def _escaped(cell: Any) -> Any:
    """A table cell (str or rich Text) with control and bidi characters escaped (issue #27):
    what a foods file or an item holds never drives the terminal."""
    if isinstance(cell, str):
        return escaped(cell)
    plain = getattr(cell, "plain", None)
    if plain is None or escaped(plain) == plain:
        return cell
    from rich.text import Text

    return Text(escaped(plain), style=cell.style)


def _widest(cells: Iterable[Any]) -> int:
    """The longest line of any of ``cells`` (str or rich Text)."""
    lines = (line for c in cells for line in (c if isinstance(c, str) else c.plain).splitlines())
    return max(map(len, lines), default=0)


def _fitted(grid: Grid, console: Console) -> tuple[Table, list[int], list[str]]:
    """The table within the console's width if it can be, the positions of the columns
    shown, and the headers hidden to fit.

    The columns of the highest ``drop`` go first, all of that level together; a stand-in
    column takes the place of the columns it stands for once they are all hidden; text
    folds, numbers never split; if it still does not fit, it takes the width it needs
    rather than cut anything."""
    from rich.measure import Measurement

    columns = grid.columns
    cells = [[_escaped(c.cell(row)) for c in columns] for row in grid.rows]
    shown = [i for i, c in enumerate(columns) if not c.stands_for]
    hidden: list[str] = []
    unbounded = console.options.update_width(10**6)
    table = _rich_table(grid, cells, shown)
    needed = Measurement.get(console, unbounded, table)
    while needed.minimum > console.width and any(columns[i].drop for i in shown):
        level = max(columns[i].drop for i in shown)
        hidden += [
            columns[i].header
            for i in shown
            if columns[i].drop == level and not columns[i].stands_for
        ]
        shown = [i for i in shown if columns[i].drop != level]
        stand_ins = [
            i
            for i, c in enumerate(columns)
            if c.stands_for
            and c.drop < level
            and set(c.stands_for) <= set(hidden)
            and {columns[j].header for j in shown}.isdisjoint(c.stands_for)
        ]
        shown = sorted({*shown, *stand_ins})
        table = _rich_table(grid, cells, shown)
        needed = Measurement.get(console, unbounded, table)
    console.width = max(console.width, needed.minimum)
    return table, shown, hidden


def _hidden_line(shown: Sequence[Column], hidden: list[str], width: int) -> str:
    """The line under a table that names the columns hidden to fit ``width``."""

    def label(header: str) -> str:
        return " ".join(header.split())

    line = f"Hidden to fit {width} columns: {', '.join(map(label, hidden))}"
    for column in shown:
        if column.stands_for:
            parts = " and ".join(map(label, column.stands_for))
            line += f" ({parts} summed as '{label(column.header)}')"
    return line + "; a wider terminal or -f csv shows every column."


def plain_grid(grid: Grid, file: TextIO) -> None:
    """A plain aligned text table, for tables too long to lay out with rich quickly."""
    columns = grid.columns
    rows = [[escaped(str(c.cell(row))) for c in columns] for row in grid.rows]
    if grid.footer:
        rows.append([c.footer for c in columns])
    headers = [c.header for c in columns]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if c.numeric else cell.ljust(w)
            for cell, w, c in zip(cells, widths, columns, strict=True)
        ).rstrip()

    if grid.title:
        file.write(escaped(grid.title) + "\n")
    file.write(line(headers) + "\n")
    file.write("  ".join("-" * w for w in widths) + "\n")
    file.writelines(line(row) + "\n" for row in rows)
