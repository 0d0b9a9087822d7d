"""Items → food and grams: a table of spellings, exact unit constants, and every error case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k2calc.errors import (
    AmbiguousFoodError,
    ItemParseError,
    K2Error,
    UnitError,
    UnknownFoodError,
)
from k2calc.foods import FoodTable
from k2calc.parse import grams_per_unit, resolve, split_amount
from k2calc.units import find_unit

OZ = 28.349523125  # 1/16 of the avoirdupois pound, 453.59237 g exactly
LB = 453.59237
CUP_ML = 236.5882365  # US cup; tbsp = cup / 16, tsp = tbsp / 3, fl oz = 2 tbsp

# (item, food it must resolve to, grams). Grams of counts and volumes come from the food's
# own cited measure in foods.csv, named in the comment.
ITEMS = [
    ("30 g natto", "natto", 30.0),
    ("30g natto", "natto", 30.0),
    ("30 grams natto", "natto", 30.0),
    ("30 G Natto", "natto", 30.0),
    ("  30   g   natto  ", "natto", 30.0),
    ("0.5 kg natto", "natto", 500.0),
    ("500 mg natto", "natto", 0.5),
    ("2 oz gouda", "gouda", 2 * OZ),
    ("2 ounces gouda", "gouda", 2 * OZ),
    ("1 lb cheddar", "cheddar", LB),
    ("1.5 lbs cheddar", "cheddar", 1.5 * LB),
    ("1 cup natto", "natto", 175.0),  # USDA 16113: 1 cup = 175 g
    ("1/2 cup natto", "natto", 87.5),
    ("½ cup natto", "natto", 87.5),
    ("1 ½ cups natto", "natto", 262.5),
    ("1½ cups natto", "natto", 262.5),
    ("1 1/2 cups natto", "natto", 262.5),
    ("2 tbsp natto", "natto", 2 * 175 / 16),  # from the cup, through pint's tbsp = cup/16
    ("1 tablespoon natto", "natto", 175 / 16),
    ("3 tsp natto", "natto", 175 / 16),
    ("100 ml natto", "natto", 100 / CUP_ML * 175),
    (".5 cup natto", "natto", 87.5),
    ("1/2 cup sauerkraut", "sauerkraut", 71.0),  # USDA: 1 cup sauerkraut = 142 g
    ("1.5 cups whole milk", "milk", 366.0),  # USDA 01077: 1 cup = 244 g
    ("1 cup milk", "milk", 244.0),
    ("1 fl oz milk", "milk", 30.5),  # USDA's own fl oz weight
    ("2 fl oz whole milk", "milk", 61.0),
    ("1 quart milk", "milk", 976.0),
    ("1 tbsp butter", "butter", 14.2),  # USDA 01001: tbsp 14.2 (its own, not cup/16)
    ("1 pat butter", "butter", 5.0),
    ("2 pats butter", "butter", 10.0),
    ("1 stick butter", "butter", 113.0),
    ("1 tbsp whipped butter", "whipped butter", 9.4),  # USDA 01002
    ("1 egg yolk", "egg yolk", 17.0),  # USDA 01125: 1 large yolk = 17 g
    ("2 egg yolks", "egg yolk", 34.0),
    ("3 yolks", "egg yolk", 51.0),
    ("1 slice cheddar", "cheddar", 28.0),  # USDA 01009: slice (1 oz) = 28 g
    ("2 slices cheddar cheese", "cheddar", 56.0),
    ("1 package gouda", "gouda", 198.0),  # USDA 01022: package (7 oz) = 198 g
    ("2 tbsp parmesan", "parmesan", 10.0),  # USDA: 1 tbsp grated = 5 g
    ("3 slices salami", "salami", 3 * 12.3),
    ("2 hot dogs", "hot dog", 96.0),  # 1 frankfurter = 48 g
    ("1 frankfurter", "hot dog", 48.0),
    ("1 tbsp sour cream", "sour cream", 12.0),
    ("100 mcg mk-7", "mk-7", 100e-6),
    ("45 mg mk-4", "mk-4", 0.045),
    ("180 µg MK7", "mk-7", 180e-6),
    ("200 ug menaquinone-7", "mk-7", 200e-6),
    ("50 g Pâté", "liver pate", 50.0),
    ("1e2 g natto", "natto", 100.0),
]


@pytest.mark.parametrize(("item", "food", "grams"), ITEMS)
def test_item_resolves_to_food_and_grams(
    table: FoodTable, item: str, food: str, grams: float
) -> None:
    portion = resolve(item, table)
    assert portion.food.name == food
    assert portion.grams == pytest.approx(grams, rel=1e-12)


def test_at_least_forty_spellings() -> None:
    assert len(ITEMS) >= 40


@pytest.mark.parametrize(
    ("word", "kind", "size"),
    [
        ("oz", "mass", OZ),
        ("ounce", "mass", OZ),
        ("lb", "mass", LB),
        ("pound", "mass", LB),
        ("kg", "mass", 1000.0),
        ("mg", "mass", 1e-3),
        ("mcg", "mass", 1e-6),
        ("µg", "mass", 1e-6),
        ("cup", "volume", CUP_ML),
        ("tbsp", "volume", CUP_ML / 16),
        ("tsp", "volume", CUP_ML / 48),
        ("fl oz", "volume", CUP_ML / 8),
        ("l", "volume", 1000.0),
    ],
)
def test_unit_constants_are_exact(word: str, kind: str, size: float) -> None:
    unit = find_unit(word)
    assert unit is not None
    assert unit.kind == kind
    assert unit.size == pytest.approx(size, rel=1e-15)


@pytest.mark.parametrize("word", ["parsec", "m", "egg", "g*2", "2**10", "__import__", ""])
def test_words_that_are_not_food_units(word: str) -> None:
    assert find_unit(word) is None


@pytest.mark.parametrize(
    ("item", "error", "names"),
    [
        ("-3 g natto", ItemParseError, "'-3'"),
        ("three g natto", ItemParseError, "'three'"),
        ("1e999 g natto", ItemParseError, "'1e999'"),
        ("nan g natto", ItemParseError, "'nan'"),
        ("inf g natto", ItemParseError, "'inf'"),
        ("0 g natto", ItemParseError, "'0'"),
        ("1/0 cup natto", ItemParseError, "'1/0'"),
        ("3 parsec natto", UnitError, "'parsec'"),
        ("1 cup egg", UnitError, "'cup'"),
        ("2**1000000 g natto", ItemParseError, "'2**1000000'"),
        ("", ItemParseError, "empty item"),
        ("   ", ItemParseError, "empty item"),
        ("30 g", ItemParseError, "no food"),
        ("30", ItemParseError, "no food"),
        ("30 g nnato", UnknownFoodError, "'nnato'"),
        ("30 g chicken", AmbiguousFoodError, "'chicken'"),
        ("1 slice gouda", UnitError, "'slice'"),
        ("2 natto", UnitError, "natto"),
        ("1 capsule mk-7", UnitError, "mcg"),
    ],
)
def test_bad_items_raise_a_clear_error(
    table: FoodTable, item: str, error: type[K2Error], names: str
) -> None:
    with pytest.raises(error) as raised:
        resolve(item, table)
    message = str(raised.value)
    assert names in message
    assert "\n" not in message


def test_unknown_food_suggests_close_names(table: FoodTable) -> None:
    with pytest.raises(UnknownFoodError) as raised:
        table.find("nnato")
    assert "natto" in raised.value.suggestions
    assert len(raised.value.suggestions) <= 3


def test_ambiguous_name_lists_a_few_candidates(table: FoodTable) -> None:
    with pytest.raises(AmbiguousFoodError) as raised:
        table.find("chicken")
    assert 2 <= len(raised.value.candidates) <= 5
    assert all("chicken" in c for c in raised.value.candidates)


def test_volume_without_density_says_what_the_food_knows(table: FoodTable) -> None:
    with pytest.raises(UnitError, match="package"):
        grams_per_unit(table.find("gouda"), "cup")


def test_huge_exponent_is_rejected_at_once() -> None:
    # Never handed to pint's expression parser: the text is refused before any arithmetic.
    with pytest.raises(ItemParseError):
        split_amount("2**1000000 g natto")
    with pytest.raises(ItemParseError):
        split_amount("9" * 5000 + " g natto")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_only_raises_our_own_errors(table: FoodTable, text: str) -> None:
    try:
        portion = resolve(text, table)
    except K2Error:
        return
    assert portion.grams > 0


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.001, max_value=10_000, allow_nan=False),
    st.sampled_from(["g", "oz", "cup", "tbsp"]),
)
def test_grams_scale_linearly_with_the_amount(table: FoodTable, amount: float, unit: str) -> None:
    one = resolve(f"1 {unit} natto", table).grams
    many = resolve(f"{amount!r} {unit} natto", table).grams
    assert many == pytest.approx(amount * one, rel=1e-9)
