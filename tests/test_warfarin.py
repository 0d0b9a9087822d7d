"""K1 beside K2 for people on warfarin (issue 12): K1 from the USDA rows, never inside any K2
figure; steadiness of K2 and K1 apart over a logged week; the measured shares.

Figures by hand from USDA SR28 rows (USDA ARS 2016, nutrients 430 K1 and 428 MK-4, as
copied into foods.csv; the source is listed in docs/data-sources.md): spinach raw 11457 K1
482.9 /100 g, K2 a measured zero (K2viewer 'Spinach', Schurgers 2000: every form analysed not
detectable); kale raw 11233 K1 704.8, K2 a measured zero (K2viewer 'Kale'); broccoli raw
11090 K1 101.6, K2 a measured zero (K2viewer 'Broccoli'); olive oil 04053 K1 60.2, no K2
measured; chicken breast grilled 05747 MK-4 11.1, K1 0.0 (a measured zero); egg 01123 K1 0.3
with MK-4 29.6 + MK-7 0.9 + other 2.4 = 32.9 (DTU barn egg), 2 eggs = 100 g; cheddar 01009
K1 2.4 with K2 41.7 (K2viewer 'Cheddar (full fat)', every form, low); an MK-7 supplement
"100 mcg mk-7": K2 100, K1 not measured.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT, run

# A week and a day of a warfarin diet: greens most days, Thursday not logged.
WEEK = {
    "2026-11-09": ["50 g spinach", "10 g olive oil", "2 eggs"],  # Monday
    "2026-11-10": ["100 g chicken breast", "100 g broccoli", "10 g olive oil"],
    "2026-11-11": ["50 g kale", "50 g cheddar", "2 eggs"],
    # 2026-11-12, Thursday: nothing logged
    "2026-11-13": ["100 g broccoli", "100 g chicken breast", "10 g olive oil"],
    "2026-11-14": ["50 g spinach", "50 g cheddar", "100 mcg mk-7"],
    "2026-11-15": ["2 eggs", "100 g broccoli"],
    "2026-11-16": ["50 g kale"],  # the next Monday
}
# Each logged day's K2 (what was measured) and K1, by hand from the rows above.
K2_BY_DAY = [
    32.9,  # eggs; spinach a measured zero; olive oil: no K2 measured
    11.1,  # chicken breast; broccoli a measured zero
    20.85 + 32.9,  # cheddar 41.7 × 0.5 + eggs
    11.1,
    20.85 + 100.0,  # cheddar + the supplement
    32.9,
    0.0,  # kale: a measured zero
]
K1_BY_DAY = [
    241.45 + 6.02 + 0.3,  # spinach 482.9 × 0.5, olive oil 60.2 × 0.1, eggs 0.3
    0.0 + 101.6 + 6.02,
    352.4 + 1.2 + 0.3,  # kale 704.8 × 0.5, cheddar 2.4 × 0.5, eggs
    101.6 + 0.0 + 6.02,
    241.45 + 1.2,  # the supplement's K1 was not measured: a lower bound
    0.3 + 101.6,
    352.4,
]
ITEMS, K2_ITEMS, K1_ITEMS = [3, 3, 3, 3, 3, 2, 1], [2, 2, 3, 2, 3, 2, 1], [3, 3, 3, 3, 2, 2, 1]


def log_week(k2: Invoke) -> None:
    for date, items in WEEK.items():
        assert k2("log", "add", "--date", date, *items).exit_code == 0


def largest_change(values: list[float], consecutive: list[bool]) -> float:
    """The largest |change| between neighbours that are consecutive calendar days."""
    return max(abs(b - a) for a, b, ok in zip(values, values[1:], consecutive, strict=False) if ok)


# Mon→Tue, Tue→Wed yes; Wed→Fri no (Thursday not logged); Fri→Sat, Sat→Sun, Sun→Mon yes.
CONSECUTIVE = [True, True, False, True, True, True]


def test_k1_of_greens_and_oil_comes_from_the_usda_rows(k2: Invoke) -> None:
    data = k2("total", "100 g spinach", "100 g kale", "100 g olive oil", "-f", "json").json()
    assert [i["k1_mcg"] for i in data["items"]] == pytest.approx([482.9, 704.8, 60.2])
    assert data["k1_mcg"] == pytest.approx(482.9 + 704.8 + 60.2)
    # K2: spinach and kale measured not detectable (0), olive oil not measured; never K1.
    assert [i["total_mcg"] for i in data["items"]] == [0.0, 0.0, None]
    assert data["total_mcg"] == 0.0 and data["status"] == "below"
    assert (data["k2_coverage"], data["k1_coverage"]) == (pytest.approx(2 / 3), 1.0)


def test_a_measured_zero_k1_is_not_unmeasured(k2: Invoke) -> None:
    data = k2("total", "100 g chicken breast", "-f", "json").json()
    assert data["items"][0]["k1_mcg"] == 0.0  # SR28 05747 measured 0.0
    assert data["k1_partial"] is False and data["k1_coverage"] == 1.0


def test_k1_partial_when_an_item_has_no_k1_measured(k2: Invoke) -> None:
    data = k2("total", "50 g kale", "100 mcg mk-7", "-f", "json").json()
    assert data["k1_mcg"] == pytest.approx(352.4) and data["k1_partial"] is True
    assert data["total_mcg"] == pytest.approx(100.0)  # the supplement only: kale's K1 stays out
    table = k2("total", "50 g kale", "100 mcg mk-7").stdout
    assert "352.4*" in table  # the K1 lower bound marked like K2's


def test_foods_and_compare_sort_by_k1(k2: Invoke) -> None:
    rows = k2("foods", "--sort", "k1", "-n", "40", "-f", "json").json()
    k1 = [r["k1_mcg_per_100g"] for r in rows]
    assert k1 == sorted(k1, reverse=True) and k1[0] > 1000  # dried herbs lead SR28's K1
    compared = k2("compare", "natto", "olive oil", "kale", "spinach", "--sort", "k1", "-f", "json")
    assert [r["food"] for r in compared.json()] == ["kale", "spinach", "olive oil", "natto"]
    table = k2("compare", "kale", "natto").stdout
    header = next(line for line in table.splitlines() if "MK-7" in line)
    assert header.index("Total") < header.index("K1")  # K1 apart, after the K2 total


def k2_figures(record: dict[str, object]) -> list[object]:
    """The K2 figures of a JSON record, under any key suffix."""
    return [v for k, v in record.items() if k.startswith(("total_mcg", "low_mcg", "high_mcg"))]


def test_k1_is_never_inside_a_k2_figure_in_any_json(k2: Invoke, tmp_path: Path) -> None:
    # Kale: K1 704.8 per 100 g and no K2 measured, so every K2 figure of it is null.
    outputs: list[object] = [
        k2("total", "100 g kale", "-f", "json").json(),
        k2("foods", "kale", "-n", "1", "-f", "json").json()[0],
        k2("show", "kale", "-f", "json").json(),
        k2("compare", "kale", "-f", "json").json()[0],
        {  # the day suggest starts from (its suggestions are other foods, with K2)
            k: v
            for k, v in k2("suggest", "100 g kale", "-f", "json").json().items()
            if k != "suggestions"
        },
        k2("log", "add", "--date", "2026-11-02", "100 g kale", "-f", "json").json(),
        k2("log", "show", "--date", "2026-11-02", "-f", "json").json(),
        k2("log", "show", "--from", "2026-11-01", "--to", "2026-11-02", "-f", "json").json(),
    ]
    diary = tmp_path / "diary.csv"
    diary.write_text("date,food,amount\n2026-11-02,kale,100 g\n")
    outputs.append(k2("report", str(diary), "-f", "json").json())
    outputs.append(k2("report", str(diary), "--summary", "-f", "json").json())

    def records(node: object) -> list[dict[str, object]]:
        if isinstance(node, list):
            return [r for n in node for r in records(n)]
        if isinstance(node, dict):
            nested = [r for v in node.values() for r in records(v)]
            return [node, *nested] if any(k.startswith("total_mcg") for k in node) else nested
        return []

    found = [r for out in outputs for r in records(out)]
    assert len(found) >= 12
    for record in found:
        assert all(value in (None, 0.0) for value in k2_figures(record)), record
    summary = k2("log", "show", "--from", "2026-11-01", "--to", "2026-11-02", "-f", "json")
    assert summary.json()["summary"]["mean_mcg"] == 0.0  # K2: nothing measured
    assert summary.json()["summary"]["k1_mean_mcg"] == pytest.approx(704.8)


def test_week_steadiness_by_hand(k2: Invoke) -> None:
    log_week(k2)
    run = k2("log", "show", "--from", "2026-11-09", "--to", "2026-11-16", "-f", "json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert data["not_logged"] == ["2026-11-12"]
    days = data["days"]
    assert [d["total_mcg"] or 0.0 for d in days] == pytest.approx(K2_BY_DAY)
    assert [d["k1_mcg"] for d in days] == pytest.approx(K1_BY_DAY)
    assert [d["k1_partial"] for d in days] == [False, False, False, False, True, False, False]
    # Read back from the log: the least sure K2 grade of the day (egg, chicken and the
    # greens' measured zeros medium, cheddar low, the supplement none).
    grades = ["medium", "medium", "low", "medium", "low", "medium", "medium"]
    assert [d["confidence"] for d in days] == grades
    assert [d["k2_coverage"] for d in days] == pytest.approx(
        [k / n for k, n in zip(K2_ITEMS, ITEMS, strict=True)]
    )
    assert [d["k1_coverage"] for d in days] == pytest.approx(
        [k / n for k, n in zip(K1_ITEMS, ITEMS, strict=True)]
    )
    s = data["summary"]
    assert s["days"] == 7  # Thursday left out, not a zero day
    assert s["mean_mcg"] == pytest.approx(sum(K2_BY_DAY) / 7)
    assert s["sd_mcg"] == pytest.approx(statistics.stdev(K2_BY_DAY))
    assert s["cv"] == pytest.approx(statistics.stdev(K2_BY_DAY) / (sum(K2_BY_DAY) / 7))
    assert s["max_change_mcg"] == pytest.approx(largest_change(K2_BY_DAY, CONSECUTIVE))
    assert s["max_change_mcg"] == pytest.approx(120.85 - 11.1)  # Friday to Saturday
    assert s["k1_mean_mcg"] == pytest.approx(sum(K1_BY_DAY) / 7)
    assert s["k1_sd_mcg"] == pytest.approx(statistics.stdev(K1_BY_DAY))
    assert s["k1_cv"] == pytest.approx(statistics.stdev(K1_BY_DAY) / (sum(K1_BY_DAY) / 7))
    assert s["k1_max_change_mcg"] == pytest.approx(352.4 - 101.9)  # Sunday to Monday (kale)
    assert s["k2_coverage"] == pytest.approx(sum(K2_ITEMS) / sum(ITEMS))  # 15 / 18
    assert s["k1_coverage"] == pytest.approx(sum(K1_ITEMS) / sum(ITEMS))  # 17 / 18
    assert data["weeks"] == [
        {
            "week_start": "2026-11-09",
            "days": 6,
            "days_unknown": 0,
            "mean_mcg": pytest.approx(sum(K2_BY_DAY[:6]) / 6),
            "k1_mean_mcg": pytest.approx(sum(K1_BY_DAY[:6]) / 6),
        },
        {
            "week_start": "2026-11-16",
            "days": 1,
            "days_unknown": 0,
            "mean_mcg": 0.0,
            "k1_mean_mcg": 352.4,
        },
    ]


def test_week_table_shows_both_vitamins_and_the_clinician_line(k2: Invoke) -> None:
    log_week(k2)
    out = k2("log", "show", "--from", "2026-11-09", "--to", "2026-11-16").stdout
    k1_row = next(line for line in out.splitlines() if line.startswith("│ K1 (not K2)"))
    k1_mean = sum(K1_BY_DAY) / 7
    assert f"{k1_mean:,.1f}" in k1_row and "94%" in k1_row  # 17 of 18 items measured
    assert "Weekly means" in out and "2026-11-16" in out
    assert "clinician" in out and "steadiness matters on warfarin" not in out
    assert "not medical advice" not in out.lower()  # said once, in k2calc --help and docs
    assert max(len(line) for line in out.splitlines()) <= 80


def test_chart_shows_k1_on_request(k2: Invoke) -> None:
    log_week(k2)
    args = ("log", "show", "--from", "2026-11-09", "--to", "2026-11-16")
    k1_chart = k2(*args, "--vitamin", "k1").stdout
    bar = next(line for line in k1_chart.splitlines() if line.startswith("2026-11-16 │"))
    assert bar.endswith("352.4")  # Monday 16th's kale K1
    assert "K1 (phylloquinone) a day" in k1_chart
    assert "Total K2 a day" in k2(*args).stdout


def test_installed_command_shows_k1_steadiness(tmp_path: Path) -> None:
    for date, items in WEEK.items():
        assert run([SCRIPT, "log", "add", "--date", date, *items], tmp_path).returncode == 0
    done = run(
        [SCRIPT, "log", "show", "--from", "2026-11-09", "--to", "2026-11-16", "-f", "json"],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)["summary"]
    assert summary["k1_mean_mcg"] == pytest.approx(sum(K1_BY_DAY) / 7)
