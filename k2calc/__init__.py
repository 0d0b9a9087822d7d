"""k2calc: a calculator for dietary vitamin K2 (menaquinones), by form, from a cited food table.

The library API: ``load_table`` (foods), ``resolve`` (an item to food and grams),
``total`` (a day's items against a ``Target``). Nothing here is medical advice.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("k2calc")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
