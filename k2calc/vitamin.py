"""The one shape of a vitamin K amount: K2 by form, its total and band, K1 beside it.

A food's values per 100 g, an item, a meal, a day and a report row are all a ``VitaminK``;
the sums and the band are computed here and nowhere else. ``None`` always means *not
measured*; ``0.0`` is a measured zero. The K2 total is the sum of the parts that were
measured: ``total = mk4 + mk7 + other_mk + unsplit_mk``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

# The machine-readable keys, in output order; a suffix such as "_per_100g" follows "_mcg".
KEYS = (
    "mk4_mcg",
    "mk7_mcg",
    "other_mk_mcg",
    "unsplit_mk_mcg",
    "total_mcg",
    "low_mcg",
    "high_mcg",
    "partial",
    "confidence",
    "k1_mcg",
    "k1_partial",
)


class Vitamin(StrEnum):
    """The two vitamins K: K2 (menaquinones, the target's) and K1 (phylloquinone)."""

    k2 = "k2"
    k1 = "k1"


# Best first: a sum is as sure as its least sure part. ``inferred`` (a zero given by a cited
# rule, not a measurement: docs/methodology.md) comes first because it adds nothing: a sum
# with any measured part carries that part's grade, and only a sum of inferred zeros alone
# is ``inferred``.
INFERRED = "inferred"
GRADES = (INFERRED, "high", "medium", "low")


def _measured_sum(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class VitaminK:
    """Vitamin K in a portion, a sum of portions, or 100 g of a food (micrograms)."""

    mk4_mcg: float | None = None
    mk7_mcg: float | None = None
    other_mk_mcg: float | None = None
    unsplit_mk_mcg: float | None = None  # K2 a source gave only as a total, not by form
    low_mcg: float | None = None  # the band where sources differ (None: no K2 measured)
    high_mcg: float | None = None
    partial: bool = False  # some form was not measured: the total is a lower bound
    k1_mcg: float | None = None  # phylloquinone: shown beside K2, never added into it
    k1_partial: bool = False  # some part's K1 was not measured: the K1 is a lower bound
    confidence: str | None = None  # the K2 value's grade (GRADES); None where none measured

    @property
    def total_mcg(self) -> float | None:
        """All K2 measured: the forms plus the unsplit part (``None`` if none was measured)."""
        return _measured_sum((self.mk4_mcg, self.mk7_mcg, self.other_mk_mcg, self.unsplit_mk_mcg))

    @property
    def k2_measured(self) -> bool:
        """False when no K2 at all was measured: the K2 is unknown, not zero."""
        return self.total_mcg is not None

    @property
    def lower_bound_mcg(self) -> float:
        """The K2 total to compare with a target: what was measured, at least 0."""
        return self.total_mcg or 0.0

    def scaled(self, factor: float) -> VitaminK:
        """Every figure times ``factor`` (e.g. grams / 100 for a portion of a food)."""
        changes = {
            f.name: getattr(self, f.name) * factor
            for f in fields(self)
            if f.name.endswith("_mcg") and getattr(self, f.name) is not None
        }
        return replace(self, **changes)

    @classmethod
    def sum(cls, amounts: Iterable[VitaminK]) -> VitaminK:
        """The sum of ``amounts``: each figure over the parts that measured it.

        The K2 sum is a lower bound when any part's is (a food with no K2 measured is one);
        the K1 sum is when some part's K1 was not measured but another's was.
        """
        parts = list(amounts)
        k1_unknown = any(p.k1_mcg is None or p.k1_partial for p in parts)
        return cls(
            **{
                f.name: _measured_sum(getattr(p, f.name) for p in parts)
                for f in fields(cls)
                if f.name.endswith("_mcg")
            },
            partial=any(p.partial for p in parts),
            k1_partial=k1_unknown and any(p.k1_mcg is not None for p in parts),
            confidence=max(
                (p.confidence for p in parts if p.confidence in GRADES),
                key=GRADES.index,
                default=None,
            ),
        )

    def as_dict(self, suffix: str = "") -> dict[str, Any]:
        """The machine-readable figures: ``KEYS``, with ``suffix`` after each ``_mcg``."""
        return {key + suffix if "_mcg" in key else key: getattr(self, key) for key in KEYS}


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` when there is no whole."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Coverage:
    """How many items were summed, and how many of them had K2 and K1 measured.

    A figure built on items whose K2 (or K1) nobody measured is a lower bound; the shares
    say how much of it rests on measurements.
    """

    items: int = 0
    k2_items: int = 0
    k1_items: int = 0

    @classmethod
    def of(cls, amounts: Iterable[VitaminK]) -> Coverage:
        """The coverage of single items' amounts."""
        parts = list(amounts)
        return cls(
            len(parts),
            sum(p.k2_measured for p in parts),
            sum(p.k1_mcg is not None for p in parts),
        )

    @property
    def k2_coverage(self) -> float | None:
        """The share of items with some K2 measured (``None`` with no items)."""
        return share(self.k2_items, self.items)

    @property
    def k1_coverage(self) -> float | None:
        """The share of items with K1 measured (``None`` with no items)."""
        return share(self.k1_items, self.items)

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shares."""
        return {"k2_coverage": self.k2_coverage, "k1_coverage": self.k1_coverage}
