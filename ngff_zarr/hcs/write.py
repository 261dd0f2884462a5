"""Writing HCS plates: the plate's metadata and groups, then one field of view at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import zarr
from zarr.abc.store import Store
from zarr.core.sync import sync

from .._io.documents import (
    attributes_of,
    group_attributes,
    group_documents,
    read_documents,
    write_documents,
)
from .._io.locks import well_lock
from .._io.staging import is_write_failure, write_failure
from .._io.store import StoreLike, describe, join, list_dir
from .._versions import Layout, layout, layout_for_zarr_format
from ..errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    StoreExistsError,
    UnsupportedVersionError,
    unknown_choice,
)
from ..multiscales import Multiscales
from ..v04.plate import Plate
from ..v04.well import Well, WellImage
from .layout import HcsVersion, describe_errors, document_report, locate

__all__ = ["to_hcs_zarr", "write_hcs_well_image"]


def to_hcs_zarr(
    plate: Plate,
    store: StoreLike,
    *,
    version: HcsVersion = "0.4",
    overwrite: bool = False,
) -> None:
    """Write a plate's metadata and its row and well groups (fields come later).

    The wells are created empty; :func:`write_hcs_well_image` then adds fields of view to
    them, from any number of threads or processes. The plate metadata is written last.

    Parameters
    ----------
    plate
        The plate: rows, columns, the wells present, acquisitions.
    store
        Where to write: a local path, an fsspec URL, a zarr store or a zarr group.
    version
        ``"0.4"`` (Zarr v2, ``plate`` in ``.zattrs``) or ``"0.5"`` (Zarr v3, under ``ome``).
    overwrite
        Replace whatever the target holds. Without it a non-empty target is refused.

    Raises
    ------
    InvalidMetadataError
        The plate breaks the spec (every problem is named: duplicate rows, a well path that
        does not match its indices, ...).
    StoreExistsError
        The target holds data and ``overwrite`` is False.
    UnsupportedVersionError
        ``version`` is not 0.4 or 0.5.

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, to_hcs_zarr, from_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A", "B"], ["1", "2"]), store, version="0.5")
    >>> [well.path for well in from_hcs_zarr(store)]
    ['A/1', 'A/2', 'B/1', 'B/2']
    """
    fmt = layout(version)
    attributes = fmt.plate_to_attributes(plate)
    report = document_report(attributes)
    if not report.valid:
        raise InvalidMetadataError(f"the plate breaks the specification: {describe_errors(report)}")
    target, root = locate(store, read_only=False)
    if _holds_data(target, root, fmt):
        if not overwrite:
            raise StoreExistsError(
                f"{describe(target, root)}: already holds data; pass overwrite=True to replace it"
            )
        sync(target.delete_dir(root))
    documents: dict[str, bytes] = {}
    for row in plate.rows:
        _add_group(documents, fmt, join(root, row.name), None)
    for well in plate.wells:
        # an empty attribute document, so that readers tell an empty well from a missing one
        _add_group(documents, fmt, join(root, well.path), {})
    # The plate document last: a plate that lists its wells has every well group.
    plate_docs: dict[str, bytes] = {}
    _add_group(plate_docs, fmt, root, attributes)
    try:
        write_documents(target, documents)
        write_documents(target, plate_docs)
    except Exception as exc:
        if is_write_failure(exc):
            raise write_failure(
                describe(target, root), exc, "the plate metadata was not written"
            ) from exc
        raise


def write_hcs_well_image(
    store: StoreLike,
    multiscales: Multiscales,
    *,
    row: str,
    column: str,
    field_index: int,
    acquisition: int | None = None,
    plate: Plate | None = None,
    version: HcsVersion | None = None,
    overwrite: bool = False,
) -> None:
    """Write one field of view into a well of a plate, and list it in the well's metadata.

    The field is written to ``<row>/<column>/<field_index>`` and appended to the well's
    ``images`` (kept in field order) under a lock, so fields of other wells and other
    fields of the same well may be written concurrently from threads or, for local stores,
    processes. Fields of one well are written one at a time.

    Parameters
    ----------
    store
        The plate written by :func:`to_hcs_zarr`: a local path, URL, zarr store or group.
    multiscales
        The field's image.
    row, column
        The well, by row and column name (``"B"``, ``"3"``).
    field_index
        The field's number in the well; it is also the field group's path.
    acquisition
        The id of the plate acquisition the field belongs to.
    plate
        The plate metadata, when the caller has it (saves reading it from the store).
    version
        ``"0.4"`` or ``"0.5"``; by default the version of the plate in the store.
    overwrite
        Replace a field already written at this ``field_index``.

    Raises
    ------
    InvalidMetadataError
        The well is outside the plate's rows/columns or not one of its wells, the field is
        already in the well, or ``acquisition`` is not an id of the plate's acquisitions.
    MetadataNotFoundError
        ``plate`` was not given and the store holds no plate.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr, write_hcs_well_image
    >>> from ngff_zarr.to_multiscales import to_multiscales
    >>> from ngff_zarr.to_ngff_image import to_ngff_image
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["B"], ["3"]), store)
    >>> field = to_multiscales(to_ngff_image(np.ones((8, 8), "uint8")), scale_factors=[2])
    >>> write_hcs_well_image(store, field, row="B", column="3", field_index=0)
    >>> [image.path for image in from_hcs_zarr(store).get_well("B", "3").images]
    ['0']
    """
    if plate is None or version is None:
        stored_version, stored_plate = _read_plate(store)
        plate = plate or stored_plate
        version = version or stored_version
    fmt = layout(version)
    well_path = _check_field(plate, row, column, field_index, acquisition)
    target, root = locate(store, read_only=False)
    image = WellImage(str(field_index), acquisition)
    well_key = join(root, well_path)
    with well_lock(target, well_key):
        document = read_documents(target, [join(well_key, fmt.attributes_key)])[0]
        attrs = attributes_of(document, fmt.zarr_format)
        images = fmt.well_from_attributes(attrs).images if fmt.has(attrs, "well") else []
        if any(i.path == image.path for i in images) and not overwrite:
            raise StoreExistsError(
                f"{describe(target, well_key)}: well {well_path} already has a field with path "
                f"{image.path!r}; pass overwrite=True to replace it"
            )
        # zarr creates the missing row and well groups (never overwriting an existing one).
        group = zarr.open_group(
            target, path=join(well_key, image.path), mode="a", zarr_format=fmt.zarr_format
        )
        _write_field(group, multiscales, fmt, overwrite=overwrite)
        kept = [i for i in images if i.path != image.path]
        well = Well(sorted([*kept, image], key=_field_order))
        new_attrs = {**attrs, **fmt.well_to_attributes(well)}
        well_docs: dict[str, bytes] = {}
        _add_group(well_docs, fmt, well_key, new_attrs)
        try:
            write_documents(target, well_docs)
        except Exception as exc:
            if is_write_failure(exc):
                listed = [i.path for i in images]
                raise write_failure(
                    describe(target, well_key),
                    exc,
                    f"the field {image.path} was written, but the well still lists {listed}",
                ) from exc
            raise


def _write_field(
    group: zarr.Group, multiscales: Multiscales, fmt: Layout, *, overwrite: bool
) -> None:
    from ..to_ngff_zarr import to_ngff_zarr

    to_ngff_zarr(group, multiscales, version=fmt.version, overwrite=overwrite)


def _holds_data(store: Store, root: str, fmt: Layout) -> bool:
    """Whether ``root`` holds anything beyond an empty group of ``fmt``'s Zarr format.

    An empty group of the other Zarr format is refused: the plate could not be written into it.
    """
    entries = set(list_dir(store, root))
    if entries and not entries & _GROUP_KEYS:
        raise StoreExistsError(
            f"{describe(store, root)} is not a Zarr hierarchy (no zarr.json, .zgroup or .zattrs "
            f"at its top; holds {sorted(entries)[:5]}); refusing to replace it"
        )
    if entries - _GROUP_KEYS:
        return True
    if not entries:
        return False
    zarr_format, attrs = group_attributes(store, root)
    if zarr_format != fmt.zarr_format:
        raise UnsupportedVersionError(
            f"{describe(store, root)}: an empty Zarr v{zarr_format} group, but a "
            f"{fmt.version} plate needs Zarr v{fmt.zarr_format}"
        )
    return bool(attrs)


_GROUP_KEYS = frozenset({".zgroup", ".zattrs", "zarr.json"})


def _read_plate(store: StoreLike) -> tuple[HcsVersion, Plate]:
    try:
        target, root = locate(store, read_only=True)
        zarr_format, attrs = group_attributes(target, root)
    except FileNotFoundError as exc:  # MetadataNotFoundError included
        raise MetadataNotFoundError(
            f"{exc}: no plate to write into; write it with to_hcs_zarr first"
        ) from exc
    fmt = layout_for_zarr_format(zarr_format)
    return fmt.version, fmt.plate_from_attributes(attrs, path=describe(target, root))


def _check_field(
    plate: Plate, row: str, column: str, field_index: int, acquisition: int | None
) -> str:
    """The well's path, after checking the field against the plate (NgffValueError)."""
    rows = [r.name for r in plate.rows]
    columns = [c.name for c in plate.columns]
    if row not in rows or column not in columns:
        raise NgffValueError(
            f"row/column: well {row}/{column} is outside the plate: expected a row in {rows} "
            f"and a column in {columns}"
        )
    well = plate.well_at(row, column)
    if well is None:
        raise NgffValueError(
            f"row/column: well {row}/{column} is not one of the plate's wells; add it to "
            "Plate.wells and write the plate with to_hcs_zarr first"
        )
    if isinstance(field_index, bool) or not isinstance(field_index, int) or field_index < 0:
        raise NgffValueError(f"field_index: expected an integer >= 0, got {field_index!r}")
    known = [a.id for a in plate.acquisitions or []]
    if acquisition is not None and acquisition not in known:
        raise unknown_choice("acquisition", acquisition, known, hint="the plate's acquisition ids")
    return well.path


def _field_order(image: WellImage) -> tuple[int, int, str]:
    """Numeric field paths in numeric order, then any other path in text order."""
    return (0, int(image.path), "") if image.path.isdigit() else (1, 0, image.path)


def _add_group(
    documents: dict[str, bytes], fmt: Layout, path: str, attrs: Mapping[str, Any] | None
) -> None:
    documents.update(group_documents(fmt.zarr_format, path, attrs))
