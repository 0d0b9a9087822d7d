"""The meal log: entries in a SQLite file, each with the values it was logged with.

An entry keeps the text typed, the food and grams it resolved to, and the K2 by form
(``NULL`` = not measured) and band that the food table gave *when it was logged*, with the
k2calc version and time. Totals of logged days are summed from those stored values, so a
later change to the food table never rewrites a person's record.

Every write is one ``BEGIN IMMEDIATE`` transaction: all entries of a call or none. A file
that is not a k2calc log (no ``application_id`` marker) or is from a newer k2calc is never
written to.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from k2calc import __version__, diary
from k2calc.bounds import shown, text_problem
from k2calc.csvcells import restore
from k2calc.dates import parse_iso
from k2calc.days import DayIntake, day_from_total
from k2calc.diary import Plan
from k2calc.errors import Hint, K2Error, bad_rows_listing, os_reason
from k2calc.files import NotRegularFileError, open_regular
from k2calc.foods import FoodTable
from k2calc.intake import Intake, Total, portion_intake
from k2calc.parse import Portion, resolve
from k2calc.record import Record
from k2calc.target import Target
from k2calc.vitamin import VitaminK

APPLICATION_ID = 0x4B32_4C47  # "K2LG": marks a file as a k2calc meal log
BUSY_TIMEOUT_S = 30.0  # long enough for many writers queuing on one file
EXPORT_COLUMNS = ("date", "meal", "food", "amount", "note")
IMPORT_REQUIRED = ("date", "food", "amount")
TABLE_VALUES_LOGGED = "logged"
MEAL_ORDER = ("breakfast", "lunch", "dinner", "snack")


class MealLogError(K2Error):
    """The log file cannot be used: not a k2calc log, too new, damaged, or not writable."""


def _migration_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids are never reused after log rm
            date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            meal TEXT NOT NULL DEFAULT '',
            input TEXT NOT NULL,            -- the item as typed, e.g. '30 g natto'
            food TEXT NOT NULL,             -- the food it resolved to
            amount REAL NOT NULL CHECK (amount > 0),
            unit TEXT NOT NULL,             -- the unit as understood: 'gram', 'cup', 'each'
            grams REAL NOT NULL CHECK (grams > 0),
            mk4_mcg REAL,                   -- NULL: not measured for this food
            mk7_mcg REAL,
            other_mk_mcg REAL,
            total_mcg REAL NOT NULL,
            low_mcg REAL NOT NULL,
            high_mcg REAL NOT NULL,
            partial INTEGER NOT NULL CHECK (partial IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            food_origin TEXT NOT NULL,      -- 'built-in' or the --foods file it came from
            k2calc_version TEXT NOT NULL,   -- the k2calc (and so food table) that resolved it
            logged_at TEXT NOT NULL         -- UTC, ISO 8601
        )"""
    )
    conn.execute("CREATE INDEX entries_by_date ON entries (date, id)")


def _migration_2(conn: sqlite3.Connection) -> None:
    """K2 a source gave only as a total, the value's grade, and K1 beside K2, kept per entry.

    Before this, a total with a form missing and no lower-bound mark was an unsplit total;
    K1 was not kept, so older entries have it as not recorded (NULL).
    """
    conn.execute("ALTER TABLE entries ADD COLUMN unsplit_mk_mcg REAL")  # NULL: none unsplit
    conn.execute("ALTER TABLE entries ADD COLUMN k1_mcg REAL")  # NULL: not measured
    conn.execute("ALTER TABLE entries ADD COLUMN confidence TEXT")  # the value's grade
    conn.execute(
        """UPDATE entries
           SET unsplit_mk_mcg = total_mcg - coalesce(mk4_mcg, 0) - coalesce(mk7_mcg, 0)
                                - coalesce(other_mk_mcg, 0)
           WHERE partial = 0 AND (mk4_mcg IS NULL OR mk7_mcg IS NULL OR other_mk_mcg IS NULL)"""
    )


# Applied in order, each in its own transaction; the schema version is their count.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migration_1, _migration_2)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class NewEntry:
    """An entry about to be logged: a resolved portion on a date, in a meal."""

    date: str
    meal: str
    portion: Portion
    note: str = ""


@dataclass(frozen=True)
class Entry(Record):
    """A logged entry and the values it was logged with; its machine-readable shape (in
    ``log show``) leaves out the amount, unit and food origin."""

    SHOWN = ("id", "date", "meal", "intake", "note", "k2calc_version", "logged_at")

    id: int
    date: str
    meal: str
    intake: Intake
    amount: float
    unit: str
    note: str
    food_origin: str
    k2calc_version: str
    logged_at: str

    def export_row(self) -> dict[str, str]:
        """The entry as ``k2calc report`` reads it: date, meal, food, amount (and note)."""
        return {
            "date": self.date,
            "meal": self.meal,
            "food": self.intake.food,
            "amount": amount_text(self.amount, self.unit),
            "note": self.note,
        }


@dataclass(frozen=True)
class LoggedDay:
    """One day of the log: its entries and their sums against a target."""

    day: DayIntake
    total: Total
    entries: tuple[Entry, ...]

    def as_dict(self) -> dict[str, Any]:
        """The day shape of ``log show``: the sums, the status and the entries."""
        return {**self.day.as_dict(), "entries": [e.as_dict() for e in self.entries]}

    def meals(self) -> list[tuple[str, list[Entry]]]:
        """Entries grouped by meal: breakfast, lunch, dinner, snack, others, then no meal."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.entries:
            groups.setdefault(entry.meal, []).append(entry)
        return sorted(groups.items(), key=lambda group: _meal_rank(group[0]))


def _meal_rank(meal: str) -> tuple[int, str]:
    if meal in MEAL_ORDER:
        return (MEAL_ORDER.index(meal), "")
    return (len(MEAL_ORDER) + (not meal), meal)


def amount_text(amount: float, unit: str) -> str:
    """An amount and unit that read back to the same grams: ``30 gram``, ``2 each`` (pieces).

    A count says ``each``: ``1 pound cake`` would read back as a pound of cake.
    """
    number = f"{amount:g}"
    if float(number) != amount:
        number = repr(amount)
    return f"{number} {unit}"


def normalize_meal(meal: str | None) -> str:
    """A meal name as stored: trimmed, lower case, ``''`` for none."""
    return " ".join((meal or "").lower().split())


def _not_a_log(path: Path, why: str) -> MealLogError:
    return MealLogError(
        f"{path} is not a k2calc log database ({why}); it was left untouched",
        hint=Hint.OTHER_LOG,
    )


SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100  # the SQLite file header: user_version at offset 60, application_id at 68


def _real_path(path: Path) -> Path:
    """``path`` with its symbolic links followed; a loop or a dangling link is an error."""
    try:
        real = path.resolve(strict=False)
    except RuntimeError:  # Python 3.11's "Symlink loop"
        raise MealLogError(f"cannot open {path}: it is a loop of symbolic links") from None
    except FileNotFoundError:  # a relative path, and the working folder was deleted
        raise MealLogError(
            f"cannot open {path}: the current folder no longer exists; change to another"
        ) from None
    except OSError as exc:
        raise MealLogError(f"cannot open {path}: {os_reason(exc)}") from None
    if path.is_symlink() and not real.exists():
        raise MealLogError(
            f"cannot open {path}: it is a symbolic link to {real}, which does not exist"
        )
    return real


def _read_header(real: Path, path: Path) -> bytes:
    """The first 100 bytes of the file (``b""`` for none), read without SQLite."""
    try:
        with open_regular(real, str(path)) as handle:  # a FIFO would block, /dev/null...
            return handle.read(HEADER_BYTES)
    except FileNotFoundError:
        return b""
    except NotRegularFileError as exc:
        raise MealLogError(f"{exc}; it was left untouched", hint=Hint.OTHER_LOG) from None
    except OSError as exc:
        raise MealLogError(f"cannot open {path}: {os_reason(exc)}") from None


def _header_problem(header: bytes, path: Path) -> MealLogError | None:
    """Why the file with this header is not a k2calc log we may open, or ``None`` if it is."""
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        return _not_a_log(path, "file is not a database")
    version = int.from_bytes(header[60:64], "big")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        return _not_a_log(path, "it holds another program's data")
    if version > SCHEMA_VERSION:
        return MealLogError(
            f"{path} was written by a newer k2calc (log schema {version}; this k2calc knows "
            f"up to {SCHEMA_VERSION}); upgrade k2calc to use it. The file was left untouched"
        )
    return None


def _verify_file(real: Path, path: Path) -> bool:
    """Decide from the raw header, before SQLite touches the file, whether it is ours.

    True for a k2calc log, False for a file that does not exist or is empty (a new log);
    raises for anything else. SQLite is never given a file that is not verified, because
    opening one can roll back its journal or checkpoint its write-ahead log (D8).
    """
    header = _read_header(real, path)
    if not header:
        wal = Path(f"{real}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise _not_a_log(path, f"it is empty but has another program's {wal.name}")
        if _journal_of_a_database(Path(f"{real}-journal")):
            raise _not_a_log(path, f"it is empty but has another program's {real.name}-journal")
        return False
    problem = _header_problem(header, path)
    if problem is not None and len(header) < HEADER_BYTES:
        time.sleep(0.05)  # another k2calc may be writing a new log's first page: look again
        header = _read_header(real, path)
        problem = _header_problem(header, path) if header else None
    if problem is not None:
        raise problem
    return bool(header)


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")  # a rollback journal's header begins so


def _journal_of_a_database(journal: Path) -> bool:
    """True when ``journal`` holds pages of a database that was not empty: rolling it back
    into an empty file would write another program's data (D8 of issue #27). The journal of
    a new log (an empty database: size 0 in its header at offset 16), or none, is False: a
    k2calc killed while creating a log leaves that, and another may be creating it now.
    Anything else (not a journal, or unreadable) is True."""
    try:
        with open_regular(journal) as handle:
            header = handle.read(20)
    except FileNotFoundError:
        return False
    except (OSError, NotRegularFileError):
        return True
    # SQLite writes zeros where the magic goes until the journal is synced; a journal being
    # written (or cut short) holds a prefix of the header
    magic = header[:8]
    journal_like = JOURNAL_MAGIC.startswith(magic) or not any(magic)
    return not journal_like or any(header[16:20])


def _open(path: Path, write: bool, given: Path) -> sqlite3.Connection:
    """Open a verified log read-write if we may (so a killed k2calc writer's journal is
    rolled back), else read-only; for writing, create it. Messages name ``given`` (the
    path as the user gave it)."""
    uri = path.as_uri()
    modes = ("rwc",) if write else ("rw", "ro")
    for mode in modes:
        try:
            return sqlite3.connect(
                f"{uri}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
            )
        except sqlite3.OperationalError:
            continue
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.R_OK)):
        raise MealLogError(f"cannot open {given}: permission denied")
    raise MealLogError(f"cannot open {given}: SQLite could not open it")


_CHECK_SQL = (
    "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master) "
    "FROM pragma_application_id() AS a, pragma_user_version() AS v"
)


def _check(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a k2calc log (0 for an empty new file); raises for anything else."""
    try:
        # One statement, so one snapshot: three separate reads could straddle another
        # writer's creation of the schema and see a half-made log (issue #14, D1).
        application_id, version, objects = conn.execute(_CHECK_SQL).fetchone()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc):
            raise
        raise _not_a_log(path, str(exc)) from None
    if application_id == 0 and version == 0 and objects == 0:
        return 0
    if application_id != APPLICATION_ID:
        raise _not_a_log(path, "it holds another program's data")
    if version > SCHEMA_VERSION:
        raise MealLogError(
            f"{path} was written by a newer k2calc (log schema {version}; this k2calc knows "
            f"up to {SCHEMA_VERSION}); upgrade k2calc to use it. The file was left untouched"
        )
    return int(version)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it has after SQLITE_FULL)."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # the error that brought us here is reported
            conn.execute("ROLLBACK")


def _begin_write(conn: sqlite3.Connection, path: Path) -> None:
    """Take the write lock, then check the file is sound before the first write (D8)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        verdict = str(conn.execute("PRAGMA quick_check(1)").fetchone()[0]).splitlines()[0]
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            _rollback(conn)
            raise
        verdict = str(exc)
    if verdict != "ok":
        _rollback(conn)
        raise MealLogError(
            f"{path}: the log database is damaged ({verdict}); nothing was written and it was "
            "left untouched. Keep a copy",
            hint=Hint.LOG_EXPORT,
        )


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to date, one migration per transaction (safe with many writers)."""
    while True:
        _begin_write(conn, path)
        try:
            version = _check(conn, path)  # again, now that we hold the write lock
            if version >= SCHEMA_VERSION:
                conn.execute("COMMIT")
                return
            if version == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise


def _sqlite_error(path: Path, exc: sqlite3.Error) -> MealLogError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return MealLogError(f"cannot write {path}: it is read-only", hint=Hint.OTHER_LOG)
    if "locked" in text or "busy" in text:
        return MealLogError(
            f"{path} stayed locked by another k2calc for {BUSY_TIMEOUT_S:g} s; try again"
        )
    if "full" in text:
        return MealLogError(
            f"cannot write {path}: the disk is full; nothing was written (free some space)"
        )
    if "unable to open" in text:
        return MealLogError(f"cannot open {path}: {text}; is its folder writable?")
    if "I/O error" in text:
        return MealLogError(f"cannot read or write {path}: disk I/O error; nothing was written")
    if "malformed" in text or "corrupt" in text:
        return MealLogError(f"{path}: the log database is damaged ({text})")
    if "constraint" in text:
        return MealLogError(f"{path}: the log refused an entry ({text}); nothing was written")
    return MealLogError(f"{path}: the log database could not be used ({text})")


def _remove_if_new_and_empty(real: Path) -> None:
    """Leave no 0-byte file behind when creating a new log failed (e.g. the disk is full)."""
    with contextlib.suppress(OSError):
        if real.stat().st_size == 0 and not Path(f"{real}-journal").exists():
            real.unlink()


@contextmanager
def connect(path: Path, write: bool) -> Iterator[sqlite3.Connection | None]:
    """A checked, up-to-date connection to the log at ``path``; closed on exit.

    For reading, a log that does not exist yet gives ``None`` (nothing is created); for
    writing, its file is created, and its folder if missing (the CLI makes the default
    log's folder this way, and refuses a ``--db`` in a folder that does not exist). A file
    that is not verifiably a k2calc log is refused before SQLite opens it, so it stays
    byte-identical.
    """
    real = _real_path(path)
    if real.is_dir():
        raise MealLogError(f"{path} is a folder, not a log file", hint=Hint.OTHER_LOG)
    existing = _verify_file(real, path)
    created = False
    if not existing:
        if not write:
            yield None
            return
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MealLogError(f"cannot create the folder {path.parent}: {exc.strerror}") from None
        created = not real.exists()
    conn = _open(real, write, path)
    try:
        version = _check(conn, path)
        if write or 0 < version < SCHEMA_VERSION:
            _migrate(conn, path)
        yield conn if write or version else None
    except sqlite3.Error as exc:
        raise _sqlite_error(path, exc) from None
    finally:
        conn.close()
        if created:
            _remove_if_new_and_empty(real)


_COLUMNS = (
    "id, date, meal, input, food, amount, unit, grams, mk4_mcg, mk7_mcg, other_mk_mcg, "
    "unsplit_mk_mcg, total_mcg, low_mcg, high_mcg, partial, confidence, k1_mcg, note, "
    "food_origin, k2calc_version, logged_at"
)
_INSERT = f"INSERT INTO entries ({_COLUMNS}) VALUES ({', '.join('?' * 22)})"


def _entry(row: sqlite3.Row | tuple[Any, ...]) -> Entry:
    (id_, date, meal, input_, food, amount, unit, grams, mk4, mk7, other, unsplit, total_mcg,
     low, high, partial, confidence, k1, note, origin, version, logged_at) = row  # fmt: skip
    measured = total_mcg is not None and (unsplit, mk4, mk7, other) != (None, None, None, None)
    low, high = (low, high) if measured else (None, None)
    vitamin_k = VitaminK(
        mk4, mk7, other, unsplit, low, high, bool(partial), k1_mcg=k1, confidence=confidence
    )
    intake = Intake(input_, food, grams, vitamin_k)
    return Entry(id_, date, meal, intake, amount, unit, note, origin, version, logged_at)


def _row(new: NewEntry, logged_at: str) -> tuple[Any, ...]:
    """The columns of ``_COLUMNS`` for a new entry (no id yet)."""
    intake = portion_intake(new.portion)
    k = intake.vitamin_k
    return (
        None, new.date, normalize_meal(new.meal), intake.input, intake.food,
        new.portion.amount, new.portion.unit, intake.grams, k.mk4_mcg, k.mk7_mcg,
        k.other_mk_mcg, k.unsplit_mk_mcg, k.lower_bound_mcg, k.low_mcg or 0.0,
        k.high_mcg or 0.0, int(k.partial), k.confidence, k.k1_mcg, new.note,
        new.portion.food.origin, __version__, logged_at,
    )  # fmt: skip


def add_entries(
    path: Path, entries: Sequence[NewEntry], before_commit: Callable[[], None] | None = None
) -> list[Entry]:
    """Log ``entries`` in one transaction (all or none) and return them with their ids.

    ``before_commit`` runs after the inserts and before the commit (a test hook).
    """
    logged_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    added = []
    with connect(path, write=True) as conn:
        assert conn is not None
        _begin_write(conn, path)
        try:
            for new in entries:
                parse_iso(new.date)
                for what, text in (("meal", new.meal), ("note", new.note)):
                    if (problem := text_problem(text, what)) is not None:
                        raise MealLogError(problem)
                row = _row(new, logged_at)
                cursor = conn.execute(_INSERT, row)
                added.append(_entry((cursor.lastrowid, *row[1:])))
            if before_commit is not None:
                before_commit()
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
    return added


def entries_between(path: Path, first: str, last: str) -> list[Entry]:
    """Every entry dated ``first`` to ``last`` (ISO, both included), by date then id."""
    with connect(path, write=False) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE date BETWEEN ? AND ? ORDER BY date, id",
            (first, last),
        ).fetchall()
    return [_entry(row) for row in rows]


def all_entries(path: Path) -> list[Entry]:
    """Every entry in the log, by date then id."""
    return entries_between(path, "0000-00-00", "9999-99-99")


def remove_entries(path: Path, ids: Sequence[int]) -> list[Entry]:
    """Remove the entries with ``ids`` in one transaction; an unknown id removes none."""
    wanted = list(dict.fromkeys(ids))
    too_big = [i for i in wanted if not 0 <= i < 2**63]  # SQLite's ids are 64-bit (D6)
    if too_big:
        raise MealLogError(
            f"no entry with id {', '.join(map(str, too_big))}; nothing was removed",
            hint=Hint.LOG_IDS,
        )
    if not path.exists():
        raise MealLogError(f"no entry with id {', '.join(map(str, wanted))}: the log is empty")
    with connect(path, write=True) as conn:
        assert conn is not None
        _begin_write(conn, path)
        try:
            marks = ", ".join("?" * len(wanted))
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE id IN ({marks}) ORDER BY date, id", wanted
            ).fetchall()
            missing = sorted(set(wanted) - {row[0] for row in rows})
            if missing:
                raise MealLogError(
                    f"no entry with id {', '.join(map(str, missing))}; nothing was removed",
                    hint=Hint.LOG_IDS,
                )
            conn.execute(f"DELETE FROM entries WHERE id IN ({marks})", wanted)
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
    return [_entry(row) for row in rows]


def logged_days(entries: Sequence[Entry], target: Target) -> list[LoggedDay]:
    """The entries (sorted by date) summed day by day against ``target``."""
    by_date: dict[str, list[Entry]] = {}
    for entry in entries:
        by_date.setdefault(entry.date, []).append(entry)
    return [_logged_day(date, items, target) for date, items in by_date.items()]


def _logged_day(date: str, entries: Sequence[Entry], target: Target) -> LoggedDay:
    total = Total(tuple(e.intake for e in entries), target)
    return LoggedDay(day_from_total(date, total), total, tuple(entries))


def logged_day(path: Path, date: str, target: Target) -> LoggedDay:
    """One day of the log (possibly with no entries) against ``target``."""
    return _logged_day(date, entries_between(path, date, date), target)


def day_total(path: Path, date: str, target: Target | None = None) -> Total:
    """The total of a logged day, from the values it was logged with."""
    return logged_day(path, date, target or Target()).total


_EXTRA_FIELDS = "\x00extra"  # marks a CSV row with more fields than its header


def _rows_of(text: str, label: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) pairs of a CSV or JSON (array of objects) import file."""
    if text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MealLogError(f"{label}: not valid JSON: {exc}") from None
        except RecursionError:  # e.g. 100,000 nested arrays (D6)
            raise MealLogError(f"{label}: JSON nested too deeply") from None
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise MealLogError(f"{label}: JSON must be an array of objects with {EXPORT_COLUMNS}")
        objects = []
        for item in data:
            keys = [str(k).strip().lower() for k in item]
            if len(set(keys)) < len(keys):  # "amount" and "Amount" (D13)
                raise MealLogError(f"{label}: an object has the same key twice: {keys}")
            objects.append({str(k).strip(): "" if v is None else str(v) for k, v in item.items()})
        return list(enumerate(objects, 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:  # e.g. a stray carriage return in the header (found by fuzzing)
        raise MealLogError(f"{label}:{reader.line_num}: {exc}") from None
    if not fieldnames:
        raise MealLogError(f"{label}: empty; give CSV with the columns {', '.join(EXPORT_COLUMNS)}")
    header = [name.strip() for name in fieldnames]  # as written: diary.plan folds the case
    reader.fieldnames = header
    lowered = [name.lower() for name in header]
    twice = sorted({n for n in lowered if lowered.count(n) > 1})
    if twice:
        raise MealLogError(f"{label}: column(s) {', '.join(twice)} appear twice")  # D13
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            cells = {k: restore(v or "") for k, v in row.items() if k is not None}
            if None in row:  # more fields than the header (D13): nothing is dropped silently
                cells[_EXTRA_FIELDS] = ""
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise MealLogError(f"{label}:{reader.line_num}: {exc}") from None
    return rows


def _canonical_row(row: dict[str, str], plan: Plan) -> dict[str, str]:
    """A row under canonical names: food from an NDB number, amount from grams (or quantity
    and unit), a Cronometer amount read."""
    cells = {name: row.get(source, "") for source, name in plan.columns.items()}
    amount = cells.get("amount", "")
    if plan.cronometer and amount:
        amount = diary.cronometer_amount(amount)
    if "quantity" in cells:
        amount = f"{cells['quantity'].strip()} {cells['unit'].strip()}".strip()
    cells["amount"] = diary.amount_text(amount, cells.get("grams", ""))
    food = diary.food_text(cells.get("food", ""), cells.get("ndb", ""))
    cells["food"] = diary.fndds_text(food, cells.get("fndds", ""))
    if _EXTRA_FIELDS in row:
        cells[_EXTRA_FIELDS] = ""
    return cells


def read_import(
    text: str,
    label: str,
    table: FoodTable,
    mapping: Mapping[str, str] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    skipped: list[str] | None = None,
    left_out: list[str] | None = None,
) -> list[NewEntry]:
    """Validate every row of an import file (the shape ``log export`` writes) before any is logged.

    The header is read as by ``report`` (``k2calc.diary.plan``: ``mapping`` names the file's
    own columns, a Cronometer servings export is read as it is, an ``ndb`` or ``grams``
    column may stand for the food or amount); ``on_plan`` is called with the plan. A file
    with more than one subject is refused: the log is one person's.
    Raises ``MealLogError`` listing the bad rows (the first 20 and a count of the rest),
    unless a ``skipped`` list is given: then the bad rows are added to it (``row N: why``)
    and the good ones returned. A Cronometer row of no food eaten (``diary.left_out_reason``)
    is never imported nor an error: it goes to ``left_out`` where one is given.
    """
    rows = _rows_of(text, label)
    header = list(dict.fromkeys(key for _, row in rows for key in row if key != _EXTRA_FIELDS))
    if not rows:
        return []
    plan = diary.plan(header, mapping, label, extra=("note",))
    if on_plan is not None:
        on_plan(plan)
    rows = [(number, _canonical_row(row, plan)) for number, row in rows]
    subjects = sorted({row["subject"] for _, row in rows if row.get("subject")})
    if len(subjects) > 1:
        named = ", ".join(subjects[:3]) + (" …" if len(subjects) > 3 else "")
        raise MealLogError(
            f"{label}: {len(subjects)} subjects ({named}); the log is one person's: "
            "import one subject's rows"
        )
    entries: list[NewEntry] = []
    bad: list[str] = []
    for number, row in rows:
        if _EXTRA_FIELDS in row:
            bad.append(f"row {number}: more fields than the header has")
            continue
        food_name = row.get("food", "").strip()
        reason = (
            diary.left_out_reason(food_name, row.get("amount", "")) if plan.cronometer else None
        )
        if reason is not None:
            if left_out is not None:
                left_out.append(f"row {number}: '{shown(food_name)}': {reason}")
            continue
        try:
            date = parse_iso(row.get("date", "")).isoformat()
            if not row.get("amount", "").strip() or not row.get("food", "").strip():
                raise K2Error("amount and food must not be empty")
            portion = resolve(f"{row['amount'].strip()} {row['food'].strip()}", table)
            for what in ("meal", "note"):
                if (refused := text_problem(row.get(what, ""), what)) is not None:
                    raise K2Error(refused)
        except K2Error as exc:
            bad.append(f"row {number}: {exc}")
            continue
        entries.append(
            NewEntry(date, normalize_meal(row.get("meal")), portion, row.get("note", "").strip())
        )
    if bad and skipped is not None:
        skipped.extend(bad)
    elif bad:
        raise MealLogError(
            bad_rows_listing(f"{label}: {len(bad)} bad row(s), nothing imported:", bad)
        )
    return entries
