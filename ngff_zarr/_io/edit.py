"""Metadata-only edits of a stored hierarchy: change one group's attributes in place.

:func:`edit_attributes` is the one primitive: it reads the group's document (``zarr.json`` or
``.zattrs``), lets the caller compute the new attributes, writes the document back (a local
file is replaced atomically: the new one is written beside it and renamed over it, so a reader
never sees a half-written document), and refreshes the consolidated metadata that repeats it
(``.zmetadata`` of Zarr v2, the inline ``consolidated_metadata`` of a Zarr v3 root). Array
chunks are never touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from zarr.abc.store import Store

from ..errors import MetadataNotFoundError, NgffValueError
from .documents import dump_json, read_json, write_documents
from .store import describe, join, list_dir

__all__ = [
    "add_to_consolidated",
    "edit_attributes",
    "grow_array",
    "refresh_consolidated",
    "subtree_nodes",
    "write_document",
]


def write_document(store: Store, key: str, document: Mapping[str, Any]) -> None:
    """Write one JSON document; on a local store by an atomic rename over the old file."""
    raw = dump_json(document)
    root = getattr(store, "root", None)
    if isinstance(root, Path):
        final = root / key
        temporary = final.parent / f".{final.name}.ngff-zarr-{uuid.uuid4().hex[:12]}"
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            temporary.write_bytes(raw)
            os.replace(temporary, final)
        finally:
            temporary.unlink(missing_ok=True)
        return
    write_documents(store, {key: raw})


def edit_attributes(
    store: Store,
    path: str,
    update: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Replace the attributes of the group at ``path`` by ``update(attributes)``.

    Returns the new attributes.

    Raises
    ------
    MetadataNotFoundError
        There is no group at ``path``.
    """
    v3_key = join(path, "zarr.json")
    document = read_json(store, v3_key)
    if document is not None:
        attrs = update(dict(document.get("attributes") or {}))
        write_document(store, v3_key, {**document, "attributes": attrs})
        _refresh_v3(store, path, attrs)
        return attrs
    v2_key = join(path, ".zattrs")
    old = read_json(store, v2_key)
    if old is None and read_json(store, join(path, ".zgroup")) is None:
        raise MetadataNotFoundError(
            f"{describe(store, path)}: no Zarr group here (neither zarr.json nor .zgroup)"
        )
    attrs = update(dict(old or {}))
    write_document(store, v2_key, attrs)
    _refresh_v2(store, v2_key, attrs)
    return attrs


def _refresh_v2(store: Store, attrs_key: str, attrs: dict[str, Any]) -> None:
    consolidated = read_json(store, ".zmetadata")
    entries = consolidated.get("metadata") if consolidated is not None else None
    if consolidated is not None and isinstance(entries, dict):
        write_document(
            store, ".zmetadata", {**consolidated, "metadata": {**entries, attrs_key: attrs}}
        )


def _refresh_v3(store: Store, path: str, attrs: dict[str, Any]) -> None:
    key = path.strip("/")
    if not key:
        return  # a root's own attributes are not repeated in its consolidated metadata
    root = read_json(store, "zarr.json")
    consolidated = root.get("consolidated_metadata") if root is not None else None
    entries = consolidated.get("metadata") if isinstance(consolidated, dict) else None
    if (
        root is None
        or not isinstance(consolidated, dict)
        or not isinstance(entries, dict)
        or key not in entries
    ):
        return
    entry = {**entries[key], "attributes": attrs}
    write_document(
        store,
        "zarr.json",
        {**root, "consolidated_metadata": {**consolidated, "metadata": {**entries, key: entry}}},
    )


def refresh_consolidated(store: Store, path: str, arrays: Sequence[str]) -> None:
    """Copy the current metadata of ``arrays`` (keys under the group ``path``) into the
    consolidated metadata that repeats it: that of the group itself and that of the store's
    root (a resized array otherwise keeps its old shape for readers of consolidated metadata).

    The caller holds the group's lock (the documents are read, changed and written back).
    """
    holders = dict.fromkeys([path.strip("/"), ""])
    for holder in holders:
        _update_v3(store, holder, path.strip("/"), arrays, existing_only=True)
        _update_v2(store, holder, path.strip("/"), arrays, (".zarray",), existing_only=True)


def _relative(holder: str, group: str, key: str) -> str:
    full = join(group, key).strip("/")
    return full[len(holder) + 1 :] if holder else full


def add_to_consolidated(store: Store, path: str, nodes: Sequence[str]) -> None:
    """Enter the groups and arrays ``nodes`` (keys under the group ``path``, written after the
    metadata was consolidated) into the consolidated metadata of ``path`` and of the store's
    root, where those exist (a reader of consolidated metadata otherwise never sees them).

    The caller holds the group's lock (the documents are read, changed and written back).
    """
    group = path.strip("/")
    for holder in dict.fromkeys([group, ""]):
        _update_v3(store, holder, group, nodes, existing_only=False)
        _update_v2(
            store, holder, group, nodes, (".zgroup", ".zarray", ".zattrs"), existing_only=False
        )


def subtree_nodes(store: Store, path: str, subtree: str) -> list[str]:
    """``subtree`` and every group and array below it (keys under the group ``path``), found by
    listing: e.g. a table whose encoding nests arrays in groups."""
    found: list[str] = []
    pending = [subtree.strip("/")]
    while pending:
        node = pending.pop()
        names = set(list_dir(store, join(path, node)))
        document = read_json(store, join(path, node, "zarr.json")) if "zarr.json" in names else None
        if document is None and not {".zgroup", ".zarray"} & names:
            continue
        found.append(node)
        group = ".zgroup" in names or (document or {}).get("node_type") == "group"
        if group:  # an array's names are its chunks
            pending.extend(
                join(node, n) for n in names if not n.startswith(".") and n != "zarr.json"
            )
    return sorted(found)


def _update_v3(
    store: Store, holder: str, group: str, nodes: Sequence[str], *, existing_only: bool
) -> None:
    """Copy the ``zarr.json`` of ``nodes`` (under ``group``) into the inline consolidated
    metadata of ``holder``: only over entries it already has, with ``existing_only``."""
    document_key = join(holder, "zarr.json")
    document = read_json(store, document_key)
    consolidated = document.get("consolidated_metadata") if document is not None else None
    entries = consolidated.get("metadata") if isinstance(consolidated, dict) else None
    if document is None or not isinstance(consolidated, dict) or not isinstance(entries, dict):
        return
    changed = dict(entries)
    for node in nodes:
        name = _relative(holder, group, node)
        current = read_json(store, join(group, node, "zarr.json"))
        if current is not None and (name in changed or not existing_only):
            current.pop("consolidated_metadata", None)  # a nested group's own
            changed[name] = current
    if changed != entries:
        write_document(
            store,
            document_key,
            {**document, "consolidated_metadata": {**consolidated, "metadata": changed}},
        )


def _update_v2(
    store: Store,
    holder: str,
    group: str,
    nodes: Sequence[str],
    names: Sequence[str],
    *,
    existing_only: bool,
) -> None:
    """The same for the ``names`` documents of ``nodes`` and the ``.zmetadata`` of ``holder``."""
    document_key = join(holder, ".zmetadata")
    document = read_json(store, document_key)
    entries = document.get("metadata") if document is not None else None
    if document is None or not isinstance(entries, dict):
        return
    changed = dict(entries)
    for node in nodes:
        for name in names:
            key = join(_relative(holder, group, node), name)
            current = read_json(store, join(group, node, name))
            if current is not None and (key in changed or not existing_only):
                changed[key] = current
    if changed != entries:
        write_document(store, document_key, {**document, "metadata": changed})


def grow_array(store: Store, key: str, shape: Sequence[int]) -> None:
    """Set the shape of the array at ``key`` to ``shape``, which no dim of it exceeds.

    Only the array's document is rewritten (atomically on a local store): no chunk is listed,
    moved or deleted, so growing costs the same however many chunks the array holds.

    Raises
    ------
    MetadataNotFoundError
        There is no array at ``key``.
    NgffValueError
        ``shape`` has another number of dims, or would shrink a dim.
    """
    for document_key in (join(key, "zarr.json"), join(key, ".zarray")):
        document = read_json(store, document_key)
        if document is None:
            continue
        old = [int(n) for n in document["shape"]]
        new = [int(n) for n in shape]
        if len(new) != len(old) or any(b < a for a, b in zip(old, new, strict=True)):
            raise NgffValueError(
                f"{describe(store, key)}: shape: expected {len(old)} dims, none below {old}, "
                f"got {new}"
            )
        if new != old:
            write_document(store, document_key, {**document, "shape": new})
        return
    raise MetadataNotFoundError(f"{describe(store, key)}: no Zarr array here")
