"""What the HCS writer and reader share: the per-version format registry and raw document I/O.

Plate and well metadata are small JSON documents; they are read and written here directly
through the zarr store API (one key per document, many keys concurrently), which keeps opening
a 1536-well plate to one round trip per well even over HTTP.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import zarr
from zarr.abc.store import Store
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from ._store import StoreLike, as_store, parse_json
from .errors import NgffValidationError, UnsupportedVersionError
from .v04 import hcs_metadata as v04
from .v04.hcs_metadata import Plate, Well
from .v05 import hcs_metadata as v05

__all__ = [
    "FORMATS",
    "HcsFormat",
    "HcsVersion",
    "attributes_of",
    "check_document",
    "format_for",
    "format_for_zarr",
    "group_documents",
    "locate",
    "read_documents",
    "write_documents",
]

HcsVersion = Literal["0.4", "0.5"]

# How many metadata documents are requested at once (local threads or HTTP connections).
MAX_CONCURRENT_READS: Final = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class HcsFormat:
    """How one NGFF version lays out plate and well metadata in a Zarr group."""

    version: HcsVersion
    zarr_format: Literal[2, 3]
    attributes_key: str
    plate_to_attributes: Callable[[Plate], dict[str, Any]]
    plate_from_attributes: Callable[..., Plate]
    well_to_attributes: Callable[[Well], dict[str, Any]]
    well_from_attributes: Callable[..., Well]
    has_well: Callable[[Mapping[str, Any]], bool]


def _has_well_v04(attrs: Mapping[str, Any]) -> bool:
    return "well" in attrs


def _has_well_v05(attrs: Mapping[str, Any]) -> bool:
    ome = attrs.get("ome")
    return isinstance(ome, Mapping) and "well" in ome


FORMATS: Final[dict[str, HcsFormat]] = {
    "0.4": HcsFormat(
        version="0.4",
        zarr_format=2,
        attributes_key=".zattrs",
        plate_to_attributes=v04.plate_to_attributes,
        plate_from_attributes=v04.plate_from_attributes,
        well_to_attributes=v04.well_to_attributes,
        well_from_attributes=v04.well_from_attributes,
        has_well=_has_well_v04,
    ),
    "0.5": HcsFormat(
        version="0.5",
        zarr_format=3,
        attributes_key="zarr.json",
        plate_to_attributes=v05.plate_to_attributes,
        plate_from_attributes=v05.plate_from_attributes,
        well_to_attributes=v05.well_to_attributes,
        well_from_attributes=v05.well_from_attributes,
        has_well=_has_well_v05,
    ),
}

# Zarr format of a group -> the HCS layout used to read it (0.1-0.3 plates read like 0.4).
_BY_ZARR_FORMAT: Final[dict[int, str]] = {2: "0.4", 3: "0.5"}


def format_for(version: str) -> HcsFormat:
    """The layout of ``version``; UnsupportedVersionError lists the versions available."""
    try:
        return FORMATS[version]
    except KeyError:
        raise UnsupportedVersionError(
            f"version: expected one of {sorted(FORMATS)} for HCS plates, found {version!r}"
        ) from None


def format_for_zarr(zarr_format: int) -> HcsFormat:
    """The layout used to read a group of Zarr format ``zarr_format``."""
    return FORMATS[_BY_ZARR_FORMAT[zarr_format]]


def locate(
    store: StoreLike,
    *,
    read_only: bool,
    storage_options: Mapping[str, Any] | None = None,
) -> tuple[Store, str]:
    """The zarr store and the path inside it of a plate given as path, URL, store or group."""
    if isinstance(store, zarr.Group):
        return store.store, store.path
    return as_store(store, read_only=read_only, storage_options=storage_options), ""


def group_documents(fmt: HcsFormat, attrs: Mapping[str, Any] | None) -> dict[str, bytes]:
    """The metadata documents (key below the group -> bytes) of a group with ``attrs``."""
    if fmt.zarr_format == 3:
        doc = {"zarr_format": 3, "node_type": "group", "attributes": dict(attrs or {})}
        return {"zarr.json": _dump(doc)}
    docs = {".zgroup": _dump({"zarr_format": 2})}
    if attrs is not None:
        docs[".zattrs"] = _dump(dict(attrs))
    return docs


def write_documents(store: Store, documents: Mapping[str, bytes]) -> None:
    """Write every ``key -> bytes`` of ``documents``, concurrently."""
    prototype = default_buffer_prototype()
    limit = asyncio.Semaphore(MAX_CONCURRENT_READS)

    async def one(key: str, value: bytes) -> None:
        async with limit:
            await store.set(key, prototype.buffer.from_bytes(value))

    async def run() -> None:
        await asyncio.gather(*(one(k, v) for k, v in documents.items()))

    sync(run())


def read_documents(store: Store, keys: Sequence[str]) -> list[dict[str, Any] | None]:
    """The JSON objects under ``keys`` (None where missing), read concurrently."""
    prototype = default_buffer_prototype()

    async def run() -> list[Any]:
        limit = asyncio.Semaphore(MAX_CONCURRENT_READS)

        async def one(key: str) -> Any:
            async with limit:
                return await store.get(key, prototype=prototype)

        return await asyncio.gather(*(one(k) for k in keys))

    return [
        None if buf is None else _load(store, key, buf.to_bytes())
        for key, buf in zip(keys, sync(run()), strict=True)
    ]


def attributes_of(document: Mapping[str, Any] | None, fmt: HcsFormat) -> dict[str, Any]:
    """The attributes held by a group's metadata document (``zarr.json`` or ``.zattrs``)."""
    if document is None:
        return {}
    if fmt.zarr_format == 3:
        attrs = document.get("attributes", {})
        return dict(attrs) if isinstance(attrs, Mapping) else {}
    return dict(document)


def check_document(attrs: Mapping[str, Any], where: str, problems: Sequence[str]) -> None:
    """Raise NgffValidationError when a plate or well document breaks the spec.

    ``attrs`` go through the schema checks of :func:`ngff_zarr.validate.validate`;
    ``problems`` are those found by the cross-reference checks of the metadata module.
    """
    from .validate import validate

    report = validate(attrs)
    errors = [f"{f.field or f.code}: {f.message}" for f in report.errors]
    errors += [p for p in problems if p not in errors]
    if errors:
        raise NgffValidationError(f"{where}: {'; '.join(errors)}", report=report)


def _dump(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, indent=2).encode()


def _load(store: Store, key: str, raw: bytes) -> dict[str, Any]:
    return parse_json(store, key, raw)
