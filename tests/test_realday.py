"""A real day, taken whole: what people write (measures, supplements, app lines) and a
Cronometer export with every row accounted for.

``tests/data/cronometer_realday.csv`` is a three-day servings export written for these
tests, in Cronometer's own shape: its ``Vitamin K (µg)`` column was computed by hand from
USDA SR28 (``reference/usda/sr28_foods.csv``, nutrient 430 per 100 g, times the grams of
the row's SR28 household measure in ``sr28_weights.csv``, rounded to 0.01 µg as Cronometer
shows it), and 100 µg for the MK-7 capsule. Of its 25 rows, 20 are foods eaten, 2 are zero
amounts (planned, not eaten), 1 a Quick Add entry, 1 a magnesium capsule and 1 a branded
seasoning no table has.
"""

from __future__ import annotations

import contextlib
import csv
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT

from k2calc.errors import ItemParseError, K2Error, UnitError
from k2calc.foods import FoodTable
from k2calc.parse import resolve
from k2calc.wording import reword, supplement_item

EXPORT = Path(__file__).parent / "data" / "cronometer_realday.csv"
K_COLUMN = "Vitamin K (µg)"


def export_rows() -> list[dict[str, str]]:
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_row_of_the_export_is_used_left_out_or_listed(k2: Invoke) -> None:
    run = k2("report", str(EXPORT), "--skip-invalid", "-f", "json")
    assert run.exit_code == 0, run.stderr
    skipped = run.json()["skipped"]
    reasons = sorted(s["reason"].split(" (")[0].split(":")[0].split(" '")[0] for s in skipped)
    assert reasons == ["not a food", "not a food", "not eaten", "not eaten", "unknown food"]
    assert "left out 4 rows: no food eaten" in run.stderr
    assert "skipped 1 row that could not be used" in run.stderr
    days = run.json()["days"]
    # every row eaten or refused is an item of its day: 8 + 6 + 7 (the rest left out)
    rows_of_day: dict[str, int] = defaultdict(int)
    for row in export_rows():
        eaten = float(row["Amount"].split()[0]) > 0
        if eaten and not row["Food Name"].startswith(("Quick Add", "Magnesium")):
            rows_of_day[row["Day"]] += 1
    assert rows_of_day == {"2026-11-09": 8, "2026-11-10": 6, "2026-11-11": 7}
    assert [d["refused_rows"] for d in days] == [0, 1, 0]
    # 2026-11-10: 6 items, the branded seasoning refused; K1 measured in 4 of them
    assert days[1]["k1_coverage"] == pytest.approx(4 / 6, abs=1e-6)


def test_a_refused_row_fails_the_report_but_rows_of_no_food_never_do(k2: Invoke) -> None:
    run = k2("report", str(EXPORT))
    assert run.exit_code == 1
    assert "1 row could not be used" in run.stderr and "Trader Joe's" in run.stderr
    assert "Quick Add" not in run.stderr and "not eaten" not in run.stderr


def test_k1_per_day_agrees_with_the_exports_own_column(k2: Invoke) -> None:
    """On each day whose foods are all known, k2calc's K1 is Cronometer's vitamin K (here
    all phylloquinone) within 2 %."""
    days = {
        d["date"]: d
        for d in k2("report", str(EXPORT), "--skip-invalid", "-f", "json").json()["days"]
    }
    column: dict[str, float] = defaultdict(float)
    for row in export_rows():
        column[row["Day"]] += float(row[K_COLUMN])
    compared = [day for day, d in days.items() if d["refused_rows"] == 0]
    assert compared == ["2026-11-09", "2026-11-11"]
    for day in compared:
        assert days[day]["k1_mcg"] == pytest.approx(column[day], rel=0.02), day


def test_the_refused_day_is_marked_in_every_format(k2: Invoke) -> None:
    table = k2("report", str(EXPORT), "--skip-invalid")
    assert "within‡" in table.stdout and "‡ rows of the day could not be used" in table.stdout
    rows = k2("report", str(EXPORT), "--skip-invalid", "-f", "csv").csv()
    assert [r["refused_rows"] for r in rows] == ["0", "1", "0"]


def test_total_of_one_day_leaves_out_rows_of_no_food_and_skips_on_request(k2: Invoke) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    day_one = "\n".join([lines[0], *(line for line in lines if line.startswith("2026-11-09"))])
    run = k2("total", "-", "-f", "json", input=day_one)
    assert run.exit_code == 0, run.stderr
    assert "left out 3 row(s): no food eaten" in run.stderr
    assert run.json()["k1_mcg"] == pytest.approx(1468.63, rel=0.02)
    day_two = "\n".join([lines[0], *(line for line in lines if line.startswith("2026-11-10"))])
    assert k2("total", "-", input=day_two).exit_code == 1
    run = k2("total", "-", "--skip-invalid", "-f", "json", input=day_two)
    assert run.exit_code == 0, run.stderr
    assert "skipped 1 item(s)" in run.stderr and "Trader Joe's" in run.stderr
    assert run.json()["mk7_mcg"] == pytest.approx(100.0)


def test_installed_command_reads_the_export_and_a_supplement_line() -> None:
    exe = SCRIPT  # the installed command, found next to this Python when not on PATH
    done = subprocess.run(
        [exe, "report", str(EXPORT), "--skip-invalid", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(",status,refused_rows")
    assert "left out 4 rows" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [exe, "total", "2 softgels MK-7 45mcg", "1 UK pint semi skimmed milk", "-f", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert rows[0]["mk7_mcg"] == "90.0"
    # 568.26 ml at USDA's 244 g a cup (236.59 ml) of 2 % milk
    assert float(rows[1]["grams"]) == pytest.approx(568.26125 / 236.5882365 * 244, rel=1e-3)


# ---------------------------------------------------------------------------- what people write


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("1 softgel mk-7 100mcg", "100 mcg mk-7"),
        ("vitamin K2 180 mcg", "180 mcg k2"),
        ("MenaQ7 90mcg", "90 mcg mk-7"),
        ("K2 (MK-4) 1 mg", "1000 mcg mk-4"),
        ("2 capsules mk-7 90 mcg", "180 mcg mk-7"),
        ("3 drops K2 MK-7 (100 mcg per drop)", "300 mcg mk-7"),
        ("4 drops D3+K2 (25 mcg K2 per drop)", "100 mcg k2"),
        ("D3 50 mcg + K2 100 mcg", "100 mcg k2"),  # the dose beside the K2, not the D3's
        ("phylloquinone 100 mcg", "100 mcg k1"),
    ],
)
def test_supplements_as_people_write_them(text: str, item: str) -> None:
    assert supplement_item(text) == item


def test_an_unspecified_k2_is_shown_as_such_never_as_mk7(table: FoodTable) -> None:
    portion = resolve("vitamin K2 100mcg", table)
    assert portion.food.name == "k2"
    assert portion.food.unsplit_mk_mcg_per_100g == 1e8 and portion.food.mk7_mcg_per_100g is None


@pytest.mark.parametrize("text", ["D3+K2 drops", "1 capsule K2"])
def test_a_k_vitamin_without_a_dose_asks_for_it(text: str, table: FoodTable) -> None:
    with pytest.raises(UnitError, match="no dose"):
        resolve(text, table)


def test_two_forms_in_one_item_are_refused() -> None:
    with pytest.raises(ItemParseError, match="both MK-4 and MK-7"):
        supplement_item("MK-4 1 mg and MK-7 100 mcg")


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("Eggs - Large, 2 egg", "2 Eggs, Large"),
        ("Milk - 2%, 1 cup", "1 cup Milk, 2%"),
        ('Banana - Raw, 1 medium (7" to 7-7/8" long)', "1 medium Banana, Raw"),
        ("half a pint of milk", "1/2 pint of milk"),
        ("an apple", "1 apple"),
    ],
)
def test_app_lines_and_spoken_amounts(text: str, rewritten: str) -> None:
    assert reword(text) == rewritten


@pytest.mark.parametrize(
    ("text", "food", "grams"),
    [
        # pints: US by default (473.18 ml), imperial when said (568.26 ml); milk 244 g a cup
        ("1 pint milk", "milk", 2 * 244),
        ("1 uk pint milk", "milk", 568.26125 / 236.5882365 * 244),
        ("10 uk fl oz milk", "milk", 284.130625 / 236.5882365 * 244),
        # abbreviations: T is a tablespoon, t a teaspoon (butter 14.2 g a tbsp)
        ("1 T butter", "butter", 14.2),
        ("3 t butter", "butter", 14.2),
        ("1 c. milk", "milk", 244),
        ("2 lrg eggs", "egg", 100),
        # counted small foods by USDA's own piece weight: 1 almond = 1.2 g (SR28 12061)
        ("10 almonds", "almond", 12),
        # FNDDS 2017-2018: 1 floweret of raw broccoli 10 g, 1 glass of red wine 180 g
        ("5 broccoli florets", "broccoli", 50),
        ("1 glass of red wine", "red wine", 180),
        # the count the food's last word names: a fish stick (SR28 15027 stick 28 g)
        ("3 fish sticks", "fish sticks", 84),
    ],
)
def test_measures_people_use(text: str, food: str, grams: float, table: FoodTable) -> None:
    portion = resolve(text, table)
    assert portion.food.name == food
    assert portion.grams == pytest.approx(grams, rel=1e-3)


@pytest.mark.parametrize("text", ["1 handful of almonds", "1 bowl of rice", "1 mug of tea"])
def test_a_container_with_no_cited_weight_is_refused_never_one_piece(
    text: str, table: FoodTable
) -> None:
    with pytest.raises(UnitError, match="unknown unit"):
        resolve(text, table)


def test_a_borrowed_measure_is_said_in_the_note(table: FoodTable) -> None:
    wine = table.find("red wine")
    assert wine.measures["glass"] == 180
    assert "FNDDS 2017-2018: glass = 180 g (93401010 Wine, table, red: 1 glass)" in wine.note


@pytest.mark.parametrize(
    ("text", "food"),
    [
        ("100 g dahi", "yogurt"),  # never ahi tuna
        ("1 cup rajma", "kidney beans"),
        ("100 g palak", "spinach"),
        ("30 g mature cheddar", "cheddar"),
        ("1 jacket potato", "baked potato"),
        ("200 g tinned tomatoes", "canned tomatoes"),
    ],
)
def test_everyday_and_regional_names(text: str, food: str, table: FoodTable) -> None:
    assert resolve(text, table).food.name == food


@pytest.mark.parametrize("text", ["1 cup zoodles", "2 oatcakes"])
def test_a_typo_correction_keeps_the_first_letter(text: str, table: FoodTable) -> None:
    food = None
    with contextlib.suppress(K2Error):  # refusing is right; a noodle or a pancake is not
        food = resolve(text, table).food.name
    assert food not in ("egg noodles", "pancake")


# ---------------------------------------------------------------------------- speed


def test_the_word_index_is_cached_beside_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ranked or typo'd name reads the built-in table's word index from the cache folder
    (written by the first such name), identical to the index built from the table."""
    import marshal

    from k2calc.foods import load_table
    from k2calc.match import _MatchIndex, match_food

    monkeypatch.setenv("K2CALC_CACHE", str(tmp_path))
    first = load_table()
    assert match_food(first, "gouda chese").food.name == "gouda"
    (written,) = tmp_path.glob("match-index-*.marshal")
    built = _MatchIndex(first)
    read = _MatchIndex.restored(marshal.loads(written.read_bytes()))
    assert (read.curated, read.vocabulary, read.dish) == (
        built.curated,
        built.vocabulary,
        built.dish,
    )
    assert {t: set(p) for t, p in read.postings.items()} == built.postings
    for position in built.labels:
        assert read.labels[position] == built.labels[position], position
        assert read.words[position] == built.words[position], position
    written.write_bytes(b"not marshal data")  # a damaged cache is rebuilt, never trusted
    assert match_food(load_table(), "brocoli").food.name == "broccoli"
    assert marshal.loads(written.read_bytes())[3] == built.vocabulary


def test_a_table_with_foods_of_ones_own_is_never_read_from_the_cache(tmp_path: Path) -> None:
    from k2calc.foods import load_table

    own = tmp_path / "mine.csv"
    own.write_text(
        "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nnatto paste,,900,\n",
        encoding="utf-8",
    )
    assert load_table().cache_key is not None
    assert load_table(own).cache_key is None
