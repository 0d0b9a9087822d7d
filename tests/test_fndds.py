"""USDA FNDDS 2017-2018 survey foods in the table: values from their SR28 ingredients.

The recipes below are copied by hand from reference/fndds/fndds_2017_2018_ingredients.csv
(code, grams, moisture change); the ingredients' own values are read from the table as built,
so the expected figures follow the SR28 rows wherever their values come from.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from helpers import ROOT, Invoke, load_build_script

from k2calc.evidence import recipe_ingredients
from k2calc.foods import Food, FoodTable

NUTRIENT_VALUES = ROOT / "reference" / "fndds" / "fndds_2017_2018_nutrient_values_export.csv"


def by_ndb(table: FoodTable, ndb: str) -> Food:
    found = [f for f in table.foods if f.ndb_no == ndb]
    assert len(found) == 1, ndb
    return found[0]


def by_fndds(table: FoodTable, code: str) -> Food:
    found = [f for f in table.foods if code in f.fndds_codes]
    assert len(found) == 1, code
    return found[0]


def weighted(table: FoodTable, parts: dict[str, float], key: str) -> float | None:
    """Sum of grams x the ingredient's value per 100 g / 100 over the parts that have it."""
    values = [(g, getattr(by_ndb(table, ndb), key)) for ndb, g in parts.items()]
    given = [g * v / 100 for g, v in values if v is not None]
    return sum(given) if given else None


def assert_values(table: FoodTable, code: str, parts: dict[str, float]) -> None:
    """The FNDDS food's forms and K1 are the grams-weighted sums of its SR28 ingredients
    (``parts``: grams of each in 100 g of the food as eaten), to the table's 4 decimals."""
    food = by_fndds(table, code)
    for key in (
        "mk4_mcg_per_100g",
        "mk7_mcg_per_100g",
        "other_mk_mcg_per_100g",
        "unsplit_mk_mcg_per_100g",
        "k1_mcg_per_100g",
    ):
        expected = weighted(table, parts, key)
        got = getattr(food, key)
        if expected is None:
            assert got is None, key
        else:
            assert got == pytest.approx(expected, abs=6e-5), key
    listed = {i.ndb_no: i.grams for i in recipe_ingredients(code) if i.ndb_no}
    assert listed == pytest.approx(parts, abs=6e-5)


def test_a_plain_food_is_its_sr28_row(table: FoodTable, k2: Invoke) -> None:
    # 11111000 Milk, whole: 01077 100 g, no moisture change: it is SR28 01077 itself, found
    # by its code, under the curated name; there is no second row of the same food.
    milk = by_fndds(table, "11111000")
    assert (milk.name, milk.ndb_no) == ("milk", "01077")
    assert recipe_ingredients("11111000") == ()
    assert k2("show", "fndds:11111000", "--format", "json").json()["name"] == "milk"


def test_moisture_change_spreads_the_ingredients_over_the_weight_as_eaten(
    table: FoodTable,
) -> None:
    # 24122131 Chicken breast, baked, from raw: 05062 100 g + salt 02047 0.6 g, moisture
    # change -26 %: 100.6 g of ingredients weigh 100.6 x 0.74 = 74.444 g as eaten.
    eaten = 100.6 * 0.74
    assert_values(table, "24122131", {"05062": 100 / eaten * 100, "02047": 0.6 / eaten * 100})
    chicken = by_ndb(table, "05062")
    assert chicken.mk4_mcg_per_100g is not None
    assert by_fndds(table, "24122131").mk4_mcg_per_100g == pytest.approx(
        chicken.mk4_mcg_per_100g * 100 / eaten, abs=6e-5
    )


def test_a_sub_recipe_is_expanded_into_its_own_ingredients(table: FoodTable) -> None:
    # 11512030 Hot chocolate made with non-dairy milk: soymilk 16139 122 g, syrup 19924 56 g,
    # and 122 g of the FNDDS food 11350000 Almond milk, sweetened (14091 96 g + sugar 19335
    # 4 g): 300 g in all, no moisture change in either.
    almond = 122 / 300 * 100
    assert_values(
        table,
        "11512030",
        {
            "16139": 122 / 300 * 100,
            "19924": 56 / 300 * 100,
            "14091": almond * 96 / 100,
            "19335": almond * 4 / 100,
        },
    )


def test_partial_k2_states_its_coverage_and_the_weakest_grade(table: FoodTable) -> None:
    # 31105005 Egg, whole, fried, NS as to fat: egg 01123 100 g, salt 0.3 g, and 7 g of a fat
    food = by_fndds(table, "31105005")
    assert food.partial
    assert food.k2_coverage_pct is not None and food.k2_coverage_pct < 100
    lines = recipe_ingredients("31105005")
    valued = [i.grams for i in lines if i.ndb_no and by_ndb(table, i.ndb_no).per_100g.k2_measured]
    share = sum(valued) / sum(i.grams for i in lines) * 100  # salt has no K2 value
    assert 0 < share < 100
    stated = re.search(r"K2 measured for ([0-9.]+)% of the ingredient weight", food.note)
    assert stated is not None and float(stated.group(1)) == pytest.approx(share, abs=0.01)
    ranks = {"high": 3, "medium": 2, "low": 1}
    grades = [
        by_ndb(table, i.ndb_no).confidence
        for i in recipe_ingredients("31105005")
        if i.ndb_no and by_ndb(table, i.ndb_no).per_100g.k2_measured
    ]
    grades = [g for g in grades if g != "inferred"]  # a zero by rule is a state, not a grade
    assert food.confidence == min(grades, key=lambda g: ranks.get(g or "", 0))


def test_every_fndds_food_is_in_the_table_and_k1_agrees_with_usda(table: FoodTable) -> None:
    """All 7,083 foods are there, and the K1 computed from the ingredients matches USDA's own
    FNDDS vitamin K (phylloquinone) per 100 g within 5 % for at least 95 % of them: the proof
    that ingredients, sub-recipes and moisture change are read as USDA computes them."""
    with NUTRIENT_VALUES.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))[1:]  # row 1 is the sheet's title
    column = lines[0].index("Vitamin K (phylloquinone) (mcg)")
    usda = {row[0]: float(row[column]) for row in lines[1:]}
    foods = {code: f for f in table.foods for code in f.fndds_codes}
    assert len(usda) == 7083 and set(foods) == set(usda)
    close = 0
    for code, theirs in usda.items():
        ours = foods[code].k1_mcg_per_100g or 0.0
        close += abs(ours - theirs) <= max(0.05 * theirs, 0.05)
    assert close / len(usda) >= 0.95


def test_a_dish_is_found_by_name_and_counted_by_its_portion(k2: Invoke, table: FoodTable) -> None:
    sandwich = by_fndds(table, "27540310")  # Turkey sandwich, with spread: 1 sandwich 143 g
    run = k2("total", "1 sandwich turkey sandwich", "1 cup beef chili", "--format", "json")
    assert run.exit_code == 0, run.stderr
    items = run.json()["items"]
    assert [i["food"] for i in items] == [sandwich.name, "chili con carne with beans"]
    assert [i["grams"] for i in items] == [143.0, 254.0]  # FNDDS portions: 1 sandwich, 1 cup
    assert sandwich.k1_mcg_per_100g is not None
    assert items[0]["k1_mcg"] == pytest.approx(sandwich.k1_mcg_per_100g * 1.43, rel=1e-6)


@pytest.mark.parametrize(
    ("query", "fndds_code", "ndb_no"),
    [
        ("turkey sandwich", "27540310", None),
        ("beef chili", "27111410", None),
        ("miso soup", "41601070", None),
        ("egg", "31101010", "01123"),  # FNDDS "Egg, whole, raw" is the SR28 egg
        ("milk", "11111000", "01077"),
        ("spinach", "72125100", "11457"),
    ],
)
def test_plain_foods_keep_their_sr28_names_and_dishes_find_fndds(
    k2: Invoke, query: str, fndds_code: str, ndb_no: str | None
) -> None:
    shown = k2("show", query, "--format", "json").json()
    assert shown["ndb_no"] == ndb_no
    assert fndds_code in shown["fndds_codes"]
    assert len(shown["fndds_codes"]) == 1 or ndb_no is not None  # a dish is one FNDDS food


def test_show_lists_the_ingredients_a_value_came_from(k2: Invoke) -> None:
    run = k2("show", "fndds:24122131", "--format", "json")
    assert run.exit_code == 0, run.stderr
    made_of = run.json()["ingredients"]
    assert [i["ndb_no"] for i in made_of] == ["05062", "02047"]
    assert made_of[0]["grams"] == pytest.approx(100 / (100.6 * 0.74) * 100, abs=6e-5)
    table_view = k2("show", "fndds:24122131").stdout
    assert "Computed from its ingredients" in table_view and "raw chicken breast" in table_view


def test_an_unknown_fndds_code_is_one_clear_line(k2: Invoke) -> None:
    run = k2("total", "100 g fndds:99999999")
    assert run.exit_code == 1
    assert "unknown FNDDS food code '99999999'" in run.stderr


INGREDIENTS_HEADER = (
    "fndds_code,fndds_desc,wweia_category_number,wweia_category_desc,seq,ingredient_code,"
    "ingredient_type,sr_code,ingredient_desc,ingredient_weight_g,retention_code,"
    "moisture_change_pct,sr28_long_desc"
)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (
            [
                "11000001,A,1,c,1,11000002,fndds_food,,B,10,0,0,",
                "11000002,B,1,c,1,11000001,fndds_food,,A,10,0,0,",
            ],
            "a cycle of sub-recipes 11000001 -> 11000002 -> 11000001",
        ),
        (["11000001,A,1,c,1,99999,sr,99999,X,10,0,0,"], "SR28 food '99999' does not exist"),
        (["11000001,A,1,c,1,11000009,fndds_food,,X,10,0,0,"], "FNDDS food '11000009' does not"),
        (["11000001,A,1,c,1,1077,sr,01077,Milk,0,0,0,"], "ingredient weight 0 g is not positive"),
    ],
)
def test_the_build_checks_the_fndds_data_and_fails_loudly(
    tmp_path: Path, lines: list[str], problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = load_build_script("build_foods_fndds_check")
    (tmp_path / "fndds_2017_2018_ingredients.csv").write_text(
        "\n".join([INGREDIENTS_HEADER, *lines]) + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(build, "FNDDS_REF", tmp_path)
    with pytest.raises(SystemExit, match="reference/fndds") as failed:
        build.load_fndds_recipes(build.load_sr28())
    assert problem in str(failed.value)
