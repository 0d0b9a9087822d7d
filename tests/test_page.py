"""The page (``--format html``): parsed back, its figures equal the JSON of the same command."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, Invoke

WEEK = ("--from", "2026-11-02", "--to", "2026-11-08")
ADVICE = "Not medical advice."


class Page(HTMLParser):
    """A page read back: its tables (caption, header, body rows, footer), its text, every
    tag and attribute, and its SVG elements."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self._cell: list[str] | None = None
        self._part = ""
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": [], "foot": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self._part = tag
        elif tag == "tr":
            self._row: list[str] = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr":
            where = {"thead": "head", "tbody": "rows", "tfoot": "foot"}[self._part]
            table = self.tables[-1]
            if where == "rows":
                table["rows"].append(self._row)
            else:
                table[where] = self._row

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        elif self._in and self._in[-1] == "caption":
            self.tables[-1]["caption"] += data
        elif self._in and self._in[-1] == "title":
            self.title += data

    def table(self, caption_start: str) -> dict[str, Any]:
        """The table whose caption starts with ``caption_start``."""
        found = [t for t in self.tables if t["caption"].startswith(caption_start)]
        assert len(found) == 1, [t["caption"] for t in self.tables]
        return found[0]

    def column(self, caption_start: str, header: str) -> dict[str, str]:
        """A table's column by its first cell (the row's label)."""
        table = self.table(caption_start)
        at = table["head"].index(header)
        return {row[0]: row[at] for row in table["rows"]}

    def count(self, tag: str) -> int:
        """How many ``tag`` elements the page has."""
        return sum(1 for name, _ in self.tags if name == tag)


def one_place(value: float | None) -> str:
    """A figure as the page shows it: one decimal, thousands separated; — not measured."""
    return "—" if value is None else f"{value:,.1f}"


@pytest.fixture
def week(k2: Invoke) -> Invoke:
    """A log holding examples/warfarin-week.csv (Thursday 2026-11-05 not logged)."""
    assert k2("log", "import", str(ROOT / "examples" / "warfarin-week.csv")).exit_code == 0
    return k2


def page_of(k2: Invoke, *args: str) -> Page:
    done = k2(*args, "--format", "html")
    assert done.exit_code == 0, done.stderr
    return Page(done.stdout)


def test_range_page_day_figures_equal_the_json(week: Invoke) -> None:
    page = page_of(week, "log", "show", *WEEK)
    days = week("log", "show", *WEEK, "-f", "json").json()["days"]
    totals = page.column("Vitamin K by day", "Total")
    k1 = page.column("Vitamin K by day", "K1")
    status = page.column("Vitamin K by day", "Status")
    assert len(days) == 6
    for day in days:
        marks = ("*" if day["partial"] else "") + ("†" if day["confidence"] == "low" else "")
        assert totals[day["date"]] == one_place(day["total_mcg"]) + marks
        assert k1[day["date"]] == one_place(day["k1_mcg"]) + ("*" if day["k1_partial"] else "")
        assert status[day["date"]] == day["status"]
    assert status["2026-11-05"] == "not logged"
    assert totals["2026-11-05"] == ""  # a day not logged is a gap, never 0


def test_range_page_is_self_contained_with_header_charts_sources(week: Invoke) -> None:
    made = week("log", "show", *WEEK, "--title", "Ann B.", "-f", "html").stdout
    page = Page(made)
    text = "".join(page.text)
    assert page.title == "Ann B. · Vitamin K by day"
    assert page.count("script") == 0
    for _, attrs in page.tags:  # nothing loaded: no reference out of the page
        for name in {"src", "href", "srcset", "xlink:href"} & set(attrs):
            assert (attrs[name] or "").startswith("#"), (name, attrs[name])
    assert "@import" not in text and "url(" not in text
    # K2 by day and K1 against the own mean; no weekly means: Nov 2 to 8 is one week (Mon-Sun)
    assert page.count("svg") == 2
    assert "2026-11-02 to 2026-11-08 (6 of 7 days logged)" in text
    assert "K2 45–200 mcg a day" in text
    assert "by k2calc 0.1.0, food table foods.csv (SHA-256 " in text
    assert "usda-sr28" in text  # the foods logged cite SR28 for their K1 and K2
    assert ADVICE in text
    k2_chart = made[made.index("<svg") : made.index("</svg>")]
    assert k2_chart.count(">not logged<") == 1  # Thursday: a gap saying so, not a bar of 0


def test_page_of_two_weeks_has_the_weekly_chart(week: Invoke) -> None:
    assert week("log", "add", "1 cup kale", "--date", "2026-11-01").exit_code == 0  # a Sunday
    page = page_of(week, "log", "show", "--from", "2026-11-01", "--to", "2026-11-08")
    assert page.count("svg") == 3
    weeks = week("log", "show", "--from", "2026-11-01", "--to", "2026-11-08", "-f", "json")
    means = page.column("Weekly means", "K2 mean")
    for row in weeks.json()["weeks"]:
        assert means[row["week_start"]] == one_place(row["mean_mcg"])


def test_k1_view_flags_days_outside_own_mean_band(week: Invoke) -> None:
    data = week("log", "show", *WEEK, "-f", "json").json()
    k1 = {d["date"]: d["k1_mcg"] for d in data["days"]}
    mean = sum(k1.values()) / len(k1)  # 197.93: (247.6+155.9+260.4+125.9+151.3+246.4) / 6
    outside = sorted(d for d, v in k1.items() if not mean * 0.8 <= v <= mean * 1.2)
    band = data["k1_band"]
    assert band["mean_mcg"] == pytest.approx(mean)
    assert band["low_mcg"] == pytest.approx(mean * 0.8)
    assert band["days_outside"] == outside
    terminal = week("log", "show", *WEEK, "--vitamin", "k1").stdout
    assert terminal.index("K1 by day") < terminal.index("K2, for reference")
    assert f"days outside it: {len(outside)} of 6" in terminal
    page = page_of(week, "log", "show", *WEEK, "--vitamin", "k1")
    flags = page.column("Vitamin K1 by day", "Outside ± 20%")
    assert sorted(d for d, f in flags.items() if f.startswith(("▲", "▼"))) == outside
    assert flags["2026-11-05"] == "not logged"
    assert "Status" not in page.table("Vitamin K1 by day")["head"]


def test_by_food_in_every_format_adds_up(week: Invoke) -> None:
    data = week("log", "show", *WEEK, "-f", "json").json()
    grams: dict[str, float] = {}
    for day in data["days"]:
        for entry in day["entries"]:
            grams[entry["food"]] = grams.get(entry["food"], 0.0) + entry["grams"]
    foods = week("log", "show", *WEEK, "--by", "food", "-f", "json").json()["foods"]
    assert {f["food"]: f["grams"] for f in foods} == pytest.approx(grams)
    k2_all = sum(day["total_mcg"] or 0.0 for day in data["days"])
    measured = [f for f in foods if f["total_mcg"] is not None]
    assert sum(f["k2_share"] for f in measured) == pytest.approx(1.0, abs=1e-5)
    for food in measured:
        assert food["k2_share"] == pytest.approx(food["total_mcg"] / k2_all, abs=1e-6)
    assert all(f["k2_share"] is None for f in foods if f["total_mcg"] is None)  # unknown, not 0
    rows = week("log", "show", *WEEK, "--by", "food", "-f", "csv").csv()
    assert [r["food"] for r in rows] == [f["food"] for f in foods]
    page = page_of(week, "log", "show", *WEEK, "--by", "food")
    totals = page.column("Which foods supplied it", "Total")
    for food in foods:
        assert totals[food["food"]].rstrip("*†°") == one_place(food["total_mcg"])


def test_range_page_has_the_foods_section(week: Invoke) -> None:
    page = page_of(week, "log", "show", *WEEK)
    foods = week("log", "show", *WEEK, "--by", "food", "-f", "json").json()["foods"]
    shares = page.column("Which foods supplied it", "K2 share")
    assert shares == {
        f["food"]: "—" if f["k2_share"] is None else f"{f['k2_share'] * 100:.0f}%" for f in foods
    }


def test_day_total_compare_show_pages(week: Invoke) -> None:
    day = page_of(week, "log", "show", "--date", "2026-11-02")
    entries = week("log", "show", "--date", "2026-11-02", "-f", "json").json()["days"][0]
    assert day.table("2026-11-02: vitamin K2 by meal")["foot"][-1] == one_place(
        entries["k1_mcg"]
    ) + ("*" if entries["k1_partial"] else "")
    assert day.count("svg") == 0

    total = page_of(week, "total", "30 g natto", "2 eggs", "--title", "Client 7")
    items = week("total", "30 g natto", "2 eggs", "-f", "json").json()["items"]
    shown = total.column("Vitamin K2 by item", "Total")
    assert shown == {
        i["input"]: one_place(i["total_mcg"]) + ("*" if i["partial"] else "") for i in items
    }
    assert total.title == "Client 7 · Vitamin K in the foods given"

    compare = page_of(week, "compare", "natto", "gouda")
    rows = week("compare", "natto", "gouda", "-f", "json").json()
    assert compare.column("Vitamin K2 in 100 g", "K1") == {
        r["food"]: one_place(r["k1_mcg"]) for r in rows
    }

    show = page_of(week, "show", "natto")
    citations = week("show", "natto", "-f", "json").json()["citations"]
    text = "".join(show.text)
    for key, citation in citations.items():
        assert f"{key}: {citation}" in text
    for page in (day, total, compare, show):
        assert ADVICE in "".join(page.text)


def test_page_made_by_the_installed_command_is_reproducible(week: Invoke, tmp_path: Path) -> None:
    """The installed k2calc writes the same page as CliRunner, given the same moment."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    command = [sys.executable, "-m", "k2calc", "log", "show", *WEEK, "-f", "html"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    assert "2026-11-18 11:06 UTC" in first.stdout  # 1795000000 s after 1970-01-01 00:00 UTC


def test_total_does_not_import_matplotlib(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "k2calc", "total", "1 g natto"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "k2calc.units" in imported
    assert not {"matplotlib", "k2calc.page", "k2calc.page_charts"} & imported


def test_report_summary_page_has_every_column_and_a_page_per_subject(k2: Invoke) -> None:
    diary = str(ROOT / "examples" / "diary.csv")
    made = k2("report", diary, "--summary", "-f", "html", "--title", "Study X")
    assert made.exit_code == 0, made.stderr
    page = Page(made.stdout)
    summary = k2("report", diary, "--summary", "-f", "json").json()["summary"]
    table = page.table("Vitamin K per subject")
    assert len(table["head"]) == 17  # no column dropped for a terminal's width
    assert "Unknown" in table["head"]  # the days whose K2 nobody measured, counted apart
    means = page.column("Vitamin K per subject", "Mean")
    k1_means = page.column("Vitamin K per subject", "K1 mean")
    assert means == {row["subject"]: one_place(row["mean_mcg"]) for row in summary}
    assert k1_means == {row["subject"]: one_place(row["k1_mean_mcg"]) for row in summary}
    starts = [attrs for tag, attrs in page.tags if tag == "h2" and attrs.get("class") == "starts"]
    assert len(starts) == len(summary) == 2  # ann and bob, each from a new printed page
    assert page.count("svg") == 2 * len(summary)
    assert "Subject ann, 2026-11-16 to 2026-11-18" in "".join(page.text)
    assert page.title == "Study X · Vitamin K per subject"


def test_a_food_of_the_users_own_file_cites_no_table_source(k2: Invoke, tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_text("name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nnatto,,500,\n")
    natto = set(k2("show", "natto", "-f", "json").json()["citations"])
    gouda = set(k2("show", "gouda", "-f", "json").json()["citations"])
    cited = natto - gouda  # the built-in natto's own sources, which gouda does not share
    assert cited
    for command in (["total", "30 g natto", "1 oz gouda"], ["compare", "natto", "gouda"]):
        mixed = "".join(page_of(k2, *command, "--foods", str(mine)).text)
        assert "Sources of the values shown" in mixed  # gouda is still the table's
        assert not any(f"{key}: " in mixed for key in cited), command
    own = page_of(k2, "show", "natto", "--foods", str(mine))
    assert "Sources of the values shown" not in "".join(own.text)


def test_report_page_of_one_subject(k2: Invoke) -> None:
    diary = str(ROOT / "examples" / "diary.csv")
    page = page_of(k2, "report", diary, "--summary", "--subject", "bob")
    summary = k2("report", diary, "--summary", "--subject", "bob", "-f", "json").json()["summary"]
    assert [row["subject"] for row in summary] == ["bob"]
    assert page.column("Vitamin K per subject", "Mean") == {
        "bob": one_place(summary[0]["mean_mcg"])
    }
    assert page.count("svg") == 2
    text = "".join(page.text)
    assert "Subject bob" in text and "Subject ann" not in text
    unknown = k2("report", diary, "--summary", "--subject", "zed")
    assert unknown.exit_code == 1
    assert unknown.stderr == (
        f"k2calc: error: --subject zed: no such subject in {diary} (subjects: ann, bob)\n"
    )
    assert k2("report", diary, "--subject", "bob").exit_code == 2  # only with --summary
