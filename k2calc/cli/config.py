"""``k2calc config``: where the settings file is, and what it sets."""

from __future__ import annotations

import typer

from k2calc.cli.common import FormatOpt, OutputOpt, new_app, user_errors
from k2calc.output import Format, emit

CONFIG_HELP = """Your settings: defaults for --min, --max, --db and --foods, in a TOML file.

The file is config.toml in your user config folder (see k2calc config path), or the
file K2CALC_CONFIG names. An option on the command line, or its environment variable,
still wins over the file.

\b
Example config.toml:
  min = 90
  max = 300
  db = "~/k2/log.sqlite3"
  foods = "my-foods.csv"     # relative to the file's folder
"""
config_app = new_app("config", CONFIG_HELP)


@config_app.command()
@user_errors
def path() -> None:
    """Print where the settings file is (or would be)."""
    from k2calc.config import config_path

    typer.echo(config_path())


@config_app.command()
@user_errors
def show(fmt: FormatOpt = Format.table, output: OutputOpt = None) -> None:
    """Show the settings the file gives, and the option each is the default of.

    \b
    Examples:
      k2calc config show
      k2calc config show --format json
    """
    from k2calc.config import SETTINGS, config_path, read_settings
    from k2calc.views_config import settings_view

    path = config_path()
    settings = read_settings(path)
    emit(settings_view(path, {SETTINGS[k].option: v for k, v in settings.items()}), fmt, output)


def register(app: typer.Typer) -> None:
    """Add the ``config`` group to ``app``."""
    app.add_typer(config_app)
