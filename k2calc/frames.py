"""The fast path of ``output``'s CSV and JSON writers, for rows that come as DataFrame batches.

``output.write_csv`` and ``output.write_json`` hand ``Frames`` rows here, a batch at a
time, fast at millions of rows: the DataFrames' columns are the public keys; floats are
rounded once to ``output.PLACES`` decimals (as ``output.clean``), text cells are made
spreadsheet-safe in CSV (``csvcells.neutralise``), missing values are empty in CSV and
``null`` in JSON.

Large batches are formatted by DuckDB, which writes a float in CSV exactly as Python's
``repr`` does (the shortest text that reads back to it) and is about five times faster than
``DataFrame.to_csv``; small ones by pandas, so a small report never imports DuckDB. Tests
hold the two to the same CSV bytes and the same JSON values.

Where a large batch's values repeat — a day of one item has that item's figures, and a
diary's items come from a few thousand (food, amount) pairs — each distinct combination of
the columns after the leading text columns (date, subject, meal) is formatted once and the
rows are put together from the pieces: the cost follows the distinct values, not the rows.

The formatting is done in a second thread (``_formatter``): DuckDB lets go of the
interpreter while it works, so it formats one batch while the batch before is put together
and written.
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from queue import Full, Queue
from typing import TYPE_CHECKING, Any, AnyStr, TextIO, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from k2calc.csvcells import neutralise
from k2calc.output import PLACES  # the one rounding rule

if TYPE_CHECKING:
    import duckdb

FAST_ROWS = 20_000  # a batch at least this long is formatted by DuckDB
JSON_ROWS = 25_000  # rows DuckDB writes as JSON at a time
FORMAT_MEMORY = "64MB"  # DuckDB's limit while it formats (its default is 80 % of RAM)
FAST_DISTINCT = 1_000  # a batch's distinct value rows from this many on: by DuckDB (pieces)
TEXT_ROWS = 10_000  # rows put together into one text at a time (``put_together``)
REPEATED = 0.5  # a batch with at most this share of distinct rows is written by pieces
_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant: mixes a row's words into one
T = TypeVar("T")
_NEEDS_QUOTES = (",", '"', "\n", "\r")  # a CSV cell with one of these is quoted
_OBJECTS_APART = ",\n    "  # between one JSON object of an array and the next, one a line
_OBJECTS_APART_UTF8 = _OBJECTS_APART.encode()
_duck: list[duckdb.DuckDBPyConnection] = []  # one in-memory connection, made when needed


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded to ``PLACES`` (and -0.0 made 0.0); other columns as they are."""
    out = frame.copy(deep=False)
    for key in out.columns:
        if out[key].dtype.kind == "f":
            out[key] = np.round(out[key].to_numpy(), PLACES) + 0.0
    return out


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [k for k in frame.columns if frame[k].dtype.kind not in "biuf"]


Texts = Callable[[], Iterable[bytes]]  # a batch's text (UTF-8), once it is formatted
# A batch split by ``_pieces``: its leading text columns, each row's number among the distinct
# value rows, and those rows.
Pieces = tuple[list[str], npt.NDArray[np.intp], pd.DataFrame]


def csv_rows(batches: Iterable[pd.DataFrame], keys: Sequence[str], file: TextIO) -> None:
    """Every batch's rows (its ``keys``, in order) as CSV lines: ``true``/``false``, empty
    for null."""
    with _formatter() as formatter:
        _written_ahead((_csv_texts(batch, keys, formatter) for batch in batches), file)


def _csv_texts(batch: pd.DataFrame, keys: Sequence[str], formatter: Executor) -> Texts:
    """A batch's CSV lines, handed to ``formatter`` to format."""
    frame = rounded(batch[list(keys)])
    text = _text_columns(frame)
    for key in text:  # no spreadsheet formulas (D9)
        frame[key] = _neutralised(frame[key])
    pieces = _pieces(frame) if len(frame) >= FAST_ROWS else None
    if pieces is not None:
        return _csv_by_pieces(frame, pieces, formatter)
    if len(frame) >= FAST_ROWS or _has_carriage_return(frame, text):
        return _when_done(formatter.submit(_duckdb_csv, frame, text))
    return _when_done(formatter.submit(_csv_by_pandas, frame))


def _formatter() -> ThreadPoolExecutor:
    """The thread that formats batches (DuckDB lets go of the interpreter while it works)."""
    return ThreadPoolExecutor(1, thread_name_prefix="k2calc-format")


def _when_done(text: Future[bytes]) -> Texts:
    return lambda: [text.result()]


def _written_ahead(batch_texts: Iterable[Texts], file: TextIO) -> bool:
    """Each batch's text written once the next batch has gone to be formatted, so that one is
    formatted while the other is put together and written; False when there were none."""

    def write(texts: Texts) -> None:
        for text in texts():
            write_bytes(text, file)

    waiting: Texts | None = None
    for texts in batch_texts:
        if waiting is not None:
            write(waiting)
        waiting = texts
    if waiting is None:
        return False
    write(waiting)
    return True


def _words(column: pd.Series[Any]) -> npt.NDArray[np.uint64] | None:
    """A column as one 64-bit word a row, equal words for equal values (a float's bits: NaNs
    of other bits than NumPy's own only repeat less), or ``None`` for a column of Python
    objects."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64).view(np.uint64)
    values = column.to_numpy()
    if values.dtype == np.float64:
        return values.view(np.uint64)
    if values.dtype.kind in "biu":
        return values.astype(np.int64).view(np.uint64)
    return None


def leading_text(frame: pd.DataFrame) -> list[str]:
    """The leading categorical columns (date, subject, meal): the pieces of each row apart
    from its values."""
    keys: list[str] = []
    for key in frame.columns:
        if not isinstance(frame[key].dtype, pd.CategoricalDtype):
            break
        keys.append(str(key))
    return keys


def distinct_rows(
    frame: pd.DataFrame, keys: list[str]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """For each row, the number of its distinct combination of ``keys``' values, and the
    first row of each; ``None`` when they hardly repeat (``REPEATED``) or cannot be told
    apart by word (text that is not categorical, a rare hash collision)."""
    words = [_words(frame[k]) for k in keys]
    rows = len(frame)
    mixed, shifted = np.zeros(rows, dtype=np.uint64), np.empty(rows, dtype=np.uint64)
    for word in words:
        if word is None:
            return None
        np.bitwise_xor(mixed, word, out=mixed)
        np.multiply(mixed, _MIX, out=mixed)
        np.right_shift(mixed, np.uint64(31), out=shifted)
        np.bitwise_xor(mixed, shifted, out=mixed)
    codes, uniques = pd.factorize(mixed)
    if len(uniques) > rows * REPEATED:
        return None
    firsts = np.empty(len(uniques), dtype=np.intp)
    firsts[codes[::-1]] = np.arange(rows - 1, -1, -1)
    same = np.empty(rows, dtype=bool)
    for word in words:
        assert word is not None
        np.take(word[firsts], codes, out=shifted)
        if not np.equal(word, shifted, out=same).all():
            return None  # two combinations hashed alike: write the batch the ordinary way
    return codes.astype(np.intp), firsts


def _assemble(
    frame: pd.DataFrame,
    leading: list[str],
    cell: Callable[[str, str | None], str],
    codes: npt.NDArray[np.intp],
    tails: list[str],
    last: str | None = None,
) -> Iterator[str]:
    """Rows put together from pieces: ``cell(key, text)`` of each leading category (``None``
    for a missing one), already followed by its separator, then the row's tail
    (``tails[codes]``; ``last`` instead for the last row, where given)."""
    parts = []
    for key in leading:
        column = frame[key]
        texts = [cell(key, str(c)) for c in column.cat.categories] + [cell(key, None)]
        parts.append(np.asarray(texts, dtype=object)[column.cat.codes.to_numpy()])
    row_tails = np.asarray(tails, dtype=object)[codes]
    if last is not None:
        row_tails[-1] = last
    return put_together([*parts, row_tails], "")


def put_together(parts: Sequence[npt.NDArray[np.object_]], nothing: AnyStr) -> Iterator[AnyStr]:
    """Rows joined from their pieces (``parts``: a row's pieces in order, each an array of
    ``str``, or of ``bytes`` with ``nothing`` as ``b""``), ``TEXT_ROWS`` rows a text (a few
    MB, which the allocator reuses, not pages mapped afresh for each batch)."""
    pieces = np.empty((len(parts[0]), len(parts)), dtype=object)
    for place, part in enumerate(parts):
        pieces[:, place] = part
    for start in range(0, len(pieces), TEXT_ROWS):
        yield nothing.join(pieces[start : start + TEXT_ROWS].ravel())


def _csv_cell(text: str) -> str:
    """A text cell as DuckDB and pandas write it: quoted when it must be."""
    if any(c in text for c in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def _pieces(frame: pd.DataFrame) -> Pieces | None:
    """A batch split for writing from its distinct value rows: the leading text columns, each
    row's number among the distinct rows, and those rows (the rest of the columns); ``None``
    when the values do not repeat enough to pay."""
    leading = leading_text(frame)
    rest = [str(k) for k in frame.columns if k not in leading]
    if not leading or not rest:
        return None
    found = distinct_rows(frame, rest)
    if found is None:
        return None
    codes, firsts = found
    return leading, codes, frame[rest].iloc[firsts].reset_index(drop=True)


def _csv_by_pieces(
    frame: pd.DataFrame,
    pieces: Pieces,
    formatter: Executor,
) -> Texts:
    """A batch whose values repeat (``_pieces``): its distinct value rows handed to
    ``formatter``, the lines put together from them once they are back."""
    leading, codes, distinct = pieces
    many = len(distinct) >= FAST_DISTINCT  # many distinct rows: DuckDB's text, as for a batch
    written = (
        formatter.submit(_duckdb_csv, distinct, _text_columns(distinct))
        if many
        else formatter.submit(_csv_by_pandas, distinct)
    )

    def texts() -> Iterable[bytes]:
        tails = written.result().decode().split("\n")[:-1]
        if len(tails) != len(distinct):  # a value cell with a line break: never in a report
            return [_duckdb_csv(frame, _text_columns(frame))]
        ends = [t + "\n" for t in tails]
        parts = _assemble(frame, leading, lambda _, t: _csv_cell(t or "") + ",", codes, ends)
        return (part.encode("utf-8") for part in parts)

    return texts


def _neutralised(column: pd.Series[Any]) -> pd.Series[Any]:
    """``csvcells.neutralise`` on every text cell (once per category of a categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        return column.cat.rename_categories([neutralise(str(c)) for c in categories])
    return column.map(lambda v: neutralise(v) if isinstance(v, str) else v)


def _has_carriage_return(frame: pd.DataFrame, text: list[str]) -> bool:
    """pandas leaves a carriage return inside a cell unquoted; DuckDB quotes it."""
    return any("\r" in v for k in text for v in frame[k] if isinstance(v, str))


def _csv_by_pandas(frame: pd.DataFrame) -> bytes:
    for key in frame.columns:
        if frame[key].dtype.kind == "b":
            frame[key] = np.where(frame[key].to_numpy(), "true", "false")
    return frame.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")


def _connection() -> duckdb.DuckDBPyConnection:
    if not _duck:
        import duckdb

        _duck.append(duckdb.connect(config={"memory_limit": FORMAT_MEMORY}))
    return _duck[0]


def _duckdb_csv(frame: pd.DataFrame, text: list[str]) -> bytes:
    """``frame``'s rows as CSV lines by DuckDB: the same text as ``_csv_by_pandas`` (its
    ``text`` columns as pandas writes them: an empty string empty, not "")."""
    names = {k: '"' + str(k).replace('"', '""') + '"' for k in frame.columns}
    columns = [f"nullif({n}::VARCHAR, '') AS {n}" if k in text else n for k, n in names.items()]
    return _by_duckdb(frame, ", ".join(columns), "FORMAT csv, HEADER false")


def _by_duckdb(frame: pd.DataFrame, columns: str, options: str) -> bytes:
    """``frame`` written by DuckDB's COPY (``columns`` selected, with ``options``)."""
    connection = _connection()
    handle, path = tempfile.mkstemp(prefix="k2calc-")
    os.close(handle)
    try:
        connection.register("batch", frame)
        connection.execute(f"COPY (SELECT {columns} FROM batch) TO '{path}' ({options})")
        connection.unregister("batch")
        with open(path, "rb") as written:
            return written.read()
    finally:
        os.unlink(path)


def write_bytes(data: bytes, file: TextIO) -> None:
    """Bytes onto ``file`` (through its binary buffer where it has one)."""
    binary = getattr(file, "buffer", None)
    if binary is None:
        file.write(data.decode("utf-8"))
        return
    file.flush()
    binary.write(data)
    binary.flush()


def json_rows(batches: Iterable[pd.DataFrame], file: TextIO) -> bool:
    """The rows of ``batches`` as the items of a JSON array, one object a line (each after a
    line break and the array's indent); False when there were none.

    Rows go through pandas' JSON encoder (NaN → null), floats rounded to ``PLACES`` first and
    written with that many decimals, so they read back as ``output.clean`` leaves them.
    """
    with _formatter() as formatter:
        batch_texts = (
            _json_texts(rounded(batch), place == 0, formatter)
            for place, batch in enumerate(b for b in batches if not b.empty)
        )
        return _written_ahead(batch_texts, file)


def _json_texts(frame: pd.DataFrame, first: bool, formatter: Executor) -> Texts:
    """A batch's objects, each after a line break and the indent (and a comma but before
    the ``first`` batch's first), handed to ``formatter`` to format."""
    pieces = _pieces(frame) if len(frame) >= FAST_ROWS else None
    if pieces is not None:
        objects = _json_by_pieces(frame, pieces, formatter)
    elif len(frame) >= FAST_ROWS:  # DuckDB writes one object a line, NaN as null
        parts = [
            formatter.submit(_duckdb_json, frame.iloc[start : start + JSON_ROWS])
            for start in range(0, len(frame), JSON_ROWS)  # a few MB of text at a time
        ]
        objects = lambda: _between((part.result() for part in parts), _OBJECTS_APART_UTF8)  # noqa: E731
    else:
        objects = _when_done(formatter.submit(_pandas_json, frame))
    start = _OBJECTS_APART_UTF8[1:] if first else _OBJECTS_APART_UTF8
    return lambda: itertools.chain([start], objects())


def _between(texts: Iterable[bytes], separator: bytes) -> Iterator[bytes]:
    """``texts`` with ``separator`` between each and the next."""
    for place, text in enumerate(texts):
        yield separator + text if place else text


def _duckdb_json(frame: pd.DataFrame) -> bytes:
    """``frame``'s objects by DuckDB, one a line, after the first each after a comma."""
    return _one_a_line(_by_duckdb(frame, "*", "FORMAT json"))


def _pandas_json(frame: pd.DataFrame) -> bytes:
    """``_duckdb_json`` by pandas."""
    return _one_a_line(_json_lines(frame))


def _json_lines(frame: pd.DataFrame) -> bytes:
    """``frame``'s objects by pandas, one a line (JSON Lines)."""
    lines = frame.to_json(orient="records", lines=True, force_ascii=False, double_precision=PLACES)
    return lines.encode("utf-8")


def _one_a_line(lines: bytes) -> bytes:
    """JSON Lines as array items: after the first, each after a comma, the line break and the
    indent."""
    return lines.rstrip(b"\n").replace(b"\n", _OBJECTS_APART_UTF8)


def _json_by_pieces(
    frame: pd.DataFrame,
    pieces: Pieces,
    formatter: Executor,
) -> Texts:
    """``_csv_by_pieces`` for JSON: a batch's objects, one a line, put together from its
    distinct value rows once ``formatter`` has written them."""
    leading, codes, distinct = pieces
    written = formatter.submit(_json_lines, distinct)
    starts = {
        key: ("{" if place == 0 else "") + json.dumps(key) for place, key in enumerate(leading)
    }

    def cell(key: str, text: str | None) -> str:
        return f"{starts[key]}:{json.dumps(text, ensure_ascii=False)},"

    def texts() -> Iterable[bytes]:
        lines = written.result().decode().rstrip("\n").split("\n")
        tails = [line[1:] + _OBJECTS_APART for line in lines]
        last = tails[codes[-1]][: -len(_OBJECTS_APART)]
        parts = _assemble(frame, leading, cell, codes, tails, last)
        return (part.encode("utf-8") for part in parts)

    return texts


AHEAD = 2  # items made ahead of the one being used


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """``items``, made by a thread up to ``AHEAD`` ahead: pandas' parser, numpy and DuckDB let
    go of the interpreter while they work, so reading the next chunk overlaps summing this one
    and making the next batch overlaps writing this one. An error in the thread is raised
    here; closing this generator stops and joins the thread."""
    queue: Queue[tuple[bool, Any]] = Queue(maxsize=AHEAD)
    stop = threading.Event()

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def run() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((False, None))
        except BaseException as exc:  # handed to the reader of the queue
            put((False, exc))

    thread = threading.Thread(target=run, name="k2calc-read", daemon=True)
    thread.start()
    try:
        while True:
            more, item = queue.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        thread.join()


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts of plain Python values, ``None`` for NaN."""
    columns = {}
    for key in frame.columns:
        values = frame[key].to_numpy(dtype=object, copy=True)
        values[frame[key].isna().to_numpy()] = None
        columns[str(key)] = values
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]
