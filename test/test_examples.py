"""Every example script runs, and every Python code block of README.md and docs/ runs."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script), str(tmp_path / "out.ome.zarr")])
    runpy.run_path(str(script), run_name="__main__")
    assert any(tmp_path.iterdir())


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_doc_code_blocks_run(doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python blocks of a page run in order, in one namespace, as a reader would run them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # docs use repository-relative paths
    namespace: dict[str, object] = {"__name__": "__doc__"}
    for i, block in enumerate(BLOCK.findall(doc.read_text(encoding="utf-8"))):
        exec(compile(block, f"{doc.name} block {i}", "exec"), namespace)


def test_public_names_are_sorted() -> None:
    import ngff_zarr

    assert ngff_zarr.__all__ == sorted(ngff_zarr.__all__)
