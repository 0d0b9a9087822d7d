"""The user's settings file: defaults for options, in TOML (stdlib ``tomllib``).

The file is ``config.toml`` in the user's config folder, or the file ``K2CALC_CONFIG``
names. Each setting is the default of the options of that name in every command that has
them; an option on the command line, or its environment variable, still wins::

    min = 90          # --min: the lower end of the daily target, mcg
    max = 300         # --max
    db = "~/k2/log.sqlite3"       # --db: the meal log
    foods = "my-foods.csv"        # --foods: relative to this file's folder
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from k2calc.errors import K2Error, os_reason
from k2calc.files import NotRegularFileError, open_regular

CONFIG_ENV = "K2CALC_CONFIG"
CONFIG_FILE_NAME = "config.toml"


@dataclass(frozen=True)
class Setting:
    """One setting of the file: the option parameter it is the default of, and its kind."""

    parameter: str  # the name of the commands' parameter (click's default_map key)
    kind: type  # float or Path
    option: str  # the option, for messages and `config show`


SETTINGS = {
    "min": Setting("min_mcg", float, "--min"),
    "max": Setting("max_mcg", float, "--max"),
    "db": Setting("db", Path, "--db"),
    "foods": Setting("foods_file", Path, "--foods"),
}


class ConfigError(K2Error):
    """The settings file cannot be read, or holds a setting that cannot be used."""


def config_path() -> Path:
    """``$K2CALC_CONFIG`` if set, else ``config.toml`` in the user's config folder."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    import platformdirs

    return platformdirs.user_config_path("k2calc", appauthor=False) / CONFIG_FILE_NAME


def _value(name: str, raw: Any, folder: Path, where: str) -> float | Path:
    """A setting's value, checked: a finite number, or a path (``~`` and relative resolved)."""
    kind = SETTINGS[name].kind
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise ConfigError(f"{where}: {name} = {raw!r} is not a number of mcg")
        return float(raw)
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{where}: {name} = {raw!r} is not a file path (give it in quotes)")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else folder / path


def read_settings(path: Path | None = None) -> dict[str, float | Path]:
    """The settings of the file (none if it does not exist), each checked."""
    import tomllib

    path = path or config_path()
    try:
        with open_regular(path, f"settings file {path}") as handle:  # a FIFO would hang
            data = handle.read()
    except FileNotFoundError:
        return {}
    except NotRegularFileError as exc:
        raise ConfigError(str(exc)) from None
    except OSError as exc:
        raise ConfigError(f"settings file {path}: {os_reason(exc)}") from None
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"settings file {path}: not valid TOML ({exc})") from None
    unknown = sorted(set(parsed) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"settings file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(SETTINGS)}"
        )
    folder = path.parent
    return {
        name: _value(name, raw, folder, f"settings file {path}") for name, raw in parsed.items()
    }
