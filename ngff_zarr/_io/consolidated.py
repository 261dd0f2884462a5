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

import os
from typing import Any, Final

from zarr.storage import LocalStore

from ..errors import InvalidMetadataError
from .documents import read_json
from .edit import write_document
from .store import join

__all__ = ["consolidate_local_image"]

_V2_NODE: Final = {".zarray": "array", ".zgroup": "group"}


def _inline(metadata: dict[str, Any]) -> dict[str, Any]:
    """Inline consolidated metadata holding ``metadata`` (a nested group's marker: ``{}``)."""
    return {"kind": "inline", "must_understand": False, "metadata": metadata}


def consolidate_local_image(store: LocalStore, path: str, zarr_format: int) -> bool:
    """Write the consolidated metadata of the group at ``path``; False if not handled.

    ``store`` is a local store; the group's directory holds its document, arrays and groups.
    """
    nodes = _nodes(store, path, zarr_format)
    if nodes is None:
        return False
    if zarr_format == 2:
        group, attrs = _load(store, join(path, ".zgroup")), _attrs(store, path)
        if group is None or attrs is None:
            return False
        entries: dict[str, Any] = {".zattrs": attrs, ".zgroup": group}
        for node, kind, document in nodes:
            node_attrs = _attrs(store, join(path, node))
            if node_attrs is None:
                return False
            name = ".zarray" if kind == "array" else ".zgroup"
            if kind == "group":
                document = {**document, "consolidated_metadata": _inline({})}
            entries[f"{node}/.zattrs"] = node_attrs
            entries[f"{node}/{name}"] = document
        consolidated = {"metadata": entries, "zarr_consolidated_format": 1}
        write_document(store, join(path, ".zmetadata"), consolidated)
        return True
    top = _load(store, join(path, "zarr.json"))
    if top is None:
        return False
    children = {
        node: {**document, "consolidated_metadata": _inline({})} if kind == "group" else document
        for node, kind, document in nodes
    }
    write_document(
        store, join(path, "zarr.json"), {**top, "consolidated_metadata": _inline(children)}
    )
    return True


def _nodes(
    store: LocalStore, path: str, zarr_format: int
) -> list[tuple[str, str, dict[str, Any]]] | None:
    """(path relative to ``path``, "array" or "group", its document) of every node below the
    group, in path order; None when a directory below a group holds no readable node
    document (left to zarr-python)."""
    root = os.path.join(os.fspath(store.root), path) if path else os.fspath(store.root)
    found: list[tuple[str, str, dict[str, Any]]] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(os.path.join(root, relative) if relative else root) as entries:
                children = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        except OSError:
            return None
        for name in children:
            if name.startswith("."):
                continue  # lock files and staging names are never nodes
            node = f"{relative}/{name}" if relative else name
            known = _node(store, join(path, node), zarr_format)
            if known is None:
                return None
            found.append((node, *known))
            if known[0] == "group":
                pending.append(node)  # an array's directory holds its chunks: not entered
    return sorted(found, key=lambda item: item[0])


def _node(store: LocalStore, key: str, zarr_format: int) -> tuple[str, dict[str, Any]] | None:
    """("array" or "group", its document) for the node at ``key``; None for no node document."""
    if zarr_format == 2:
        for name, kind in _V2_NODE.items():
            document = _load(store, join(key, name))
            if document is not None:
                return kind, document
        return None
    found = _load(store, join(key, "zarr.json"))
    node_type = found.get("node_type") if found is not None else None
    if found is None or node_type not in ("array", "group"):
        return None
    return str(node_type), found


def _attrs(store: LocalStore, key: str) -> dict[str, Any] | None:
    """A Zarr v2 node's attributes: its ``.zattrs``, ``{}`` when it has none; None when that
    document cannot be read."""
    try:
        attrs = read_json(store, join(key, ".zattrs"))
    except InvalidMetadataError:
        return None
    return {} if attrs is None else attrs


def _load(store: LocalStore, key: str) -> dict[str, Any] | None:
    """The JSON object under ``key`` (the one metadata reader, with its limits); None when it
    is missing or cannot be read as one."""
    try:
        return read_json(store, key)
    except InvalidMetadataError:
        return None
