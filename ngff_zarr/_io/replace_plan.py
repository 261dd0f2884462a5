"""What replacing an existing local target keeps, or the error refusing the write.

A rewrite keeps what the replaced image did not own (``labels/``, ``tables/``, other groups and
files, custom attributes) and refuses before writing anything when keeping them is impossible
(another Zarr format, a clash with a new level's name) or when the target is not a Zarr
hierarchy at all. :mod:`.staging` carries the plan out.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import zarr
from zarr.abc.store import Store

from ..errors import MetadataNotFoundError, StoreExistsError, WriteError
from .documents import group_attributes, read_json
from .stale import is_zarr_node
from .store import join

__all__ = [
    "METADATA_NAMES",
    "Plan",
    "carried_attributes",
    "existing_node",
    "merge_attributes",
    "plan_local",
    "plan_replace",
    "top_name",
]

_LOG = logging.getLogger(__name__)
# Documents of a group replaced by the new image's (consolidated metadata goes stale with it).
METADATA_NAMES: Final = frozenset({".zattrs", ".zgroup", ".zarray", "zarr.json", ".zmetadata"})
PARTIAL_WRITE: Final = re.compile(r"\.[0-9a-f]{32}\.partial$")  # zarr's unfinished atomic writes
# Attribute keys of OME-NGFF metadata: never carried into a hierarchy of another Zarr format.
OME_KEYS: Final = frozenset(
    {"multiscales", "omero", "image-label", "labels", "plate", "well", "bioformats2raw.layout"}
)
IMAGE_KEYS: Final = ("multiscales", "omero")  # replaced by the new image's


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What replacing the existing target keeps: entries (by name) and attributes."""

    existed: bool = False
    keep: tuple[str, ...] = ()
    owned: frozenset[str] = frozenset()
    attributes: dict[str, Any] = field(default_factory=dict)


def top_name(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


@dataclass(frozen=True, slots=True, kw_only=True)
class Existing:
    zarr_format: int | None  # None: not a Zarr node
    is_array: bool
    attrs: dict[str, Any]


def existing_node(store: Store, path: str, entries: list[str]) -> Existing | None:
    if not entries:
        return None
    if ".zarray" in entries:
        return Existing(zarr_format=2, is_array=True, attrs={})
    if "zarr.json" in entries:
        doc = read_json(store, join(path, "zarr.json")) or {}
        if doc.get("node_type") == "array":
            return Existing(zarr_format=3, is_array=True, attrs={})
    try:
        zarr_format, attrs = group_attributes(store, path)
    except MetadataNotFoundError:
        return Existing(zarr_format=None, is_array=False, attrs={})
    return Existing(zarr_format=zarr_format, is_array=False, attrs=attrs)


def plan_local(
    final: Path,
    *,
    overwrite: bool,
    zarr_format: int,
    paths: Sequence[str],
    keep_others: bool = True,
) -> Plan:
    try:
        entries = sorted(entry.name for entry in os.scandir(final))
    except (FileNotFoundError, NotADirectoryError):
        return Plan()
    except OSError as exc:
        raise WriteError(f"cannot read {final}: {exc.strerror or exc}") from exc
    if entries and not is_zarr_node(final):
        existing: Existing | None = Existing(zarr_format=None, is_array=False, attrs={})
    else:
        existing = existing_node(zarr.storage.LocalStore(final, read_only=True), "", entries)
    return plan_replace(
        existing, entries, overwrite=overwrite, zarr_format=zarr_format, paths=paths,
        where=str(final), keep_others=keep_others,
    )  # fmt: skip


def plan_replace(
    existing: Existing | None,
    entries: list[str],
    *,
    overwrite: bool,
    zarr_format: int,
    paths: Sequence[str],
    where: str,
    keep_others: bool = True,
) -> Plan:
    """What a write replacing ``existing`` keeps, or the error refusing it."""
    if existing is None or (not existing.is_array and set(entries) <= METADATA_NAMES
                            and not existing.attrs):  # fmt: skip
        return Plan(existed=existing is not None)
    if not overwrite:
        raise StoreExistsError(f"{where} is not empty; pass overwrite=True to replace it")
    if existing.zarr_format is None:
        raise StoreExistsError(
            f"{where} is not a Zarr hierarchy; it is never deleted, even with overwrite=True "
            f"(no zarr.json, .zgroup or .zattrs at its top; holds {entries[:5]})"
        )
    if existing.is_array or not keep_others:
        return Plan(existed=True)
    owned = owned_levels(existing.attrs, existing.zarr_format)
    keep = tuple(
        e
        for e in entries
        if e not in owned and e not in METADATA_NAMES and not PARTIAL_WRITE.search(e)
    )
    new = {top_name(p) for p in paths}
    clash = [e for e in keep if e in new]
    if clash:
        raise StoreExistsError(
            f"{where} holds {clash}, which the image it holds does not list as levels; the new "
            "image's levels would replace them. Move them away first"
        )
    if keep and existing.zarr_format != zarr_format:
        raise StoreExistsError(
            f"{where} holds {list(keep)} beside its image, in Zarr v{existing.zarr_format}; "
            f"rewriting the image as Zarr v{zarr_format} would leave them in a hierarchy of "
            "another format. Write the image elsewhere, or convert them too"
        )
    if keep:
        _LOG.info("%s: keeping %s beside the rewritten image", where, list(keep))
    return Plan(
        existed=True,
        keep=keep,
        owned=frozenset(owned),
        attributes=carried_attributes(existing.attrs, existing.zarr_format, zarr_format),
    )


def owned_levels(attrs: Mapping[str, Any], zarr_format: int) -> set[str]:
    """The top-level names of an image group's levels (what its rewrite replaces)."""
    ome = attrs.get("ome")
    content = ome if zarr_format == 3 and isinstance(ome, Mapping) else attrs
    multiscales = content.get("multiscales")
    owned: set[str] = set()
    for ms in multiscales if isinstance(multiscales, list) else []:
        datasets = ms.get("datasets") if isinstance(ms, Mapping) else None
        for ds in datasets if isinstance(datasets, list) else []:
            if isinstance(ds, Mapping) and isinstance(ds.get("path"), str) and ds["path"]:
                owned.add(top_name(ds["path"]))
    return owned


def carried_attributes(
    attrs: Mapping[str, Any], old_format: int, new_format: int
) -> dict[str, Any]:
    """The attributes of the replaced group that the new image keeps (all but its own)."""
    if old_format != new_format:
        return {k: v for k, v in attrs.items() if k not in OME_KEYS and k != "ome"}
    out = {k: v for k, v in attrs.items() if k not in IMAGE_KEYS}
    ome = out.get("ome")
    if isinstance(ome, Mapping):
        out["ome"] = {k: v for k, v in ome.items() if k not in (*IMAGE_KEYS, "version")}
    return out


def merge_attributes(
    carried: Mapping[str, Any], attributes: Mapping[str, Any], zarr_format: int
) -> dict[str, Any]:
    out = {**carried, **attributes}
    old_ome, new_ome = carried.get("ome"), attributes.get("ome")
    if zarr_format == 3 and isinstance(old_ome, Mapping) and isinstance(new_ome, Mapping):
        out["ome"] = {**old_ome, **new_ome}
    return out
