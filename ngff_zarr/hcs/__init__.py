"""High-content-screening plates: write them field by field, open them lazily.

::

    Plate --to_hcs_zarr--> plate store <--write_hcs_well_image-- Multiscales (one per field)
    plate store --from_hcs_zarr--> HCSPlate --get_well--> HCSWell --get_image--> Multiscales

Many fields at once, from threads, and into a zipped ``.ozx`` plate: :class:`HCSPlateWriter`.

The plate and well metadata types are in :mod:`ngff_zarr.v04.plate` and :mod:`ngff_zarr.v04.well`
(0.5 uses the same objects, see :mod:`ngff_zarr.v05.plate`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .._io.documents import group_attributes
from .._io.store import StoreLike, describe
from .._versions import layout_for_zarr_format
from ..errors import MetadataNotFoundError, NgffValueError
from ..vocab import READ_VERSIONS, version_rank
from .layout import check_document, locate
from .plate_writer import HCSPlateWriter
from .read import HCSPlate, HCSWell, LRUCache
from .write import to_hcs_zarr, write_hcs_well_image

__all__ = [
    "HCSPlate",
    "HCSPlateWriter",
    "HCSWell",
    "LRUCache",
    "from_hcs_zarr",
    "to_hcs_zarr",
    "write_hcs_well_image",
]


def from_hcs_zarr(
    store: StoreLike,
    validate: bool = False,
    well_cache_size: int | None = None,
    image_cache_size: int | None = None,
    *,
    storage_options: Mapping[str, Any] | None = None,
    cache_size: int | None = None,
) -> HCSPlate:
    """Open an OME-Zarr plate lazily: only the plate metadata is read now.

    Parameters
    ----------
    store
        The plate: a local path, a zipped ``.ozx``, an fsspec URL (``http://...``), a zarr
        store or a zarr group.
    validate
        Check the plate, each well when read and each field when read against the spec, and
        raise :class:`NgffValidationError` on the first problem found.
    well_cache_size
        Wells kept with their metadata loaded (least recently used go first); default
        ``config.hcs_well_cache_size``.
    image_cache_size
        Field images each well keeps loaded (least recently used go first); default
        ``config.hcs_image_cache_size``.
    storage_options
        Options for fsspec when ``store`` is a URL.
    cache_size
        Another name of ``image_cache_size``.

    Returns
    -------
    HCSPlate
        The plate; wells and fields are read when asked for.

    Raises
    ------
    MetadataNotFoundError
        There is no group or no plate metadata at ``store``.
    InvalidMetadataError
        The plate metadata is malformed.
    NgffValidationError
        ``validate`` is True and the plate breaks the spec.

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, to_hcs_zarr, from_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A", "B"], ["1", "2", "3"], wells=["B/3"]), store)
    >>> plate = from_hcs_zarr(store)
    >>> plate.get_well("B", "3").row_index, plate.get_well_by_indices(1, 2).path
    (1, 'B/3')
    >>> [row.name for row in plate.rows], plate.get_well("A", "1") is None
    (['A', 'B'], True)
    """
    if cache_size is not None:
        if image_cache_size is not None and image_cache_size != cache_size:
            raise NgffValueError(
                f"cache_size: another name of image_cache_size; got both ({cache_size} and "
                f"{image_cache_size})"
            )
        image_cache_size = cache_size
    target, root = locate(store, read_only=True, storage_options=storage_options)
    try:
        zarr_format, attrs = group_attributes(target, root)
    except MetadataNotFoundError:
        raise
    except FileNotFoundError as exc:
        raise MetadataNotFoundError(f"{describe(target, root)}: no plate here ({exc})") from exc
    fmt = layout_for_zarr_format(zarr_format)
    where = describe(target, root)
    version = _plate_version(attrs, zarr_format)
    if version is None:
        raise MetadataNotFoundError(f"{where}: a Zarr group but not a plate (no plate metadata)")
    if version in READ_VERSIONS and version_rank(version) < version_rank("0.4"):
        # plates before 0.4 list wells by path only: their indices come from the names
        attrs = _with_indices(attrs)
    plate = fmt.plate_from_attributes(attrs, path=where)
    if validate:
        check_document(attrs, where)
    if version != plate.version:  # a pre-0.4 plate read as 0.4 keeps the version it states
        plate = replace(plate, version=version)
    return HCSPlate._opened(
        target,
        root,
        fmt,
        plate,
        well_cache_size=well_cache_size,
        image_cache_size=image_cache_size,
        validate=validate,
    )


def _plate_version(attrs: Mapping[str, Any], zarr_format: int) -> str | None:
    """The version of the plate in ``attrs``, None when they hold no plate."""
    ome = attrs.get("ome")
    if zarr_format == 3 and isinstance(ome, Mapping) and "plate" in ome:
        return str(ome.get("version", "0.5"))
    plate = attrs.get("plate")
    if isinstance(plate, Mapping):
        return str(plate.get("version", "0.4"))
    return None


def _with_indices(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A pre-0.4 plate with each well's rowIndex/columnIndex filled in from its path."""
    plate = dict(attrs["plate"])
    rows = [r.get("name") for r in plate.get("rows", []) if isinstance(r, Mapping)]
    columns = [c.get("name") for c in plate.get("columns", []) if isinstance(c, Mapping)]
    wells = []
    for well in plate.get("wells", []):
        entry = dict(well) if isinstance(well, Mapping) else well
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            row, _, column = entry["path"].partition("/")
            if row in rows:
                entry.setdefault("rowIndex", rows.index(row))
            if column in columns:
                entry.setdefault("columnIndex", columns.index(column))
        wells.append(entry)
    return {**attrs, "plate": {**plate, "wells": wells}}
