"""The console script's entry point: Ctrl-C is handled from its first instruction.

The CLI's imports (typer, rich, the command tree) take a few hundred milliseconds; an
interrupt while they run ends the process with exit code 130 and nothing on stderr but a
newline, as an interrupt of a running command does (issue #27). Only modules the
interpreter has already loaded are imported before the handler is set: ``signal`` itself
imports ``enum``, so the handler is set through ``_signal``.
"""

import _signal  # type: ignore[import-not-found]  # the C module: no stubs, no imports
import os

EXIT_INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C


def _interrupted(*_: object) -> None:
    """End the process at once: a newline (after the ^C the terminal echoed) and 130."""
    os.write(2, b"\n")
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    """Run the ``k2calc`` command with Ctrl-C handled before, during and after its imports."""
    _signal.signal(_signal.SIGINT, _interrupted)
    try:
        from k2calc.cli import main as run

        # From here click turns Ctrl-C into exit 130, after the command's clean-up has run.
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
        run()
    except KeyboardInterrupt:
        _interrupted()
