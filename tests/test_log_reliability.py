"""The log never loses or half-writes an entry: concurrent writers, a killed writer,
a file that is not ours, a read-only location. Real processes, no timing assertions."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

from k2calc import mealog

SCRIPT = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")
NOT_A_LOG = "is not a k2calc log database"

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from k2calc import mealog
    from k2calc.foods import load_table
    from k2calc.parse import resolve

    db, go, worker = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    portion = resolve("2 eggs", load_table())
    while not go.exists():
        time.sleep(0.005)
    for n in range(100):
        mealog.add_entries(db, [mealog.NewEntry("2026-11-22", worker, portion, str(n))])
    """
)

PAUSE_MESSAGE = "inserted, not committed"
PAUSING_WRITER = textwrap.dedent(
    f"""
    import sys, time
    from pathlib import Path
    from k2calc import mealog
    from k2calc.foods import load_table
    from k2calc.parse import resolve_all

    def pause():
        print({PAUSE_MESSAGE!r}, file=sys.stderr, flush=True)
        time.sleep(60)

    portions = resolve_all(["30 g natto", "2 eggs"], load_table())
    new = [mealog.NewEntry("2026-11-22", "", p) for p in portions]
    mealog.add_entries(Path(sys.argv[1]), new, before_commit=pause)
    """
)


def k2calc(
    *args: str, prefix: tuple[str, ...] = (), **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """The installed script, run for real (under ``prefix``, e.g. setpriv, when given)."""
    return subprocess.run(
        [*prefix, SCRIPT, *args], capture_output=True, text=True, check=False, timeout=60, **kwargs
    )


def test_eight_writers_at_once_leave_exactly_800_entries(tmp_path: Path) -> None:
    db, go = tmp_path / "new" / "log.sqlite3", tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(go), f"w{n}"],
            stderr=subprocess.PIPE,
            cwd=tmp_path,  # import the installed k2calc, not the checkout's source tree
        )
        for n in range(8)
    ]
    go.touch()  # all start together, on a log that does not exist yet
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert [w.returncode for w in writers] == [0] * 8, errors
    entries = mealog.all_entries(db)
    assert len(entries) == 800
    assert len({e.id for e in entries}) == 800
    for n in range(8):
        notes = sorted(int(e.note) for e in entries if e.meal == f"w{n}")
        assert notes == list(range(100))


def test_a_writer_killed_before_commit_leaves_no_partial_entry(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    assert k2calc("log", "add", "1 egg", "--db", str(db)).returncode == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", PAUSING_WRITER, str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,  # import the installed k2calc, not the checkout's source tree
    )
    assert writer.stderr is not None
    assert writer.stderr.readline().strip() == PAUSE_MESSAGE  # both rows inserted, not committed
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL
    assert db.with_name(db.name + "-journal").exists()  # the killed writer's hot journal
    shown = k2calc("log", "show", "--db", str(db), "-f", "json")
    assert shown.returncode == 0, shown.stderr
    assert [e["input"] for e in json.loads(shown.stdout)["days"][0]["entries"]] == ["1 egg"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert k2calc("log", "add", "10 g natto", "--db", str(db)).returncode == 0
    assert [e.intake.input for e in mealog.all_entries(db)] == ["1 egg", "10 g natto"]


@pytest.mark.parametrize(
    "content",
    [b"date,food,amount\n2026-11-01,natto,30 g\n", b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "damaged-header"],
)
@pytest.mark.parametrize("command", [["add", "2 eggs"], ["show"], ["export"], ["rm", "1"]])
def test_a_file_that_is_not_a_log_is_refused_and_kept(
    tmp_path: Path, content: bytes, command: list[str]
) -> None:
    db = tmp_path / "log.sqlite3"
    db.write_bytes(content)
    run = k2calc("log", *command, "--db", str(db))
    assert run.returncode == 1
    assert run.stderr.startswith(f"k2calc: error: {db} {NOT_A_LOG}")
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.endswith("; give another file with --db or K2CALC_DB\n")  # the CLI's hint
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]


def test_another_sqlite_database_is_refused_and_kept(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE entries (id INTEGER, date TEXT)")
    conn.close()
    before = db.read_bytes()
    run = k2calc("log", "add", "2 eggs", "--db", str(db))
    assert run.returncode == 1
    assert f"{db} {NOT_A_LOG} (it holds another program's data)" in run.stderr
    assert db.read_bytes() == before


def _as_unprivileged(folder: Path) -> tuple[str, ...]:
    """Make ``folder`` unwritable for the next process: chmod, and as root run it as nobody."""
    folder.chmod(0o555)
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root (which ignores modes) without setpriv to drop to nobody")
    for parent in folder.parents:  # let nobody reach the folder through pytest's 0700 dirs
        if parent == Path(tempfile.gettempdir()):
            break
        parent.chmod(0o755)
    prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
    probe = subprocess.run([*prefix, sys.executable, "-c", "import k2calc"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("nobody cannot run this Python (is the virtual environment in a 0700 folder?)")
    return prefix


def test_a_read_only_location_gets_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    k2calc("log", "add", "1 egg", "--db", str(folder / "log.sqlite3"))
    (folder / "log.sqlite3").chmod(0o644)
    before = (folder / "log.sqlite3").read_bytes()
    prefix = _as_unprivileged(folder)
    try:
        existing = k2calc(
            "log", "add", "2 eggs", "--db", str(folder / "log.sqlite3"), prefix=prefix
        )
        fresh = k2calc(
            "log", "add", "2 eggs", "--db", str(folder / "sub" / "log.sqlite3"), prefix=prefix
        )
        shown = k2calc(
            "log", "show", "--db", str(folder / "log.sqlite3"), "-f", "json", prefix=prefix
        )
    finally:
        folder.chmod(0o755)
    assert existing.returncode == 1
    assert existing.stderr.startswith("k2calc: error: cannot ")
    assert "Traceback" not in existing.stderr and existing.stderr.count("\n") == 1
    assert fresh.returncode == 1  # --db names a folder that does not exist: not created
    assert fresh.stderr.startswith(f"k2calc: error: --db {folder / 'sub' / 'log.sqlite3'}: ")
    assert shown.returncode == 0, shown.stderr  # reading a read-only log still works
    assert (folder / "log.sqlite3").read_bytes() == before


def test_a_log_created_between_the_checkers_reads_is_not_called_foreign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D1, deterministic: another writer creates the log while the first one is checking."""
    from k2calc.foods import load_table
    from k2calc.parse import resolve

    db = tmp_path / "log.sqlite3"
    portion = resolve("2 eggs", load_table())
    real_open = mealog._open
    fired: list[bool] = []

    def traced_open(path: Path, write: bool, given: Path) -> sqlite3.Connection:
        conn = real_open(path, write, given)

        def on_statement(sql: str) -> None:
            if "user_version" in sql and not fired:  # after any separate application_id read
                fired.append(True)
                mealog.add_entries(db, [mealog.NewEntry("2026-11-22", "other", portion)])

        conn.set_trace_callback(on_statement)
        return conn

    monkeypatch.setattr(mealog, "_open", traced_open)
    mealog.add_entries(db, [mealog.NewEntry("2026-11-22", "first", portion)])
    assert fired
    assert sorted(e.meal for e in mealog.all_entries(db)) == ["first", "other"]


def test_first_writers_racing_on_fresh_logs_all_succeed(tmp_path: Path) -> None:
    """D1, cheaply and many times: 6 threads start together on 40 fresh paths each round."""
    import threading

    from k2calc.foods import load_table
    from k2calc.parse import resolve

    portion = resolve("2 eggs", load_table())
    for round_ in range(40):
        db = tmp_path / f"r{round_}" / "log.sqlite3"
        barrier = threading.Barrier(6)
        errors: list[Exception] = []

        def write(
            worker: int,
            db: Path = db,
            barrier: threading.Barrier = barrier,
            errors: list[Exception] = errors,
        ) -> None:
            barrier.wait()
            try:
                mealog.add_entries(db, [mealog.NewEntry("2026-11-22", f"w{worker}", portion)])
            except Exception as exc:  # collected, asserted below
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(mealog.all_entries(db)) == 6
