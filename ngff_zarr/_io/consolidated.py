"""Consolidated metadata of a freshly written image, composed from the files just written.

zarr-python's ``consolidate_metadata`` opens every node of the hierarchy through its store
to collect their documents: about 17 ms for a three-level image here, most of the time it
takes to write a small field of a plate. An image written by :func:`~ngff_zarr.to_ngff_zarr`
is a local directory: :func:`consolidate_local_image` walks it (never entering an array's
directory, which holds its chunks), reads the node documents straight from the files and
writes the consolidated metadata zarr-python writes (``.zmetadata`` for Zarr v2, the inline
``consolidated_metadata`` of the group's ``zarr.json`` for v3): the same entries, with the
marker zarr-python gives each nested group (an empty inline ``consolidated_metadata``), so
that zarr-python reads the tree through it. ``test/io/test_consolidated.py`` compares the two
for every layout and backend.

A directory with no node document, or a document that is not a JSON object, is left to
zarr-python: the function returns False and writes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

from .documents import dump_json

__all__ = ["consolidate_local_image"]

_V2_NODE: Final = (".zarray", ".zgroup")


def _nested() -> dict[str, Any]:
    """The marker of a nested group: consolidated, its children listed at the root."""
    return {"kind": "inline", "must_understand": False, "metadata": {}}


def consolidate_local_image(root: Path, zarr_format: int) -> bool:
    """Write the consolidated metadata of the group at ``root``; False if not handled.

    ``root`` is a local directory holding the group's document, its arrays and groups.
    """
    nodes = _nodes(root, zarr_format)
    if nodes is None:
        return False
    if zarr_format == 2:
        group, attrs = _load(root / ".zgroup"), _attrs(root)
        if group is None or attrs is None:
            return False
        entries: dict[str, Any] = {".zattrs": attrs, ".zgroup": group}
        for path, kind in nodes:
            name = ".zarray" if kind == "array" else ".zgroup"
            document, node_attrs = _load(root / path / name), _attrs(root / path)
            if document is None or node_attrs is None:
                return False
            if kind == "group":
                document = {**document, "consolidated_metadata": _nested()}
            entries[f"{path}/.zattrs"] = node_attrs
            entries[f"{path}/{name}"] = document
        _write(root / ".zmetadata", dump_json({"metadata": entries, "zarr_consolidated_format": 1}))
        return True
    top = _load(root / "zarr.json")
    if top is None:
        return False
    children: dict[str, Any] = {}
    for path, kind in nodes:
        document = _load(root / path / "zarr.json")
        if document is None:
            return False
        if kind == "group":
            document = {**document, "consolidated_metadata": _nested()}
        children[path] = document
    consolidated = {"kind": "inline", "must_understand": False, "metadata": children}
    _write(root / "zarr.json", dump_json({**top, "consolidated_metadata": consolidated}))
    return True


def _nodes(root: Path, zarr_format: int) -> list[tuple[str, str]] | None:
    """(path relative to ``root``, "array" or "group") of every node below it, in path order;
    None when a directory below a group holds no node document (left to zarr-python)."""
    found: list[tuple[str, str]] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        directory = root / relative if relative else root
        try:
            with os.scandir(directory) as entries:
                children = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        except OSError:
            return None
        for name in children:
            if name.startswith("."):
                continue  # lock files and staging names are never nodes
            path = f"{relative}/{name}" if relative else name
            kind = _node_kind(root / path, zarr_format)
            if kind is None:
                return None
            found.append((path, kind))
            if kind == "group":
                pending.append(path)  # an array's directory holds its chunks: not entered
    return sorted(found)


def _node_kind(directory: Path, zarr_format: int) -> str | None:
    """ "array", "group" or None (no node document) for the directory."""
    if zarr_format == 2:
        for name in _V2_NODE:
            if (directory / name).exists():
                return "array" if name == ".zarray" else "group"
        return None
    document = _load(directory / "zarr.json")
    kind = document.get("node_type") if document is not None else None
    return kind if kind in ("array", "group") else None


def _attrs(directory: Path) -> dict[str, Any] | None:
    """A Zarr v2 node's attributes: its ``.zattrs``, ``{}`` when it has none."""
    return _load(directory / ".zattrs") if (directory / ".zattrs").exists() else {}


def _load(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when it is missing or not a JSON object."""
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _write(path: Path, raw: bytes) -> None:
    """Write ``raw`` to ``path`` atomically (beside it, then renamed over it)."""
    temporary = path.parent / f".{path.name}.ngff-zarr-consolidating"
    try:
        temporary.write_bytes(raw)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
