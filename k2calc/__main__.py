"""``python -m k2calc`` runs the command-line tool."""

from k2calc.cli import main

main()
