"""Report and import read what they are given, all of it (issue #14: D11, D12, D13)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import Invoke

OK = "date,food,amount\n2026-11-22,natto,30 g\n"


def test_line_numbers_count_lines_inside_quoted_cells(k2: Invoke, tmp_path: Path) -> None:
    diary = tmp_path / "ml.csv"
    diary.write_text(
        'date,subject,food,amount\n2026-11-22,"a\nb\nc\nd",natto,30 g\n2026-11-22,e,badfood,30 g\n'
    )
    run = k2("report", str(diary))
    assert run.exit_code == 1
    assert "line 6: 'badfood'" in run.stderr


def test_line_numbers_across_chunks(k2: Invoke, tmp_path: Path) -> None:
    diary = tmp_path / "ml.csv"
    diary.write_text(
        'date,subject,food,amount\n2026-11-22,"a\nb",natto,30 g\n2026-11-22,x,natto,1 g\n'
        '2026-11-22,"c\nd",natto,30 g\n2026-11-22,e,badfood,30 g\n'
    )
    run = k2("report", str(diary), "--chunksize", "1")
    assert "line 7: 'badfood'" in run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "diary.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w") as handle:
            handle.write(OK)

    writer = threading.Thread(target=feed)
    writer.start()
    run = subprocess.run(
        [sys.executable, "-m", "k2calc", "report", str(fifo), "-f", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    writer.join()
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].startswith("2026-11-22,")


def test_a_duplicate_report_column_is_refused(k2: Invoke, tmp_path: Path) -> None:
    diary = tmp_path / "dd.csv"
    diary.write_text("date,food,amount,date\n2026-11-22,natto,30 g,2026-11-23\n")
    run = k2("report", str(diary), "-f", "csv")
    assert run.exit_code == 1 and "'date' appears twice" in run.stderr


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("date,food,amount\n2026-11-22,natto,30 g,EXTRA\n", "more fields than the header"),
        ("date,food,amount,amount\n2026-11-22,natto,30 g,9000 g\n", "appear twice"),
        ('[{"date":"2026-11-22","food":"natto","amount":"30 g","Amount":"9 g"}]', "twice"),
        ('{"date":"2026-11-22","food":"natto","amount":"30 g"}', "array of objects"),
    ],
    ids=["extra-field", "duplicate-column", "duplicate-json-key", "json-object"],
)
def test_import_drops_nothing_silently(k2: Invoke, tmp_path: Path, text: str, why: str) -> None:
    db = tmp_path / "log.sqlite3"
    run = k2("log", "import", "-", "--db", str(db), input=text)
    assert run.exit_code == 1 and why in run.stderr
    assert not db.exists()


def test_a_foods_table_with_a_duplicate_column_is_refused(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "foods.csv"
    foods.write_text("name,name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\na,b,1,,\n")
    run = k2("total", "1 g b", "--foods", str(foods))
    assert run.exit_code == 1 and "appear twice" in run.stderr


def test_control_characters_from_a_diary_are_shown_escaped(k2: Invoke, tmp_path: Path) -> None:
    """D10: a subject or food cell cannot drive the terminal."""
    diary = tmp_path / "ansi.csv"
    diary.write_text(
        "date,subject,food,amount\n2026-11-22,\x1b]0;pwned\x07\x1b[2J,natto,30 g\n"
        "2026-11-22,x,\x1b[31mevil\x1b[0m,30 g\n"
    )
    run = k2("report", str(diary), "--skip-invalid")
    assert run.exit_code == 0
    assert "\x1b" not in run.stdout and "\x1b" not in run.stderr and "\x07" not in run.stdout
    assert "\\x1b[31mevil" in run.stderr
    failed = k2("report", str(diary))
    assert failed.exit_code == 1 and "\x1b" not in failed.stderr


def test_a_broken_import_header_is_one_line(k2: Invoke, tmp_path: Path) -> None:
    """Found by fuzzing: a carriage return before the header raised csv.Error."""
    text = "\rdate,meal,food,amount,note\n2026-11-22,breakfast,natto,30 g,\n"
    run = k2("log", "import", "-", "--db", str(tmp_path / "l.sqlite3"), input=text)
    assert run.exit_code in (0, 1)
    assert "Traceback" not in run.stderr
