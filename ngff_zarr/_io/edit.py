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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from zarr.abc.store import Store

from ..errors import MetadataNotFoundError
from .documents import dump_json, read_json, write_documents
from .store import describe, join

__all__ = ["edit_attributes", "write_document"]


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
