"""Input bounds and clean errors (issue #14: D3, D4, D5, D6, D10): each refused at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import Invoke

from k2calc.bounds import item_problem, shown
from k2calc.foods import FoodTable

HEADER = "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g,measures\n"


def one_line(stderr: str) -> None:
    assert stderr.startswith("k2calc: error: "), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert "\x1b" not in stderr and "\x00" not in stderr


def test_a_long_unit_word_is_refused_at_once(k2: Invoke) -> None:
    started = time.monotonic()
    run = k2("total", "30 " + "a" * 131_000 + " natto")
    assert time.monotonic() - started < 2
    assert run.exit_code == 1
    one_line(run.stderr)
    assert len(run.stderr) < 300 and "…" in run.stderr


@pytest.mark.parametrize("word", ["a" * 65, "x" * 900])
def test_a_word_over_64_letters_is_refused(k2: Invoke, word: str) -> None:
    run = k2("total", f"30 {word} natto")
    assert run.exit_code == 1 and "too long" in run.stderr


def test_a_long_food_name_is_refused(k2: Invoke) -> None:
    run = k2("total", "30 g " + " ".join(["natto"] * 60))
    assert run.exit_code == 1 and "too long" in run.stderr


@pytest.mark.parametrize("option", [["--max", "inf"], ["--max", "1e400"], ["--min", "nan"]])
def test_a_target_must_be_finite(k2: Invoke, tmp_path: Path, option: list[str]) -> None:
    db = tmp_path / "log.sqlite3"
    for command in (["total", "30 g natto"], ["log", "add", "30 g natto", "--db", str(db)]):
        run = k2(*command, *option, "-f", "json")
        assert run.exit_code == 2
        one_line(run.stderr)
    assert not db.exists()  # nothing logged before the error


@pytest.mark.parametrize("value", ["1e308", "1e9", "inf", "-0.5", "1_000"])
def test_food_table_numbers_are_bounded(k2: Invoke, tmp_path: Path, value: str) -> None:
    foods = tmp_path / "big.csv"
    foods.write_text(HEADER + f"testfood,{value},,,\n")
    for fmt in ("csv", "json", "table"):
        run = k2("total", "1000000 kg testfood", "--foods", str(foods), "-f", fmt)
        assert run.exit_code == 1
        one_line(run.stderr)


def test_a_huge_measure_is_refused(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "big.csv"
    foods.write_text(HEADER + "testfood,100,,,cup=1e308\n")
    run = k2("total", "1000000 cup testfood", "--foods", str(foods), "-f", "csv")
    assert run.exit_code == 1 and "at most" in run.stderr


def test_minus_zero_reads_as_zero(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "zero.csv"
    foods.write_text(HEADER + "testfood,-0,,,\n")
    run = k2("total", "10 g testfood", "--foods", str(foods), "-f", "json")
    assert run.exit_code == 0 and '"mk4_mcg": 0.0' in run.stdout and "-0.0" not in run.stdout


def test_zero_grams_after_conversion_is_refused(k2: Invoke) -> None:
    run = k2("total", "1e-320 mcg mk-7", "-f", "csv")
    assert run.exit_code == 1 and "0 g" in run.stderr


def test_a_foods_file_that_never_ends_is_refused(k2: Invoke) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    run = k2("total", "30 g natto", "--foods", "/dev/zero")
    assert run.exit_code == 1
    one_line(run.stderr)


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ("30 g natto\udcff", "not valid UTF-8"),
        ("30 g \x1b[31mnatto", "control characters"),
        ("30 g nat\nto", "control characters"),
        ("30 g natto\x00", "control characters"),
    ],
)
def test_undecodable_and_control_characters_are_refused(
    k2: Invoke, tmp_path: Path, item: str, why: str
) -> None:
    for command in (["total"], ["log", "add", "--db", str(tmp_path / "l.sqlite3")]):
        run = k2(*command, item)
        assert run.exit_code == 1
        one_line(run.stderr)
        assert why in run.stderr


def test_undecodable_stdin_is_refused_by_line(k2: Invoke) -> None:
    run = k2("total", "-", input=b"30 g natto\n2 eggs\xff\n")
    assert run.exit_code == 1
    one_line(run.stderr)
    assert "item 2: item '2 eggs\\xff' is not valid UTF-8 text" in run.stderr


def test_an_undecodable_note_is_refused(k2: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    run = k2("log", "add", "1 egg", "--note", "caf\udce9", "--db", str(db))
    assert run.exit_code == 1
    one_line(run.stderr)
    assert "caf\\xe9" in run.stderr


def test_shown_escapes_and_cuts() -> None:
    assert shown("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert shown("x" * 100) == "x" * 80 + "…"
    assert shown("bad\udcff") == "bad\\xff"
    assert item_problem("30 g natto") is None


@pytest.mark.parametrize(
    "command",
    [
        ["log", "rm", "99999999999999999999999"],
        ["log", "show", "--days", "800000"],
        ["log", "export", "--days", "800000"],
        ["log", "show", "--days", "10000000000000000000000"],
    ],
)
def test_out_of_range_log_options_are_one_line(
    k2: Invoke, tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "log.sqlite3"
    assert k2("log", "add", "2 eggs", "--db", str(db)).exit_code == 0
    run = k2(*command, "--db", str(db))
    assert run.exit_code in (1, 2)
    one_line(run.stderr)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"date":"2026-11-22","food":"natto","amount":"30 g"}'],
    ids=["deep", "object"],
)
def test_bad_json_imports_are_refused(k2: Invoke, tmp_path: Path, text: str) -> None:
    db = tmp_path / "log.sqlite3"
    run = k2("log", "import", "-", "--db", str(db), input=text)
    assert run.exit_code == 1
    one_line(run.stderr)
    assert not db.exists()


def test_a_foods_row_cut_short_by_a_carriage_return_is_one_line(k2: Invoke, tmp_path: Path) -> None:
    """Found by fuzzing: a row with fewer fields than the header gave a traceback."""
    foods = tmp_path / "foods.csv"
    foods.write_bytes(
        b"mk4_mcg_per_100g,category,mk7_mcg_per_100g,other_mk_mcg_per_100g,name\n"
        b",\r,10,,2% cottage cheese\n"
    )
    run = k2("total", "30 g natto", "--foods", str(foods))
    assert run.exit_code == 1
    one_line(run.stderr)


def test_values_and_sums_are_finite_or_refused(table: FoodTable) -> None:
    """A food built past the table's bounds cannot produce inf: the item is refused."""
    import dataclasses

    from k2calc.errors import K2Error
    from k2calc.intake import total_of
    from k2calc.parse import Portion

    huge = dataclasses.replace(table.find("natto"), mk7_mcg_per_100g=1e308)
    with pytest.raises(K2Error, match="more K2 than a number can hold"):
        total_of([Portion("1e6 g natto", huge, 1e6, "gram", 1e6)])
    big = dataclasses.replace(table.find("natto"), mk7_mcg_per_100g=1e306)
    portions = [Portion("100 g natto", big, 100, "gram", 100)] * 200
    with pytest.raises(K2Error, match="add up to more K2"):
        total_of(portions)
