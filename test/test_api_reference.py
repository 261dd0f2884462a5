"""The API reference (docs/reference/, rendered by mkdocstrings) covers every public name.

``mkdocs build --strict`` (run by .ci/run) renders the pages; this test keeps them complete: each
name of ``ngff_zarr.__all__`` has a ``::: module.name`` entry that resolves to that very object,
with a docstring to render, and every entry names something that exists.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import yaml

import ngff_zarr

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs" / "reference").glob("*.md"))
ENTRY = re.compile(r"^::: ([\w.]+)$", re.MULTILINE)


def entries() -> dict[str, object]:
    """Each ``::: dotted.path`` of the reference pages, resolved to its object."""
    found: dict[str, object] = {}
    for page in PAGES:
        for dotted in ENTRY.findall(page.read_text(encoding="utf-8")):
            module_name, _, name = dotted.rpartition(".")
            found[dotted] = getattr(importlib.import_module(module_name), name)
    return found


def test_every_public_name_has_an_entry() -> None:
    documented = entries()
    missing = [
        name
        for name in ngff_zarr.__all__
        if not any(
            obj is getattr(ngff_zarr, name) and dotted.endswith(f".{name}")
            for dotted, obj in documented.items()
        )
    ]
    assert not missing, (
        f"add '::: ngff_zarr.<module>.<name>' to a page of docs/reference/: {missing}"
    )


def test_entries_are_public_and_listed_once() -> None:
    dotted = [d for page in PAGES for d in ENTRY.findall(page.read_text(encoding="utf-8"))]
    assert len(dotted) == len(set(dotted))
    private = [
        d for d in dotted if any(p.startswith("_") and not p.endswith("__") for p in d.split("."))
    ]
    assert not private


def test_every_entry_has_a_docstring() -> None:
    undocumented = [
        dotted
        for dotted, obj in entries().items()
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and not inspect.getdoc(obj)
    ]
    assert not undocumented


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def paths(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [p for item in node for p in paths(item)]
        if isinstance(node, dict):
            return [p for value in node.values() for p in paths(value)]
        return []

    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").glob("**/*.md")}
    assert set(paths(config["nav"])) == pages
