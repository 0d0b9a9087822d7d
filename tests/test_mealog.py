"""The meal log store (k2calc.mealog) and date parsing (k2calc.dates), called directly.

Numbers by hand from foods.csv rows:
  natto: mk7 939 /100 g, mk4 and other not measured, band 939–1103.4
  egg: mk4 0.2 /100 g, each = 50 g
  cheddar: mk4 8.6, other 13.1 /100 g (mk7 not measured)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from pathlib import Path

import pytest

from k2calc import __version__, mealog
from k2calc.dates import DateError, date_range, parse_date, parse_iso
from k2calc.days import summarize
from k2calc.diary import ColumnError, PersonColumnError
from k2calc.errors import FoodTableError, Hint, K2Error
from k2calc.foods import Food, FoodTable, read_user_foods
from k2calc.mealog import MealLogError, NewEntry
from k2calc.parse import resolve
from k2calc.paths import data_dir, default_log_path
from k2calc.target import Target


def new(table: FoodTable, item: str, date: str = "2026-11-22", meal: str = "") -> NewEntry:
    return NewEntry(date, meal, resolve(item, table))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "log.sqlite3"


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-22", dt.date(2026, 11, 22)),
        ("today", dt.date(2026, 3, 1)),
        ("TODAY", dt.date(2026, 3, 1)),
        ("yesterday", dt.date(2026, 2, 28)),  # 2026 is not a leap year
        ("-1", dt.date(2026, 2, 28)),
        ("-0", dt.date(2026, 3, 1)),
        ("-7", dt.date(2026, 2, 22)),
        (" 2024-02-29 ", dt.date(2024, 2, 29)),
    ],
)
def test_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, today=dt.date(2026, 3, 1)) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01", "2025-02-29", "22/11/2026", "+3"])
def test_bad_dates_name_the_forms(text: str) -> None:
    with pytest.raises(DateError, match="date"):
        parse_date(text, today=dt.date(2026, 3, 1))


def test_parse_iso_is_strict_and_range_inclusive() -> None:
    with pytest.raises(DateError):
        parse_iso("today")
    days = date_range(dt.date(2026, 2, 27), dt.date(2026, 3, 1))
    assert [d.isoformat() for d in days] == ["2026-02-27", "2026-02-28", "2026-03-01"]
    with pytest.raises(DateError, match="ends before"):
        date_range(dt.date(2026, 3, 1), dt.date(2026, 2, 1))


# --- paths ------------------------------------------------------------------------------


def test_data_dir_honours_k2calc_home_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K2CALC_HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home"
    assert default_log_path() == tmp_path / "home" / "log.sqlite3"
    monkeypatch.delenv("K2CALC_HOME")
    assert data_dir().name == "k2calc"  # the platform's user data folder
    assert not (tmp_path / "home").exists()


# --- storing and reading ----------------------------------------------------------------


def test_entry_keeps_text_resolved_values_and_version(db: Path, table: FoodTable) -> None:
    [added] = mealog.add_entries(db, [new(table, "30 g natto", meal=" Breakfast ")])
    [stored] = mealog.entries_between(db, "2026-11-22", "2026-11-22")
    assert stored == added
    assert (stored.id, stored.date, stored.meal) == (1, "2026-11-22", "breakfast")
    item = stored.intake
    assert (item.input, item.food, item.grams) == ("30 g natto", "natto", 30.0)
    assert item.vitamin_k.mk7_mcg == pytest.approx(281.7)  # 939 * 30 / 100
    assert (
        item.vitamin_k.mk4_mcg is None and item.vitamin_k.other_mk_mcg is None
    )  # not measured, not zero
    assert (item.vitamin_k.low_mcg, item.vitamin_k.high_mcg) == pytest.approx(
        (228.99, 330.0)
    )  # 763.3, 1100 per 100 g
    assert item.vitamin_k.partial is True
    assert (stored.k2calc_version, stored.food_origin) == (__version__, "built-in")
    assert dt.datetime.fromisoformat(stored.logged_at).tzinfo is not None


def test_reading_a_missing_log_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "log.sqlite3"
    assert mealog.entries_between(path, "2026-01-01", "2026-12-31") == []
    assert mealog.day_total(path, "2026-11-22").vitamin_k.total_mcg is None  # nothing logged
    assert not (tmp_path / "no").exists()


def test_schema_marker_and_version(db: Path, table: FoodTable) -> None:
    mealog.add_entries(db, [new(table, "2 eggs")])
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == mealog.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == mealog.SCHEMA_VERSION == 2
    conn.close()


def test_one_bad_step_logs_nothing(db: Path, table: FoodTable) -> None:
    mealog.add_entries(db, [new(table, "2 eggs")])

    def fail() -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        mealog.add_entries(db, [new(table, "30 g natto"), new(table, "1 oz gouda")], fail)
    assert [e.intake.food for e in mealog.all_entries(db)] == ["egg"]


def test_logged_values_survive_a_table_change(db: Path, table: FoodTable) -> None:
    mealog.add_entries(db, [new(table, "30 g natto")])
    richer = FoodTable([*table.foods, Food(name="natto", mk7_mcg_per_100g=1000.0)])
    assert richer.find("natto").mk7_mcg_per_100g == 1000.0
    # The log keeps the value it was logged with (939 mcg/100 g).
    assert mealog.day_total(db, "2026-11-22").vitamin_k.total_mcg == pytest.approx(281.7)


def test_days_and_summary_by_hand(db: Path, table: FoodTable) -> None:
    mealog.add_entries(
        db,
        [
            new(table, "30 g natto", "2026-11-01"),  # 281.7: above
            new(table, "10 g natto", "2026-11-02"),  # 93.9: within
            new(table, "100 g cheddar", "2026-11-03"),  # 41.7 (K2viewer, every form): below
        ],
    )
    target = Target()
    days = mealog.logged_days(mealog.entries_between(db, "2026-11-01", "2026-11-30"), target)
    assert [(d.day.date, d.day.status) for d in days] == [
        ("2026-11-01", "above"),
        ("2026-11-02", "within"),
        ("2026-11-03", "below"),
    ]
    assert days[2].day.vitamin_k.mk4_mcg == pytest.approx(8.5)
    assert days[2].day.vitamin_k.other_mk_mcg == pytest.approx(32.3)
    assert days[2].day.vitamin_k.mk7_mcg == pytest.approx(0.9)
    summary = summarize([d.day for d in days], target)
    mean = (281.7 + 93.9 + 41.7) / 3  # 139.1
    assert summary.mean_mcg == pytest.approx(mean)
    assert (summary.median_mcg, summary.min_mcg, summary.max_mcg) == pytest.approx(
        (93.9, 41.7, 281.7)
    )
    stdev = math.sqrt(((281.7 - mean) ** 2 + (93.9 - mean) ** 2 + (41.7 - mean) ** 2) / 2)
    assert summary.cv == pytest.approx(stdev / mean)  # about 0.907


def test_meals_grouped_in_day_order(db: Path, table: FoodTable) -> None:
    mealog.add_entries(
        db,
        [
            new(table, "2 eggs", meal="snack"),
            new(table, "1 egg", meal=""),
            new(table, "3 eggs", meal="second breakfast"),
            new(table, "10 g natto", meal="dinner"),
            new(table, "4 eggs", meal="breakfast"),
            new(table, "5 eggs", meal="snack"),
        ],
    )
    day = mealog.logged_day(db, "2026-11-22", Target())
    groups = [(meal, [e.id for e in entries]) for meal, entries in day.meals()]
    assert groups == [
        ("breakfast", [5]),
        ("dinner", [4]),
        ("snack", [1, 6]),
        ("second breakfast", [3]),
        ("", [2]),
    ]


def test_library_errors_name_no_flag_but_carry_a_hint(tmp_path: Path) -> None:
    """Issue 8: the CLI adds --db, --foods or a command to the message; the library does not."""
    not_a_log = tmp_path / "notes.txt"
    not_a_log.write_text("not a database\n", encoding="utf-8")
    refused: list[tuple[K2Error, Hint]] = []
    for path in (not_a_log, tmp_path):  # a file that is not a log, a folder
        with pytest.raises(MealLogError) as bad_log:
            mealog.all_entries(path)
        refused.append((bad_log.value, Hint.OTHER_LOG))
    with pytest.raises(FoodTableError) as no_foods:
        read_user_foods(tmp_path / "missing.csv")
    refused.append((no_foods.value, Hint.FOODS_FILE))
    for error, hint in refused:
        assert error.hint is hint
        assert "--" not in str(error) and "K2CALC_" not in str(error), str(error)
        assert not re.search(r"k2calc (log )?(show|export|rm|add|foods)\b", str(error)), error


def test_remove_is_all_or_nothing_and_ids_are_not_reused(db: Path, table: FoodTable) -> None:
    mealog.add_entries(db, [new(table, "1 egg"), new(table, "2 eggs"), new(table, "3 eggs")])
    with pytest.raises(MealLogError, match="^no entry with id 9; nothing was removed$") as no:
        mealog.remove_entries(db, [1, 9])
    assert no.value.hint is Hint.LOG_IDS  # the CLI names the command that lists the ids
    assert len(mealog.all_entries(db)) == 3
    removed = mealog.remove_entries(db, [3, 1, 3])
    assert [e.id for e in removed] == [1, 3]
    [kept] = mealog.all_entries(db)
    assert kept.id == 2
    [again] = mealog.add_entries(db, [new(table, "4 eggs")])
    assert again.id == 4  # AUTOINCREMENT: a removed id never comes back


def test_remove_from_a_missing_log(db: Path) -> None:
    with pytest.raises(MealLogError, match="the log is empty"):
        mealog.remove_entries(db, [1])
    assert not db.exists()


# --- files that are not ours ------------------------------------------------------------


def test_newer_schema_is_refused_and_untouched(db: Path, table: FoodTable) -> None:
    mealog.add_entries(db, [new(table, "2 eggs")])
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {mealog.SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(MealLogError, match="newer k2calc"):
        mealog.add_entries(db, [new(table, "1 egg")])
    with pytest.raises(MealLogError, match="newer k2calc"):
        mealog.all_entries(db)
    assert db.read_bytes() == before


def test_another_programs_sqlite_file_is_refused_and_untouched(db: Path, table: FoodTable) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(MealLogError, match="is not a k2calc log database"):
        mealog.add_entries(db, [new(table, "1 egg")])
    with pytest.raises(MealLogError, match="is not a k2calc log database"):
        mealog.all_entries(db)
    assert db.read_bytes() == before


def test_an_empty_file_becomes_a_log(db: Path, table: FoodTable) -> None:
    db.touch()
    assert mealog.all_entries(db) == []
    mealog.add_entries(db, [new(table, "1 egg")])
    assert len(mealog.all_entries(db)) == 1


def test_migrations_run_in_order_and_keep_entries(
    db: Path, table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    mealog.add_entries(db, [new(table, "2 eggs")])

    def add_rating(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE entries ADD COLUMN rating INTEGER")

    monkeypatch.setattr(mealog, "MIGRATIONS", (*mealog.MIGRATIONS, add_rating))
    monkeypatch.setattr(mealog, "SCHEMA_VERSION", 3)
    assert [e.intake.food for e in mealog.all_entries(db)] == ["egg"]  # upgraded on open
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
    conn.close()
    assert columns[-1] == "rating"


# --- export and import ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "amount"),
    [
        ("30 g natto", "30 gram"),
        ("2 eggs", "2 each"),
        ("1 each pound cake", "1 each"),  # not "1 pound cake", which is a pound of cake
        ("1/3 cup natto", "0.3333333333333333 cup"),
        ("1 tbsp butter", "1 tablespoon"),
        ("100 mcg mk-7", "100 microgram"),
    ],
)
def test_export_amount_reads_back_to_the_same_grams(
    db: Path, table: FoodTable, item: str, amount: str
) -> None:
    [entry] = mealog.add_entries(db, [new(table, item)])
    row = entry.export_row()
    assert row["amount"] == amount
    again = resolve(f"{row['amount']} {row['food']}", table)
    assert (again.food.name, again.grams) == (entry.intake.food, entry.intake.grams)


def test_import_checks_every_row_first(table: FoodTable) -> None:
    text = (
        "Date,Meal,Food,Amount\n"
        "2026-11-01,breakfast,natto,30 g\n"
        "2026-13-01,lunch,egg,2\n"
        "2026-11-02,,nnato,30 g\n"
        "2026-11-03,,egg,\n"
    )
    with pytest.raises(MealLogError) as caught:
        mealog.read_import(text, "day.csv", table)
    message = str(caught.value)
    assert message.startswith("day.csv: 3 bad row(s), nothing imported:")
    assert "row 3: '2026-13-01' is not a date" in message
    assert "row 4: unknown food 'nnato'" in message
    assert "row 5: amount and food must not be empty" in message


def test_import_lists_twenty_bad_rows_and_counts_the_rest(table: FoodTable) -> None:
    text = "date,food,amount\n" + "2026-11-01,nnato,30 g\n" * 25
    with pytest.raises(MealLogError) as caught:
        mealog.read_import(text, "f.csv", table)
    assert str(caught.value).count("unknown food") == 20
    assert "… and 5 more" in str(caught.value)


def test_import_reads_json_and_refuses_several_subjects(table: FoodTable) -> None:
    rows = '[{"date": "2026-11-01", "food": "egg", "amount": 2, "note": "n"}]'
    [entry] = mealog.read_import(rows, "f.json", table)
    assert (entry.date, entry.meal, entry.portion.grams, entry.note) == ("2026-11-01", "", 100, "n")
    one = "date,food,amount,subject\n2026-11-01,egg,2,ann\n"
    assert len(mealog.read_import(one, "f.csv", table)) == 1
    with pytest.raises(MealLogError, match="2 subjects \\(ann, bob\\); the log is one person's"):
        mealog.read_import(one + "2026-11-01,egg,1,bob\n", "f.csv", table)
    with pytest.raises(PersonColumnError, match="'client' looks like it names people"):
        mealog.read_import("date,food,amount,client\n2026-11-01,egg,2,ann\n", "f.csv", table)
    with pytest.raises(ColumnError, match="missing column.*amount"):
        mealog.read_import("date,food\n2026-11-01,egg\n", "f.csv", table)
    with pytest.raises(MealLogError, match="empty"):
        mealog.read_import("", "f.csv", table)
    with pytest.raises(MealLogError, match="not valid JSON"):
        mealog.read_import("[{", "f.json", table)
