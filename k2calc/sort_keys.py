"""The columns results can be sorted by (stdlib only, so the CLI can offer them cheaply)."""

from __future__ import annotations

from enum import StrEnum


class FoodSort(StrEnum):
    """Columns ``foods`` can sort by: best match, the name, or a form per 100 g (high first)."""

    match = "match"
    name = "name"
    mk4 = "mk4"
    mk7 = "mk7"
    other = "other"
    total = "total"
    k1 = "k1"


class CompareSort(StrEnum):
    """Columns ``compare`` can sort by (numbers high first, ``to_min`` low first)."""

    food = "food"
    grams = "grams"
    mk4 = "mk4"
    mk7 = "mk7"
    other = "other"
    total = "total"
    k1 = "k1"
    to_min = "to_min"
