"""Real diaries through the CLI (issue #11): no silent merging, Cronometer exports, NDB codes
and grams, the matching audit."""

from __future__ import annotations

import csv
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from helpers import Invoke
from test_installed import SCRIPT

DATA = Path(__file__).resolve().parent / "data"
CRONOMETER = DATA / "cronometer_servings.csv"
CLIENTS = """Client,Date,Food,Amount
ann,2026-11-16,natto,30 g
ann,2026-11-17,egg,2
bob,2026-11-16,gouda,30 g
bob,2026-11-17,gouda,60 g
cy,2026-11-16,butter,1 tbsp
"""


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS, encoding="utf-8")
    return path


def test_a_client_column_is_refused_then_reported_per_client(k2: Invoke, clients: Path) -> None:
    refused = k2("report", str(clients), "--summary")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.startswith("k2calc: error: ")
    assert "column 'Client' looks like it names people" in refused.stderr
    assert "give --subject-column 'Client'" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    run = k2("report", str(clients), "--summary", "--subject-column", "Client", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert "Client as subject" in run.stderr
    summary = {row["subject"]: row for row in run.json()["summary"]}
    assert list(summary) == ["ann", "bob", "cy"]
    assert [summary[s]["days"] for s in summary] == [2, 2, 1]
    alone = k2("total", "30 g natto", "-f", "json").json()["total_mcg"]
    assert summary["ann"]["max_mcg"] == pytest.approx(alone)


def test_one_person_said_so_and_a_missing_mapping(k2: Invoke, clients: Path) -> None:
    one = k2("report", str(clients), "--subject-column", "", "-f", "json")
    assert one.exit_code == 0, one.stderr
    assert "ignored 1 column: Client" in one.stderr
    assert [d["date"] for d in one.json()["days"]] == ["2026-11-16", "2026-11-17"]
    missing = k2("report", str(clients), "--food-column", "Meal")
    assert missing.exit_code == 1
    assert "no column 'Meal' (given for food)" in missing.stderr
    assert "--food-column" in missing.stderr


def test_ignored_columns_are_listed_and_plain_files_stay_quiet(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("date,food,amount,kcal\n2026-11-01,natto,30 g,60\n", encoding="utf-8")
    run = k2("report", str(path), "-f", "csv")
    assert run.exit_code == 0
    assert run.stderr == f"k2calc: {path}: read date, food, amount; ignored 1 column: kcal\n"
    path.write_text("date,food,amount\n2026-11-01,natto,30 g\n", encoding="utf-8")
    assert k2("report", str(path), "-f", "csv").stderr == ""


def _typed_items() -> dict[str, list[str]]:
    """The fixture's servings as a person would type them into total, by day."""
    days: dict[str, list[str]] = defaultdict(list)
    with CRONOMETER.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            amount = row["Amount"].split(",")[0].strip()  # "1.00 cup, chopped" -> "1.00 cup"
            days[row["Day"]].append(f"{amount} {row['Food Name']}")
    return days


def test_cronometer_export_reports_the_totals_of_its_items_typed(k2: Invoke) -> None:
    run = k2("report", str(CRONOMETER), "--skip-invalid", "-f", "json")
    assert run.exit_code == 0
    assert "a Cronometer servings export; read Day as date, Group as meal" in run.stderr
    report = run.json()
    days = {d["date"]: d for d in report["days"]}
    typed = _typed_items()
    assert list(days) == list(typed) == ["2026-11-02", "2026-11-03", "2026-11-04"]
    skipped = {s["value"] for s in report["skipped"]}
    assert "Quick Add, Carbs" in skipped  # macros only: no food to find, never counted as 0
    for date, items in typed.items():
        usable = [i for i in items if k2("total", i).exit_code == 0]
        assert len(items) - len(usable) == sum(
            1 for s in report["skipped"] if s["row"] in _rows_of(date)
        )
        total = k2("total", *usable, "-f", "json").json()
        for key in ("mk4_mcg", "mk7_mcg", "other_mk_mcg", "total_mcg", "low_mcg", "high_mcg"):
            assert days[date][key] == pytest.approx(total[key]), (date, key)
        assert days[date]["partial"] == total["partial"]


def _rows_of(date: str) -> set[int]:
    with CRONOMETER.open(encoding="utf-8") as handle:
        return {n for n, row in enumerate(csv.DictReader(handle), 2) if row["Day"] == date}


def test_cronometer_by_meal_uses_its_groups(k2: Invoke) -> None:
    run = k2("report", str(CRONOMETER), "--skip-invalid", "--by", "meal", "-f", "csv")
    assert run.exit_code == 0
    meals = {row["meal"] for row in run.csv()}
    assert meals == {"breakfast", "lunch", "dinner", "snacks"} or meals == {
        "Breakfast",
        "Lunch",
        "Dinner",
        "Snacks",
    }


def test_total_reads_one_day_of_a_cronometer_export(k2: Invoke) -> None:
    lines = CRONOMETER.read_text(encoding="utf-8").splitlines()
    one_day = [lines[0], *(line for line in lines[1:] if line.startswith("2026-11-02"))]
    usable = [one_day[0], *(line for line in one_day[1:] if "Quick Add" not in line)]
    run = k2("total", "-", "-f", "json", input="\n".join(usable) + "\n")
    assert run.exit_code == 0, run.stderr
    report = k2("report", str(CRONOMETER), "--skip-invalid", "-f", "json").json()
    assert run.json()["total_mcg"] == pytest.approx(report["days"][0]["total_mcg"])
    several = k2("total", "-", input="\n".join(lines) + "\n")
    assert several.exit_code == 1
    assert "a Cronometer export of 3 days" in several.stderr and "report" in several.stderr


def test_ndb_codes_and_grams(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "coded.csv"
    path.write_text(
        "SEQN,date,ndb,grams\n"
        "1,2026-11-01,16113,30\n"  # natto
        "1,2026-11-01,01009,40\n"  # cheddar
        "2,2026-11-01,1123,100\n",  # egg, leading zero dropped
        encoding="utf-8",
    )
    run = k2("report", str(path), "--subject-column", "SEQN", "-f", "json")
    assert run.exit_code == 0, run.stderr
    first, second = run.json()["days"]
    expected = k2("total", "30 g natto", "40 g cheddar", "-f", "json").json()
    assert first["total_mcg"] == pytest.approx(expected["total_mcg"])
    assert second["total_mcg"] == pytest.approx(
        k2("total", "2 eggs", "-f", "json").json()["total_mcg"]
    )
    item = k2("total", "30 g ndb:16113", "-f", "json").json()
    assert item["items"][0]["food"] == "natto"
    assert item["total_mcg"] == pytest.approx(
        k2("total", "30 g natto", "-f", "json").json()["total_mcg"]
    )
    unknown = k2("total", "30 g ndb:99999")
    assert unknown.exit_code == 1 and "unknown NDB number '99999'" in unknown.stderr


def test_a_name_where_the_code_is_missing(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "date,food,ndb,amount,grams\n2026-11-01,natto,,1 tbsp,\n2026-11-01,,16113,,30\n",
        encoding="utf-8",
    )
    run = k2("report", str(path), "-f", "json")
    assert run.exit_code == 0, run.stderr
    expected = k2("total", "1 tbsp natto", "30 g natto", "-f", "json").json()["total_mcg"]
    assert run.json()["days"][0]["total_mcg"] == pytest.approx(expected)


AUDIT = """date,food,amount
2026-11-01,Cheese, Gouda,1 oz
2026-11-01,natto,30 g
2026-11-02,natto,30 g
2026-11-02,chese gouda,1 oz
2026-11-02,Broccoli cooked,1 cup
2026-11-02,ndb:01009,30 g
2026-11-02,quick add,1
"""


@pytest.fixture
def audited(tmp_path: Path) -> Path:
    path = tmp_path / "audit.csv"
    path.write_text(AUDIT.replace("Cheese, Gouda", '"Cheese, Gouda"'), encoding="utf-8")
    return path


def test_audit_json(k2: Invoke, audited: Path) -> None:
    run = k2("match", str(audited), "-f", "json")
    assert run.exit_code == 0, run.stderr
    rows = run.json()
    assert [(r["input"], r["how"], r["rows"]) for r in rows] == [
        ("quick add", "unknown", 1),
        ("chese gouda", "typo", 1),
        ("Broccoli cooked", "ranked", 1),
        ("ndb:01009", "code", 1),
        ("Cheese, Gouda", "alias", 1),
        ("natto", "exact", 2),
    ]
    by_input = {r["input"]: r for r in rows}
    assert by_input["natto"]["food"] == "natto" and by_input["natto"]["ndb_no"] == "16113"
    assert by_input["Broccoli cooked"]["runner_up"]
    assert (
        by_input["quick add"]["food"] is None and "unknown food" in by_input["quick add"]["problem"]
    )
    assert set(rows[0]) == {"input", "rows", "food", "ndb_no", "how", "runner_up", "problem"}


def test_audit_csv_and_table(k2: Invoke, audited: Path) -> None:
    rows = k2("match", str(audited), "-f", "csv").csv()
    assert list(rows[0]) == ["input", "rows", "food", "ndb_no", "how", "runner_up", "problem"]
    assert rows[-1] == {
        "input": "natto",
        "rows": "2",
        "food": "natto",
        "ndb_no": "16113",
        "how": "exact",
        "runner_up": "",
        "problem": "",
    }
    table = k2("match", str(audited))
    assert table.exit_code == 0
    assert "chese gouda" in table.stdout and "typo" in table.stdout
    assert "6 food strings in 7 rows: 1 exact · 1 alias · 1 code · 1 ranked · 1 typo" in (
        table.stdout.replace("\n", " ")
    )


def test_audit_strict_and_own_aliases(k2: Invoke, audited: Path, tmp_path: Path) -> None:
    strict = k2("match", str(audited), "--strict", "-f", "csv")
    assert strict.exit_code == 1 and len(strict.csv()) == 6
    assert "3 of 6 food strings are not exact names, aliases or NDB codes" in strict.stderr
    # The researcher's fix: the built-in rows, copied with the strings as aliases.
    table = Path(__file__).resolve().parent.parent / "foods.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = {r["name"]: r for r in reader if r["name"] in ("gouda", "cooked broccoli")}
    rows["gouda"]["aliases"] += ";chese gouda"
    rows["cooked broccoli"]["aliases"] += ";broccoli cooked"
    foods = tmp_path / "mine.csv"
    with foods.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows.values())
        writer.writerow({"name": "quick add", "category": "not a food"})
    fixed = k2("match", str(audited), "--strict", "--foods", str(foods), "-f", "json")
    assert fixed.exit_code == 0, fixed.stderr
    assert {r["how"] for r in fixed.json()} == {"exact", "alias", "code"}


def test_audit_of_the_cronometer_fixture(k2: Invoke) -> None:
    rows = k2("match", str(CRONOMETER), "-f", "json").json()
    with CRONOMETER.open(encoding="utf-8") as handle:
        names = [row["Food Name"] for row in csv.DictReader(handle)]
    assert sorted(r["input"] for r in rows) == sorted(set(names))
    assert sum(r["rows"] for r in rows) == len(names)


def test_installed_k2calc_reads_a_cronometer_export_and_refuses_a_client_file(
    clients: Path,
) -> None:
    exe = SCRIPT  # the installed command, found next to this Python when not on PATH
    done = subprocess.run(
        [exe, "report", str(CRONOMETER), "--skip-invalid", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("date,mk4_mcg")
    assert "Cronometer servings export" in done.stderr and "Traceback" not in done.stderr
    refused = subprocess.run(
        [exe, "report", str(clients)], capture_output=True, text=True, timeout=120, check=False
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.count("\n") == 1 and "--subject-column" in refused.stderr


def test_log_import_of_a_cronometer_export(k2: Invoke) -> None:
    refused = k2("log", "import", str(CRONOMETER))
    assert refused.exit_code == 1 and "nothing imported" in refused.stderr
    assert "Dave's Killer Bread" in refused.stderr and "Quick Add" not in refused.stderr
    run = k2("log", "import", str(CRONOMETER), "--skip-invalid", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert "a Cronometer servings export" in run.stderr
    assert (
        "left out 1 row(s): no food eaten:\n  row 16: 'Quick Add, Carbs': not a food" in run.stderr
    )
    assert "row 24: unknown food 'Dave's Killer Bread" in run.stderr
    imported = run.json()
    report = k2("report", str(CRONOMETER), "--skip-invalid", "-f", "json").json()
    assert imported["imported_entries"] == 45 - len(report["skipped"])
    shown = k2("log", "show", "--from", "2026-11-02", "--to", "2026-11-04", "-f", "json").json()
    assert [d["total_mcg"] for d in shown["days"]] == pytest.approx(
        [d["total_mcg"] for d in report["days"]]
    )
    meals = {e["meal"] for d in shown["days"] for e in d.get("entries", [])}
    assert meals <= {"breakfast", "lunch", "dinner", "snacks"}


def test_every_column_of_its_own_name(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "Person,When,Course,What,How much\n"
        "ann,2026-11-01,breakfast,natto,30 g\n"
        "ann,2026-11-01,lunch,gouda,1 oz\n",
        encoding="utf-8",
    )
    options = ["--date-column", "When", "--food-column", "What", "--amount-column", "How much"]
    refused = k2("report", str(path), *options, "--meal-column", "Course")
    assert refused.exit_code == 1 and "column 'Person' looks like it names people" in refused.stderr
    run = k2(
        "report", str(path), *options, "--meal-column", "course", "--subject-column", "person",
        "--by", "meal", "-f", "json",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert [(d["subject"], d["meal"]) for d in run.json()["days"]] == [
        ("ann", "breakfast"),
        ("ann", "lunch"),
    ]
    assert run.stderr == (
        f"k2calc: {path}: read When as date, Person as subject, Course as meal, What as food, "
        "How much as amount\n"
    )


def test_match_takes_the_column_options_it_reads(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("When,What,How much\n2026-11-16,natto,30 g\n", encoding="utf-8")
    options = ["--date-column", "When", "--food-column", "What", "--amount-column", "How much"]
    run = k2("match", str(path), *options, "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert [(r["input"], r["how"]) for r in run.json()] == [("natto", "exact")]
    for unread in ("--subject-column", "--meal-column"):  # match reads neither
        assert k2("match", str(path), unread, "x").exit_code == 2


def test_log_import_refuses_people_and_takes_a_mapping(k2: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(
        '[{"date": "2026-11-01", "Client": "ann", "food": "natto", "amount": "30 g"}]',
        encoding="utf-8",
    )
    refused = k2("log", "import", str(path))
    assert refused.exit_code == 1 and "give --subject-column 'Client'" in refused.stderr
    run = k2("log", "import", str(path), "--subject-column", "Client")
    assert run.exit_code == 0, run.stderr
    assert "Imported 1 entry" in run.stdout
