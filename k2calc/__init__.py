"""k2calc: a calculator for dietary vitamin K2 (menaquinones), by form, from a cited food table.

The Python API is ``k2calc.api`` (docs/api.md): ``total``, ``compare``, ``suggest``, ``show``
and ``search`` do what the commands of those names do. Submodules are imported on demand so
the CLI starts fast.
Nothing here is medical advice.
"""

__version__ = "0.1.0"
