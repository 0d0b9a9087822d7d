"""Opening the user's files to read (a foods file, a file to import, a log's header): only
regular files, refused at once otherwise, before any byte is read (issue #27).

A FIFO would block the open or the read until some other program writes to it, a device
such as ``/dev/zero`` never ends, and a folder cannot be read; each is one line instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from k2calc.errors import K2Error


class NotRegularFileError(K2Error):
    """A path that names a FIFO, a device, a socket or a folder where a file is read."""


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in a few words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path, label: str | None = None) -> BinaryIO:
    """``path`` opened to read bytes, if it is a regular file (after symbolic links); else a
    ``NotRegularFileError`` naming ``label`` (the path as given). The open does not wait
    for a FIFO's writer, and the check is made on what was opened, so it cannot be raced."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFileError(f"{label or path} is {_kind(mode)}, not a regular file")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
