"""``k2calc.diary``: a diary's header read into a plan, or refused with a reason."""

from __future__ import annotations

import pytest

from k2calc import diary
from k2calc.diary import (
    ColumnError,
    MappingConflictError,
    MappingError,
    PersonColumnError,
    plan,
)

CRONOMETER_HEADER = ["Day", "Time", "Group", "Food Name", "Amount", "Energy (kcal)", "Category"]


def test_plain_header_is_read_as_it_is() -> None:
    read = plan(["Subject", "Date", "Meal", "Food", "Amount"])
    assert read.columns == {
        "Subject": "subject",
        "Date": "date",
        "Meal": "meal",
        "Food": "food",
        "Amount": "amount",
    }
    assert read.ignored == () and read.plain and not read.cronometer


@pytest.mark.parametrize(
    "column",
    ["Client", "client_id", "Participant ID", "patient", "user", "id", "name", "SEQN", "PID"],
)
def test_a_column_that_names_people_is_refused_without_a_mapping(column: str) -> None:
    with pytest.raises(PersonColumnError, match=f"column '{column}' looks like it names people"):
        plan(["date", column, "food", "amount"], label="f.csv")


def test_a_mapping_reads_the_people_column_or_says_there_is_none() -> None:
    read = plan(["date", "Client", "food", "amount"], {"subject": "client"})
    assert read.columns["Client"] == "subject" and read.ignored == ()
    assert "Client as subject" in read.describe("f.csv")
    alone = plan(["date", "id", "food", "amount"], {"subject": diary.NO_COLUMN})
    assert "subject" not in alone.has and alone.ignored == ("id",)


def test_other_columns_are_ignored_and_listed() -> None:
    read = plan(["date", "food", "amount", "kcal", "notes"])
    assert read.ignored == ("kcal", "notes") and not read.plain
    assert read.describe("f.csv") == (
        "f.csv: read date, food, amount; ignored 2 columns: kcal, notes"
    )


def test_a_mapping_to_a_missing_column_names_it() -> None:
    with pytest.raises(MappingError, match="no column 'Clint' \\(given for subject\\)"):
        plan(["date", "Client", "food", "amount"], {"subject": "Clint"}, "f.csv")


def test_mappings_rename_and_override() -> None:
    read = plan(
        ["When", "What", "How much", "food"],
        {"date": "when", "food": "What", "amount": "HOW MUCH"},
    )
    assert read.columns == {"When": "date", "What": "food", "How much": "amount"}
    assert read.ignored == ("food",)


def test_cronometer_servings_export_is_recognised() -> None:
    read = plan(CRONOMETER_HEADER)
    assert read.cronometer
    assert read.columns == {"Day": "date", "Group": "meal", "Food Name": "food", "Amount": "amount"}
    assert read.ignored == ("Time", "Energy (kcal)", "Category")
    assert "a Cronometer servings export" in read.describe("servings.csv")


def test_codes_and_grams_stand_for_food_and_amount() -> None:
    read = plan(["SEQN", "date", "ndb", "grams"], {"subject": "seqn"})
    assert read.has == {"subject", "date", "ndb", "grams"}
    with pytest.raises(ColumnError, match="missing column 'food'"):
        plan(["date", "grams"])
    with pytest.raises(ColumnError, match="missing column 'amount'"):
        plan(["date", "ndb"])


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("1.00 medium", "1 medium"),
        ("150.00 g", "150 g"),
        ("2.00 slice", "2 slice"),
        ("0.50 cup, chopped", "0.5 cup"),
        ("1.00 cup (8 fl oz)", "1 cup"),
        ("28.35 g", "28.35 g"),
        ("1.00 tbsp", "1 tbsp"),
        ("3", "3"),
        ("1,250.00 g", "1250 g"),
        ("150,00 g", "150 g"),
        ("0,5 cup", "0.5 cup"),
        ("1, cup", "1, cup"),
        ("some", "some"),
    ],
)
def test_cronometer_amount(cell: str, amount: str) -> None:
    assert diary.cronometer_amount(cell) == amount


def test_food_and_amount_texts_prefer_codes_and_grams() -> None:
    assert diary.food_text("cheese", " 01009 ") == "ndb:01009"
    assert diary.food_text(" cheese ", "") == "cheese"
    assert diary.amount_text("1 cup", "30") == "30 g"
    assert diary.amount_text("1 cup", "") == "1 cup"
    assert diary.amount_text("", "30g") == "30g"
    assert diary.amount_text("", "lots") == "lots"  # the parser says it is no amount


def test_cronometer_items() -> None:
    lines = [
        ",".join(CRONOMETER_HEADER),
        '2026-11-02,7:42 AM,Breakfast,"Egg, Whole, Raw",2.00 large,143.00,Dairy',
        '2026-11-02,,Lunch,"Cheese, Gouda",30.00 g,107.00,Dairy',
    ]
    assert diary.cronometer_items(lines) == diary.CronometerItems(
        ["2 large Egg, Whole, Raw", "30 g Cheese, Gouda"], ["2026-11-02"], []
    )
    assert diary.cronometer_items(["30 g natto"]) is None


def test_columns_that_do_not_name_people_pass() -> None:
    read = plan(["date", "food", "amount", "case", "kcal", "notes", "group"])
    assert "subject" not in read.has


def test_one_column_for_two_is_a_usage_error() -> None:
    with pytest.raises(MappingConflictError, match="column 'food' is given for both food and meal"):
        plan(["date", "food", "amount"], {"food": "food", "meal": "FOOD"})


def test_a_caller_s_extra_column_is_described_after_the_canonical_ones() -> None:
    read = plan(["note", "date", "food", "amount", "kcal"], extra=("note",))
    assert read.describe("f.csv") == (
        "f.csv: read date, food, amount, note; ignored 1 column: kcal"
    )


def test_cronometer_rows_of_no_food_eaten_are_left_out_and_listed() -> None:
    lines = [
        ",".join(CRONOMETER_HEADER),
        '2026-11-02,7:42 AM,Breakfast,"Kale, Cooked from Frozen",0.00 g,0.00,Vegetables',
        '2026-11-02,,Lunch,"Quick Add, Carbs",1.00 serving,120.00,',
        '2026-11-02,,Lunch,"Magnesium Glycinate, 200 mg",2.00 capsule,0.00,Supplements',
        '2026-11-02,,Dinner,"NOW Foods, MK-7 Vitamin K-2, 100 mcg",1.00 capsule,0.00,Supplements',
        '2026-11-02,,Dinner,"Dates, Medjool",2.00 each - pitted,133.00,Fruits',
    ]
    export = diary.cronometer_items(lines)
    assert export is not None
    assert export.items == [
        "1 capsule NOW Foods, MK-7 Vitamin K-2, 100 mcg",
        "2 each Dates, Medjool",
    ]
    assert export.left_out == [
        "line 2: 'Kale, Cooked from Frozen': not eaten (amount 0.00 g)",
        "line 3: 'Quick Add, Carbs': not a food: a Quick Add entry (macros only)",
        "line 4: 'Magnesium Glycinate, 200 mg': not a food: a supplement or drug without vitamin K",
    ]


@pytest.mark.parametrize(
    ("cell", "amount"),
    [('1.00 whole - 3 1/2" diameter', "1 whole"), ("2.00 each - pitted", "2 each")],
)
def test_cronometer_measure_descriptions_after_a_dash(cell: str, amount: str) -> None:
    assert diary.cronometer_amount(cell) == amount
