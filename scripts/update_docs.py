"""Regenerate docs/cli.md from the live app, the outputs of the README's examples, and the
example pages (docs/example-page*.html).

    python scripts/update_docs.py           # rewrite them
    python scripts/update_docs.py --check   # exit 1 if any is stale (run by the tests)

README examples are the ```console blocks: each line starting with ``$ k2calc`` (or
``$ printf '...' | k2calc``) is run in-process, and the lines after it, up to the next
``$`` line or the end of the block, are its output (stdout, then stderr).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.update({"COLUMNS": "80", "TERMINAL_WIDTH": "80", "NO_COLOR": "1"})
if "K2CALC_HOME" not in os.environ:  # only then make a folder, and remove it at exit (D14)
    _home = tempfile.mkdtemp(prefix="k2calc-docs-")
    atexit.register(shutil.rmtree, _home, ignore_errors=True)
    os.environ["K2CALC_HOME"] = _home
for _name in [n for n in os.environ if n.startswith("K2CALC_") and n != "K2CALC_HOME"]:
    del os.environ[_name]

import typer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from k2calc.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
# Files whose ```console examples are run and their outputs (and exit codes) written in.
EXAMPLED_DOCS = ("log.md", "report.md", "cronometer.md", "warfarin.md", "research.md")
EXAMPLES = [README, *(ROOT / "docs" / name for name in EXAMPLED_DOCS)]
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
PIPED = re.compile(r"^printf (?P<arg>'[^']*'|\"[^\"]*\") \| (?P<command>k2calc .*)$")

CLI_HEADER = """# Command reference

Generated from `k2calc --help` by `scripts/update_docs.py`; a test fails when it is stale.
Exit codes: 0 success · 1 bad input (food, amount, file, category, date) · 2 usage (an
unknown, missing or contradicting option) · 3 only with `--check`: the total or some day is
outside the target · 130 interrupted.
"""


def run(args: list[str], stdin: str | None = None) -> str:
    """stdout then stderr of one in-process invocation, without trailing spaces on lines, and
    ``[exit N]`` after an example that does not exit 0 (so a broken example shows)."""
    result = CliRunner().invoke(app, args, input=stdin, prog_name="k2calc")
    lines = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    if result.exit_code != 0:
        lines.append(f"[exit {result.exit_code}]")
    return "\n".join(lines)


def command_paths() -> list[list[str]]:
    """Every command and subcommand, as the words that call it."""
    paths: list[list[str]] = [[]]

    def walk(command: object, prefix: list[str]) -> None:
        children: dict[str, object] = getattr(command, "commands", {})
        for name in sorted(children):
            paths.append([*prefix, name])
            walk(children[name], [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def cli_reference() -> str:
    """docs/cli.md: the help of every command."""
    parts = [CLI_HEADER]
    for path in command_paths():
        title = " ".join(["k2calc", *path])
        parts.append(f"\n## `{title}`\n\n```text\n{run([*path, '--help']).rstrip()}\n```\n")
    return "".join(parts)


def example_output(line: str) -> str:
    """The output of one README example line (without its ``$ ``)."""
    piped = PIPED.match(line)
    stdin = None
    if piped:
        stdin = shlex.split(piped["arg"])[0].encode().decode("unicode_escape")
        line = piped["command"]
    words = shlex.split(line)
    if words[0] != "k2calc":
        raise SystemExit(f"README example does not run k2calc: {line}")
    with contextlib.chdir(ROOT):  # file paths in examples are the repository's
        return run(words[1:], stdin)


def render_block(block: str) -> str:
    """A console block with every example's output regenerated."""
    out: list[str] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append(line)
            out.extend(example_output(line[2:]).rstrip("\n").splitlines())
    return "\n".join(out) + "\n"


def readme_with_outputs(text: str) -> str:
    """The README with every console block's outputs regenerated."""
    return BLOCK.sub(lambda m: "```console\n" + render_block(m.group(1)) + "```", text)


# The example pages: a week of examples/warfarin-week.csv as `log show` makes it a page, the
# same week in the K1 view, and `report --summary` of examples/diary.csv; "made" at a fixed
# moment so a page is the same every run.
PAGE_WEEK = ["log", "show", "--from", "2026-11-02", "--to", "2026-11-08"]
EXAMPLE_PAGES = {
    ROOT / "docs" / "example-page.html": [*PAGE_WEEK, "--title", "Example: a week on warfarin"],
    ROOT / "docs" / "example-page-k1.html": [
        *PAGE_WEEK,
        "--vitamin",
        "k1",
        "--title",
        "Example: a week on warfarin, K1",
    ],
    ROOT / "docs" / "example-report.html": [
        "report",
        "examples/diary.csv",
        "--summary",
        "--title",
        "Example: two subjects",
    ],
}
PAGE_MOMENT = "1796083200"  # 2026-12-01 00:00 UTC


def example_week_output(command: list[str]) -> str:
    """What ``command`` writes in the repository; a ``log`` command over a log holding only
    examples/warfarin-week.csv."""
    with tempfile.TemporaryDirectory(prefix="k2calc-page-") as folder, contextlib.chdir(ROOT):
        if command[0] == "log":
            db = str(Path(folder) / "week.sqlite3")
            run(["log", "import", "examples/warfarin-week.csv", "--db", db])
            command = [*command, "--db", db]
        moment = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = PAGE_MOMENT
        try:
            result = CliRunner().invoke(app, command, prog_name="k2calc")
        finally:
            os.environ.pop("SOURCE_DATE_EPOCH")
            if moment is not None:
                os.environ["SOURCE_DATE_EPOCH"] = moment
    if result.exit_code != 0:
        raise SystemExit(f"example page: k2calc {' '.join(command)}: {result.stderr}")
    return result.stdout


def main() -> int:
    """Write, or with ``--check`` compare, both generated files."""
    check = "--check" in sys.argv[1:]
    stale = []
    generated = [(CLI_DOC, cli_reference())]
    generated += [(p, readme_with_outputs(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
    generated += [
        (path, example_week_output([*command, "--format", "html"]))
        for path, command in EXAMPLE_PAGES.items()
    ]
    for path, fresh in generated:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != fresh:
            stale.append(path.relative_to(ROOT))
            if not check:
                path.write_text(fresh, encoding="utf-8")
    if check and stale:
        names = ", ".join(map(str, stale))
        print(f"stale: {names}; run: python scripts/update_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
