"""The errors k2calc raises for a user's mistakes; the CLI turns each into one line on stderr."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Hint(StrEnum):
    """What the user can do next, for the CLI to say with its own flags and commands (the
    library's messages name neither)."""

    OTHER_LOG = "other log"  # use another file as the meal log
    LOG_EXPORT = "log export"  # an export of the log may still read its good days
    LOG_IDS = "log ids"  # the log's entries, listed with their ids
    FOODS_FILE = "foods file"  # the file was given as the user's own food table
    SKIP_ROWS = "skip rows"  # the rows that could not be used may be skipped instead
    GRAMS_COLUMN = "grams column"  # a column of bare numbers may be mapped as grams
    RECALL_COLUMNS = "recall columns"  # a recall file is read by its own columns: map none


def os_reason(exc: OSError) -> str:
    """Why an operation on a file failed, in the words every message uses: ``permission
    denied``, ``no space left on device``, ``no such file or directory``."""
    return (exc.strerror or str(exc)).lower()


class K2Error(Exception):
    """Base of every error caused by the user's input or files (exit code 1); ``hint``, if
    any, says what to do next."""

    def __init__(self, *args: object, hint: Hint | None = None) -> None:
        super().__init__(*args)
        self.hint = hint


class ItemParseError(K2Error):
    """An item such as ``"30 g natto"`` could not be read."""


class UnitError(K2Error):
    """A unit is unknown, or cannot be converted to grams for the food given (``food``)."""

    def __init__(self, message: str, food: str = "") -> None:
        self.food = food
        super().__init__(message)


class UnknownFoodError(K2Error):
    """No food of that name; carries up to three close matches."""

    def __init__(self, query: str, suggestions: list[str], strict: bool = False) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"unknown food '{query}'"
        if strict:
            message += " — strict matching takes exact names and aliases only"
        if suggestions:
            message += " — did you mean " + " or ".join(f"'{s}'" for s in suggestions) + "?"
        super().__init__(message)


class AmbiguousFoodError(K2Error):
    """A name that fits several foods; carries the closest few."""

    def __init__(self, query: str, candidates: list[str], more: int) -> None:
        self.query = query
        self.candidates = candidates
        listed = ", ".join(f"'{c}'" for c in candidates)
        extra = f" (and {more} more)" if more else ""
        super().__init__(f"'{query}' fits several foods: {listed}{extra}; name one")


class FoodTableError(K2Error):
    """A food table (built-in or the user's own) is malformed."""


class TargetError(K2Error):
    """A target range that is not a range (minimum above maximum, negative, too large)."""


class CategoryError(K2Error):
    """A food category the table does not have."""

    def __init__(self, category: str, categories: list[str]) -> None:
        self.category = category
        super().__init__(f"unknown category '{category}'; categories: {', '.join(categories)}")


LISTED_BAD_ROWS = 20  # bad rows a message lists before it counts the rest


def bad_rows_listing(heading: str, lines: Sequence[str], count: int | None = None) -> str:
    """``heading``, then the first ``LISTED_BAD_ROWS`` of ``lines`` indented, then ``… and N
    more`` for the rest of ``count`` (``len(lines)`` unless given): how ``report`` and
    ``log import`` list the rows they could not use."""
    total = len(lines) if count is None else count
    listed = [f"  {line}" for line in lines[:LISTED_BAD_ROWS]]
    if total > len(listed):
        listed.append(f"  … and {total - len(listed):,} more")
    return "\n".join([heading, *listed])
