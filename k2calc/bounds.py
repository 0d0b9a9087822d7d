"""Input bounds and safe echoing (stdlib only): what k2calc refuses at once, before any work.

Every limit here is far above any real diet or food table, and far below what makes a
parser slow or a number overflow (issue #14: D3, D4, D5, D10).
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import BinaryIO

MAX_ITEM_CHARS = 1_000  # a whole item, e.g. '1 1/2 cups whole milk'
MAX_WORD_CHARS = 64  # one word of an item, e.g. a unit word (pint is quadratic in its length)
MAX_NAME_CHARS = 200  # a food name, after the amount and unit
MAX_TABLE_NUMBER = 1e8  # a value (mcg/100 g: pure vitamin is 1e8) or a measure (grams)
MAX_TARGET_MCG = 1e9
MAX_INPUT_BYTES = 64 * 1024 * 1024  # stdin items, a --foods file, a log import file
SHOWN_CHARS = 80  # input echoed in an error is cut to this many characters and …
# A control character other than tab and line ends (ANSI escapes, NUL, C1), or an
# undecodable byte: refused in a file of text (a foods file)
_UNSAFE_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\udc80-\udcff\u2028\u2029]")


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` safe to echo: control, format and unencodable characters escaped, and cut."""
    cut = text[: limit + 1]
    out = []
    for char in cut[:limit]:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and char != " ":
            out.append(char.encode("unicode_escape", "backslashreplace").decode("ascii"))
            if category == "Cs":
                out[-1] = f"\\x{ord(char) - 0xDC00:02x}" if ord(char) >= 0xDC80 else out[-1]
        else:
            out.append(char)
    return "".join(out) + ("…" if len(cut) > limit else "")


def escaped(text: str) -> str:
    """``text`` for a table cell: control, format (bidi) and unencodable characters escaped
    as ``shown`` does, nothing cut, line breaks kept."""
    if text.isprintable():
        return text
    return "\n".join(shown(line, len(line)) for line in text.split("\n"))


def first_unsafe_line(text: str) -> int | None:
    """The number of the first line of ``text`` holding a control character other than a
    tab or a line end (an ANSI escape, NUL), or ``None``."""
    found = _UNSAFE_IN_FILE.search(text)
    if found is None:
        return None
    before = text[: found.start()]
    return len(re.findall(r"\r\n|\r|\n", before)) + 1


def safe_lines(message: str, limit: int = 1_000) -> str:
    """A message for the terminal: each of its lines made safe by ``shown`` and cut."""
    return "\n".join(shown(line, limit) for line in message.split("\n"))


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds control characters or undecodable bytes (as surrogates)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in text)


def item_problem(text: str) -> str | None:
    """Why an item is refused before it is parsed, or ``None``."""
    if len(text) > MAX_ITEM_CHARS:
        return f"item '{shown(text)}' is too long (at most {MAX_ITEM_CHARS:,} characters)"
    if any(unicodedata.category(c) == "Cs" for c in text):
        return f"item '{shown(text)}' is not valid UTF-8 text"
    if has_unsafe(text.replace("\t", " ")):
        return f"item '{shown(text)}' holds control characters"
    words = text.split()
    long_word = next((w for w in words if len(w) > MAX_WORD_CHARS), None)
    if long_word is not None:
        return (
            f"'{shown(long_word, 20)}' in item '{shown(text)}' is too long for a word "
            f"(at most {MAX_WORD_CHARS} characters)"
        )
    if len(" ".join(words[1:])) > MAX_NAME_CHARS + MAX_WORD_CHARS:
        return f"the food name in '{shown(text)}' is too long (at most {MAX_NAME_CHARS})"
    return None


def text_problem(text: str, what: str, limit: int = MAX_NAME_CHARS) -> str | None:
    """Why a free-text value (a meal, a note) is refused, or ``None``."""
    if len(text) > limit:
        return f"{what} '{shown(text)}' is too long (at most {limit} characters)"
    if has_unsafe(text):
        return f"{what} '{shown(text)}' holds control characters or bytes that are not UTF-8"
    return None


def finite(value: float) -> bool:
    """True for a finite number (not inf, not NaN)."""
    return math.isfinite(value)


def read_bounded(handle: BinaryIO, limit: int = MAX_INPUT_BYTES) -> bytes | None:
    """At most ``limit`` bytes of ``handle``, or ``None`` if it holds more (e.g. /dev/zero)."""
    data = handle.read(limit + 1)
    return None if len(data) > limit else data
