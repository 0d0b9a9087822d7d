"""The view of ``k2calc config show``: the settings file and what it sets."""

from __future__ import annotations

from pathlib import Path

from k2calc.output import Column, Grid, View


def settings_view(path: Path, settings: dict[str, float | Path]) -> View:
    """The settings (option -> value) the file at ``path`` gives; none if it does not exist."""
    values = {
        option: str(value) if isinstance(value, Path) else value
        for option, value in settings.items()
    }
    records = [{"option": option, "value": value} for option, value in values.items()]
    where = f"Settings file: {path}" + ("" if path.exists() else " (none there)")
    blocks: list[str | Grid] = [where]
    if records:
        blocks.append(
            Grid(
                [
                    Column("Option", lambda r: r["option"]),
                    Column("Default", lambda r: str(r["value"])),
                ],
                records,
            )
        )
    else:
        blocks.append("No settings: every option has its built-in default.")
    return View(
        {"path": str(path), "exists": path.exists(), "settings": values},
        records,
        blocks,
        keys=["option", "value"],
    )
