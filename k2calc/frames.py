"""Frames of rows out as CSV or JSON, a batch at a time, fast at millions of rows.

The report's writers, kept apart so that they can move into the one output layer: rows come
in as pandas DataFrames whose columns are the public keys; floats are rounded once to
``output.PLACES`` decimals (as ``output.clean``), text cells are made spreadsheet-safe in CSV
(``csvcells.neutralise``), missing values are empty in CSV and ``null`` in JSON.

Large batches are formatted by DuckDB, which writes a float in CSV exactly as Python's
``repr`` does (the shortest text that reads back to it) and is about five times faster than
``DataFrame.to_csv``; small ones by pandas, so a small report never imports DuckDB. Tests
hold the two to the same CSV bytes and the same JSON values.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np
import pandas as pd

from k2calc.csvcells import neutralise
from k2calc.output import PLACES  # the one rounding rule

if TYPE_CHECKING:
    import duckdb

FAST_ROWS = 20_000  # a batch at least this long is formatted by DuckDB
JSON_ROWS = 25_000  # rows DuckDB writes as JSON at a time
FORMAT_MEMORY = "64MB"  # DuckDB's limit while it formats (its default is 80 % of RAM)
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


def write_csv(batches: Iterable[pd.DataFrame], keys: Sequence[str], file: TextIO) -> None:
    """A header of ``keys``, then every batch's rows: ``true``/``false``, empty for null."""
    file.write(",".join(keys) + "\n")
    for batch in batches:
        frame = rounded(batch[list(keys)])
        text = _text_columns(frame)
        for key in text:  # no spreadsheet formulas (D9)
            frame[key] = _neutralised(frame[key])
        if len(frame) >= FAST_ROWS or _has_carriage_return(frame, text):
            _csv_by_duckdb(frame, text, file)
        else:
            _csv_by_pandas(frame, file)


def _neutralised(column: pd.Series[Any]) -> pd.Series[Any]:
    """``csvcells.neutralise`` on every text cell (once per category of a categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        return column.cat.rename_categories([neutralise(str(c)) for c in categories])
    return column.map(lambda v: neutralise(v) if isinstance(v, str) else v)


def _has_carriage_return(frame: pd.DataFrame, text: list[str]) -> bool:
    """pandas leaves a carriage return inside a cell unquoted; DuckDB quotes it."""
    return any("\r" in v for k in text for v in frame[k] if isinstance(v, str))


def _csv_by_pandas(frame: pd.DataFrame, file: TextIO) -> None:
    for key in frame.columns:
        if frame[key].dtype.kind == "b":
            frame[key] = np.where(frame[key].to_numpy(), "true", "false")
    frame.to_csv(file, index=False, header=False, lineterminator="\n")


def _connection() -> duckdb.DuckDBPyConnection:
    if not _duck:
        import duckdb

        _duck.append(duckdb.connect(config={"memory_limit": FORMAT_MEMORY}))
    return _duck[0]


def _csv_by_duckdb(frame: pd.DataFrame, text: list[str], file: TextIO) -> None:
    """The same text as ``_csv_by_pandas`` (an empty string is written empty, not "")."""
    names = {k: '"' + str(k).replace('"', '""') + '"' for k in frame.columns}
    columns = [f"nullif({n}::VARCHAR, '') AS {n}" if k in text else n for k, n in names.items()]
    _write(_by_duckdb(frame, ", ".join(columns), "FORMAT csv, HEADER false"), file)


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


def _write(data: bytes, file: TextIO) -> None:
    """Bytes onto ``file`` (through its binary buffer where it has one)."""
    binary = getattr(file, "buffer", None)
    if binary is None:
        file.write(data.decode("utf-8"))
        return
    file.flush()
    binary.write(data)
    binary.flush()


def write_json(sections: Sequence[tuple[str, Iterable[pd.DataFrame]]], file: TextIO) -> None:
    """An object of arrays (``{"days": [...], ...}``), one row a line: fast for big outputs.

    Rows go through pandas' JSON encoder (NaN → null), floats rounded to ``PLACES`` first and
    written with that many decimals, so they read back as ``output.clean`` leaves them.
    """
    file.write("{\n")
    for position, (key, batches) in enumerate(sections):
        end = "," if position < len(sections) - 1 else ""
        file.write(f'  "{key}": [')
        first = True
        for batch in batches:
            if batch.empty:
                continue
            file.write("\n    " if first else ",\n    ")
            first = False
            if len(batch) >= FAST_ROWS:  # DuckDB writes one object a line, NaN as null
                for start in range(0, len(batch), JSON_ROWS):  # a few MB of text at a time
                    part = rounded(batch.iloc[start : start + JSON_ROWS])
                    lines = _by_duckdb(part, "*", "FORMAT json").rstrip(b"\n")
                    end_of_part = b",\n    " if start + JSON_ROWS < len(batch) else b""
                    _write(lines.replace(b"\n", b",\n    ") + end_of_part, file)
                continue
            encoded = rounded(batch).to_json(
                orient="records", lines=True, force_ascii=False, double_precision=PLACES
            )
            file.write(encoded.rstrip("\n").replace("\n", ",\n    "))
        file.write(f"]{end}\n" if first else f"\n  ]{end}\n")
    file.write("}\n")


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts of plain Python values, ``None`` for NaN."""
    columns = {}
    for key in frame.columns:
        values = frame[key].to_numpy(dtype=object, copy=True)
        values[frame[key].isna().to_numpy()] = None
        columns[str(key)] = values
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]
