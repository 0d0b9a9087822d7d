"""Long output on a terminal goes through a pager, as git and gh do.

The pager is ``$K2CALC_PAGER``, else ``$PAGER``, else ``less`` (with ``LESS=FRX`` unless
``LESS`` is set: it quits at once when the text fits the screen, keeps colours, and leaves
the text on the screen). An empty ``K2CALC_PAGER`` or ``PAGER`` turns paging off. Output to
a pipe or a file is never paged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PAGER_ENV = "K2CALC_PAGER"
DEFAULT_PAGER = "less"
DEFAULT_LESS = "FRX"


def pager_command() -> str | None:
    """The pager to use on a terminal, or ``None`` when paging is off or there is none."""
    for name in (PAGER_ENV, "PAGER"):
        if name in os.environ:
            return os.environ[name].strip() or None
    return DEFAULT_PAGER if shutil.which(DEFAULT_PAGER) else None


def wanted() -> str | None:
    """The pager command, when stdout is a terminal and paging is on; else ``None``."""
    isatty = getattr(sys.stdout, "isatty", None)
    return pager_command() if isatty is not None and isatty() else None


def taller_than_screen(text: str) -> bool:
    """True when ``text`` has more lines than the terminal shows at once."""
    return text.count("\n") >= shutil.get_terminal_size().lines


def page(text: str, command: str) -> None:
    """Show ``text`` through the pager ``command`` (a shell command line, as $PAGER is)."""
    environment = {**os.environ}
    environment.setdefault("LESS", DEFAULT_LESS)
    sys.stdout.flush()
    with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environment) as pager:
        assert pager.stdin is not None
        try:
            pager.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "backslashreplace"))
            pager.stdin.close()
        except BrokenPipeError:  # the reader quit the pager before the end: not an error
            pass
