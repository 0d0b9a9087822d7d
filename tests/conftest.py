"""Shared fixtures: every test runs with its own data directory and a fixed terminal width."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import Invoke, invoke
from hypothesis import HealthCheck, settings

from k2calc.foods import FoodTable, load_table

WIDTH = "80"

# Hypothesis profiles: `dev` (100 examples a test: the default run stays quick), and `ci`
# (10,000: .ci/run runs `pytest -m fuzz --hypothesis-profile=ci`). `ci1k` is for trying out.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci1k", parent=settings.get_profile("ci"), max_examples=1_000)
# .ci/run splits `ci` across three locales (C, C.UTF-8, en_US.UTF-8): a third in each,
# 10,002 examples a surface in all, in the time of one `ci` run (issue #27).
settings.register_profile("ci-third", parent=settings.get_profile("ci"), max_examples=3_334)
settings.load_profile("dev")


@pytest.fixture(scope="session")
def table_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One food-table cache folder for the whole run (processes started by tests share it)."""
    return tmp_path_factory.mktemp("k2calc-cache")


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table_cache: Path
) -> Iterator[Path]:
    """No test reads the user's real data or env: K2CALC_* cleared, data dir in tmp."""
    for name in list(os.environ):
        if name.startswith("K2CALC_"):
            monkeypatch.delenv(name)
    home = tmp_path / "k2calc-home"
    monkeypatch.setenv("K2CALC_HOME", str(home))
    monkeypatch.setenv("K2CALC_CONFIG", str(tmp_path / "k2calc-config.toml"))  # none there
    monkeypatch.setenv("K2CALC_CACHE", str(table_cache))
    monkeypatch.setenv("COLUMNS", WIDTH)
    monkeypatch.setenv("TERMINAL_WIDTH", WIDTH)
    monkeypatch.setenv("NO_COLOR", "1")
    yield home


@pytest.fixture
def k2() -> Invoke:
    """Call the CLI in-process: ``k2("total", "30 g natto")`` → ``Run``."""
    return invoke


@pytest.fixture(scope="session")
def table() -> FoodTable:
    """The built-in table, as the installed package ships it."""
    return load_table()


@pytest.fixture(params=["in-order", "in-order-on-disk", "general-duckdb"])
def report_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a report test on each path of a large file: sorted rows whose finished days are
    set aside in memory, or on disk; rows summed in general, spilled to DuckDB from the first
    chunk on, with every CSV batch formatted by DuckDB. (A shuffled file leaves the in-order
    path at its first row out of order.)"""
    import k2calc.frames
    import k2calc.report

    monkeypatch.setattr(k2calc.report, "BATCH_ROWS", 2)  # days and subjects span batches
    if request.param != "in-order":
        monkeypatch.setattr(k2calc.report, "SPILL_ROWS", 0)
    if request.param == "general-duckdb":
        monkeypatch.setattr(k2calc.report, "IN_ORDER", False)
        monkeypatch.setattr(k2calc.frames, "FAST_ROWS", 0)
        monkeypatch.setattr(k2calc.frames, "FAST_DISTINCT", 0)
        monkeypatch.setattr(k2calc.frames, "JSON_ROWS", 2)  # JSON written in slices
    return str(request.param)
