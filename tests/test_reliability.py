"""Nothing lost, nothing hung, no traceback, part 2 (issue #27; the reproductions of
../shared/reviews/reliability-2026-12-07.md), in-process and as the installed command."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import Invoke

from k2calc.output import Format, OutputError, View, emit

SCRIPT = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
NATTO_30G_MK7 = 281.7  # natto 939 mcg MK-7 per 100 g (foods.csv) × 0.3


def k2calc(
    *args: str, cwd: Path, stdin: bytes | None = None, stdout: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The installed script, run for real in ``cwd`` with its own data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("K2CALC_")}
    env["K2CALC_HOME"] = str(cwd / "home")
    return subprocess.run(
        [SCRIPT, *args],
        cwd=cwd,
        input=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
        check=False,
    )


def one_error_line(stderr: bytes) -> str:
    """The single line of stderr, checked to be one ``k2calc: error:`` line."""
    text = stderr.decode()
    assert "Traceback" not in text, text
    lines = text.splitlines()
    assert len(lines) == 1 and lines[0].startswith("k2calc: error: "), text
    return lines[0]


# -- defect 1: total - and a line over the csv field limit ---------------------------------

LONG_ITEM = "30 g " + "natto " * 30_000  # 180,005 characters on one line


@pytest.mark.parametrize(
    "stdin",
    [LONG_ITEM + "\n", "30 g natto\n" + "x" * 140_000 + "\n"],
    ids=["one long line", "a long second line"],
)
def test_total_stdin_line_over_the_csv_field_limit_is_one_line(k2: Invoke, stdin: str) -> None:
    run = k2("total", "-", input=stdin)
    assert run.exit_code == 1
    assert "is too long (at most 1,000 characters)" in run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_total_stdin_long_line_as_the_installed_command(tmp_path: Path) -> None:
    done = k2calc("total", "-", cwd=tmp_path, stdin=LONG_ITEM.encode())
    assert done.returncode == 1
    assert one_error_line(done.stderr).endswith("is too long (at most 1,000 characters)")


def test_a_cronometer_export_with_a_giant_field_names_its_line(k2: Invoke) -> None:
    export = "Day,Food Name,Amount\n2026-01-01,natto,30 g\n2026-01-01,natto," + "x" * 140_000
    run = k2("total", "-", input=export + "\n")
    assert run.exit_code == 1
    assert run.stderr.startswith("k2calc: error: stdin: line 3 of a Cronometer export: field")


# -- defect 3 and item 3: one write path that fails cleanly --------------------------------

COMMANDS = [
    ("total", "30 g natto", "-f", "json"),
    ("total", "30 g natto"),
    ("total", "30 g natto", "-f", "csv"),
    ("foods", "natto"),
    ("log", "path"),
    ("--version",),
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_output_to_a_full_device_is_one_line_and_exit_1(tmp_path: Path, args: tuple[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = k2calc(*args, cwd=tmp_path, stdout=full.fileno())
    assert done.returncode == 1
    assert one_error_line(done.stderr) == (
        "k2calc: error: cannot write the output: no space left on device"
    )


def test_report_and_export_to_a_full_device(tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text("date,food,amount\n2026-11-22,natto,30 g\n")
    db = tmp_path / "log.sqlite3"
    assert k2calc("log", "add", "30 g natto", "--db", str(db), cwd=tmp_path).returncode == 0
    for args in (("report", str(diary)), ("log", "export", "--db", str(db))):
        with open("/dev/full", "wb") as full:
            done = k2calc(*args, cwd=tmp_path, stdout=full.fileno())
        assert done.returncode == 1, args
        assert "cannot write the output: no space left on device" in one_error_line(done.stderr)


def test_a_reader_that_stops_early_is_exit_0(tmp_path: Path) -> None:
    env = {**os.environ, "K2CALC_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        f"'{SCRIPT}' foods --limit 2000 -f csv | head -1",
        shell=True,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.stdout.startswith(b"name,")
    assert done.stderr == b""


def test_output_file_is_written_whole(k2: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "total.json"
    run = k2("total", "30 g natto", "-f", "json", "-o", str(target))
    assert run.exit_code == 0 and run.stdout == ""
    assert json.loads(target.read_text())["mk7_mcg"] == pytest.approx(NATTO_30G_MK7)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "k2calc-home") == ["total.json"]


def test_a_failed_output_file_leaves_nothing_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up at the end (fsync fails): no new file, no 0-byte file, no
    temporary file, and a file already there is left as it was."""

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    view = View({"a": 1}, [{"a": 1}])
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    old.write_text("kept\n")
    for target in (new, old):
        with pytest.raises(OutputError, match=f"cannot write {target}: no space left on device"):
            emit(view, Format.csv, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]
    assert old.read_text() == "kept\n"


def test_an_interrupted_output_file_leaves_nothing(tmp_path: Path) -> None:
    def interrupted(row: object) -> str:
        raise KeyboardInterrupt

    from k2calc.output import Column, Grid

    view = View({}, [], blocks=[Grid([Column("x", interrupted)], rows=[1])])
    with pytest.raises(KeyboardInterrupt):
        emit(view, Format.table, tmp_path / "table.txt")
    assert list(tmp_path.iterdir()) == []


def test_an_output_file_to_a_full_device_is_written_in_place(tmp_path: Path) -> None:
    """A device (or FIFO) given to --output is written to, never replaced by a file."""
    done = k2calc("total", "30 g natto", "-o", "/dev/full", cwd=tmp_path)
    assert one_error_line(done.stderr) == (
        "k2calc: error: cannot write /dev/full: no space left on device"
    )
    assert Path("/dev/full").is_char_device()


def test_output_file_in_a_missing_folder(k2: Invoke, tmp_path: Path) -> None:
    run = k2("foods", "natto", "-o", str(tmp_path / "no" / "foods.txt"))
    assert run.exit_code == 1
    assert run.stderr == (
        f"k2calc: error: cannot write {tmp_path / 'no' / 'foods.txt'}: no such file or directory\n"
    )


# -- item 5: only regular files -------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def test_a_fifo_as_foods_or_import_file_is_refused_at_once(tmp_path: Path, fifo: Path) -> None:
    cases = [
        ("total", "1 egg", "--foods", str(fifo)),
        ("log", "import", str(fifo), "--db", str(tmp_path / "log.sqlite3")),
    ]
    for args in cases:
        done = k2calc(*args, cwd=tmp_path)  # would block for ever in the open or the read
        assert done.returncode == 1
        assert one_error_line(done.stderr) == (
            f"k2calc: error: {fifo} is a FIFO (named pipe), not a regular file"
        )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_foods_file_is_refused_before_any_read(k2: Invoke, device: str) -> None:
    run = k2("total", "1 egg", "--foods", device)
    assert run.exit_code == 1
    assert run.stderr == f"k2calc: error: {device} is a device, not a regular file\n"


def test_a_folder_as_import_file_is_refused(k2: Invoke, tmp_path: Path) -> None:
    run = k2("log", "import", str(tmp_path), "--db", str(tmp_path / "log.sqlite3"))
    assert run.stderr == f"k2calc: error: {tmp_path} is a folder, not a regular file\n"


@pytest.mark.parametrize("command", [("log", "show"), ("log", "add", "2 eggs")])
def test_a_fifo_as_db_is_refused_at_once(tmp_path: Path, fifo: Path, command: tuple[str]) -> None:
    done = k2calc(*command, "--db", str(fifo), cwd=tmp_path)
    assert done.returncode == 1
    assert one_error_line(done.stderr) == (
        f"k2calc: error: {fifo} is a FIFO (named pipe), not a regular file; it was left "
        "untouched; give another file with --db or K2CALC_DB"
    )


def test_dev_null_as_db_leaves_no_journal(tmp_path: Path) -> None:
    """SQLite would make ``/dev/null-journal``: the link to /dev/null is refused first."""
    link = tmp_path / "log.sqlite3"
    link.symlink_to("/dev/null")
    existed = Path("/dev/null-journal").exists()
    try:
        done = k2calc("log", "add", "2 eggs", "--db", str(link), cwd=tmp_path)
        assert one_error_line(done.stderr).startswith(
            f"k2calc: error: {link} is a device, not a regular file; it was left untouched"
        )
        assert not Path("/dev/null-journal").exists()
    finally:
        if not existed:
            Path("/dev/null-journal").unlink(missing_ok=True)


# -- defect 8: an empty file beside another database's journal ------------------------------


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _journal(database_pages: int) -> bytes:
    """A rollback journal's first sector (https://sqlite.org/fileformat.html, 4.1): the
    magic, 1 page record, a nonce, the database's size in pages before the write, the sector
    size (512) and the page size (4096)."""
    header = JOURNAL_MAGIC + (1).to_bytes(4, "big") + b"k2k2"
    header += database_pages.to_bytes(4, "big") + (512).to_bytes(4, "big")
    header += (4096).to_bytes(4, "big")
    return header + bytes(512 - len(header))


def test_an_empty_file_with_another_databases_journal_is_refused(tmp_path: Path) -> None:
    journal = _journal(database_pages=3) + bytes(range(256)) * 16  # and a page of it
    folder = tmp_path / "hot0b"
    folder.mkdir()
    (folder / "new.db").write_bytes(b"")
    (folder / "new.db-journal").write_bytes(journal)
    done = k2calc("log", "add", "2 eggs", "--db", str(folder / "new.db"), cwd=tmp_path)
    assert done.returncode == 1
    assert "it is empty but has another program's new.db-journal" in one_error_line(done.stderr)
    assert (folder / "new.db").read_bytes() == b""
    assert (folder / "new.db-journal").read_bytes() == journal


def test_an_empty_log_with_the_journal_of_its_creation_is_taken_over(
    k2: Invoke, tmp_path: Path
) -> None:
    """What a k2calc killed while creating a log leaves: the journal of an empty database
    (database size 0 in its header), which rolls back to nothing."""
    db = tmp_path / "log.sqlite3"
    db.write_bytes(b"")
    Path(f"{db}-journal").write_bytes(_journal(database_pages=0))
    run = k2("log", "add", "2 eggs", "--db", str(db), "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert len(run.json()["added"]) == 1


# -- defect 5 and 6: control and bidi characters --------------------------------------------

ANSI_FOODS = (
    'name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\n"\x1b[31mevil\x1b[0m",1,,\n'
)


def test_a_foods_file_with_an_escape_sequence_is_refused(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "ansifoods.csv"
    foods.write_text(ANSI_FOODS)
    run = k2("foods", "evil", "--foods", str(foods), "-f", "csv")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr == (
        f"k2calc: error: {foods}:2: holds control characters (an escape sequence, NUL); a "
        "food table is plain text\n"
    )


def test_bidi_characters_are_escaped_in_tables_and_kept_in_data(k2: Invoke, tmp_path: Path) -> None:
    foods = tmp_path / "bidi.csv"
    foods.write_text(
        "name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nevil\u202eyes,1,,\n"
    )
    table = k2("foods", "evil", "--foods", str(foods))
    assert "evil\\u202eyes" in table.stdout and "\u202e" not in table.stdout
    rows = k2("foods", "evil", "--foods", str(foods), "-f", "csv").csv()
    assert rows[0]["name"] == "evil\u202eyes"
    total = k2("total", "30 g natto\u202e")
    assert total.exit_code == 0
    assert "30 g natto\\u202e" in total.stdout and "\u202e" not in total.stdout


def test_compare_amount_with_a_carriage_return_is_refused(k2: Invoke) -> None:
    run = k2("compare", "egg", "-f", "csv", "--amount", "1 \r1/2")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr == (
        "k2calc: error: amount '1 \\r1/2' holds control characters or bytes that are not UTF-8\n"
    )
    fine = k2("compare", "egg", "-f", "csv", "--amount", "1 1/2").csv()
    assert fine[0]["amount"] == "1 1/2"


# -- defect 10: messages ---------------------------------------------------------------------


def test_a_deleted_working_folder_is_said_so(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, sys\n"
        "os.chdir(sys.argv[1]); os.rmdir(sys.argv[1])\n"
        "os.execv(sys.argv[2], [sys.argv[2], 'log', 'show', '--db', 'log.sqlite3'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(gone), SCRIPT],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "K2CALC_HOME": str(tmp_path / "home")},
    )
    assert one_error_line(done.stderr) == (
        "k2calc: error: cannot open log.sqlite3: the current folder no longer exists; "
        "change to another"
    )


def test_report_bad_row_reason_cuts_a_long_value(k2: Invoke, tmp_path: Path) -> None:
    diary = tmp_path / "long.csv"
    diary.write_text(
        "date,food,amount\n2026-01-01,natto," + "1" * 5000 + " g\n2026-01-01,natto,30 " + "x" * 3000
    )
    run = k2("report", str(diary))
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 3
    for line in lines[1:]:
        # the cell and each echo in the reason: at most 80 characters and "…" each
        assert max(len(part) for part in line.split("'")) <= 81, line
    assert len(run.stderr) < 800


def test_permission_denied_is_worded_one_way(tmp_path: Path) -> None:
    """A file nobody may read, for report, log import and --foods, as user nobody."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() == 0 and setpriv is None:
        pytest.fail("root ignores file modes: setpriv is needed to run as nobody")
    folder = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's own folders are closed to nobody
    folder.chmod(0o755)
    den = folder / "den.csv"
    den.write_text("date,food,amount\n")
    den.chmod(0)
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else []
    env = {**os.environ, "K2CALC_HOME": str(folder / "home"), "K2CALC_CACHE": str(folder)}
    env["K2CALC_CONFIG"] = str(folder / "config.toml")  # none
    for args, expected in [
        (["report", "den.csv"], "k2calc: error: den.csv: cannot read: permission denied"),
        (
            ["log", "import", "den.csv", "--db", "x.sqlite3"],
            "k2calc: error: den.csv: cannot read: permission denied",
        ),
        (
            ["total", "1 egg", "--foods", "den.csv"],
            "k2calc: error: den.csv: cannot read: permission denied",
        ),
    ]:
        done = subprocess.run(
            [*prefix, SCRIPT, *args], cwd=folder, capture_output=True, env=env, timeout=60
        )
        assert one_error_line(done.stderr) == expected, args
    shutil.rmtree(folder)


def test_a_csv_cell_with_a_carriage_return_is_quoted() -> None:
    """A lone CR is a line end to CSV readers: a cell holding one is quoted (defect 6)."""
    from k2calc.output import write_csv

    out = io.StringIO()
    write_csv([{"a": "1 \r1/2", "b": "x"}, {"a": "y", "b": "z"}], ["a", "b"], out)
    assert out.getvalue() == 'a,b\n"1 \r1/2",x\ny,z\n'
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [["a", "b"], ["1 \r1/2", "x"], ["y", "z"]]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_reader_gone_before_any_output_is_exit_0(tmp_path: Path, fmt: str) -> None:
    """Every write meets a closed pipe (EPIPE): exit 0 and nothing on stderr, for tables
    too (rich's own handling would exit 1)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = k2calc("foods", "natto", "-f", fmt, cwd=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")
