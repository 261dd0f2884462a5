"""Writing HCS plates: the plate's metadata and groups, then one field of view at a time."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeGuard

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
from .._versions import Layout, layout, layout_for_zarr_format, stated_versions
from ..errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    StoreExistsError,
    UnsupportedVersionError,
    unknown_choice,
)
from ..multiscales import Multiscales
from ..rfc9_zip import is_ozx_path, staged_ozx
from ..to_ngff_zarr import to_ngff_zarr
from ..v04.plate import Plate
from ..v04.well import Well, WellImage
from ..vocab import WRITE_VERSIONS, nearest_version
from .layout import HcsVersion, describe_errors, document_report, locate
from .read import HCSPlate

__all__ = ["to_hcs_zarr", "write_hcs_well_image"]


def to_hcs_zarr(
    plate: HCSPlate | Plate,
    store: StoreLike,
    overwrite: bool = True,
    *,
    version: HcsVersion | None = None,
) -> None:
    """Write a plate's metadata and its row and well groups (fields come later).

    The wells are created empty; :func:`write_hcs_well_image` then adds fields of view to
    them, from any number of threads or processes. The plate metadata is written last.

    Parameters
    ----------
    plate
        The plate: an :class:`HCSPlate` or its :class:`Plate` metadata (rows, columns, the
        wells present, acquisitions, version).
    store
        Where to write: a local path, a zipped ``.ozx`` (0.5), an fsspec URL, a zarr store or
        a zarr group.
    overwrite
        Replace an existing Zarr hierarchy at the target. A target holding anything else is
        never deleted (:class:`StoreExistsError`); without ``overwrite`` a non-empty target
        is refused.
    version
        ``"0.4"`` (Zarr v2, ``plate`` in ``.zattrs``) or ``"0.5"`` (Zarr v3, under ``ome``);
        default the plate's ``version``.

    Raises
    ------
    InvalidMetadataError
        The plate breaks the spec (every problem is named: duplicate rows, a well path that
        does not match its indices, ...).
    StoreExistsError
        The target holds data and ``overwrite`` is False, or holds something that is not a
        Zarr hierarchy.
    UnsupportedVersionError
        ``version`` is not 0.4 or 0.5, or 0.4 for an ``.ozx``.

    Examples
    --------
    >>> import zarr
    >>> from ngff_zarr import Plate, to_hcs_zarr, from_hcs_zarr
    >>> store = zarr.storage.MemoryStore()
    >>> to_hcs_zarr(Plate.from_names(["A", "B"], ["1", "2"], version="0.5"), store)
    >>> [well.path for well in from_hcs_zarr(store)]
    ['A/1', 'A/2', 'B/1', 'B/2']
    """
    metadata = plate.metadata if isinstance(plate, HCSPlate) else plate
    fmt = layout(version or metadata.version)
    if _zipped(store):
        _needs_zarr_v3(fmt, store)
        with staged_ozx(store, version=fmt.version, overwrite=overwrite) as staging:
            _write_plate(metadata, staging, fmt, overwrite=True)
        return
    _write_plate(metadata, store, fmt, overwrite=overwrite)


def _write_plate(plate: Plate, store: StoreLike, fmt: Layout, *, overwrite: bool) -> None:
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
        _check_replaceable(target, root)
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


class _Unset(enum.Enum):
    UNSET = enum.auto()


def write_hcs_well_image(
    store: StoreLike,
    multiscales: Multiscales,
    plate_metadata: Plate | None = None,
    row_name: str | None = None,
    column_name: str | None = None,
    field_index: int = 0,
    acquisition_id: int | None = 0,
    well_metadata: Well | None = None,
    version: HcsVersion | None = None,
    *,
    row: str | None = None,
    column: str | None = None,
    acquisition: int | _Unset | None = _Unset.UNSET,
    plate: Plate | None = None,
    overwrite: bool = False,
    **kwargs: Any,
) -> None:
    """Write one field of view into a well of a plate, and list it in the well's metadata.

    The field is written to ``<row>/<column>/<field_index>`` and added to the well's
    ``images`` (kept in field order) under a lock, so fields of other wells and other
    fields of the same well may be written concurrently from threads or, for local stores,
    processes. Fields of one well are written one at a time. Into a zipped ``.ozx`` plate,
    each call rewrites the zip: write many fields with :class:`HCSPlateWriter`.

    Parameters
    ----------
    store
        The plate written by :func:`to_hcs_zarr`: a local path, ``.ozx``, URL, zarr store or
        group. With ``plate_metadata`` and no plate there yet, the plate is written first.
    multiscales
        The field's image.
    plate_metadata
        The plate metadata (``plate=`` is another name); default: read from the store.
    row_name, column_name
        The well, by row and column name (``"B"``, ``"3"``; ``row=``, ``column=`` are other
        names).
    field_index
        The field's number in the well; it is also the field group's path.
    acquisition_id
        The id of the plate acquisition the field belongs to; None: no acquisition
        (``acquisition=`` is another name). When the plate defines acquisitions, it must be
        one of them.
    well_metadata
        The well's metadata to write (its images), instead of the store's; the field is
        added to it.
    version
        ``"0.4"`` or ``"0.5"``; by default the version of the plate in the store. It must be
        the plate's.
    overwrite
        Replace a field already written at this ``field_index``.
    **kwargs
        Passed to :func:`~ngff_zarr.to_ngff_zarr` (e.g. ``chunks_per_shard``,
        ``compressors``).

    Raises
    ------
    NgffValueError
        The well is outside the plate's rows/columns (``"Row 'Z' not found in plate
        metadata"``) or not one of its wells, ``acquisition_id`` is not one of the plate's,
        or ``version`` is not the plate's.
    StoreExistsError
        The field is already in the well and ``overwrite`` is False.
    MetadataNotFoundError
        No plate metadata was given and the store holds no plate.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr, write_hcs_well_image
    >>> from ngff_zarr.to_multiscales import to_multiscales
    >>> from ngff_zarr.to_ngff_image import to_ngff_image
    >>> store = zarr.storage.MemoryStore()
    >>> plate = Plate.from_names(["B"], ["3"])
    >>> to_hcs_zarr(plate, store)
    >>> field = to_multiscales(to_ngff_image(np.ones((8, 8), "uint8")), scale_factors=[2])
    >>> write_hcs_well_image(store, field, plate, "B", "3", field_index=0)
    >>> [(i.path, i.acquisition) for i in from_hcs_zarr(store).get_well("B", "3").images]
    [('0', 0)]
    """
    plate = _one_of("plate_metadata", plate_metadata, "plate", plate)
    row = _one_of("row_name", row_name, "row", row)
    column = _one_of("column_name", column_name, "column", column)
    if row is None or column is None:
        raise NgffValueError("row_name, column_name: expected the well's row and column names")
    chosen = acquisition_id if isinstance(acquisition, _Unset) else acquisition
    if _zipped(store):
        fmt = layout(version or (plate.version if plate is not None else "0.5"))
        _needs_zarr_v3(fmt, store)
        with staged_ozx(store, version=fmt.version, overwrite=True, extract=True) as staging:
            _write_field_into(
                staging, multiscales, plate, row, column, field_index, chosen, well_metadata,
                version, overwrite, kwargs,
            )  # fmt: skip
        return
    _write_field_into(
        store, multiscales, plate, row, column, field_index, chosen, well_metadata, version,
        overwrite, kwargs,
    )  # fmt: skip


def _write_field_into(
    store: StoreLike,
    multiscales: Multiscales,
    plate: Plate | None,
    row: str,
    column: str,
    field_index: int,
    acquisition: int | None,
    well_metadata: Well | None,
    version: str | None,
    overwrite: bool,
    kwargs: dict[str, Any],
) -> None:
    stored = _stored_plate(store)
    if stored is None:
        if plate is None:
            raise MetadataNotFoundError(
                f"{_describe(store)}: no plate to write into; write it with to_hcs_zarr first"
            )
        _write_plate(plate, store, layout(version or plate.version), overwrite=False)
        stored = (version or plate.version, plate)
    stored_version, stored_plate = stored
    plate = plate or stored_plate
    if version is not None and version != stored_version:
        raise NgffValueError(
            f"version {version!r} does not match the plate's version {stored_version!r}. A "
            "plate and its wells are written at one OME-Zarr version: pass the version the "
            "Plate was created with."
        )
    fmt = layout(stored_version)
    well_path = _check_field(plate, row, column, field_index, acquisition)
    target, root = locate(store, read_only=False)
    image = WellImage(str(field_index), acquisition)
    well_key = join(root, well_path)
    with well_lock(target, well_key):
        document = read_documents(target, [join(well_key, fmt.attributes_key)])[0]
        attrs = attributes_of(document, fmt.zarr_format)
        if well_metadata is not None:
            images = list(well_metadata.images)
        else:
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
        _write_field(group, multiscales, fmt, overwrite=overwrite, **kwargs)
        kept = [i for i in images if i.path != image.path]
        well = Well(sorted([*kept, image], key=_field_order), version=fmt.version)
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


def _one_of(name: str, value: Any, alias: str, alias_value: Any) -> Any:
    if value is not None and alias_value is not None and value != alias_value:
        raise NgffValueError(f"{alias}: another name of {name}; got both, and they differ")
    return value if value is not None else alias_value


def _zipped(store: StoreLike) -> TypeGuard[str | os.PathLike[str]]:
    return isinstance(store, str | os.PathLike) and is_ozx_path(store)


def _needs_zarr_v3(fmt: Layout, store: str | os.PathLike[str]) -> None:
    if fmt.zarr_format != 3:
        raise UnsupportedVersionError(
            f"{os.fspath(store)}: a zipped OME-Zarr (.ozx, RFC-9) needs OME-Zarr 0.5 or later "
            f"(Zarr v3); got version {fmt.version!r}"
        )


def _describe(store: StoreLike) -> str:
    if isinstance(store, str | os.PathLike):
        return os.fspath(store)
    target, root = locate(store, read_only=True)
    return describe(target, root)


def _check_replaceable(store: Store, root: str) -> None:
    """Refuse to delete a target that is not a Zarr hierarchy (a user's other files)."""
    try:
        group_attributes(store, root)
    except FileNotFoundError:
        raise StoreExistsError(
            f"{describe(store, root)}: holds files but is not a Zarr hierarchy; it is never "
            "deleted, choose another location"
        ) from None


def _write_field(
    group: zarr.Group, multiscales: Multiscales, fmt: Layout, *, overwrite: bool, **kwargs: Any
) -> None:
    to_ngff_zarr(group, multiscales, version=fmt.version, overwrite=overwrite, **kwargs)


def _holds_data(store: Store, root: str, fmt: Layout) -> bool:
    """Whether ``root`` holds anything beyond an empty group of ``fmt``'s Zarr format.

    An empty group of the other Zarr format is refused: the plate could not be written into it.
    """
    entries = set(list_dir(store, root))
    if entries and not entries & _GROUP_KEYS:
        raise StoreExistsError(
            f"{describe(store, root)} is not a Zarr hierarchy; it is never deleted (no zarr.json, "
            f".zgroup or .zattrs at its top; holds {sorted(entries)[:5]})"
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


def _stored_plate(store: StoreLike) -> tuple[str, Plate] | None:
    """The version and metadata of the plate in ``store``; None when there is none."""
    try:
        target, root = locate(store, read_only=True)
        zarr_format, attrs = group_attributes(target, root)
    except FileNotFoundError:  # MetadataNotFoundError included
        return None
    fmt = layout_for_zarr_format(zarr_format)
    if not fmt.has(attrs, "plate"):
        return None
    stated = [nearest_version(v) for v in stated_versions(attrs)]
    version = next((v for v in stated if v in WRITE_VERSIONS), fmt.version)
    plate = fmt.plate_from_attributes(attrs, path=describe(target, root))
    return version, replace(plate, version=version) if plate.version != version else plate


def _check_field(
    plate: Plate, row: str, column: str, field_index: int, acquisition: int | None
) -> str:
    """The well's path, after checking the field against the plate (NgffValueError)."""
    rows = [r.name for r in plate.rows]
    columns = [c.name for c in plate.columns]
    if row not in rows:
        raise NgffValueError(
            f"Row {row!r} not found in plate metadata: well {row}/{column} is outside the "
            f"plate: expected a row in {rows} (row_name)"
        )
    if column not in columns:
        raise NgffValueError(
            f"Column {column!r} not found in plate metadata: well {row}/{column} is outside "
            f"the plate: expected a column in {columns} (column_name)"
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
    if acquisition is not None and known and acquisition not in known:
        raise unknown_choice(
            "acquisition_id", acquisition, known, hint="the plate's acquisition ids"
        )
    return well.path


def _field_order(image: WellImage) -> tuple[int, int, str]:
    """Numeric field paths in numeric order, then any other path in text order."""
    return (0, int(image.path), "") if image.path.isdigit() else (1, 0, image.path)


def _add_group(
    documents: dict[str, bytes], fmt: Layout, path: str, attrs: Mapping[str, Any] | None
) -> None:
    documents.update(group_documents(fmt.zarr_format, path, attrs))
