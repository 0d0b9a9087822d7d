"""k2calc: a calculator for dietary vitamin K2 (menaquinones), by form, from a cited food table.

The library API: ``k2calc.foods.load_table`` (the food table), ``k2calc.parse.resolve``
(an item to a food and grams), ``k2calc.intake.total`` (items against a
``k2calc.target.Target``). Submodules are imported on demand so the CLI starts fast.
Nothing here is medical advice.
"""

__version__ = "0.1.0"
