"""Every example script runs, and every code block of README.md and docs/ runs.

A page's blocks run in document order in a temporary directory of their own (pages write stores
of the same names: README.md and docs/hcs.md both write ``plate.ome.zarr``): Python blocks in
one namespace, as a reader would paste them; shell blocks (``bash``, ``console``) command by
command through the installed ``ngff-zarr`` script, each expected to exit with 0 unless the
page says ``# exits with N``. Blocks without a language are diagrams.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
EXIT = re.compile(r"#\s*exits with (\d+)")
BIN = Path(sys.executable).parent

# Shell steps the test does not repeat, each with the reason. Everything else runs.
NOT_RUN: dict[tuple[str, ...], str] = {
    ("python3", "-m", "venv"): "the tests already run in the installed environment",
    (".",): "activating that environment",
    ("pip", "install"): "the install is what .ci/run performs, exactly as the README says",
    ("python", "-m", "pytest"): "the suite itself (.ci/run runs it)",
    ("ruff",): "lint: .ci/run runs it",
    ("mypy",): "type check: .ci/run runs it",
    ("mkdocs", "build"): "the docs site: .ci/run builds it (the docs extra)",
    ("python", "benchmarks/bench_write.py"): "a benchmark of minutes; benchmarks/ has its own runs",
}


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script), str(tmp_path / "out.ome.zarr")])
    runpy.run_path(str(script), run_name="__main__")
    assert any(tmp_path.iterdir())


def blocks(doc: Path) -> list[tuple[str, str]]:
    """The fenced blocks of a page: (language, text), in document order."""
    return FENCE.findall(doc.read_text(encoding="utf-8"))


def commands(language: str, text: str) -> Iterator[tuple[list[str], int]]:
    """The commands of a shell block with their expected exit codes (``&&`` splits a line)."""
    lines = text.replace("\\\n", " ").splitlines()
    if language == "console":  # prompts are commands, the rest is output
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        expected = EXIT.search(line)
        for part in line.split("&&"):
            argv = shlex.split(part, comments=True)
            if argv:
                yield argv, int(expected.group(1)) if expected else 0


def skipped(argv: list[str]) -> str | None:
    """Why a shell step is not run, or None."""
    for prefix, reason in NOT_RUN.items():
        if tuple(argv[: len(prefix)]) == prefix:
            return reason
    return None


def run_shell(argv: list[str], expected: int, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    if argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, encoding="utf-8", timeout=300
    )
    assert done.returncode == expected, (
        f"{shlex.join(argv)} exited with {done.returncode}, expected {expected}:\n"
        f"{done.stdout}\n{done.stderr}"
    )


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_code_blocks_run(doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks of a page run in order, in a directory of their own."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # docs use repository-relative paths
    namespace: dict[str, object] = {"__name__": "__doc__"}
    for i, (language, text) in enumerate(blocks(doc)):
        if language == "python":
            exec(compile(text, f"{doc.name} block {i}", "exec"), namespace)
        elif language in ("bash", "console"):
            for argv, expected in commands(language, text):
                if skipped(argv) is None:
                    run_shell(argv, expected, tmp_path)
        else:
            assert language in ("", "text"), f"{doc.name} block {i}: a {language!r} block"


def test_every_left_out_command_is_in_the_docs() -> None:
    """NOT_RUN names only steps the pages have (a stale entry would hide nothing, but mislead)."""
    left_out = {
        prefix
        for doc in DOCS
        for language, text in blocks(doc)
        if language in ("bash", "console")
        for argv, _ in commands(language, text)
        for prefix in NOT_RUN
        if tuple(argv[: len(prefix)]) == prefix
    }
    assert left_out == set(NOT_RUN)


def test_commands_split() -> None:
    text = "$ ngff-zarr validate a.zarr   # exits with 1: errors\nreport text\n$ ls\n"
    assert list(commands("console", text)) == [
        (["ngff-zarr", "validate", "a.zarr"], 1),
        (["ls"], 0),
    ]
    assert list(commands("bash", "a && b x  # note\n")) == [(["a"], 0), (["b", "x"], 0)]


def test_public_names_are_sorted() -> None:
    import ngff_zarr

    assert ngff_zarr.__all__ == sorted(ngff_zarr.__all__)
