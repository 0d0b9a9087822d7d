"""What every command shares: options, the error translation, reading items from stdin."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort

from k2calc.bounds import MAX_INPUT_BYTES, read_bounded, safe_lines
from k2calc.diary import MappingConflictError
from k2calc.errors import AmbiguousFoodError, Hint, K2Error, TargetError, UnknownFoodError
from k2calc.output import WRITE_ERRORS, Format, drop_stdout, write_failure
from k2calc.target import DEFAULT_MAX_MCG, DEFAULT_MIN_MCG, Target

if TYPE_CHECKING:
    from k2calc.foods import FoodTable

# The exit-code contract, the same for every command (docs/cli.md; tests/test_exit_codes.py).
EXIT_OK = 0
EXIT_BAD_INPUT = 1  # a food, amount, file, category or date that cannot be used
EXIT_USAGE = 2  # options: unknown, missing, a bad choice, or contradicting each other
EXIT_OUTSIDE_TARGET = 3  # only with --check: the total or some day is outside the target
EXIT_INTERRUPTED = 130  # Ctrl-C


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="Output: a table for people, csv or json for programs, html for a page to print "
        "or hand over.",
    ),
]
TitleOpt = Annotated[
    str | None,
    typer.Option(
        "--title",
        help="Whom the page is about, e.g. a name or a subject id (html only; the page's title).",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write to this file instead of stdout: made whole beside it, then renamed into "
        "place, so a failure leaves no partial file.",
    ),
]
FoodsOpt = Annotated[
    Path | None,
    typer.Option(
        "--foods",
        envvar="K2CALC_FOODS",
        help="Your own foods CSV (same columns as foods.csv); its foods override built-in "
        "ones of the same name.",
        dir_okay=False,
        readable=False,  # k2calc says it: 'cannot read: permission denied', as elsewhere
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Take foods by exact name or alias only (no ranked or typo matches), for scripts.",
    ),
]
CheckOpt = Annotated[
    bool,
    typer.Option("--check", help="Exit with status 3 when the total is outside the target."),
]

R = TypeVar("R")


class Options:
    """Options declared once for every command that takes them, given to it as one value.

    A command's parameter annotated ``Annotated[T, Options(build)]`` stands for ``build``'s
    parameters (typer options): ``user_errors`` puts them in its place in the command's
    signature and calls the command with what ``build`` makes of them. ``omit`` names
    options a command does not offer; ``build`` gets their defaults.
    """

    def __init__(self, build: Callable[..., Any], omit: Sequence[str] = ()) -> None:
        self.build = build
        declared = inspect.signature(build, eval_str=True).parameters.values()
        self.parameters = [p for p in declared if p.name not in omit]

    def given(self, kwargs: dict[str, Any]) -> Any:
        """``build``'s value for its options, taken out of a command's ``kwargs``."""
        return self.build(**{p.name: kwargs.pop(p.name) for p in self.parameters})


def _with_options(command: Callable[..., R]) -> Callable[..., R]:
    """``command`` with each ``Options`` parameter replaced by the options it stands for."""
    signature = inspect.signature(command, eval_str=True)
    groups: dict[str, Options] = {}
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        metadata = getattr(parameter.annotation, "__metadata__", ())
        group = next((m for m in metadata if isinstance(m, Options)), None)
        if group is None:
            parameters.append(parameter)
        else:
            groups[parameter.name] = group
            parameters.extend(group.parameters)
    if not groups:
        return command

    @functools.wraps(command)
    def expanded(**kwargs: Any) -> R:
        for name, group in groups.items():
            kwargs[name] = group.given(kwargs)
        return command(**kwargs)

    expanded.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    expanded.__annotations__ = {p.name: p.annotation for p in parameters}
    return expanded


def target_options(
    min_mcg: Annotated[
        float, typer.Option("--min", help="Lower end of the daily target in mcg (>= 0).")
    ] = DEFAULT_MIN_MCG,
    max_mcg: Annotated[
        float, typer.Option("--max", help="Upper end of the daily target in mcg (>= --min).")
    ] = DEFAULT_MAX_MCG,
) -> Target:
    """The daily target that ``--min`` and ``--max`` give."""
    return Target(min_mcg, max_mcg)


# The daily target from --min and --max; a command's default for it is the target of their
# defaults (which the options give when not used).
DEFAULT_TARGET = Target()
TargetOpt = Annotated[Target, Options(target_options)]


@dataclass(frozen=True)
class Lookup:
    """How items find their foods: in the built-in table with the user's own foods file
    (``--foods``) over it, and, if ``strict``, by exact name or alias only (``--strict``)."""

    foods_file: Path | None = None
    strict: bool = False

    def table(self) -> FoodTable:
        """The food table to look in."""
        return food_table(self.foods_file)


def food_table(foods_file: Path | None = None) -> FoodTable:
    """The built-in table, the user's foods file (``--foods``) over it, and the user's
    recipes (``k2calc recipe``) as foods."""
    from k2calc.foods import load_table
    from k2calc.recipes import read_book, with_recipes

    return with_recipes(load_table(foods_file), read_book())


def lookup_options(foods_file: FoodsOpt = None, strict: StrictOpt = False) -> Lookup:
    """The lookup that ``--foods`` and ``--strict`` give."""
    return Lookup(foods_file, strict)


# --foods and --strict, for the commands that read items; the default is the built-in table.
DEFAULT_LOOKUP = Lookup()
LookupOpt = Annotated[Lookup, Options(lookup_options)]


class K2Group(TyperGroup):
    """The root command: click's own errors (a missing argument, a bad choice, an unknown
    command or option) in the tool's one-line style with a hint, and one exit-code contract."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            code = self._exit_code(*args, **kwargs)
            sys.stdout.flush()
        except BrokenPipeError:  # a reader that stopped early (k2calc foods | head)
            drop_stdout()
            code = EXIT_OK
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            drop_stdout()
            say(str(write_failure(exc)))
            code = EXIT_BAD_INPUT
        sys.exit(code)

    def _exit_code(self, *args: Any, **kwargs: Any) -> int:
        """Run the command; its exit code."""
        kwargs["standalone_mode"] = False
        arguments = kwargs.get("args", args[0] if args else None)
        arguments = sys.argv[1:] if arguments is None else list(arguments)
        try:
            kwargs.setdefault("default_map", settings_defaults(self))
        except K2Error as exc:  # a broken settings file: only `k2calc config` still runs
            if arguments[:1] != ["config"]:
                say(f"{_message(exc)} (see k2calc config --help)")
                sys.exit(EXIT_BAD_INPUT)
        try:
            code = super().main(*args, **kwargs)
        except NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else "")
            return EXIT_USAGE
        except ClickException as exc:
            context = getattr(exc, "ctx", None)
            where = context.command_path if context is not None else "k2calc"
            say(f"{exc.format_message()} (see '{where} --help')")
            return EXIT_USAGE
        except Abort:
            return EXIT_INTERRUPTED
        return code if isinstance(code, int) else EXIT_OK


def settings_defaults(command: Any) -> dict[str, Any]:
    """Click's ``default_map`` for ``command`` (a click group) from the settings file: each
    setting as the default of the parameter it names, in every command that has one."""
    from k2calc.config import SETTINGS, read_settings

    by_parameter = {SETTINGS[name].parameter: value for name, value in read_settings().items()}

    def defaults(of: Any) -> dict[str, Any]:
        commands = getattr(of, "commands", None)
        if commands is not None:
            return {name: defaults(sub) for name, sub in commands.items()}
        names = {parameter.name for parameter in of.params}
        return {name: value for name, value in by_parameter.items() if name in names}

    return defaults(command) if by_parameter else {}


def new_app(name: str, help: str, completion: bool = False) -> typer.Typer:
    """A typer app (or sub-app) with k2calc's settings: plain help, -h, one error style."""
    return typer.Typer(
        name=name,
        help=help,
        cls=K2Group,
        no_args_is_help=True,
        add_completion=completion,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


class ItemsCommand(TyperCommand):
    """A command whose arguments are items: an argument is an option only if it names one.

    Click would read an item such as ``-1 cup whole milk`` as a cluster of short options
    (``-h`` prints help, ``-f`` takes the rest as a format). Here every argument that is not
    one of the command's own options (``--format json``, ``--format=json``, ``-fjson``, or an
    option's value) is an item, wherever it stands, so the item reaches the parser and gets
    an error naming it (issue #14, D2).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # a click Context
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if param.param_type_name != "option":
                continue
            flag = bool(getattr(param, "is_flag", False) or getattr(param, "count", False))
            for name in [*param.opts, *param.secondary_opts]:
                takes_value[name] = not flag
        options: list[str] = []
        items: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                items.extend(rest)
                break
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg
            if name in takes_value:
                options.append(arg)
                if takes_value[name] and name == arg:
                    value = next(rest, None)
                    if value is not None:
                        options.append(value)
            elif (
                len(arg) > 2
                and arg[0] == "-"
                and arg[1] != "-"
                and takes_value.get(arg[:2])
                and not any(c.isspace() for c in arg)
            ):
                options.append(arg)  # -fjson
            else:
                items.append(arg)
        return super().parse_args(ctx, [*options, "--", *items] if items else options)


def items_argument(help: str) -> Any:
    """The ``ITEM...`` argument of a command that reads items (``read_items``: a lone ``-``
    reads stdin), to declare with ``cls=ItemsCommand``; food names complete after an amount."""
    from k2calc.cli.completion import complete_item

    return typer.Argument(metavar="ITEM...", help=help, autocompletion=complete_item)


def say(message: str) -> None:
    """An error as one line on stderr."""
    typer.echo(f"k2calc: error: {safe_lines(message)}", err=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    say(message)
    raise typer.Exit(code)


# What the CLI adds to a library error for its hint: the flag or command that helps.
HINTS = {
    Hint.OTHER_LOG: "; give another file with --db or K2CALC_DB",
    Hint.LOG_EXPORT: "; k2calc log export may still read the good days",
    Hint.LOG_IDS: " (see k2calc log show)",
    Hint.FOODS_FILE: " (given with --foods or K2CALC_FOODS)",
    Hint.SKIP_ROWS: " (fix them, or give --skip-invalid to report the rest)",
    Hint.GRAMS_COLUMN: " (with --grams-column NAME)",
    Hint.RECALL_COLUMNS: " (leave out the --*-column options)",
}


def _message(exc: K2Error) -> str:
    """The library's message, with the CLI's hint where a flag fixes it."""
    if exc.hint is not None:  # after the first line (before its colon, if a list follows)
        first, newline, rest = str(exc).partition("\n")
        colon = ":" if newline and first.endswith(":") else ""
        return first.removesuffix(colon) + HINTS[exc.hint] + colon + newline + rest
    if isinstance(exc, TargetError):
        return f"--min/--max: {exc}"
    if isinstance(exc, UnknownFoodError) and not exc.suggestions:
        word = exc.query.split()[0] if exc.query.split() else ""
        return f"{exc} — try: k2calc foods {word}".rstrip()
    if isinstance(exc, AmbiguousFoodError):
        return f"{exc} (see: k2calc foods '{exc.query}')"
    return str(exc)


def user_errors(command: Callable[..., R]) -> Callable[..., R]:
    """Turn k2calc's own errors into one line on stderr and the documented exit code; a
    reader that stops reading (``k2calc foods | head``) is not an error.

    The command's ``Options`` parameters become their options (``_with_options``), so an
    error in what they make (a target with --min above --max) is turned the same way.
    """
    command = _with_options(command)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        try:
            return command(*args, **kwargs)
        except (UsageError, TargetError, MappingConflictError) as exc:
            fail(_message(exc), EXIT_USAGE)
        except K2Error as exc:
            fail(_message(exc), EXIT_BAD_INPUT)
        except BrokenPipeError:
            drop_stdout()  # no flush error at exit
            raise typer.Exit(EXIT_OK) from None

    return wrapper


class UsageError(K2Error):
    """Options that contradict each other (exit code 2)."""


def _refuse_split_items(items: list[str]) -> None:
    """Refuse an item that is a bare amount (``k2calc total 30 g natto``: the shell split one
    item into three), with the hint to quote each item whole."""
    for position, item in enumerate(items, 1):
        if item.strip() and not any(c.isalpha() for c in item):
            raise K2Error(
                f"item {position}: '{item}' is an amount with no food; the shell splits "
                'unquoted words, so quote each item whole, e.g. "30 g natto" "2 eggs"'
            )


def read_items(items: list[str]) -> list[str]:
    """The items given, or, for a lone ``-``, one per line of stdin (blank and # lines skipped)."""
    if items != ["-"]:
        if "-" in items:
            raise UsageError("'-' (read items from stdin) must be the only item")
        for item in items:
            if item.startswith("--"):
                raise UsageError(f"no such option: {item.split('=')[0]} (see --help)")
        if len(items) > 1:
            _refuse_split_items(items)
        return _with_meals(items)
    data = read_bounded(sys.stdin.buffer)
    if data is None:
        raise K2Error(f"too much on stdin (over {MAX_INPUT_BYTES:,} bytes); give items a line")
    # Undecodable bytes become surrogates, which the item check refuses by line (D5).
    lines = [line.strip() for line in data.decode("utf-8", "surrogateescape").splitlines()]
    read = [line for line in lines if line and not line.startswith("#")]
    if not read:
        raise K2Error("no items on stdin; give one item a line, e.g. '30 g natto'")
    return _with_meals(read)


def _with_meals(items: list[str]) -> list[str]:
    """``items`` with each saved meal (``@breakfast``) replaced by its items."""
    if not any(item.strip().startswith("@") for item in items):
        return items
    from k2calc.recipes import expand_meals

    return expand_meals(items)


def read_input_text(file: str, reading: str = "import") -> str:
    """The text of ``file`` (``-``: stdin): a regular file, at most ``MAX_INPUT_BYTES``, UTF-8
    with any byte-order mark dropped; one line naming the file when it cannot be read."""
    from k2calc.errors import os_reason
    from k2calc.files import open_regular

    label = "stdin" if file == "-" else file
    try:
        if file == "-":
            data = read_bounded(sys.stdin.buffer)
        else:
            with open_regular(Path(file)) as handle:
                data = read_bounded(handle)
        if data is None:
            raise K2Error(f"{label}: too big to {reading} (over {MAX_INPUT_BYTES:,} bytes)")
        return data.decode("utf-8-sig")
    except OSError as exc:
        raise K2Error(f"{label}: cannot read: {os_reason(exc)}") from None
    except UnicodeDecodeError as exc:
        raise K2Error(f"{label}: cannot read: {exc}") from None
