"""Helpers the tests share (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Protocol

from typer.testing import CliRunner

from k2calc.cli import app


@dataclass
class Run:
    """The outcome of one CLI invocation."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.stdout)

    def csv(self) -> list[dict[str, str]]:
        """stdout parsed as CSV rows."""
        return list(csv.DictReader(io.StringIO(self.stdout)))


class Invoke(Protocol):
    """``k2("total", "30 g natto")`` runs the CLI in-process."""

    def __call__(self, *args: str, input: str | bytes | None = None) -> Run: ...


def invoke(*args: str, input: str | bytes | None = None) -> Run:
    """Run the CLI through typer's CliRunner; a crash (not a clean exit) re-raises."""
    result = CliRunner().invoke(app, list(args), input=input, prog_name="k2calc")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)
