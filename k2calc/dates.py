"""Read the dates a user types: ``2026-11-22``, ``today``, ``yesterday``, ``-3`` (days ago)."""

from __future__ import annotations

import datetime as dt
import re

from k2calc.bounds import shown
from k2calc.errors import K2Error

DATE_FORMS = "an ISO date (2026-11-22), 'today', 'yesterday' or -N for N days ago"
_DAYS_AGO = re.compile(r"-(\d{1,5})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


# A recall day without a calendar date (NHANES day 1 / day 2, ASA24's RecallNo): ``day N``.
# Held as a day number below every real date's, so days sort and count as dates do.
_DAY_NUMBER = re.compile(r"day (\d{1,5})")
DAY_NUMBER_BASE = -1_000_000


def day_number(text: str) -> int | None:
    """N of a ``day N`` cell (1 to 99999), or ``None``."""
    found = _DAY_NUMBER.fullmatch(text.strip().lower())
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def ordinal_text(ordinal: int) -> str:
    """The ISO date of a day ordinal, or ``day N`` for a recall day number."""
    if ordinal < 0:
        return f"day {ordinal - DAY_NUMBER_BASE}"
    return dt.date.fromordinal(ordinal).isoformat()


class DateError(K2Error):
    """A date that cannot be read."""


def iso_problem(text: str) -> str | None:
    """Why ``text`` (stripped) is not a strict ``YYYY-MM-DD`` date, or ``None`` when it is one.

    The one rule for dates in files: ``parse_iso`` raises it, ``report`` lists it per row.
    """
    stripped = text.strip()
    if not _ISO.fullmatch(stripped):
        return "not a date; give YYYY-MM-DD, e.g. 2026-11-22"
    try:
        dt.date.fromisoformat(stripped)
    except ValueError as exc:
        return f"not a date: {exc}"
    return None


def parse_iso(text: str) -> dt.date:
    """A strict ``YYYY-MM-DD`` date."""
    problem = iso_problem(text)
    if problem is not None:
        raise DateError(f"'{shown(text)}' is {problem}")
    return dt.date.fromisoformat(text.strip())


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """The date ``text`` names, relative to ``today`` (the local date by default)."""
    base = today or dt.date.today()
    word = text.strip().lower()
    if word == "today":
        return base
    if word == "yesterday":
        return base - dt.timedelta(days=1)
    days_ago = _DAYS_AGO.fullmatch(word)
    if days_ago:
        return base - dt.timedelta(days=int(days_ago.group(1)))
    if not _ISO.fullmatch(word):
        raise DateError(f"'{shown(text)}' is not a date; give {DATE_FORMS}")
    return parse_iso(word)


def date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date from ``start`` to ``end``, both included."""
    if end < start:
        raise DateError(f"the range {start} to {end} ends before it starts")
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
