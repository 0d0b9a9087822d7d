"""`compare` and `suggest` through the CLI: every format, the picture, options, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Invoke

from k2calc.chart import BAR_FULL, MARK

# The released CSV headers, written out by hand: a renamed or dropped key fails here.
COMPARE_CSV_COLUMNS = (
    "food", "amount", "grams", "mk4_mcg", "mk7_mcg", "other_mk_mcg", "unsplit_mk_mcg",
    "total_mcg", "low_mcg", "high_mcg", "partial", "confidence", "k1_mcg", "k1_partial",
    "k2_measured", "grams_to_min", "grams_to_max", "natural_to_min", "natural_to_max", "error",
)  # fmt: skip
SUGGEST_CSV_COLUMNS = (
    "day_total_mcg", "day_partial", "status", "gap_mcg", "room_mcg", "over_mcg",
    "target_min_mcg", "target_max_mcg", "food", "category", "total_mcg_per_100g", "partial",
    "grams_to_min", "grams_to_max", "natural_to_min", "natural_to_max",
)  # fmt: skip

FOODS = ("natto", "egg yolk", "gouda", "cauliflower")
COMPARE_KEYS = set(COMPARE_CSV_COLUMNS)


def test_compare_table_reaches_and_picture(k2: Invoke) -> None:
    run = k2("compare", *FOODS)
    assert run.exit_code == 0, run.stderr
    out = run.stdout
    assert "Vitamin K2 in 100 g of each food" in out
    assert "≤ 4.792 g" in out and "≈ 0.44 tbsp" in out  # natto: 45 / 939 × 100, partial
    assert "95.14 g" in out and "≈ 0.48 package" in out  # gouda: 45 / 47.3 × 100, not partial
    assert "never" in out  # cauliflower: MK-4 measured 0.0 (SR28 11135)
    assert "it may take less" in out  # the upper-bound note
    picture = out[out.index("marked at 45 and 200") :].splitlines()[1:]
    assert len(picture) == 1 + len(FOODS)  # the figures of the marks, then a bar per food
    assert all(len(line) <= 80 for line in out.splitlines())
    natto_bar = next(line for line in picture if line.startswith("natto"))
    assert natto_bar.rstrip().endswith("939.0") and BAR_FULL * 20 in natto_bar
    zero_bar = next(line for line in picture if line.startswith("cauliflower"))
    assert BAR_FULL not in zero_bar and zero_bar.count(MARK) == 2
    assert run.stderr == ""


def test_compare_json_shape_and_values(k2: Invoke) -> None:
    run = k2("compare", *FOODS, "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = run.json()
    assert [r["food"] for r in rows] == list(FOODS)
    assert all(set(r) == COMPARE_KEYS for r in rows)
    natto, yolk, gouda, cauliflower = rows
    assert natto["grams"] == 100.0 and natto["mk4_mcg"] is None and natto["mk7_mcg"] == 939.0
    assert natto["grams_to_min"] == pytest.approx(4.792332, abs=1e-6)  # 45 / 939 × 100
    assert natto["grams_to_max"] == pytest.approx(21.299255, abs=1e-6)  # 200 / 939 × 100
    assert natto["natural_to_min"] == "0.44 tbsp" and natto["partial"] is True
    assert yolk["grams_to_min"] == pytest.approx(145.16129, abs=1e-5)  # 45 / 31 × 100
    assert yolk["natural_to_min"] == "8.5 large"  # 145.161 / 17 g
    assert gouda["partial"] is False and gouda["total_mcg"] == 47.3
    assert cauliflower["grams_to_min"] is None and cauliflower["natural_to_max"] is None
    assert all(r["error"] is None for r in rows)
    assert BAR_FULL not in run.stdout


def test_compare_csv(k2: Invoke) -> None:
    run = k2("compare", *FOODS, "-f", "csv")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[0] == ",".join(COMPARE_CSV_COLUMNS)
    rows = run.csv()
    assert rows[0]["mk4_mcg"] == "" and rows[0]["mk7_mcg"] == "939.0"  # not measured: empty
    assert float(rows[0]["grams_to_min"]) == pytest.approx(4.792332)
    assert rows[3]["grams_to_min"] == ""  # cauliflower: never
    assert BAR_FULL not in run.stdout and MARK not in run.stdout


def test_compare_amount_and_sort(k2: Invoke) -> None:
    args = ("natto", "gouda", "egg yolk", "--amount", "1 oz", "--sort", "total", "-f", "json")
    rows = k2("compare", *args).json()
    assert [r["food"] for r in rows] == ["natto", "gouda", "egg yolk"]  # 939, 47.3, 31
    assert rows[0]["grams"] == pytest.approx(28.349523)
    assert rows[0]["total_mcg"] == pytest.approx(266.2, abs=0.05)  # 939 × 0.2835
    assert rows[0]["amount"] == "1 oz"
    to_min = ("cauliflower", "gouda", "natto", "--sort", "to_min", "-f", "json")
    by_to_min = k2("compare", *to_min).json()
    assert [r["food"] for r in by_to_min] == ["natto", "gouda", "cauliflower"]


def test_compare_amount_a_food_cannot_take(k2: Invoke) -> None:
    run = k2("compare", "natto", "gouda", "--amount", "1 cup")
    assert run.exit_code == 0, run.stderr
    assert "'cup' needs a density" in run.stdout  # in gouda's row
    assert "1,643.2" in run.stdout  # natto: 939 × 175 / 100
    rows = k2("compare", "natto", "gouda", "--amount", "1 cup", "-f", "json").json()
    assert rows[1]["total_mcg"] is None and "density" in rows[1]["error"]
    assert rows[1]["grams_to_min"] == pytest.approx(95.137, abs=1e-3)  # per food, still known


def test_compare_per_serving(k2: Invoke) -> None:
    run = k2("compare", "chicken thigh", "natto", "--per", "serving")
    assert run.exit_code == 0, run.stderr
    assert "no serving size" in run.stdout
    assert "20.4" in run.stdout  # chicken thigh: 24 mcg/100 g × 85 g serving
    assert "n/a" in run.stdout  # natto's bar
    rows = k2("compare", "chicken thigh", "natto", "--per", "serving", "-f", "csv").csv()
    assert rows[0]["amount"] == "1 serving" and rows[0]["grams"] == "85.0"
    assert rows[1]["grams"] == "" and rows[1]["error"] == "no serving size"


def test_compare_custom_target(k2: Invoke) -> None:
    run = k2("compare", "natto", "--min", "10", "--max", "50")
    assert "10 mcg" in run.stdout and "marked at 10 and 50" in run.stdout
    (row,) = k2("compare", "natto", "--min", "10", "--max", "50", "-f", "json").json()
    assert row["grams_to_min"] == pytest.approx(1.064963, abs=1e-6)  # 10 / 939 × 100
    assert row["grams_to_max"] == pytest.approx(5.324814, abs=1e-6)  # 50 / 939 × 100


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["nnato"], 1, "unknown food 'nnato' — did you mean 'natto'?"),
        (["chicken"], 1, "fits several foods"),
        (["gouda", "--per", "serving"], 1, "no serving size"),
        (["natto", "--amount", "lots"], 1, "'lots'"),
        (["gouda", "--amount", "1 cup"], 1, "density for gouda"),
        (["natto", "--amount", "1 g", "--per", "serving"], 2, "not both"),
        (["natto", "--min", "300"], 2, "minimum <= maximum"),
        (["natto", "--sort", "price"], 2, "price"),
    ],
)
def test_compare_errors(k2: Invoke, args: list[str], code: int, fragment: str) -> None:
    run = k2("compare", *args)
    assert run.exit_code == code
    assert run.stdout == ""
    assert fragment in run.stderr and "Traceback" not in run.stderr


def test_suggest_below_table(k2: Invoke) -> None:
    run = k2("suggest", "1 egg yolk")  # 17 g × 31 / 100 = 5.27 mcg
    assert run.exit_code == 0, run.stderr
    assert "BELOW" in run.stdout and "39.7 short" in run.stdout
    assert "closes the gap of 39.7 mcg" in run.stdout
    assert "≤ 4.231 g" in run.stdout  # natto: 39.73 / 939 × 100
    assert "≤ 20.74 g" in run.stdout  # natto: 194.73 / 939 × 100


def test_suggest_json(k2: Invoke) -> None:
    data = k2("suggest", "1 egg yolk", "--limit", "3", "-f", "json").json()
    assert data["status"] == "below" and data["gap_mcg"] == pytest.approx(39.73)
    assert data["items"][0]["food"] == "egg yolk"
    assert len(data["suggestions"]) == 3
    natto = data["suggestions"][0]
    assert natto["food"] == "natto" and natto["total_mcg_per_100g"] == 939.0
    assert natto["grams_to_min"] == pytest.approx(4.231097, abs=1e-6)  # 39.73 / 939 × 100
    assert natto["natural_to_min"] == "0.39 tbsp"  # 4.2311 / 10.9375


def test_suggest_csv_and_category(k2: Invoke) -> None:
    run = k2("suggest", "1 egg yolk", "--category", "cheese", "-n", "2", "-f", "csv")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[0] == ",".join(SUGGEST_CSV_COLUMNS)
    rows = run.csv()
    assert [r["food"] for r in rows] == ["blue cheese", "munster"]  # 311.8, 80.1 mcg/100 g
    assert rows[0]["status"] == "below" and float(rows[0]["gap_mcg"]) == pytest.approx(39.73)
    assert float(rows[0]["grams_to_min"]) == pytest.approx(12.7421, abs=1e-4)  # 39.73 / 311.8


def test_suggest_within_and_above(k2: Invoke) -> None:
    within = k2("suggest", "5 g natto")  # 46.95 mcg
    assert within.exit_code == 0 and "Already within" in within.stdout
    assert "153.1 mcg more" in within.stdout  # 200 − 46.95
    above = k2("suggest", "30 g natto")  # 281.7 mcg
    assert above.exit_code == 0 and "Above the target by 81.7 mcg" in above.stdout
    rows = k2("suggest", "30 g natto", "-f", "csv").csv()
    assert len(rows) == 1 and rows[0]["status"] == "above" and rows[0]["food"] == ""
    assert k2("suggest", "30 g natto", "-f", "json").json()["suggestions"] == []


def test_suggest_stdin_and_custom_target(k2: Invoke) -> None:
    data = k2("suggest", "-", "--min", "100", "-f", "json", input="1 egg yolk\n").json()
    assert data["target_min_mcg"] == 100 and data["gap_mcg"] == pytest.approx(94.73)


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["1 egg yolk", "--category", "cheeses"], 1, "unknown category"),
        (["1 egg yolk", "--limit", "0"], 2, "--limit"),
        (["30 g nnato"], 1, "did you mean 'natto'"),
    ],
)
def test_suggest_errors(k2: Invoke, args: list[str], code: int, fragment: str) -> None:
    run = k2("suggest", *args)
    assert run.exit_code == code
    assert fragment in run.stderr and run.stdout == ""


def test_help_has_examples(k2: Invoke) -> None:
    for command in ("compare", "suggest"):
        run = k2(command, "--help")
        assert run.exit_code == 0 and "Examples:" in run.stdout


def test_installed_script_compares(tmp_path: Path) -> None:
    script = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("K2CALC_")}
    env["K2CALC_HOME"] = str(tmp_path / "home")
    done = subprocess.run(
        [script, "compare", "natto", "egg yolk", "-f", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows[0]["grams_to_min"] == pytest.approx(4.792332, abs=1e-6)


def test_suggest_without_items_reads_todays_log(k2: Invoke) -> None:
    empty = k2("suggest", "-f", "json").json()
    # nothing logged yet: no K2 measured, so no gap, and the table says so
    assert empty["total_mcg"] is None and empty["gap_mcg"] is None
    assert empty["status"] == "unknown" and empty["suggestions"] == []
    assert "Nothing was logged for this day" in k2("suggest").stdout
    assert k2("log", "add", "1 egg yolk").exit_code == 0  # 17 g × 31 mcg/100 g = 5.27 mcg
    data = k2("suggest", "-f", "json").json()
    assert data["total_mcg"] == pytest.approx(5.27)
    assert data["gap_mcg"] == pytest.approx(39.73)
    assert k2("log", "add", "10 g natto", "--date", "yesterday").exit_code == 0
    yesterday = k2("suggest", "--date", "yesterday", "-f", "json").json()
    assert yesterday["status"] == "within" and yesterday["suggestions"] == []
