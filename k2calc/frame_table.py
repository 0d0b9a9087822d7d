"""Tables of rows that come in DataFrame batches (a report's millions of days).

A short one is read whole and laid out as any ``output.Grid``; a long one is written as plain
aligned text (as ``output.plain_grid`` lays it out) in two passes with bounded memory: the
first draws each batch's cells column by column, once per distinct value (``Cells``), and
sets them aside on disk while it measures the widths; the second pads each column's distinct
texts once and puts the lines together from them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

    from k2calc.output import Block, Column, FrameTable


class Cells(NamedTuple):
    """A column's cells: ``texts[codes[i]]`` is row i's."""

    codes: npt.NDArray[np.intp]
    texts: list[str]


FrameCells = Callable[["pd.DataFrame"], Cells]  # a batch of rows -> one column's cells


def cells_of(keys: npt.NDArray[Any], draw: Callable[[Any], str], missing: str = "") -> Cells:
    """Cells drawn once per distinct key (``missing`` for NaN or ``None``)."""
    return drawn_at_once(keys, lambda uniques: [draw(u) for u in uniques.tolist()], missing)


def drawn_at_once(
    keys: npt.NDArray[Any], draw: Callable[[npt.NDArray[Any]], list[str]], missing: str = ""
) -> Cells:
    """Cells of the distinct keys, ``draw`` of all of them at once (``missing`` for NaN or
    ``None``)."""
    import pandas as pd

    codes, uniques = pd.factorize(keys)
    texts = draw(np.asarray(uniques))
    return Cells(np.where(codes < 0, len(texts), codes).astype(np.intp), [*texts, missing])


def joined(
    first: Cells, second: Cells, separator: str = "", blank: npt.NDArray[np.bool_] | None = None
) -> Cells:
    """Cells of two columns' texts put together (``first``, ``separator``, ``second``), once
    per distinct pair; empty where ``blank``."""
    import pandas as pd

    width = len(second.texts)
    empty = len(first.texts) * width  # the pair of a blank cell, after every real one
    pair = first.codes.astype(np.int64) * width + second.codes
    codes, pairs = pd.factorize(pair if blank is None else np.where(blank, empty, pair))
    in_first, in_second = np.divmod(pairs, width)
    firsts = np.asarray([*first.texts, ""], dtype=object)[in_first].tolist()
    seconds = np.asarray(second.texts, dtype=object)[in_second].tolist()
    texts = [f + separator + s for f, s in zip(firsts, seconds, strict=True)]
    for place in np.flatnonzero(pairs == empty).tolist():
        texts[place] = ""
    return Cells(codes.astype(np.intp), texts)


def replaced(cells: Cells, where: npt.NDArray[np.bool_], text: str) -> Cells:
    """``cells`` with ``text`` in place of the rows ``where``."""
    return Cells(np.where(where, len(cells.texts), cells.codes), [*cells.texts, text])


DRAWN_TEXTS = 100_000  # texts a CategoryCells keeps drawn from batch to batch, at most


@dataclass(frozen=True)
class CategoryCells:
    """The cells of a text column (``draw`` of each of its values; the same dates and
    subjects come batch after batch, so the texts drawn are kept, up to ``DRAWN_TEXTS``)."""

    key: str
    draw: Callable[[str], str] = str
    drawn: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def _text(self, value: str) -> str:
        text = self.drawn.get(value)
        if text is None:
            if len(self.drawn) >= DRAWN_TEXTS:
                self.drawn.clear()
            text = self.drawn[value] = self.draw(value)
        return text

    def __call__(self, frame: pd.DataFrame) -> Cells:
        column = frame[self.key]
        if not hasattr(column, "cat"):
            return cells_of(column.to_numpy(dtype=object), lambda v: self._text(str(v)))
        texts = [self._text(str(c)) for c in column.cat.categories]
        codes = column.cat.codes.to_numpy().astype(np.intp)
        return Cells(np.where(codes < 0, len(texts), codes), [*texts, ""])


def draw_frame_table(table: FrameTable, file: TextIO) -> None:
    """``table`` onto ``file``: laid out by rich when short (or when it has no column-wise
    cells), streamed as plain text when longer than ``output.PLAIN_ROWS`` rows."""
    import pandas as pd

    from k2calc import output
    from k2calc.frames import as_records

    first: list[pd.DataFrame] = []
    rows = table.rows.batches()
    for batch in rows:
        first.append(batch)
        if table.cells is not None and sum(map(len, first)) > output.PLAIN_ROWS:
            break
    else:
        output.draw(table.blocks(as_records(pd.concat(first)) if first else []), file)
        return
    drawn = _plain_rows(table, itertools.chain(first, rows), file)
    output.draw(drawn[1:], file)


def _plain_rows(table: FrameTable, batches: Iterator[pd.DataFrame], file: TextIO) -> list[Block]:
    """The long form of ``table`` (its rows: ``batches``): the cells drawn in one pass, which
    measures the widths and sets the drawn cells aside in a temporary file (each column's
    codes and its distinct texts, so memory stays bounded by the batch); then the lines are
    put together from each column's distinct cells, padded once. Returns
    ``table.blocks([])`` (called after the first pass, so that counts made on the way are
    known), whose first is the table: its title goes first."""
    import pickle
    import tempfile

    from k2calc.frames import write_bytes
    from k2calc.output import Grid

    columns, cells = table.columns, table.cells
    assert cells is not None
    widths = [len(c.header) for c in columns]
    with tempfile.TemporaryFile() as drawn_file:
        batches_drawn = 0
        for batch in batches:
            rows, drawn_cells, by_value = _batch_cells(batch, cells)
            for place, (codes, texts) in enumerate(drawn_cells):
                used = np.bincount(codes, minlength=len(texts)) > 0
                lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
                widths[place] = max(widths[place], int(lengths[used].max(initial=0)))
            packed = [(codes, _packed(texts)) for codes, texts in drawn_cells]
            pickle.dump((rows, packed, by_value), drawn_file, protocol=pickle.HIGHEST_PROTOCOL)
            batches_drawn += 1

        def line(row: list[str]) -> str:
            return "  ".join(
                cell.rjust(w) if c.numeric else cell.ljust(w)
                for cell, w, c in zip(row, widths, columns, strict=True)
            ).rstrip()

        drawn = list(table.blocks([]))
        assert isinstance(drawn[0], Grid)
        file.write(f"{drawn[0].title}\n{line([c.header for c in columns])}\n")
        file.write("  ".join("-" * w for w in widths) + "\n")
        drawn_file.seek(0)
        for _ in range(batches_drawn):
            rows, packed, by_value = pickle.load(drawn_file)
            drawn_cells = [Cells(codes, _unpacked(texts)) for codes, texts in packed]
            for text in _lines(rows, drawn_cells, by_value, columns, widths):
                write_bytes(text, file)
    return drawn


_TEXTS_APART = "\0"  # between a column's texts set aside in one string


def _packed(texts: list[str]) -> str | list[str]:
    """A column's texts as one string to set aside (pickled several times faster than the
    list); the list where a text holds the separator."""
    packed = _TEXTS_APART.join(texts)
    return packed if packed.count(_TEXTS_APART) == len(texts) - 1 else texts


def _unpacked(texts: str | list[str]) -> list[str]:
    return texts.split(_TEXTS_APART) if isinstance(texts, str) else texts


def _lines(
    rows: npt.NDArray[np.intp] | None,
    drawn: list[Cells],
    by_value: list[bool],
    columns: Sequence[Column],
    widths: list[int],
) -> Iterator[bytes]:
    """A batch's lines (UTF-8, a few thousand at a time) from its drawn cells: each column's
    distinct texts padded and encoded once; the columns drawn from the distinct value rows
    (the end of each line) joined once per distinct row, so that a line is put together from
    a few pieces, not one per column."""
    from k2calc.frames import put_together

    last = len(columns) - 1
    padded = [
        _padded(cells.texts, width, column.numeric, "\n" if place == last else "  ")
        for place, (column, width, cells) in enumerate(zip(columns, widths, drawn, strict=True))
    ]
    split = len(columns)  # the columns from here on are drawn from the distinct value rows
    while split > 0 and by_value[split - 1]:
        split -= 1
    parts = [padded[place][drawn[place].codes] for place in range(split)]
    if split < len(columns):
        assert rows is not None
        tails = padded[split][drawn[split].codes]
        for place in range(split + 1, len(columns)):
            tails = tails + padded[place][drawn[place].codes]  # once per distinct row
        parts.append(tails[rows])
    trailing = any(t.endswith(b" \n") for t in padded[last])  # strip, as plain_grid does
    for text in put_together(parts, b""):
        if trailing:
            text = "".join(line.rstrip() + "\n" for line in text.decode().splitlines()).encode()
        yield text


def _padded(texts: list[str], width: int, right: bool, end: str) -> npt.NDArray[np.object_]:
    """``texts`` padded to ``width`` (on the left where ``right``), each followed by ``end``,
    in UTF-8."""
    if right:
        return np.asarray([(t.rjust(width) + end).encode() for t in texts], dtype=object)
    return np.asarray([(t.ljust(width) + end).encode() for t in texts], dtype=object)


def _batch_cells(
    batch: pd.DataFrame, cells: Sequence[FrameCells]
) -> tuple[npt.NDArray[np.intp] | None, list[Cells], list[bool]]:
    """Each column's cells of ``batch``: those of the leading text columns (date, subject,
    meal) from the batch, the others from its distinct value rows where they repeat; the
    number of each row's distinct value row (else ``None``), and which columns' codes are
    by those numbers. Codes are kept in the smallest integer type that holds them."""
    from k2calc.frames import distinct_rows, leading_text

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
