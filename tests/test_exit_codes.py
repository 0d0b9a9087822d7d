"""The exit-code contract, one code at a time: 0 ok · 1 bad input · 2 usage · 3 --check ·
130 interrupted; a closed pipe is not an error. Click's own errors speak the tool's one line."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import Invoke

SCRIPT = shutil.which("k2calc") or str(Path(sys.executable).parent / "k2calc")


def test_ok_is_0(k2: Invoke) -> None:
    assert k2("total", "30 g natto").exit_code == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["total", "30 g xyzzyq"], "unknown food 'xyzzyq'"),  # a food
        (["total", "lots of natto"], "is not an amount"),  # an amount
        (["report", "no-such-diary.csv"], "no-such-diary.csv"),  # a file
        (["foods", "--category", "cheeses"], "unknown category 'cheeses'"),  # a category
        (["suggest", "1 egg", "--category", "cheeses"], "unknown category 'cheeses'"),
        (["log", "show", "--date", "2026-02-30"], "2026-02-30"),  # a date
    ],
)
def test_bad_input_is_1(k2: Invoke, args: list[str], fragment: str) -> None:
    run = k2(*args)
    assert run.exit_code == 1, run.stderr
    assert run.stderr.startswith("k2calc: error: ") and run.stderr.count("\n") == 1
    assert fragment in run.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["total"], "Missing argument 'ITEM...'. (see 'k2calc total --help')"),
        (["totl"], "No such command 'totl'. Did you mean 'total'? (see 'k2calc --help')"),
        (["foods", "--sort", "bad"], "'bad' is not one of"),
        (["foods", "--nope"], "No such option: --nope"),
        (["total", "30 g natto", "--min", "300"], "--min/--max: target 300–200 mcg"),
        (["compare", "natto", "--amount", "1 g", "--per", "serving"], "not both"),
    ],
)
def test_usage_is_2_in_one_line(k2: Invoke, args: list[str], fragment: str) -> None:
    run = k2(*args)
    assert run.exit_code == 2, run.stderr
    assert run.stderr.startswith("k2calc: error: ") and run.stderr.count("\n") == 1
    assert fragment in run.stderr and "Traceback" not in run.stderr


def test_check_outside_the_target_is_3(k2: Invoke) -> None:
    assert k2("total", "1 egg", "--check").exit_code == 3  # 0.1 mcg: below 45
    assert k2("total", "10 g natto", "--check").exit_code == 0  # 93.9 mcg: within


def test_format_is_accepted_in_any_case(k2: Invoke) -> None:
    assert k2("total", "30 g natto", "--format", "JSON").json()["total_mcg"] == 281.7


def test_a_log_in_a_folder_that_does_not_exist_is_refused(k2: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "typo" / "log.sqlite3"
    run = k2("log", "add", "1 egg", "--db", str(db))
    assert run.exit_code == 1 and "does not exist" in run.stderr
    assert not (tmp_path / "typo").exists()


def _blocked(pid: int, timeout: float = 60.0) -> None:
    """Return once process ``pid`` sleeps and its CPU time stands still: it has started and
    waits on its input (a fixed pause can be too short on a loaded machine). Without /proc,
    a pause."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(3)
        return
    deadline, last, still = time.monotonic() + timeout, -1, 0
    while time.monotonic() < deadline:
        fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name
        state, cpu = fields[0], int(fields[11]) + int(fields[12])  # utime + stime
        still = still + 1 if state == "S" and cpu == last else 0
        if still == 2:  # asleep, without a tick of CPU, for two looks 0.3 s apart
            return
        last = cpu
        time.sleep(0.3)
    raise AssertionError(f"process {pid} never settled to wait on its input")


def test_interrupted_is_130() -> None:
    waiting = subprocess.Popen(
        [SCRIPT, "total", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as at a terminal, even when the tests run as a background job (which
        # starts its children with SIGINT ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _blocked(waiting.pid)  # started and reading stdin
    waiting.send_signal(signal.SIGINT)
    _, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 130
    assert "Traceback" not in err


def test_a_closed_pipe_is_not_an_error() -> None:
    shell = f"'{SCRIPT}' foods -f csv | head -n 1; echo \"status ${{PIPESTATUS[0]}}\""
    done = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.splitlines()[0].startswith("name,aliases,")
    assert done.stdout.splitlines()[-1] == "status 0"
    assert "Traceback" not in done.stderr and "Broken pipe" not in done.stderr
