"""The Python API: every ``pycon`` example of docs/api.md and the README runs as written."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from helpers import ROOT

from k2calc import api

_PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)
PAGES = [ROOT / "docs" / "api.md", ROOT / "README.md"]


def _examples(page: Path) -> list[tuple[str, str]]:
    """Each pycon block of ``page``, named by the line it starts on."""
    text = page.read_text(encoding="utf-8")
    return [
        (f"{page.name}:{text.count(chr(10), 0, block.start()) + 1}", block.group(1))
        for block in _PYCON.finditer(text)
    ]


def test_both_pages_have_examples() -> None:
    assert all(_examples(page) for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_documented_examples_run_as_written(page: Path) -> None:
    # The blocks of a page run in order in one namespace, as a reader would type them.
    names: dict[str, object] = {}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    for name, source in _examples(page):
        test = doctest.DocTestParser().get_doctest(source, names, name, str(page), 0)
        runner.run(test, out=failures.append, clear_globs=False)
        names = test.globs  # a DocTest runs in a copy of the names it was given
    assert runner.tries > 0
    assert runner.failures == 0, "".join(failures)


def test_every_public_name_exists_and_is_documented() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ("total", "compare", "suggest", "show", "search", "load_table", "Target"):
        assert callable(getattr(api, name))
        assert f"`api.{name}(" in page


def test_foods_may_be_a_table_a_path_or_none(tmp_path: Path) -> None:
    own = tmp_path / "mine.csv"
    own.write_text("name,mk4_mcg_per_100g,mk7_mcg_per_100g,other_mk_mcg_per_100g\nnatto,,500,\n")
    by_path = api.total(["10 g natto"], foods=own).vitamin_k.mk7_mcg
    by_table = api.total(["10 g natto"], foods=api.load_table(own)).vitamin_k.mk7_mcg
    assert by_path == by_table == pytest.approx(50.0)  # 500 mcg/100 g × 10 g, the file's value
    assert api.total(["10 g natto"]).vitamin_k.mk7_mcg != pytest.approx(50.0)
