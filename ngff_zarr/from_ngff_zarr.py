"""``from_ngff_zarr``: read an OME-Zarr image (0.1 to 0.6) lazily into a :class:`Multiscales`."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, Literal

import zarr
from dask.base import tokenize

from ._arrays import BoxReader, grouped_chunks
from ._io.documents import group_attributes, read_json
from ._io.snapshot import StoredArray, location_of, register_source, tree_identity
from ._io.store import StoreLike, as_store, describe, is_relative_key, join
from ._io.tensorstore_read import open_local
from ._validation.arrays import array_problems
from ._validation.document import too_many_values
from ._validation.report import Severity, validation_error
from ._validation.rules import Sink, check_image
from ._versions import OME_ATTRIBUTE_KEYS, find_image, plate_hint, read_metadata
from .config import config
from .errors import (
    ArrayNotFoundError,
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    NgffWarning,
    ReadError,
    UnsupportedVersionError,
    unknown_choice,
)
from .methods import Methods
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .rfc4 import axes_orientations_from_axes
from .v04.multiscales import Metadata, dataset_path
from .v04.transformations import Scale, Translation
from .v06 import rules as v06_rules
from .vocab import AXIS_TYPES, DIM_TYPES, normalize_unit, zarr_format_of

__all__ = ["from_ngff_zarr", "from_ome_zarr"]


def from_ngff_zarr(
    store: StoreLike,
    validate: bool = False,
    version: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
    kind: Literal["multiscales"] | None = None,
) -> Multiscales:
    """Open an OME-Zarr image as a :class:`Multiscales` whose levels are lazy dask arrays.

    Parameters
    ----------
    store
        A directory path, an fsspec URL (``http://``, ``s3://``...), a zarr store or a group.
    validate
        Validate the metadata against the specification first (see :func:`validate`) and
        raise :class:`NgffValidationError` carrying the report if it has errors (also a
        ``jsonschema.exceptions.ValidationError``, as ngff-zarr raises).
    version
        The version the store must have (``"0.1"`` to ``"0.6"``); default: whatever it has.
    storage_options
        Passed to fsspec for URLs (e.g. ``{"anon": True}`` for public S3 buckets).
    kind
        What to read: ``"multiscales"`` (an image; the default).

    Returns
    -------
    Multiscales
        With ``metadata.version`` the store's version, ``root_attributes`` the root's
        attributes other than the OME metadata, ``chunks`` the stored chunk shape of the
        first level and ``scale_factors`` None.

    Raises
    ------
    MetadataNotFoundError
        No OME-NGFF image metadata at the location.
    NgffValueError
        The location is an HCS plate (the message gives the paths of its fields).
    InvalidMetadataError
        Malformed metadata; the message names the file and the field.
    ArrayNotFoundError
        A dataset path that has no array.
    UnsupportedVersionError
        An unknown version, or not the one asked for.
    NgffValidationError
        ``validate=True`` and the store is not valid.
    """
    if kind not in (None, "multiscales"):
        raise unknown_choice("kind", kind, ["multiscales"])
    zstore = as_store(store, read_only=True, storage_options=storage_options)
    given = store.path if isinstance(store, zarr.Group) else ""
    root = getattr(zstore, "root", None)
    for _ in range(_OPEN_ATTEMPTS):
        # A local image is opened as one version of its directory (see _io/snapshot.py): a
        # rewrite renamed into place meanwhile makes the open start again.
        directory, pinned, base, zarr_format, attrs = _pin(zstore, given, root)
        multiscales = _open(
            zstore, base, zarr_format, attrs, directory, pinned, validate=validate,
            version=version, shown=store if isinstance(store, str) else describe(zstore, base),
        )  # fmt: skip
        if directory is None or tree_identity(directory) == pinned:
            return multiscales
    raise ReadError(f"{root}: replaced by other writes {_OPEN_ATTEMPTS} times while being opened")


_OPEN_ATTEMPTS = 5
# Beyond these, metadata describes arrays no reader could handle: refused before any loop.
_MAX_LEVELS = 256
_MAX_READ_TASKS = 2**24


def _pin(zstore: Any, base: str, root: Any) -> tuple[Any, Any, str, int, dict[str, Any]]:
    """The image's directory and its identity (local stores), then its group's attributes."""
    directory = (root / base if base else root) if isinstance(root, Path) else None
    pinned = tree_identity(directory) if directory is not None else None
    zarr_format, attrs = group_attributes(zstore, base)
    if "bioformats2raw.layout" in attrs and "multiscales" not in attrs:
        base = join(base, "0")  # bioformats2raw: the first series is image "0"
        directory = directory / "0" if directory is not None else None
        pinned = tree_identity(directory) if directory is not None else None
        zarr_format, attrs = group_attributes(zstore, base)
    return directory, pinned, base, zarr_format, attrs


def _open(
    zstore: Any,
    base: str,
    zarr_format: int,
    attrs: dict[str, Any],
    directory: Path | None,
    pinned: tuple[int, int, int] | None,
    *,
    validate: bool,
    version: str | None,
    shown: str,
) -> Multiscales:
    where = describe(zstore, join(base, "zarr.json" if zarr_format == 3 else ".zattrs"))
    try:
        found, container = find_image(attrs, zarr_format, where)
    except MetadataNotFoundError:
        hint = plate_hint(attrs, shown)
        if hint is not None:  # a plate root: ngff-zarr's message, a ValueError
            raise NgffValueError(hint) from None
        raise
    root_attributes = {k: v for k, v in attrs.items() if k not in OME_ATTRIBUTE_KEYS} or None
    if version is not None and version != found:
        raise UnsupportedVersionError(f"{where}: expected OME-NGFF {version}, found {found}")
    _check_format(found, zarr_format, where)
    if validate:
        from .validate import validate as run_validation  # the same layer; only when asked

        report = run_validation(
            zstore if not base else zarr.open_group(zstore, path=base, mode="r")
        )
        if not report.ok:
            # also a jsonschema ValidationError, what ngff-zarr raises here
            raise validation_error(
                f"{describe(zstore, base)} is not valid OME-NGFF:\n{report}", report
            )
    datasets = container["multiscales"][0].get("datasets") or []
    if not isinstance(datasets, list) or len(datasets) > _MAX_LEVELS:
        raise InvalidMetadataError(
            f"expected a list of at most {_MAX_LEVELS} levels, found "
            f"{len(datasets) if isinstance(datasets, list) else repr(datasets)[:80]}",
            path=where,
            field="multiscales[0].datasets",
        )
    if too_many_values([container.get("multiscales"), container.get("omero")]):
        raise InvalidMetadataError(
            f"more than {config.metadata_max_values} values of image metadata "
            "(config.metadata_max_values)",
            path=where,
        )
    _check_image(container, found, where)
    arrays = _open_arrays(zstore, base, datasets, zarr_format, where)
    metadata = read_metadata(container, found, arrays[0].ndim if arrays else 0, where)
    for i, array in enumerate(arrays):
        if array.ndim != len(metadata.axes):
            raise InvalidMetadataError(
                f"array {datasets[i].get('path')!r} has {array.ndim} dims but there are "
                f"{len(metadata.axes)} axes {list(metadata.dims)}",
                path=where,
                field=f"multiscales[0].datasets[{i}]",
            )
    root = getattr(zstore, "root", None)
    if isinstance(root, Path):  # local: decode with tensorstore when it is installed
        arrays = [
            t or a for t, a in zip(open_local(arrays, root, zarr_format), arrays, strict=True)
        ]
    stored = [
        StoredArray(a, location_of(zstore, a.path), directory=directory, identity=pinned)
        for a in arrays
    ]
    images = [_image(array, metadata, i, where, pinned) for i, array in enumerate(stored)]
    method = None
    if metadata.type is not None:
        try:
            method = Methods(metadata.type)
        except ValueError:
            method = None
    first_chunks = arrays[0].chunks
    return Multiscales(
        images=images,
        metadata=metadata,
        method=method,
        chunks=dict(zip(metadata.dims, (int(c) for c in first_chunks), strict=True)),
        root_attributes=root_attributes,
    )


from_ome_zarr = from_ngff_zarr  # ngff-zarr 0.50's other name for it (the same function)


# Rules of the validator that a read relies on: axes that name and order the dims, and
# transformations that place them (a read past them returns wrong scales or levels).
_READ_RULES: Final = frozenset(
    {"NGFF101", "NGFF102", "NGFF103", "NGFF104", "NGFF105", "NGFF202", "NGFF203", "NGFF205"}
)
# 0.6: axes, systems that exist, input.path, one intrinsic system, parameter lengths
_READ_RULES_06: Final = frozenset(
    {"NGFF102", "NGFF103", "NGFF105", "NGFF802", "NGFF803", "NGFF804", "NGFF805"}
)


def _check_format(version: str, zarr_format: int, where: str) -> None:
    """OME-NGFF 0.5 and 0.6 live in Zarr v3 under ``ome``; 0.1 to 0.4 in Zarr v2."""
    expected = zarr_format_of(version)
    if zarr_format != expected:
        found = "zarr.json" if zarr_format == 3 else ".zattrs"
        raise InvalidMetadataError(
            f"OME-NGFF {version} is stored in Zarr v{expected}, but this image is Zarr "
            f"v{zarr_format} ({found}); its metadata states a version its format cannot have",
            path=where,
            field="ome.version" if expected == 3 else "multiscales[0].version",
        )


def _check_image(container: Mapping[str, Any], version: str, where: str) -> None:
    """Raise on the first broken MUST that the read relies on (the validator's own rules)."""
    if version == "0.6":
        for rule in v06_rules.check_v06_image({"ome": dict(container)}):
            if rule.severity == "error" and rule.code in _READ_RULES_06:
                raise InvalidMetadataError(rule.message, path=where, field=rule.field)
        return
    sink = Sink(where)
    check_image(dict(container), version, sink)
    for finding in sink.findings:
        if finding.severity is Severity.ERROR and finding.code in _READ_RULES:
            raise InvalidMetadataError(finding.message, path=where, field=finding.field)


def _open_arrays(
    store: Any, base: str, datasets: list[Any], zarr_format: int, where: str
) -> list[Any]:
    """The levels' arrays, opened concurrently (each open waits on its own metadata read);
    a failure raises the error of the first failing level, as opening them in turn would."""
    if len(datasets) < 2:
        return [
            _open_array(store, base, ds, zarr_format, where, i) for i, ds in enumerate(datasets)
        ]
    threads = min(len(datasets), config.metadata_concurrency, _OPEN_THREADS)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ngff-zarr-open") as pool:
        futures = [
            pool.submit(_open_array, store, base, ds, zarr_format, where, i)
            for i, ds in enumerate(datasets)
        ]
        return [f.result() for f in futures]


_OPEN_THREADS = 8


def _open_array(store: Any, base: str, ds: Any, zarr_format: int, where: str, index: int) -> Any:
    ds_path = dataset_path(ds, path=where, field=f"multiscales[0].datasets[{index}]")
    if not is_relative_key(ds_path):
        raise InvalidMetadataError(
            f"expected a relative path inside the image group, found {ds_path[:80]!r}",
            path=where,
            field=f"multiscales[0].datasets[{index}].path",
        )
    key = join(base, ds_path)
    meta_key = join(key, "zarr.json" if zarr_format == 3 else ".zarray")
    doc = read_json(store, meta_key)
    if doc is None:
        raise ArrayNotFoundError(
            f"{where}: multiscales[0].datasets[{index}].path {ds_path!r} names no array "
            f"({describe(store, meta_key)} does not exist)"
        )
    problems = array_problems(doc, zarr_format)
    if problems:
        fld, message = problems[0]
        raise InvalidMetadataError(message, path=describe(store, meta_key), field=fld)
    try:
        fmt: Literal[2, 3] = 2 if zarr_format == 2 else 3
        return zarr.open_array(store, path=key, mode="r", zarr_format=fmt)
    except Exception as exc:
        raise InvalidMetadataError(
            f"cannot open the array: {exc}", path=describe(store, meta_key)
        ) from exc


def _read_chunks(array: Any) -> tuple[int, ...]:
    """Dask chunks: the whole level up to ``config.read_level_bytes``, else whole shards (or
    chunks) grouped up to ``config.read_chunk_bytes``.

    Each task decodes many storage chunks at once through the reader's concurrent codec
    pipeline, and a slice of the dask array reads only what it asks for (:class:`BoxReader`):
    a level read as one chunk makes a box one task (no concatenation of parts). Sizes are
    computed, not counted up, so huge shapes cost nothing; an array that would still need more than
    ``_MAX_READ_TASKS`` tasks is refused.
    """
    shape = tuple(int(s) for s in array.shape)
    if all(shape) and math.prod(shape) * array.dtype.itemsize <= config.read_level_bytes:
        return shape
    shards = getattr(array, "shards", None)
    unit = shards if shards is not None else array.chunks
    out = grouped_chunks(shape, unit, array.dtype.itemsize, config.read_chunk_bytes)
    tasks = math.prod(-(-s // c) for s, c in zip(shape, out, strict=True))
    if tasks > _MAX_READ_TASKS:
        raise ReadError(
            f"{array.path}: shape {shape} would be read as {tasks} tasks of at most "
            f"{config.read_chunk_bytes} bytes, more than {_MAX_READ_TASKS}; raise "
            "config.read_chunk_bytes to read it"
        )
    return out


def _image(
    array: StoredArray, metadata: Metadata, level: int, where: str, pinned: Any
) -> NgffImage:
    dims = metadata.dims
    token = tokenize(str(array.store), array.path, array.shape, pinned)
    name = f"ngff-zarr-{array.path or 'array'}-{token}"
    # a slice of ``data`` reads the storage chunks it touches, not whole dask chunks
    data = BoxReader(array, array.path or "/").to_dask(_read_chunks(array), name=name)
    register_source(name, array)
    scale = [1.0] * len(dims)
    translation = [0.0] * len(dims)
    transforms = list(metadata.datasets[level].coordinateTransformations)
    transforms += list(metadata.coordinateTransformations or [])
    for t in transforms:  # applied in order: scale then translate, dataset then multiscale
        if isinstance(t, Scale):
            scale = [a * b for a, b in zip(scale, t.scale, strict=True)]
            translation = [a * b for a, b in zip(translation, t.scale, strict=True)]
        elif isinstance(t, Translation):
            translation = [a + b for a, b in zip(translation, t.translation, strict=True)]
    types, units = _axis_metadata(metadata, where)
    names, colors = _channels(metadata, data.shape[dims.index("c")] if "c" in dims else 1)
    return NgffImage(
        data=data,
        dims=dims,
        scale=dict(zip(dims, scale, strict=True)),
        translation=dict(zip(dims, translation, strict=True)),
        name=metadata.name,
        axes_units=units or None,
        axes_orientations=axes_orientations_from_axes(metadata.axes),
        axes_types=types or None,
        channel_names=names,
        channel_colors=colors,
    )


def _axis_metadata(metadata: Metadata, where: str) -> tuple[dict[str, str | None], dict[str, str]]:
    """Axis types that differ from the spec's, and units in the spec's names.

    A unit that is not the spec's for its axis is read with an :class:`NgffWarning` and left
    out, so that the image still reads.
    """
    types: dict[str, str | None] = {}
    units: dict[str, str] = {}
    for index, axis in enumerate(metadata.axes):
        if axis.name not in DIM_TYPES or axis.type != DIM_TYPES[axis.name]:
            types[axis.name] = axis.type
        if not axis.unit:
            continue
        kind = axis.type if axis.type is not None else DIM_TYPES.get(axis.name)
        if kind not in AXIS_TYPES:  # a custom axis keeps its unit
            units[axis.name] = axis.unit
            continue
        try:
            units[axis.name] = normalize_unit(axis.unit, axis.name, kind)
        except NgffValueError:
            warnings.warn(
                f"{where}: multiscales[0].axes[{index}].unit: {axis.unit!r} is not a unit of a "
                f"{kind} axis in the specification; read without a unit",
                NgffWarning,
                stacklevel=4,
            )
    return types, units


def _channels(metadata: Metadata, count: int) -> tuple[list[str] | None, list[str] | None]:
    """Channel names and colours from omero, when it has one entry per channel."""
    omero = metadata.omero
    if omero is None or len(omero.channels) != count:
        return None, None
    colors = [c.color for c in omero.channels]
    labels = [c.label for c in omero.channels]
    names = [str(label) for label in labels if label is not None]
    return (names if len(names) == count else None), colors
