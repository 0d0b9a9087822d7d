"""NHANES and ASA24 recall files read as they come, and checked against their own vitamin K.

The fixtures are written here in the files' real layouts: NHANES individual-foods files as SAS
transport (pyreadstat writes them; pandas reads them back as k2calc does) and as CSV, and an
ASA24 Items analysis file. Their vitamin K per food (DR1IVK, VK) is what NHANES and ASA24
compute: grams x USDA's own FNDDS 2017-2018 phylloquinone per 100 g (read from the reference
copy of USDA's FNDDS Nutrient Values), rounded to 0.1 mcg as the files give it.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT, Invoke

NUTRIENT_VALUES = ROOT / "reference" / "fndds" / "fndds_2017_2018_nutrient_values_export.csv"

# (person, day, FNDDS food code, grams): three people's two days of ordinary American food
# (coffee, orange juice, cheeseburger, pizza, salads, spinach, broccoli, chili, yogurt…), with
# FNDDS portion weights (a cup of coffee 237 g, a cheeseburger NFS 137 g …).
MEALS = [
    (83732, 1, "92101000", 474.0), (83732, 1, "31105005", 46.0), (83732, 1, "27510155", 137.0),
    (83732, 1, "75113000", 55.0), (83732, 1, "83103000", 15.0), (83732, 1, "63101000", 182.0),
    (83732, 2, "61210000", 249.0), (83732, 2, "58106200", 142.0), (83732, 2, "72125100", 30.0),
    (83732, 2, "74101000", 62.0), (83733, 1, "11111000", 244.0), (83733, 1, "27111410", 254.0),
    (83733, 1, "72201190", 92.0), (83733, 1, "63107010", 118.0), (83733, 2, "27540310", 143.0),
    (83733, 2, "72116150", 79.0), (83733, 2, "11400000", 245.0), (83733, 2, "14104100", 28.0),
    (83734, 1, "24122130", 120.0), (83734, 1, "72125100", 85.0), (83734, 1, "41601070", 240.0),
    (83734, 2, "27510521", 110.0), (83734, 2, "92101000", 237.0), (83734, 2, "63107010", 118.0),
]  # fmt: skip


def usda_k1() -> dict[str, float]:
    """USDA's FNDDS 2017-2018 vitamin K (phylloquinone) per 100 g, by food code."""
    with NUTRIENT_VALUES.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))[1:]
    column = lines[0].index("Vitamin K (phylloquinone) (mcg)")
    return {row[0]: float(row[column]) for row in lines[1:]}


def nhanes_day(day: int) -> pd.DataFrame:
    """The day's rows as NHANES publishes them (numbers as SAS doubles)."""
    k1 = usda_k1()
    rows = [m for m in MEALS if m[1] == day]
    return pd.DataFrame(
        {
            "SEQN": [float(p) for p, _, _, _ in rows],
            f"DR{day}ILINE": [float(i + 1) for i in range(len(rows))],
            f"DR{day}IFDCD": [float(code) for _, _, code, _ in rows],
            f"DR{day}IGRMS": [g for _, _, _, g in rows],
            f"DR{day}IVK": [round(g * k1[code] / 100, 1) for _, _, code, g in rows],
        }
    )


def write_xpt(tmp_path: Path, day: int) -> Path:
    import pyreadstat

    path = tmp_path / f"DR{day}IFF_I.XPT"
    pyreadstat.write_xport(nhanes_day(day), str(path), file_format_version=5)
    return path


ASA24_HEADER = (
    "UserName,UserID,RecallNo,RecallAttempt,RecallStatus,IntakeStartDateTime,IntakeEndDateTime,"
    "ReportingDate,Lang,Occ_No,Occ_Time,Occ_Name,EatWith,WatchTVuseComputer,Location,FoodNum,"
    "FoodType,FoodSrce,CodeNum,FoodCode,ModCode,HowMany,SubCode,PortionCode,FoodAmt,KCAL,VK,"
    "Food_Description"
)


def write_asa24(tmp_path: Path, dated: bool = True) -> Path:
    """An ASA24 Items file of the same meals: person 83732 is user 'k2s-001' and so on, recall
    N on 11/0N/2021 (or with no intake date), each food with its FNDDS description."""
    k1 = usda_k1()
    with (ROOT / "reference" / "fndds" / "fndds_2017_2018_foods.csv").open(encoding="utf-8") as f:
        names = {row["fndds_code"]: row["main_food_desc"] for row in csv.DictReader(f)}
    path = tmp_path / "k2s_Items.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(ASA24_HEADER.split(","))
        for number, (person, day, code, grams) in enumerate(MEALS, 1):
            stamp, end = (f"11/0{day}/2021 0:00", f"11/0{day}/2021 23:59") if dated else ("", "")
            user = f"k2s-{person - 83731:03d}"
            out.writerow(
                [user, person, day, 0, 2, stamp, end, "", 1, 1, "", 1, 1, 2, 1, number, 1, 1, 1]
                + [code, 0, 1, 0, 10205, grams, 0, round(grams * k1[code] / 100, 1), names[code]]
            )
    return path


def file_days(rows: list[dict[str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    return {(r["subject"], r["date"]): (float(r["k1_mcg"]), float(r["k1_file_mcg"])) for r in rows}


def test_an_nhanes_xpt_file_is_read_by_code_and_grams_as_day_1(k2: Invoke, tmp_path: Path) -> None:
    run = k2("report", str(write_xpt(tmp_path, 1)), "--format", "csv")
    assert run.exit_code == 0, run.stderr
    rows = run.csv()
    assert [(r["subject"], r["date"]) for r in rows] == [
        ("83732", "day 1"), ("83733", "day 1"), ("83734", "day 1"),
    ]  # fmt: skip
    expected = nhanes_day(1).groupby("SEQN")["DR1IVK"].sum()
    assert [float(r["k1_file_mcg"]) for r in rows] == pytest.approx(list(expected))


def test_k1_agrees_with_the_files_own_vitamin_k_within_a_few_percent(
    k2: Invoke, tmp_path: Path
) -> None:
    """Day 1 and day 2 of three people, NHANES XPT and ASA24: every person-day's K1 computed
    from the ingredients is within 5 % of the file's own, and the totals within 2 %."""
    for path in (write_xpt(tmp_path, 1), write_xpt(tmp_path, 2), write_asa24(tmp_path)):
        run = k2("report", str(path), "--format", "csv")
        assert run.exit_code == 0, run.stderr
        days = file_days(run.csv())
        for ours, theirs in days.values():
            assert ours == pytest.approx(theirs, rel=0.05)
        total_ours = sum(o for o, _ in days.values())
        total_theirs = sum(t for _, t in days.values())
        assert total_ours == pytest.approx(total_theirs, rel=0.02)
        assert "K1 over" in run.stderr and "the file's own vitamin K" in run.stderr


def test_an_asa24_items_file_uses_user_name_and_intake_date(k2: Invoke, tmp_path: Path) -> None:
    run = k2("report", str(write_asa24(tmp_path)), "--format", "csv")
    assert run.exit_code == 0, run.stderr
    assert [(r["subject"], r["date"]) for r in run.csv()] == [
        (f"k2s-00{p}", f"2021-11-0{d}") for p in (1, 2, 3) for d in (1, 2)
    ]


def test_recalls_without_a_date_are_reported_by_day_number_and_summarised(
    k2: Invoke, tmp_path: Path
) -> None:
    path = write_asa24(tmp_path, dated=False)
    days = k2("report", str(path), "--format", "csv").csv()
    assert [r["date"] for r in days] == ["day 1", "day 2"] * 3  # RecallNo, no date made up
    summary = k2("report", str(path), "--summary", "--format", "csv")
    assert summary.exit_code == 0, summary.stderr
    rows = summary.csv()
    assert [(r["subject"], r["days"], r["not_logged"]) for r in rows] == [
        ("k2s-001", "2", "0"), ("k2s-002", "2", "0"), ("k2s-003", "2", "0"),
    ]  # fmt: skip
    means = {r["subject"]: float(r["k1_mean_mcg"]) for r in rows}
    for subject, mean in means.items():
        own = [float(d["k1_mcg"]) for d in days if d["subject"] == subject]
        assert mean == pytest.approx(sum(own) / 2)


def test_weekly_means_are_refused_for_numbered_days(k2: Invoke, tmp_path: Path) -> None:
    path = write_xpt(tmp_path, 1)
    run = k2("report", str(path), "--weeks", "--format", "csv")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.startswith(f"k2calc: error: {path}: weekly means need calendar dates")


def test_an_nhanes_csv_export_and_a_tab_separated_one_are_read_alike(
    k2: Invoke, tmp_path: Path
) -> None:
    frame = nhanes_day(2)
    frame.to_csv(tmp_path / "dr2iff.csv", index=False)  # codes written as 58106200.0
    frame.to_csv(tmp_path / "dr2iff.tsv", index=False, sep="\t")
    xpt = k2("report", str(write_xpt(tmp_path, 2)), "--format", "csv").stdout
    for name in ("dr2iff.csv", "dr2iff.tsv"):
        run = k2("report", str(tmp_path / name), "--format", "csv")
        assert run.exit_code == 0, run.stderr
        assert run.stdout == xpt


def test_a_tab_separated_diary_is_read(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "diary.tsv"
    path.write_text("date\tfood\tamount\n2026-11-02\tnatto\t30 g\n", encoding="utf-8")
    rows = k2("report", str(path), "--format", "csv").csv()
    assert [(r["date"], r["mk7_mcg"]) for r in rows] == [("2026-11-02", "281.7")]


def test_a_generic_file_may_give_fndds_codes(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "date,food,fndds,amount\n"
        "2026-11-02,,27540310,1 sandwich\n"
        "2026-11-02,fndds:11111000,,1 cup\n",
        encoding="utf-8",
    )
    run = k2("report", str(path), "--format", "json")
    assert run.exit_code == 0, run.stderr
    expected = k1_of(k2, "fndds:27540310") * 1.43 + k1_of(k2, "fndds:11111000") * 2.44
    assert run.json()["days"][0]["k1_mcg"] == pytest.approx(expected, rel=1e-6)


def k1_of(k2: Invoke, food: str) -> float:
    """A food's K1 per 100 g, as ``show`` gives it."""
    value: float = k2("show", food, "--format", "json").json()["k1_mcg_per_100g"]
    return value


def test_a_mapped_amount_column_of_bare_numbers_is_never_read_as_pieces(
    k2: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "items.csv"
    path.write_text("Day,Code,FoodAmt\n2026-11-02,fndds:27540310,60.0\n", encoding="utf-8")
    mapped = ["--date-column", "Day", "--food-column", "Code"]
    stopped = k2("report", str(path), *mapped, "--amount-column", "FoodAmt")
    assert stopped.exit_code == 1
    assert stopped.stdout == ""
    assert "'60.0'" in stopped.stderr and "--grams-column" in stopped.stderr
    grams = k2("report", str(path), *mapped, "--grams-column", "FoodAmt", "--format", "csv")
    assert grams.exit_code == 0, grams.stderr
    expected = k1_of(k2, "fndds:27540310") * 0.6
    assert float(grams.csv()[0]["k1_mcg"]) == pytest.approx(expected, rel=1e-6)


def test_match_reads_a_recall_file_by_its_codes(k2: Invoke, tmp_path: Path) -> None:
    run = k2("match", str(write_xpt(tmp_path, 2)), "--format", "csv")
    assert run.exit_code == 0, run.stderr
    rows = run.csv()
    assert {r["input"] for r in rows} == {f"fndds:{c}" for _, d, c, _ in MEALS if d == 2}
    assert {r["how"] for r in rows} == {"code"}


def test_report_of_an_xpt_file_as_a_real_process(tmp_path: Path) -> None:
    path = write_xpt(tmp_path, 1)
    done = subprocess.run(
        [sys.executable, "-m", "k2calc", "report", str(path), "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(",k1_file_mcg")
    assert done.stderr.startswith(f"k2calc: {path}: NHANES file: K1 over 3 person-days")


def test_log_import_reads_an_fndds_column(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "coded.csv"
    path.write_text("date,fndds,grams\n2026-11-02,27540310,143\n", encoding="utf-8")
    assert k2("log", "import", str(path)).exit_code == 0
    entries = k2("log", "show", "--date", "2026-11-02", "--format", "csv").csv()
    assert [(e["food"], e["grams"]) for e in entries] == [("turkey sandwich, with spread", "143.0")]
