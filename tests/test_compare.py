"""The compare/suggest library and the bar picture, checked by hand against foods.csv rows."""

from __future__ import annotations

import pytest

from k2calc.compare import (
    NO_SERVING,
    Advice,
    compare_names,
    grams_for_mcg,
    natural_amount,
    richest_foods,
    suggest_for_day,
)
from k2calc.errors import CategoryError, ItemParseError, K2Error, UnknownFoodError
from k2calc.foods import Food, FoodTable
from k2calc.intake import total
from k2calc.sort_keys import CompareSort
from k2calc.target import Target


def suggest(
    items: list[str],
    table: FoodTable,
    target: Target | None = None,
    limit: int = 5,
    category: str | None = None,
) -> Advice:
    """Advice for items as typed, as ``k2calc suggest ITEM...`` gives it."""
    return suggest_for_day(total(items, table, target), table, limit, category)


def test_natto_amounts_to_target_by_hand(table: FoodTable) -> None:
    natto = table.find("natto")
    assert natto.forms_mcg_per_100g == (None, 939.0, None)  # the foods.csv row: MK-7 only
    assert natto.measures == {"cup": 175.0}
    (row,) = compare_names(["natto"], table)
    assert row.to_min.grams == pytest.approx(45 / natto.total_mcg_per_100g * 100)
    assert row.to_min.grams == pytest.approx(4.7923, abs=1e-4)  # 45 / 939 × 100
    assert row.to_max.grams == pytest.approx(21.2993, abs=1e-4)  # 200 / 939 × 100
    # A tbsp of natto is 175 / 16 = 10.9375 g: 4.7923 / 10.9375 = 0.438; 21.2993 / 10.9375 = 1.947
    assert (row.to_min.natural, row.to_max.natural) == ("0.44 tbsp", "1.9 tbsp")
    assert row.intake is not None and row.intake.vitamin_k.total_mcg == pytest.approx(939.0)
    assert row.food.partial  # MK-4 and other MK not measured: the grams are an upper bound
    assert row.as_dict()["partial"] is True


def test_count_measure_is_the_natural_unit(table: FoodTable) -> None:
    yolk = table.find("egg yolk")
    # Davis 2007 egg yolk MK-4 31 per 100 g (K2viewer's merged 47.7 retired)
    assert yolk.mk4_mcg_per_100g == 31.0 and yolk.measures["large"] == 17.0
    assert yolk.total_mcg_per_100g == pytest.approx(31.0)
    (row,) = compare_names(["egg yolk"], table)
    assert row.to_min.grams == pytest.approx(145.161, abs=1e-3)  # 45 / 31 × 100
    assert row.to_min.natural == "8.5 large"  # 145.161 / 17 = 8.54
    assert row.to_max.natural == "38 large"  # 200 / 31 × 100 = 645.16 g; / 17 = 37.95


def test_unsplit_total_and_packaging_only(table: FoodTable) -> None:
    gouda = table.find("gouda")
    assert gouda.unsplit_mk_mcg_per_100g == 47.3 and not gouda.partial
    assert gouda.measures == {"package": 198.0}
    (row,) = compare_names(["gouda"], table)
    assert row.to_min.grams == pytest.approx(95.137, abs=1e-3)  # 45 / 47.3 × 100
    assert row.to_min.natural == "0.48 package"  # 95.137 / 198 = 0.4805
    data = row.as_dict()
    assert data["mk4_mcg"] is None and data["total_mcg"] == pytest.approx(47.3)


def test_cup_once_the_amount_reaches_a_cup(table: FoodTable) -> None:
    (row,) = compare_names(["natto"], table, target=Target(2000, 3000))
    assert row.to_min.grams == pytest.approx(212.993, abs=1e-3)  # 2000 / 939 × 100
    assert row.to_min.natural == "1.2 cup"  # 212.993 / 175 = 1.217 (>= 1 cup)


def test_natural_unit_order() -> None:
    food = Food("x", mk4_mcg_per_100g=10.0, measures={"package": 500.0, "each": 20.0, "cup": 240.0})
    assert natural_amount(food, 40.0) == "2 pieces"  # 'each' before volume and packaging
    boxed = Food("y", mk4_mcg_per_100g=10.0, measures={"package": 500.0, "cup": 240.0})
    assert natural_amount(boxed, 30.0) == "2 tbsp"  # a volume before packaging: 240 / 16 = 15 g
    assert natural_amount(Food("z", mk4_mcg_per_100g=1.0), 30.0) is None


def test_food_without_k2_never_reaches(table: FoodTable) -> None:
    cauliflower = table.find("cauliflower")  # SR28 11135: MK-4 measured 0.0 (n=4)
    assert cauliflower.total_mcg_per_100g == 0.0
    assert grams_for_mcg(cauliflower, 45) is None
    (row,) = compare_names(["cauliflower"], table)
    data = row.as_dict()
    assert (data["grams_to_min"], data["grams_to_max"], data["natural_to_min"]) == (None,) * 3
    assert data["total_mcg"] == 0.0


def test_custom_target_range(table: FoodTable) -> None:
    (row,) = compare_names(["natto"], table, target=Target(10, 50))
    assert row.to_min.grams == pytest.approx(1.06496, abs=1e-5)  # 10 / 939 × 100
    assert row.to_max.grams == pytest.approx(5.32481, abs=1e-5)  # 50 / 939 × 100


def test_zero_minimum_needs_nothing(table: FoodTable) -> None:
    (row,) = compare_names(["natto"], table, target=Target(0, 50))
    assert row.to_min.grams == 0.0


def test_amount_in_a_volume_and_a_count(table: FoodTable) -> None:
    natto, gouda = compare_names(["natto", "gouda"], table, amount="1 cup")
    assert natto.intake is not None and natto.intake.grams == pytest.approx(175.0)
    assert natto.intake.vitamin_k.total_mcg == pytest.approx(1643.25)  # 939 × 1.75
    assert gouda.intake is None and gouda.error is not None and "density" in gouda.error
    (yolks,) = compare_names(["egg yolk"], table, amount="2")  # a bare count: 2 × each (17 g)
    assert yolks.intake is not None and yolks.intake.grams == 34.0
    assert yolks.intake.vitamin_k.mk4_mcg == pytest.approx(10.54)  # 31 × 0.34


def test_amount_no_food_fits_raises_the_first_reason(table: FoodTable) -> None:
    with pytest.raises(K2Error, match="density for gouda"):
        compare_names(["gouda"], table, amount="1 cup")
    with pytest.raises(ItemParseError, match="not an amount"):
        compare_names(["natto"], table, amount="lots")


def test_per_serving(table: FoodTable) -> None:
    thigh = table.find("chicken thigh")
    assert thigh.measures["serving"] == 85.0 and thigh.mk4_mcg_per_100g == 24.0
    natto, chicken = compare_names(["natto", "chicken thigh"], table, per_serving=True)
    assert natto.intake is None and natto.error == NO_SERVING
    assert natto.as_dict()["grams"] is None and natto.as_dict()["total_mcg"] is None
    assert natto.to_min.grams == pytest.approx(4.7923, abs=1e-4)  # still known per food
    assert chicken.intake is not None and chicken.intake.grams == 85.0
    assert chicken.intake.vitamin_k.mk4_mcg == pytest.approx(20.4)  # 24 × 0.85
    assert chicken.amount == "1 serving"
    with pytest.raises(K2Error, match="no serving size"):
        compare_names(["natto", "gouda"], table, per_serving=True)


def test_sorting(table: FoodTable) -> None:
    names = ["egg yolk", "cauliflower", "natto", "gouda"]
    by_total = compare_names(names, table, sort=CompareSort.total)  # 939, 47.3, 31, 0.0
    assert [r.food.name for r in by_total] == ["natto", "gouda", "egg yolk", "cauliflower"]
    by_to_min = compare_names(names, table, sort=CompareSort.to_min)
    assert [r.food.name for r in by_to_min] == ["natto", "gouda", "egg yolk", "cauliflower"]
    by_mk4 = compare_names(names, table, sort=CompareSort.mk4)
    assert [r.food.name for r in by_mk4][:2] == ["egg yolk", "cauliflower"]  # natto, gouda: none
    assert [r.food.name for r in compare_names(names, table, sort=CompareSort.food)] == sorted(
        names
    )
    assert [r.food.name for r in compare_names(names, table)] == names  # no sort: the order given


def test_unknown_food(table: FoodTable) -> None:
    with pytest.raises(UnknownFoodError, match="did you mean 'natto'"):
        compare_names(["nnato"], table)


def test_suggest_closes_the_gap_by_hand(table: FoodTable) -> None:
    advice = suggest(["1 egg yolk"], table)  # 17 g × 31 / 100 = 5.27 mcg
    assert advice.total.vitamin_k.total_mcg == pytest.approx(5.27)
    assert advice.gap_mcg == pytest.approx(39.73)  # 45 − 5.27
    assert advice.room_mcg == pytest.approx(194.73)  # 200 − 5.27
    first = advice.suggestions[0]
    assert first.food.name == "natto"  # the richest food in the table
    assert first.to_min.grams == pytest.approx(4.2311, abs=1e-4)  # 39.73 / 939 × 100
    assert first.to_max.grams == pytest.approx(20.7380, abs=1e-4)  # 194.73 / 939 × 100
    for s in advice.suggestions:
        assert s.to_min.grams is not None and s.to_max.grams is not None
        assert s.to_min.grams <= s.to_max.grams
        assert not s.food.is_supplement
    totals = [s.food.total_mcg_per_100g for s in advice.suggestions]
    assert len(totals) == 5 and totals == sorted(totals, reverse=True)


def test_suggest_within_and_above(table: FoodTable) -> None:
    within = suggest(["5 g natto"], table)  # 46.95 mcg
    assert within.total.status == "within" and within.suggestions == ()
    assert within.room_mcg == pytest.approx(153.05) and within.gap_mcg == 0.0
    above = suggest(["30 g natto"], table)  # 281.7 mcg
    assert above.total.status == "above" and above.suggestions == ()
    assert above.over_mcg == pytest.approx(81.7)
    assert above.as_dict()["over_mcg"] == pytest.approx(81.7)


def test_suggest_category_limit_and_custom_target(table: FoodTable) -> None:
    advice = suggest(["1 egg yolk"], table, Target(100, 150), limit=2, category="cheese")
    assert [s.food.category for s in advice.suggestions] == ["cheese", "cheese"]
    blue = table.find("blue cheese")  # Fu 2017 via K2viewer: MK-4..MK-10 add to 311.8
    assert blue.total_mcg_per_100g == pytest.approx(311.8)
    assert advice.suggestions[0].food.name == "blue cheese"
    assert advice.gap_mcg == pytest.approx(94.73)  # 100 − 5.27
    assert advice.suggestions[0].to_min.grams == pytest.approx(30.382, abs=1e-3)  # 94.73/311.8
    with pytest.raises(CategoryError, match="unknown category"):
        richest_foods(table, 5, "cheeses")
