"""Helpers the tests share (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
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


ROOT = Path(__file__).resolve().parent.parent


def load_build_script(module_name: str) -> ModuleType:
    """A fresh copy of scripts/build_foods.py, loaded as ``module_name``."""
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "scripts" / "build_foods.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
