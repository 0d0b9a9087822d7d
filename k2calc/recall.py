"""Read 24-hour recall files as researchers hold them: NHANES and ASA24, coded by USDA FNDDS.

Two layouts are recognised by their headers (case as published):

* an NHANES individual-foods file (``DR1IFF_J.XPT``, ``DR2IFF_J.XPT``, as SAS transport or as
  CSV): ``SEQN`` (the person), ``DR1IFDCD`` (the FNDDS food code; ``DR2…`` on day 2),
  ``DR1IGRMS`` (grams) and, where present, ``DR1IVK`` (the file's own vitamin K, FNDDS
  phylloquinone, mcg). NHANES gives no calendar date: the day is ``day 1`` or ``day 2``.
* an ASA24 Items analysis file: ``UserName``, ``RecallNo``, ``IntakeStartDateTime``
  (``11/05/2021 0:00``), ``FoodCode``, ``FoodAmt`` (grams) and, where present, ``VK``. The date
  is the intake date; a recall without one is ``day N`` from ``RecallNo``.

Either becomes the canonical diary rows every report reads: ``subject``, ``date`` (an ISO date
or ``day N``, never an invented date), ``food`` given by code (``fndds:58100100``, no name
matching) and ``grams``; the file's own K1 per person-day is kept beside for the comparison
(``k1_by_day``). This module knows nothing of how the report sums them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k2calc.errors import K2Error, os_reason

if TYPE_CHECKING:
    import pandas as pd

NHANES, ASA24 = "NHANES", "ASA24"
ASA24_COLUMNS = ("UserName", "RecallNo", "IntakeStartDateTime", "FoodCode", "FoodAmt")
XPORT_MAGIC = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
CANONICAL = ("subject", "date", "food", "grams")
_NHANES_CODE = re.compile(r"DR([12])IFDCD")
_WHOLE = re.compile(r"^(\d+)\.0*$")  # 58100100.0, as a CSV export of a SAS number has it
_ASA24_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*")


class RecallFileError(K2Error):
    """A recall file that cannot be read as its header says it is."""


@dataclass(frozen=True)
class Recall:
    """A recall file read as canonical diary rows, with the file's own K1 per row."""

    kind: str  # NHANES or ASA24
    # CANONICAL columns as categorical text, as the report reads a CSV; k1_file_mcg (float,
    # NaN where none); one row per row of the file, in its order (index 0, 1, …)
    rows: pd.DataFrame
    k1_column: str | None  # the file's vitamin K column (DR1IVK, VK), if it has one

    def chunks(self, rows: int | None) -> Iterator[tuple[pd.DataFrame, None]]:
        """The canonical rows ``rows`` at a time (all at once for ``None``), as the report's
        CSV reader gives a file's chunks."""
        frame = self.rows[list(CANONICAL)]
        step = rows or max(len(frame), 1)
        for start in range(0, max(len(frame), 1), step):
            yield frame.iloc[start : start + step], None

    def k1_by_day(self) -> pd.DataFrame | None:
        """The file's K1 (FNDDS phylloquinone) summed per subject and day (text columns
        subject, date; k1_file_mcg), or ``None`` when the file has no such column."""
        if self.k1_column is None:
            return None
        grouped = self.rows.groupby(["subject", "date"], sort=False, observed=True)
        days = grouped["k1_file_mcg"].sum(min_count=1).reset_index()
        return days.astype({"subject": object, "date": object})


def delimiter(header_line: str) -> str:
    """``\\t`` for a tab-separated header (tabs and no commas), else ``,``."""
    return "\t" if "\t" in header_line and "," not in header_line else ","


def header_of(path: Path) -> tuple[list[str], str] | None:
    """A text file's column names and delimiter, or ``None`` for a SAS transport file."""
    with path.open("rb") as handle:
        start = handle.read(len(XPORT_MAGIC))
        if start == XPORT_MAGIC:
            return None
        handle.seek(0)
        line = handle.readline(1 << 16).decode("utf-8-sig", errors="replace").rstrip("\r\n")
    sep = delimiter(line)
    return [name.strip().strip('"') for name in line.split(sep)], sep


def kind_of(columns: list[str]) -> str | None:
    """NHANES or ASA24 when the header is one of theirs, else ``None``."""
    present = set(columns)
    if "SEQN" in present and any(
        _NHANES_CODE.fullmatch(c) and f"DR{_NHANES_CODE.fullmatch(c)[1]}IGRMS" in present  # type: ignore[index]
        for c in present
    ):
        return NHANES
    if set(ASA24_COLUMNS) <= present:
        return ASA24
    return None


def is_xport(path: Path) -> bool:
    """True for a SAS transport (``.XPT``) file, by its first bytes."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(XPORT_MAGIC)) == XPORT_MAGIC
    except OSError:
        return False


def read_recall(path: Path, label: str) -> Recall | None:
    """The canonical rows of an NHANES or ASA24 file, or ``None`` for any other file."""
    import pandas as pd

    try:
        if is_xport(path):
            frame = pd.read_sas(path, format="xport", encoding="latin-1")
        else:
            found = header_of(path)
            if found is None or kind_of(found[0]) is None:
                return None
            frame = pd.read_csv(
                path, sep=found[1], dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
    except OSError as exc:
        raise RecallFileError(f"{label}: cannot read: {os_reason(exc)}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RecallFileError(f"{label}: cannot read: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    kind = kind_of(list(frame.columns))
    if kind is None:
        raise RecallFileError(
            f"{label}: a SAS transport file, but not an NHANES individual-foods file "
            "(it needs SEQN, DR1IFDCD and DR1IGRMS, or the DR2 columns)"
        )
    return _nhanes(frame) if kind == NHANES else _asa24(frame)


def _cell(value: Any) -> str:
    """A cell as text: a whole number without ``.0`` (XPT numbers are floats, and a CSV export
    of one writes ``58100100.0``), a blank empty."""
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    whole = _WHOLE.fullmatch(text)
    return whole.group(1) if whole else text


def _categorical(values: pd.Series[Any], change: Callable[[str], str] = str) -> pd.Series[Any]:
    """A column as categorical text, each distinct value turned to text (``_cell``, then
    ``change``) once: a recall file has few distinct codes, people and amounts."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values.reset_index(drop=True))
    texts = [change(_cell(u)) for u in uniques] + [change("")]
    merged, categories = pd.factorize(np.asarray(texts, dtype=object))
    codes = np.where(codes < 0, len(uniques), codes)
    return pd.Series(pd.Categorical.from_codes(merged[codes], categories=pd.Index(categories)))


def _numbers(values: pd.Series[Any]) -> pd.Series[Any]:
    import pandas as pd

    return pd.to_numeric(values, errors="coerce").astype(float).reset_index(drop=True)


def _code(text: str) -> str:
    return f"fndds:{text}" if text else ""


def _nhanes(frame: pd.DataFrame) -> Recall:
    import pandas as pd

    code = next(c for c in frame.columns if _NHANES_CODE.fullmatch(c))
    day = code[2]
    vk = f"DR{day}IVK"
    rows = pd.DataFrame(
        {
            "subject": _categorical(frame["SEQN"]),
            "date": _categorical(frame["SEQN"], lambda _: f"day {day}"),
            "food": _categorical(frame[code], _code),
            "grams": _categorical(frame[f"DR{day}IGRMS"]),
            "k1_file_mcg": _numbers(frame[vk]) if vk in frame else float("nan"),
        }
    )
    return Recall(NHANES, rows, vk if vk in frame else None)


def _asa24(frame: pd.DataFrame) -> Recall:
    import pandas as pd

    stamps = frame["IntakeStartDateTime"].map(_cell)
    dated = bool(stamps.map(lambda stamp: _ASA24_DATE.fullmatch(stamp) is not None).all())
    rows = pd.DataFrame(
        {
            "subject": _categorical(frame["UserName"]),
            # when any row has no date, every day is "day N" from its recall number
            "date": _categorical(stamps, asa24_date)
            if dated
            else _categorical(frame["RecallNo"], lambda n: f"day {n}" if n else ""),
            "food": _categorical(frame["FoodCode"], _code),
            "grams": _categorical(frame["FoodAmt"]),
            "k1_file_mcg": _numbers(frame["VK"]) if "VK" in frame else float("nan"),
        }
    )
    return Recall(ASA24, rows, "VK" if "VK" in frame else None)


def asa24_date(stamp: str) -> str:
    """The ISO intake date of an ASA24 time stamp (``11/05/2021 0:00`` → ``2021-11-05``); a
    stamp that is not one is kept as it is (the report lists it as a bad date)."""
    found = _ASA24_DATE.fullmatch(stamp)
    if found is None:
        return stamp
    month, day, year = (int(part) for part in found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return stamp


def k1_agreement(days: pd.DataFrame) -> tuple[int, float, float, float] | None:
    """How the report's K1 per person-day (``k1_mcg``) compares with the file's own
    (``k1_file_mcg``) over the days that have both: (days, the report's total, the file's
    total, the median of each day's absolute difference in percent of the file's); ``None``
    when no day has both."""
    both = days.dropna(subset=["k1_mcg", "k1_file_mcg"])
    both = both[both["k1_file_mcg"] > 0]
    if both.empty:
        return None
    ours, theirs = both["k1_mcg"].astype(float), both["k1_file_mcg"].astype(float)
    differences = ((ours - theirs).abs() / theirs * 100).median()
    return len(both), float(ours.sum()), float(theirs.sum()), float(differences)
