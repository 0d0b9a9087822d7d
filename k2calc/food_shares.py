"""Which foods supplied the vitamin K over a period: per food, the grams, K2 by form, K1, and
each one's share of the period's K2 and K1."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from k2calc.intake import Intake
from k2calc.vitamin import VitaminK

FOOD_SHARE_KEYS = (
    "food", "entries", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg",
    "total_mcg", "partial", "k1_mcg", "k1_partial", "k2_share", "k1_share",
)  # fmt: skip


@dataclass(frozen=True)
class FoodShare:
    """One food's part of a period: how often and how much was eaten, and what it supplied.

    ``k2_share`` is its measured K2 over the period's (``None`` when no K2 of the food was
    measured: unknown, not 0%); ``k1_share`` likewise for K1.
    """

    food: str
    entries: int
    grams: float
    vitamin_k: VitaminK
    k2_share: float | None
    k1_share: float | None

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable shape (``FOOD_SHARE_KEYS``)."""
        shape = {"food": self.food, "entries": self.entries, "grams": self.grams}
        shape |= self.vitamin_k.as_dict()
        shape |= {"k2_share": self.k2_share, "k1_share": self.k1_share}
        return {key: shape[key] for key in FOOD_SHARE_KEYS}


def food_shares(intakes: Iterable[Intake]) -> list[FoodShare]:
    """Per food over ``intakes``, the food supplying the most K2 first (then K1, then name)."""
    by_food: dict[str, list[Intake]] = {}
    for intake in intakes:
        by_food.setdefault(intake.food, []).append(intake)
    sums = {food: VitaminK.sum(i.vitamin_k for i in eaten) for food, eaten in by_food.items()}
    all_k2 = sum(s.lower_bound_mcg for s in sums.values())
    all_k1 = sum(s.k1_mcg or 0.0 for s in sums.values())
    shares = [
        FoodShare(
            food,
            len(by_food[food]),
            sum(i.grams for i in by_food[food]),
            amount,
            amount.lower_bound_mcg / all_k2 if amount.k2_measured and all_k2 else None,
            amount.k1_mcg / all_k1 if amount.k1_mcg is not None and all_k1 else None,
        )
        for food, amount in sums.items()
    ]
    return sorted(
        shares, key=lambda s: (-s.vitamin_k.lower_bound_mcg, -(s.vitamin_k.k1_mcg or 0.0), s.food)
    )
