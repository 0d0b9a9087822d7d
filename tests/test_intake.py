"""Totals checked by hand arithmetic from rows of foods.csv."""

from __future__ import annotations

import pytest

from k2calc.errors import TargetError
from k2calc.foods import FoodTable, read_foods
from k2calc.intake import total
from k2calc.target import Target


def test_natto_egg_gouda_by_hand(table: FoodTable) -> None:
    # foods.csv: natto MK-7 939 (MK-4, other not measured), band 763.3–1100, cup 175 g;
    # egg (DTU barn egg via K2viewer) MK-4 29.6, MK-7 0.9, other 2.4 (MK-6 0.9 + MK-8 1.5;
    # MK-5, MK-9, MK-10 not analysed: a lower bound), band 15.1–35.1, each 50 g; gouda total
    # 47.3 (not split), band 32–90.
    natto, egg, gouda = (table.find(n) for n in ("natto", "egg", "gouda"))
    assert natto.forms_mcg_per_100g == (None, 939.0, None)
    assert egg.forms_mcg_per_100g == (29.6, 0.9, 2.4) and egg.measures["each"] == 50.0
    assert egg.confidence == "medium" and egg.partial
    assert gouda.unsplit_mk_mcg_per_100g == 47.3

    result = total(["30 g natto", "2 eggs", "1 oz gouda"], table)
    natto_item, egg_item, gouda_item = result.items
    assert natto_item.vitamin_k.mk7_mcg == pytest.approx(281.7)  # 939 × 30 / 100
    assert natto_item.vitamin_k.mk4_mcg is None and natto_item.vitamin_k.partial
    assert egg_item.grams == 100.0 and egg_item.vitamin_k.mk4_mcg == pytest.approx(29.6)
    assert egg_item.vitamin_k.total_mcg == pytest.approx(32.9)
    oz = 28.349523125
    assert gouda_item.vitamin_k.total_mcg == pytest.approx(47.3 * oz / 100)  # 13.4093…
    assert gouda_item.vitamin_k.mk4_mcg is None and not gouda_item.vitamin_k.partial

    assert result.vitamin_k.mk4_mcg == pytest.approx(29.6)  # only the egg measured MK-4
    assert result.vitamin_k.mk7_mcg == pytest.approx(281.7 + 0.9)
    assert result.vitamin_k.other_mk_mcg == pytest.approx(
        2.4
    )  # the egg's; natto and gouda: not split
    assert result.vitamin_k.total_mcg == pytest.approx(281.7 + 32.9 + 47.3 * oz / 100)  # 328.0093…
    assert result.vitamin_k.partial
    # Band: natto 763.3–1100, egg 15.1–35.1, gouda 32–90.
    assert result.vitamin_k.low_mcg == pytest.approx(763.3 * 0.3 + 15.1 + 32 * oz / 100)
    assert result.vitamin_k.high_mcg == pytest.approx(1100 * 0.3 + 35.1 + 90 * oz / 100)
    assert result.status == "above"


def test_cheddar_counts_the_long_chain_forms(table: FoodTable) -> None:
    # cheddar: K2viewer 'Cheddar (full fat)' (every form; low): MK-4 8.5, MK-7 0.9, other
    # MK-5 0.5 + MK-6 0.4 + MK-8 4.4 + MK-9 12.7 + MK-10 14.3 = 32.3; no other all-form value,
    # so no band (the MK-4-only values are outside it)
    cheddar = table.find("cheddar")
    mk4, mk7, other = cheddar.forms_mcg_per_100g
    assert (mk4, mk7) == (8.5, 0.9)
    assert other == pytest.approx(32.3)
    assert cheddar.confidence == "low" and not cheddar.partial
    assert (cheddar.per_100g.low_mcg, cheddar.per_100g.high_mcg) == pytest.approx((41.7, 41.7))
    item = total(["2 slices cheddar"], table).items[0]
    assert item.vitamin_k.mk4_mcg == pytest.approx(8.5 * item.grams / 100)
    assert item.vitamin_k.other_mk_mcg == pytest.approx(32.3 * 0.56)
    assert item.vitamin_k.total_mcg == pytest.approx(41.7 * 0.56)  # 23.352


@pytest.mark.parametrize(
    ("mcg", "status"),
    [(44.99, "below"), (45.0, "within"), (200.0, "within"), (200.01, "above")],
)
def test_target_edges_are_inclusive(mcg: float, status: str) -> None:
    assert Target().status(mcg) == status


def test_custom_target_changes_status(table: FoodTable) -> None:
    # 10 g natto = 93.9 mcg MK-7
    assert total(["10 g natto"], table).status == "within"
    assert total(["10 g natto"], table, Target(100, 300)).status == "below"
    assert total(["10 g natto"], table, Target(0, 90)).status == "above"


@pytest.mark.parametrize(("low", "high"), [(-1, 200), (50, 40)])
def test_bad_target_is_a_usage_error(low: float, high: float) -> None:
    with pytest.raises(TargetError):
        Target(low, high)


def test_supplement_amount_is_the_vitamin(table: FoodTable) -> None:
    result = total(["100 mcg mk-7", "45 mg mk-4"], table)
    assert result.vitamin_k.mk7_mcg == pytest.approx(100.0)
    assert result.vitamin_k.mk4_mcg == pytest.approx(45_000.0)
    assert not result.vitamin_k.partial


def test_user_food_overrides_builtin(table: FoodTable) -> None:
    # A user's own capsule: 180 mcg MK-7 in a 0.5 g capsule = 36,000 mcg per 100 g.
    rows = [
        "name,aliases,category,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g,measures",
        "my k2 capsule,capsule,supplement,0,36000,0,each=0.5",
        "natto,,fermented,,1000,,cup=180",
    ]
    mine = FoodTable([*table.foods, *read_foods(rows, "mine.csv", "mine.csv")])
    assert total(["2 capsules"], mine).vitamin_k.mk7_mcg == pytest.approx(360.0)
    assert total(["1 cup natto"], mine).vitamin_k.mk7_mcg == pytest.approx(1800.0)


def test_column_arithmetic_is_portion_intake(table: FoodTable) -> None:
    """intake_columns (the report's per-row arithmetic) gives what total gives, item by item."""
    import numpy as np

    from k2calc.intake import intake_columns, per_100g_columns
    from k2calc.parse import resolve

    items = [
        "30 g natto",
        "2 eggs",
        "1 oz gouda",
        "1 slice cheddar",
        "100 mcg mk-7",
        "1 tbsp butter",
    ]
    portions = [resolve(item, table) for item in items]
    foods = [p.food for p in portions]
    columns = intake_columns(
        per_100g_columns(foods), np.arange(len(foods)), np.array([p.grams for p in portions])
    )
    for row, item in enumerate(total(items, table).items):
        k = item.vitamin_k
        expected = {
            "mk4_mcg": k.mk4_mcg,
            "mk7_mcg": k.mk7_mcg,
            "other_mk_mcg": k.other_mk_mcg,
            "total_mcg": k.lower_bound_mcg,
            "low_mcg": k.low_mcg or 0.0,
            "high_mcg": k.high_mcg or 0.0,
        }
        for key, value in expected.items():
            got = columns[key][row]
            assert (np.isnan(got) and value is None) or got == pytest.approx(value), (
                item.input,
                key,
            )
        assert bool(columns["partial"][row]) is k.partial


def test_status_of_a_column_is_status_of_each() -> None:
    import numpy as np

    target = Target(45, 200)
    totals = [0.0, 44.999, 45.0, 45.001, 199.999, 200.0, 200.001, 1e9]
    statuses = target.statuses(np.array(totals))
    assert list(statuses) == [target.status(t) for t in totals]
    assert list(statuses) == ["below", "below"] + ["within"] * 4 + ["above", "above"]
