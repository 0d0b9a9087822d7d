"""Issue 10: values a careful user can trust.

Every expected number below was typed from the reference row it comes from (the K2viewer row
of ``reference/k2viewer/k2_database.csv``, a row of ``reference/k2_food_values*.csv`` or an
SR28 record), never read back from the build: ND is a measured zero, NA not measured, and
``other`` is MK-5 + MK-6 + MK-8 + MK-9 + MK-10 of the same row, added here by hand.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from helpers import load_build_script

from k2calc.errors import FoodTableError
from k2calc.evidence import value_sources
from k2calc.foods import FoodTable, read_foods

ROOT = Path(__file__).resolve().parent.parent
PARTS = (
    "mk4_mcg_per_100g",
    "mk7_mcg_per_100g",
    "other_mk_mcg_per_100g",
    "unsplit_mk_mcg_per_100g",
)
N = None  # not measured

# name: (mk4, mk7, other, unsplit, confidence, the reference row it comes from)
HAND_CHECKED: dict[str, tuple[float | None, float | None, float | None, float | None, str, str]] = {
    # eggs
    "egg": (29.6, 0.9, 0.9 + 1.5, N, "medium", "K2viewer Egg (barn), code 5"),
    "egg yolk": (31.0, N, N, N, "low", "Davis 2007 egg yolk MK-4 (K2viewer's 47.7 retired)"),
    "fried egg": (9.0, 0.0, N, N, "low", "K2viewer Whole eggs fried, code 2; rest NA"),
    # dairy
    "butter": (20.9, N, N, N, "high", "SR28 01002 whipped butter, A, n=4"),
    "kefir": (0.0, 0.0, 3.9 + 4.5, N, "medium", "K2viewer Kefir, code 10; MK4-7 ND"),
    "buttermilk": (0.2, 0.1, 0.1 + 0.1 + 0.6 + 1.4, N, "medium", "K2viewer Butter milk, code 9"),
    "yogurt": (0.8, 0.0, 0.1 + 0.1 + 3.3 + 0.8, N, "low", "K2viewer Yoghurt (3.5% fat)"),
    "whole milk greek yogurt": (2.0, 0.1, 7.4 + 0.9, N, "low", "K2viewer Greek yoghut"),
    "heavy cream": (7.9, 0.0, 14.7 + 42.6, N, "low", "K2viewer Full fat cream (30-38% fat)"),
    "quark": (0.4, 0.3, 0.1 + 0.2 + 5.1 + 18.7, N, "medium", "K2viewer Curd cheese, code 9"),
    "sour cream": (
        3.8,
        0.3,
        0.0 + 0.0 + 1.5 + 7.4 + 0.6,
        N,
        "medium",
        "K2viewer Sour cream 18%, 5",
    ),
    "cottage cheese": (0.6, 1.0, 0.5 + 0.5 + 4.9 + 15.5 + 0.7, N, "low", "K2viewer 4% fat, 4; 5"),
    # cheeses
    "gouda": (N, N, N, 47.3, "medium", "Vermeer 2018, Gouda ripened 4 weeks"),
    "middle-aged gouda": (N, N, N, 65.0, "medium", "Vermeer 2018, Gouda ripened 13 weeks"),
    "camembert": (N, N, N, 68.1, "medium", "Vermeer 2018, Camembert (French)"),
    "munster": (N, N, N, 80.1, "medium", "Vermeer 2018, Munster (French)"),
    "edam": (11.3, 0.0, 7.5 + 45.9, N, "medium", "K2viewer Edam, code 11 (Vermeer 2018)"),
    "emmental": (8.3, 1.9, 1.1 + 0.2 + 3.1 + 5.1 + 0.5, N, "low", "K2viewer Emmentaler, 1; 5"),
    "havarti": (10.7, 0.5, 0.2 + 0.2 + 5.1 + 18.7 + 1.4, N, "medium", "K2viewer Havarti, 5"),
    "halloumi": (5.4, 0.5, 0.1 + 0.4 + 3.1 + 9.1 + 0.5, N, "medium", "K2viewer Halloumi, 5"),
    "manchego": (7.3, 1.2, 0.5 + 0.7 + 7.9 + 17.7 + 0.7, N, "medium", "K2viewer Manchego, 5"),
    "goat cheese": (5.8, 1.1, 0.4 + 1.1 + 7.7 + 31.5 + 2.0, N, "medium", "K2viewer Goat Cheese"),
    "feta": (3.0, 1.0, 0.3 + 0.6 + 4.1 + 11.6 + 0.5, N, "low", "K2viewer Feta, 1; 5"),
    "brie": (9.5, 0.2, 0.2 + 0.2 + 1.7 + 4.4 + 0.5, N, "low", "K2viewer Brie, 1; 5; 8"),
    "blue cheese": (10.3, 4.0, 0.6 + 11.6 + 271.0 + 14.3, N, "medium", "K2viewer Blue cheese, 4"),
    "roquefort": (13.1, 1.2, 0.6 + 0.5 + 5.1 + 17.6, N, "low", "K2viewer Roquefort, code 1"),
    "gruyere": (5.2, 0.0, 1.4, N, "low", "K2viewer Gruyere, code 1; MK6-10 ND"),
    "egg white": (0.9, 0.0, 0.0, N, "low", "K2viewer Egg white, codes 9. 7; MK10 NA"),
    "corned beef": (7.7, 0.0, 0.0, N, "medium", "K2viewer Corned beef, code 9; MK10 NA"),
    "pork chop": (N, N, N, N, "", "K2viewer Chops (code 1: MK4 ND, MK5 5.0) retired"),
    "cheddar": (8.5, 0.9, 0.5 + 0.4 + 4.4 + 12.7 + 14.3, N, "low", "K2viewer Cheddar full fat"),
    "mozzarella": (1.4, 0.5, 0.0 + 0.0 + 0.0 + 51.8 + 7.7, N, "medium", "K2viewer Mozzarella, 4"),
    # meat
    "chicken skin": (65.9, 1.6, 0.5 + 0.2 + 0.3, N, "medium", "K2viewer Chicken skin, 5"),
    "chicken liver": (4.0, 1.0, N, N, "medium", "WAPF chicken liver (conventional)"),
    "duck": (22.8, 0.0, 0.0, N, "medium", "K2viewer Duck breast with skin, 5"),
    "goose": (31.0, 0.0, 0.0, N, "medium", "K2viewer Goose leg, 9; MK10 NA"),
    "beef liver": (N, N, N, N, "", "K2viewer Liver (beef), code 2, retired"),
    "veal liver": (1.0, 4.8, 1.8 + 3.5 + 2.1 + 6.1, N, "medium", "K2viewer Veal liver, 5"),
    "pork heart": (17.1, 1.5, 2.0, N, "medium", "K2viewer Heart (pork), 5"),
    "pork liver": (1.6, 0.8, 0.3 + 0.6 + 0.3 + 0.6, N, "low", "K2viewer Liver (pork), 9; 11; 5"),
    "liver pate": (8.2, 0.7, 0.2 + 0.6 + 0.2 + 0.3, N, "medium", "K2viewer Liverpate, 5"),
    "chorizo": (12.6, 2.1, 0.3 + 2.0 + 0.8, N, "medium", "K2viewer Chorizo, 5"),
    "salami": (28.0, N, N, N, "high", "SR28 07069, A, n=3"),
    # fish
    "cod": (1.8, 5.8, 0.2 + 4.2, N, "medium", "K2viewer Cod, code 5"),
    "mussel": (2.7, 1.1, 0.3 + 4.0 + 0.6 + 0.1 + 0.1, N, "medium", "K2viewer Blue mussels, 12"),
    "herring": (1.3, 0.2, 2.1 + 0.2, N, "low", "K2viewer Herring, 9; 5; 13"),
    # fermented
    "natto": (N, 939.0, N, N, "medium", "Kamao 2007 natto MK-7, read from the abstract"),
    "tempeh": (0.7, 2.0, 3.1, N, "low", "K2viewer Tempeh, code 6"),
    "miso": (1.1, 3.1, 0.5 + 1.9, N, "low", "K2viewer Miso paste, code 6"),
    "sauerkraut": (0.3, 0.1, 0.6 + 1.5 + 0.8 + 1.9, N, "low", "K2viewer Sauerkraut, 9; 1; 8"),
    "kimchi": (1.9, 0.0, 0.0, N, "low", "K2viewer Kimchi, 6; 10"),
    "kombucha": (15.7, 1.2, 14.9 + 20.7, N, "low", "K2viewer Kombucha, code 6"),
    "sourdough bread": (0.0, 1.1, 0.0, N, "medium", "K2viewer Sour dough bread, code 9"),
}


def read_rows() -> dict[str, dict[str, str]]:
    with (ROOT / "foods.csv").open(newline="", encoding="utf-8") as handle:
        return {r["name"]: r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, str]]:
    return read_rows()


def number(text: str) -> float | None:
    return float(text) if text else None


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_value(rows: dict[str, dict[str, str]], name: str) -> None:
    *parts, grade, reference = HAND_CHECKED[name]
    row = rows[name]
    got = [number(row[c]) for c in PARTS]
    for column, want, value in zip(PARTS, parts, got, strict=True):
        if want is None:
            assert value is None, f"{name} {column}: {reference}"
        else:
            assert value == pytest.approx(want), f"{name} {column}: {reference}"
    assert row["confidence"] == grade, reference


def test_at_least_30_hand_checked_foods() -> None:
    assert len(HAND_CHECKED) >= 30


@pytest.mark.parametrize(
    "name", ["scrambled egg", "hard-boiled egg", "ghee", "jarlsberg", "goose liver pate"]
)
def test_no_measurement_stays_not_measured(rows: dict[str, dict[str, str]], name: str) -> None:
    row = rows[name]
    assert [row[c] for c in PARTS] == ["", "", "", ""]
    assert row["confidence"] == ""
    assert row["note"].startswith("NOT MEASURED")


def test_rule_13_outliers_are_no_primary_value(rows: dict[str, dict[str, str]]) -> None:
    egg, pate = rows["egg"], rows["goose liver pate"]
    assert egg["mk4_mcg_per_100g"] != "0.2" and float(egg["low_mcg_per_100g"]) > 10
    assert pate["mk4_mcg_per_100g"] == "" and pate["high_mcg_per_100g"] == ""
    with (ROOT / "food_sources.csv").open(newline="", encoding="utf-8") as handle:
        evidence = list(csv.DictReader(handle))
    scrambled = [r for r in evidence if r["reference"].startswith("SR28 01132")]
    goose = [r for r in evidence if r["source"] == "ntro-it"]
    assert scrambled and goose
    assert all(r["role"] == "retired" and "rule 13" in r["retired_because"] for r in scrambled)
    assert all(r["role"] == "retired" and r["total_mcg_per_100g"] == "369" for r in goose)
    # nothing the table serves rests on them: 0.2 and 369 are no row's total or band end
    for row in rows.values():
        if row["name"] in ("scrambled egg", "goose liver pate", "egg"):
            assert "0.2" not in (row["low_mcg_per_100g"], row["mk4_mcg_per_100g"])
        assert "369" not in (row["mk4_mcg_per_100g"], row["high_mcg_per_100g"])


def test_every_row_adds_up_and_is_graded_exactly_where_measured(
    rows: dict[str, dict[str, str]],
) -> None:
    with (ROOT / "foods.csv").open(encoding="utf-8") as handle:
        table = FoodTable(read_foods(handle, "foods.csv", "built-in"))
    foods = {f.name: f for f in table.foods}
    for name, row in rows.items():
        parts = [number(row[c]) for c in PARTS]
        measured = [p for p in parts if p is not None]
        assert bool(row["confidence"]) == bool(measured), name
        assert row["confidence"] in ("", "inferred", "high", "medium", "low"), name
        food = foods[name]
        assert food.confidence == (row["confidence"] or None)
        if not measured:
            assert not food.k2_measured and food.as_dict()["total_mcg_per_100g"] is None
            continue
        total = sum(measured)
        assert food.total_mcg_per_100g == pytest.approx(total), name
        data = food.as_dict()
        keys = ("mk4_mcg_per_100g", "mk7_mcg_per_100g", "other_mk_mcg_per_100g")
        served = sum(data[k] or 0.0 for k in (*keys, "unsplit_mk_mcg_per_100g"))
        assert served == pytest.approx(data["total_mcg_per_100g"]), name
        if row["low_mcg_per_100g"]:
            assert float(row["low_mcg_per_100g"]) <= total + 1e-9, name
        if row["high_mcg_per_100g"]:
            assert total <= float(row["high_mcg_per_100g"]) + 1e-9, name


def test_the_story_of_a_value() -> None:
    egg = value_sources("egg")
    assert [v.role for v in egg] == ["primary", "band", "band", "retired"]
    primary = egg[0]
    assert (primary.source, primary.grade) == ("k2viewer", "medium")
    assert "Egg (barn)" in primary.reference
    # K2viewer Egg (barn): MK5, MK9, MK10 empty cells = not measured; MK6 0.9; MK8 1.5
    assert (primary.mk4_mcg_per_100g, primary.mk5_mcg_per_100g) == (29.6, None)
    assert (primary.mk6_mcg_per_100g, primary.mk8_mcg_per_100g) == (0.9, 1.5)
    assert primary.other_mk_mcg_per_100g == pytest.approx(2.4)
    assert primary.total_mcg_per_100g == pytest.approx(32.9)
    retired = egg[-1]
    assert (retired.source, retired.mk4_mcg_per_100g) == ("usda-sr28", 0.2)
    assert "rule 13" in retired.retired_because
    kefir = value_sources("Kefir")  # the table's name, case-insensitive
    assert [(v.mk4_mcg_per_100g, v.mk10_mcg_per_100g) for v in kefir] == [(0.0, None)]  # ND, NA
    assert value_sources("ghee") == ()  # nobody measured its K2
    assert value_sources("no such food") == ()


def test_every_curated_row_is_its_primary_source_value(rows: dict[str, dict[str, str]]) -> None:
    for name in HAND_CHECKED:
        if not HAND_CHECKED[name][4]:  # not measured: its only value is retired
            assert not [v for v in value_sources(name) if v.is_primary], name
            continue
        primary = [v for v in value_sources(name) if v.is_primary]
        assert len(primary) == 1, name
        row = rows[name]
        assert primary[0].total_mcg_per_100g == pytest.approx(
            sum(number(row[c]) or 0.0 for c in PARTS)
        ), name
        assert primary[0].grade == row["confidence"], name


HEADER = "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g"


def test_a_user_file_with_the_old_total_column_still_loads() -> None:
    text = f"{HEADER},total_mcg_per_100g\nmy cheese,,,,55\n"
    [food] = read_foods(io.StringIO(text), "mine.csv", "mine.csv")
    assert food.unsplit_mk_mcg_per_100g == 55.0 and food.total_mcg_per_100g == 55.0
    assert not food.partial and food.confidence is None
    both = f"{HEADER},total_mcg_per_100g,unsplit_mk_mcg_per_100g\nx,,,,1,1\n"
    with pytest.raises(FoodTableError, match="not both"):
        read_foods(io.StringIO(both), "mine.csv", "mine.csv")


def test_user_file_confidence_is_a_grade() -> None:
    good = f"{HEADER},confidence\nmy capsule,,36000,,High\n"
    [food] = read_foods(io.StringIO(good), "mine.csv", "mine.csv")
    assert food.confidence == "high" and food.as_dict()["confidence"] == "high"
    bad = f"{HEADER},confidence\nmy capsule,,36000,,sure\n"
    with pytest.raises(FoodTableError, match="confidence"):
        read_foods(io.StringIO(bad), "mine.csv", "mine.csv")


def test_forms_and_unsplit_add_up_in_a_user_food() -> None:
    text = f"{HEADER},unsplit_mk_mcg_per_100g\nmixed,5,,,20\n"
    [food] = read_foods(io.StringIO(text), "mine.csv", "mine.csv")
    assert food.total_mcg_per_100g == 25.0  # 5 MK-4 + 20 not split by form
    assert not food.partial  # the unsplit total covers the forms left empty


def test_data_sources_doc_is_generated_from_the_curation() -> None:
    build = load_build_script("build_foods_doc")
    rows, _ = build.build_all()
    sources = build.read_csv(ROOT / "curation" / "sources.csv")
    fresh = build.data_sources_doc(rows, sources)
    page = (ROOT / "docs" / "data-sources.md").read_text(encoding="utf-8")
    assert page == fresh, "docs/data-sources.md is stale: run python scripts/build_foods.py"
    assert f"rows: **{len(rows):,}**" in page
    for name in ("egg", "kefir", "edam", "jarlsberg", "goose liver pate"):
        assert f"\n| {name} | " in page
