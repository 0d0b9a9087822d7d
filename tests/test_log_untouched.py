"""Left untouched means byte-identical: a file k2calc does not own, or cannot verify, is never
written, rolled back or checkpointed (D8); failures say what happened (D6, D7)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import Invoke

from k2calc import mealog
from k2calc.foods import FoodTable
from k2calc.parse import resolve


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` and the sha256 of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def one_line_error(run_stderr: str) -> None:
    assert run_stderr.startswith("k2calc: error: ")
    assert run_stderr.count("\n") == 1 and "Traceback" not in run_stderr


def _corrupt_log(folder: Path, table: FoodTable) -> Path:
    db = folder / "corrupt.sqlite3"
    portion = resolve("2 eggs", table)
    entries = [mealog.NewEntry("2026-11-22", "", portion, f"note {n}") for n in range(3000)]
    mealog.add_entries(db, entries)
    page = 4096
    with db.open("r+b") as handle:  # three garbage pages in the middle of the entries
        handle.seek(page * 5)
        handle.write(bytes(range(256)) * (3 * page // 256))
    return db


def _foreign_wal(folder: Path) -> Path:
    src = folder / "src" / "app.db"
    src.parent.mkdir()
    conn = sqlite3.connect(src)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    db = folder / "app.db"
    shutil.copy(src, db)
    shutil.copy(f"{src}-wal", f"{db}-wal")
    conn.close()
    shutil.rmtree(src.parent)
    return db


def _foreign_hot_journal(folder: Path) -> Path:
    src = folder / "src" / "app.db"
    src.parent.mkdir()
    conn = sqlite3.connect(src, isolation_level=None)
    conn.execute("PRAGMA cache_size=2")
    conn.execute("CREATE TABLE t(x)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
        "INSERT INTO t SELECT zeroblob(500) FROM n"
    )
    conn.execute("BEGIN")
    conn.execute("UPDATE t SET x = zeroblob(600)")  # spills: journal synced, file changed
    db = folder / "app.db"
    shutil.copy(src, db)
    shutil.copy(f"{src}-journal", f"{db}-journal")
    conn.execute("ROLLBACK")
    conn.close()
    shutil.rmtree(src.parent)
    return db


def _foreign_empty(folder: Path) -> Path:
    db = folder / "empty.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA page_size=8192")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()
    return db


CASES = {
    "corrupt-log": _corrupt_log,
    "foreign-wal": _foreign_wal,
    "foreign-hot-journal": _foreign_hot_journal,
    "foreign-empty": _foreign_empty,
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    "command",
    [["add", "2 eggs", "--date", "2025-12-25"], ["show"], ["rm", "1"], ["export"]],
    ids=["add", "show", "rm", "export"],
)
def test_a_file_not_verified_stays_byte_identical(
    k2: Invoke, tmp_path: Path, table: FoodTable, case: str, command: list[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    make = CASES[case]
    db = make(folder, table) if case == "corrupt-log" else make(folder)  # type: ignore[operator]
    before = snapshot(folder)
    run = k2("log", *command, "--db", str(db))
    if case == "corrupt-log" and command[0] in ("show", "export"):
        pass  # reading may work or fail; it never writes
    else:
        assert run.exit_code == 1, run.stdout
        one_line_error(run.stderr)
        assert "left untouched" in run.stderr
    assert snapshot(folder) == before


def test_the_hot_journal_case_is_real(tmp_path: Path) -> None:
    """SQLite itself rolls the copied journal back, so the test above means something."""
    db = _foreign_hot_journal(tmp_path)
    before = db.read_bytes()
    sqlite3.connect(db).execute("SELECT count(*) FROM t").fetchone()
    assert db.read_bytes() != before


def test_a_symlink_loop_is_one_line(k2: Invoke, tmp_path: Path) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    run = k2("log", "add", "2 eggs", "--db", str(tmp_path / "loop1"))
    assert run.exit_code == 1
    one_line_error(run.stderr)
    assert "loop of symbolic links" in run.stderr


def test_a_dangling_symlink_says_so(k2: Invoke, tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "missing" / "log.sqlite3")
    run = k2("log", "add", "2 eggs", "--db", str(tmp_path / "dangling"))
    assert run.exit_code == 1
    one_line_error(run.stderr)
    assert "which does not exist" in run.stderr and "permission" not in run.stderr


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs, filled up (needs root and mount; skipped otherwise)."""
    mount = tmp_path / "full"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a small tmpfs")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)


def test_a_full_disk_says_so_and_leaves_no_empty_file(k2: Invoke, full_disk: Path) -> None:
    existing = full_disk / "log.sqlite3"
    assert k2("log", "add", "2 eggs", "--db", str(existing)).exit_code == 0
    _fill(full_disk)
    before = existing.read_bytes()
    many = "\n".join(["30 g natto"] * 300)
    run = k2("log", "add", "-", "--db", str(existing), input=many)
    assert run.exit_code == 1
    one_line_error(run.stderr)
    assert "the disk is full" in run.stderr and "damaged" not in run.stderr
    assert existing.read_bytes() == before
    fresh = full_disk / "new.sqlite3"
    run = k2("log", "add", "2 eggs", "--db", str(fresh))
    assert run.exit_code == 1
    one_line_error(run.stderr)
    assert "the disk is full" in run.stderr
    assert not fresh.exists()


def test_rollback_after_sqlite_already_rolled_back_keeps_the_real_error(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    mealog._rollback(conn)  # no transaction: no "cannot rollback" error replaces the real one
    assert "disk is full" in str(
        mealog._sqlite_error(tmp_path, sqlite3.OperationalError("database or disk is full"))
    )
