"""Long tables on a terminal go through the pager; pipes, files and short tables never do.

The installed command runs with its stdout on a pseudo-terminal; the pager is a shell line
that saves what it is given, so the test sees exactly what reached it.
"""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from test_installed import SCRIPT

LONG = ["foods", "cheese", "--limit", "20"]  # 20 rows: taller than a 10-line screen


def _on_terminal(args: list[str], **env: str) -> str:
    """What ``k2calc ARGS`` printed on a 80x10 terminal."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "COLUMNS": "80", "LINES": "10", **env}
    environment.pop("NO_COLOR", None)
    with subprocess.Popen([SCRIPT, *args], stdout=follower, env=environment) as child:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=60) == 0
    os.close(leader)
    return b"".join(chunks).decode()


def test_a_long_table_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    shown = _on_terminal(LONG, K2CALC_PAGER=f"cat > '{paged}'")
    assert shown == ""
    text = paged.read_text(encoding="utf-8")
    assert text.count("\n") > 20 and "cheese" in text
    assert "\x1b[" in text  # drawn for the terminal: with its colours


def test_k2calc_pager_wins_over_pager_and_empty_turns_it_off(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    _on_terminal(LONG, PAGER="false", K2CALC_PAGER=f"cat > '{paged}'")
    assert paged.exists()
    shown = _on_terminal(LONG, K2CALC_PAGER="", PAGER=f"cat > '{tmp_path / 'other.txt'}'")
    assert "cheese" in shown and not (tmp_path / "other.txt").exists()


def test_a_short_table_is_printed_as_it_is(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    shown = _on_terminal(
        ["foods", "natto", "--limit", "1", "-f", "table"], K2CALC_PAGER=f"cat > '{paged}'"
    )
    assert "natto" in shown and not paged.exists()


def test_a_pipe_is_never_paged(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    done = subprocess.run(
        [SCRIPT, *LONG],
        capture_output=True,
        text=True,
        env={**os.environ, "K2CALC_PAGER": f"cat > '{paged}'"},
        timeout=60,
    )
    assert done.returncode == 0 and "cheese" in done.stdout and not paged.exists()
