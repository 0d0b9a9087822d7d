"""Spreadsheet-safe CSV text cells, and the reading back of them (issue #14, D9).

A text cell that starts with ``= + - @``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice. k2calc writes such a cell with a leading ``'`` (which
spreadsheets show as text), and also adds one to a cell that already starts with quotes
before such a character, so that reading back (``log import``, ``report``) removes exactly
one quote and gets the original text. Numbers are never changed.
"""

from __future__ import annotations

import re

_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """``cell`` as written to CSV: a quote in front of anything a spreadsheet would run."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """The text ``neutralise`` was given (the exact inverse of it)."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell
