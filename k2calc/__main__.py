"""``python -m k2calc`` runs the command-line tool."""

from k2calc.console import main

main()
