"""Shell completion: food names for the arguments that take them, and the scripts that
install it for bash, zsh and fish (``k2calc completion SHELL``)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from typer.completion import get_completion_script

# An amount and perhaps a unit before the food, in an item being completed ("2 eg", "30 g na").
_LEADING_AMOUNT = re.compile(r"[\d.,/½⅓⅔¼¾⅛]+")
PROG = "k2calc"
COMPLETE_VAR = "_K2CALC_COMPLETE"


class Shell(StrEnum):
    """The shells ``k2calc completion`` writes a script for."""

    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def _labels(ctx: typer.Context, prefix: str) -> list[str]:
    """Food names and aliases starting with ``prefix``, from the table ``--foods`` gives."""
    from k2calc.cli.common import food_table
    from k2calc.errors import K2Error

    foods_file = ctx.params.get("foods_file")
    try:
        table = food_table(Path(foods_file) if foods_file else None)
    except K2Error:  # a bad --foods file: complete nothing rather than print an error
        return []
    return table.labels_starting(prefix)


def complete_food(ctx: typer.Context, incomplete: str) -> list[str]:
    """Food names for a FOOD argument (``k2calc show nat<TAB>``)."""
    return _labels(ctx, incomplete)


def complete_item(ctx: typer.Context, incomplete: str) -> list[str]:
    """Items for an ITEM argument: the food name after an amount and maybe a unit
    (``k2calc total "2 eg<TAB>``), or nothing before the amount is typed."""
    words = incomplete.split(" ")
    if len(words) < 2 or not _LEADING_AMOUNT.fullmatch(words[0]):
        return []
    found: list[str] = []
    for split in (1, 2)[: len(words) - 1]:  # after the amount, or after amount and unit
        head = " ".join(words[:split]) + " "
        found += [head + label for label in _labels(ctx, " ".join(words[split:]))]
    return list(dict.fromkeys(found))


def completion(
    shell: Annotated[Shell, typer.Argument(help="The shell: bash, zsh or fish.")],
) -> None:
    """Print the completion script for a shell, to load it or save it in the shell's folder.

    \b
    Examples:
      eval "$(k2calc completion bash)"          # in ~/.bashrc
      k2calc completion zsh > ~/.zfunc/_k2calc   # with fpath+=~/.zfunc before compinit
      k2calc completion fish > ~/.config/fish/completions/k2calc.fish
    """
    typer.echo(get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell))


def register(app: typer.Typer) -> None:
    """Add the ``completion`` command to ``app``."""
    app.command()(completion)
