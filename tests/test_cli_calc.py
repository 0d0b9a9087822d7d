"""`total`, `foods` and `show` through typer's CliRunner: formats, options, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Invoke

from k2calc import __version__

ITEMS = ("30 g natto", "2 eggs", "1 oz gouda")
OZ = 28.349523125


def test_total_table_shows_items_total_band_and_status(k2: Invoke) -> None:
    run = k2("total", *ITEMS)
    assert run.exit_code == 0, run.stderr
    assert "30 g natto" in run.stdout and "gouda" in run.stdout
    assert "281.7" in run.stdout  # natto MK-7: 939 × 0.3
    assert "ABOVE" in run.stdout
    assert "lower bound" in run.stdout  # natto and egg rest on unmeasured forms
    assert "\x1b[" not in run.stdout  # no colour codes when not a terminal
    assert run.stderr == ""


def test_total_json_shape_and_values(k2: Invoke) -> None:
    run = k2("total", *ITEMS, "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert set(data) == {
        "items", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg", "total_mcg", "low_mcg",
        "high_mcg", "partial", "confidence", "target_min_mcg", "target_max_mcg", "status", "k1_mcg",
            "k1_partial", "k2_coverage", "k1_coverage",
    }  # fmt: skip
    natto = data["items"][0]
    # K1 beside K2, never inside it: USDA 16113 natto K1 23.1 per 100 g
    assert natto["k1_mcg"] == pytest.approx(23.1 * 0.3)
    assert natto["total_mcg"] == pytest.approx(281.7)
    assert natto["input"] == "30 g natto" and natto["food"] == "natto"
    assert natto["grams"] == 30.0
    assert natto["mk4_mcg"] is None and natto["other_mk_mcg"] is None  # not measured: null
    assert natto["mk7_mcg"] == pytest.approx(281.7)
    assert natto["partial"] is True
    # 2 eggs = 100 g of DTU barn egg: MK-4 29.6 + MK-7 0.9 + other 2.4 (MK-6 0.9 + MK-8 1.5)
    assert data["other_mk_mcg"] == pytest.approx(2.4)
    assert data["total_mcg"] == pytest.approx(281.7 + 32.9 + 47.3 * OZ / 100, abs=1e-6)
    assert (data["target_min_mcg"], data["target_max_mcg"], data["status"]) == (45, 200, "above")


def test_a_food_whose_k2_nobody_measured_is_null_not_zero(k2: Invoke) -> None:
    data = k2("total", "100 g ghee", "-f", "json").json()
    ghee = data["items"][0]
    assert ghee["food"] == "ghee"
    assert [ghee[k] for k in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg")] == [None] * 4
    assert ghee["partial"] is True
    assert data["status"] == "unknown"  # a day of foods with no K2 measured is not judged
    table = k2("total", "100 g ghee").stdout
    assert "0.0" not in table.splitlines()[3]  # the ghee row shows "—", never a zero
    assert "UNKNOWN" in table and "BELOW" not in table
    assert k2("total", "100 g ghee", "--check").exit_code == 0  # unknown is never outside


def test_a_measured_zero_and_an_inferred_zero_stay_apart(k2: Invoke) -> None:
    # kale: K2viewer 'Kale' (Schurgers 2000) MK-4…MK-9 ND, MK-10 NA: a measured zero, a lower
    # bound; carrots (SR28 11124, no record, no study): the plant rule's inferred zero
    data = k2("total", "1 cup kale", "100 g carrots", "-f", "json").json()
    kale, carrots = data["items"]
    assert (kale["total_mcg"], kale["confidence"], kale["partial"]) == (0.0, "medium", True)
    assert (carrots["total_mcg"], carrots["confidence"]) == (0.0, "inferred")
    assert kale["k1_mcg"] == pytest.approx(704.8 * 0.16)  # USDA 11233 K1 704.8 per 100 g
    table = k2("total", "100 g carrots").stdout
    assert "0.0°" in table and "inferred" in table
    off = k2("--measured-only", "total", "100 g carrots", "-f", "json").json()
    assert (off["total_mcg"], off["confidence"], off["status"]) == (None, None, "unknown")
    shown = k2("show", "carrots", "-f", "json").json()
    assert shown["inferred_zero"] is True and shown["confidence"] == "inferred"
    assert k2("show", "kale", "-f", "json").json()["inferred_zero"] is False


def test_strict_refuses_anything_but_exact_names(k2: Invoke) -> None:
    assert k2("total", "30 g gouda chese").exit_code == 0
    run = k2("total", "30 g gouda chese", "--strict")
    assert run.exit_code == 1
    assert "strict matching takes exact names and aliases only" in run.stderr
    assert k2("total", "30 g dutch gouda", "--strict").exit_code == 0


def test_total_csv_has_the_items_only_so_its_column_sums_to_the_total(k2: Invoke) -> None:
    rows = k2("total", *ITEMS, "-f", "csv").csv()
    assert [r["input"] for r in rows] == list(ITEMS)
    assert rows[0]["mk4_mcg"] == ""  # not measured is empty, never 0
    # 281.7 natto + 32.9 eggs (2 × 50 g × 32.9) + 13.409324 gouda (28.349523 g × 47.3 / 100)
    assert sum(float(r["total_mcg"]) for r in rows) == pytest.approx(281.7 + 32.9 + 13.409324)
    for row in rows:  # the add-up rule: total = mk4 + mk7 + other + unsplit
        parts = ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg")
        assert float(row["total_mcg"]) == pytest.approx(sum(float(row[k] or 0) for k in parts))


def test_items_from_stdin(k2: Invoke) -> None:
    run = k2("total", "-", "-f", "json", input="30 g natto\n\n# breakfast\n2 eggs\n")
    assert run.exit_code == 0, run.stderr
    assert [i["input"] for i in run.json()["items"]] == ["30 g natto", "2 eggs"]


@pytest.mark.parametrize(
    ("items", "code"),
    [(["10 g natto"], 0), (["1 g natto"], 3), (["100 g natto"], 3)],  # 93.9 / 9.39 / 939 mcg
)
def test_check_exits_3_outside_the_target(k2: Invoke, items: list[str], code: int) -> None:
    assert k2("total", *items, "--check").exit_code == code


def test_custom_target(k2: Invoke) -> None:
    data = k2("total", "10 g natto", "--min", "100", "--max", "300", "-f", "json").json()
    assert (data["target_min_mcg"], data["status"]) == (100, "below")


@pytest.mark.parametrize("args", [["--min", "300"], ["--min", "-1"], ["--format", "xml"]])
def test_usage_errors_exit_2(k2: Invoke, args: list[str]) -> None:
    run = k2("total", "30 g natto", *args)
    assert run.exit_code == 2
    assert run.stdout == ""


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        ("-3 g natto", "'-3'"),
        ("three g natto", "'three'"),
        ("1e999 g natto", "'1e999'"),
        ("nan g natto", "'nan'"),
        ("3 parsec natto", "'parsec'"),
        ("1 cup egg", "density for egg"),
        ("2**1000000 g natto", "'2**1000000'"),
        ("", "empty item"),
        ("30 g", "no food"),
        ("30 g nnato", "did you mean 'natto'"),
        ("30 g chicken", "fits several foods"),
    ],
)
def test_bad_items_one_line_on_stderr_exit_1(k2: Invoke, item: str, fragment: str) -> None:
    run = k2("total", item)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("k2calc: error: ")
    assert fragment in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_item_among_several_is_named_by_position(k2: Invoke) -> None:
    run = k2("total", "30 g natto", "2 parsecs natto")
    assert run.exit_code == 1 and "item 2:" in run.stderr


def test_foods_search_sort_limit(k2: Invoke) -> None:
    args = ("--category", "cheese", "--sort", "total", "--limit", "3", "-f", "json")
    data = k2("foods", *args).json()
    assert len(data) == 3
    totals = [f["total_mcg_per_100g"] for f in data]
    assert totals == sorted(totals, reverse=True)
    assert all(f["category"] == "cheese" for f in data)
    # Fu 2017 US blue cheese via K2viewer, MK-4..MK-10: 311.8, the richest cheese in the table
    assert data[0]["name"] == "blue cheese"


def test_foods_query_matches_aliases(k2: Invoke) -> None:
    names = [f["name"] for f in k2("foods", "emmentaler", "-f", "json").json()]
    assert names == ["emmental"]


def test_foods_csv_keys(k2: Invoke) -> None:
    rows = k2("foods", "natto", "-f", "csv").csv()
    assert rows[0]["name"] == "natto"
    assert rows[0]["mk4_mcg_per_100g"] == "" and rows[0]["mk7_mcg_per_100g"] == "939.0"
    assert rows[0]["measures"] == "cup=175.0"


def test_foods_sort_by_form_puts_not_measured_last(k2: Invoke) -> None:
    data = k2("foods", "--sort", "mk7", "-f", "json").json()
    values = [f["mk7_mcg_per_100g"] for f in data]
    measured = [v for v in values if v is not None]
    assert values[: len(measured)] == sorted(measured, reverse=True)
    assert data[0]["name"] == "natto"


def test_foods_unknown_category_and_no_match(k2: Invoke) -> None:
    run = k2("foods", "--category", "cheeses")
    assert run.exit_code == 1 and "categories:" in run.stderr
    assert k2("foods", "xyzzy").exit_code == 1


def test_show_json_and_table(k2: Invoke) -> None:
    data = k2("show", "natto", "-f", "json").json()
    assert data["mk7_mcg_per_100g"] == 939.0 and data["mk4_mcg_per_100g"] is None
    # band of values of some forms, like the primary: K2viewer's merged natto row 763.3
    # (MK-7 672.4, MK-8 82.4…) to WAPF's 1100 (MK-7); Schurgers' unsplit 1103.4 is outside
    assert data["low_mcg_per_100g"] == 763.3 and data["high_mcg_per_100g"] == 1100.0
    assert data["measures"] == {"cup": 175.0}
    assert "kamao-2007" in data["sources"]
    assert data["citations"]["kamao-2007"].startswith("Kamao M et al. (2007)")
    table = k2("show", "natto").stdout
    assert "tbsp = 10.94 g" in table  # 175 / 16, derived through the registry
    assert k2("show", "egg", "yolk", "-f", "json").json()["name"] == "egg yolk"


def test_show_unknown_food(k2: Invoke) -> None:
    run = k2("show", "nnato")
    assert run.exit_code == 1 and "did you mean 'natto'" in run.stderr


def test_user_foods_file_overrides_and_adds(k2: Invoke, tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "name,aliases,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g,measures\n"
        "k2 capsule,,0,36000,0,each=0.5\n",
        encoding="utf-8",
    )
    data = k2("total", "2 k2 capsules", "--foods", str(mine), "-f", "json").json()
    assert data["mk7_mcg"] == pytest.approx(360.0)  # 36,000 mcg/100 g × 1 g


def test_user_foods_from_env(k2: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nnatto,,500,\n")
    monkeypatch.setenv("K2CALC_FOODS", str(mine))
    assert k2("total", "100 g natto", "-f", "json").json()["mk7_mcg"] == 500.0


HEADER = "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\n"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("name,mk4_mcg_per_100g\nx,1\n", "missing column"),
        (HEADER + "x,abc,,\n", ":2: column mk4"),
        (HEADER + "x,-1,,\n", ">= 0"),
        (HEADER + "x,inf,,\n", "finite"),
        (HEADER + "x,1,,\nX,2,,\n", ":3:"),
        ("name,mk4,mk7_mcg_per_100g,other_mk_mcg_per_100g\nx,1,,\n", "unknown column"),
    ],
)
def test_bad_foods_file_names_file_line_and_column(
    k2: Invoke, tmp_path: Path, content: str, fragment: str
) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text(content, encoding="utf-8")
    run = k2("total", "30 g natto", "--foods", str(mine))
    assert run.exit_code == 1
    assert str(mine) in run.stderr and fragment in run.stderr
    assert run.stderr.count("\n") == 1


def test_missing_foods_file(k2: Invoke, tmp_path: Path) -> None:
    run = k2("total", "30 g natto", "--foods", str(tmp_path / "nope.csv"))
    assert run.exit_code == 1
    assert run.stderr.endswith("nope.csv: no such file (given with --foods or K2CALC_FOODS)\n")


def test_version_and_help(k2: Invoke) -> None:
    assert k2("--version").stdout.strip() == f"k2calc {__version__}"
    assert k2("-V").stdout.strip() == f"k2calc {__version__}"
    help_text = k2("--help").stdout
    assert "Not medical advice" in help_text
    for command in ("total", "foods", "show"):
        assert command in help_text
    assert k2().exit_code == 2  # no arguments: help, usage exit


@pytest.mark.parametrize("command", [("total",), ("log", "add"), ("suggest",)])
def test_unquoted_item_gets_the_hint_to_quote(k2: Invoke, command: tuple[str, ...]) -> None:
    run = k2(*command, "30", "g", "natto")
    assert run.exit_code == 1
    assert run.stderr.startswith("k2calc: error: item 1: '30' is an amount with no food;")
    assert 'quote each item whole, e.g. "30 g natto"' in run.stderr
    assert run.stderr.count("\n") == 1
