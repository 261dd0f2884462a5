"""``to_ngff_zarr``: write a :class:`Multiscales` as OME-Zarr 0.4 (Zarr v2), 0.5 or 0.6 (v3)."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import zarr
from zarr.storage import LocalStore

from ._engine.cluster import active_client, cluster_threads
from ._engine.passes import plan_passes
from ._engine.pyramid import PyramidPlan, level_name, make_plan, source_of, truncated
from ._engine.run import run_passes
from ._io.consolidated import consolidate_local_image
from ._io.snapshot import sources_of
from ._io.staging import Target, is_write_failure
from ._io.store import StoreLike, as_store
from ._versions import OME_ATTRIBUTE_KEYS, layout
from ._writers import ArraySpec, LevelArray, WriteTarget, get_backend, resolve_backend
from .codecs import CodecSpec, resolve_compressors
from .compute_omero import omero_from_values, omero_level
from .config import config
from .errors import (
    InternalError,
    NgffValueError,
    NgffZarrError,
    UnsupportedVersionError,
    unknown_choice,
)
from .methods import Methods, get_method
from .multiscales import Multiscales, dataset_path, level_factors
from .ngff_image import NgffImage
from .rfc9_zip import is_ozx_path
from .update_root_attributes import update_root_attributes  # ngff-zarr keeps it here too
from .v04.omero import Omero
from .v06.common import Metadata as V06Metadata
from .vocab import DEFAULT_WRITE_VERSION, SPATIAL_DIMS, WriteVersion

__all__ = ["ScaleStrategy", "to_ngff_zarr", "to_ome_zarr", "update_root_attributes"]

_LOG = logging.getLogger(__name__)

Version = WriteVersion
ChunksPerShard = int | Sequence[int] | Mapping[str, int]
ScaleStrategy = Literal["pad", "exact"]


def to_ngff_zarr(
    store: StoreLike,
    multiscales: Multiscales,
    version: Version | None = None,
    overwrite: bool = True,
    use_tensorstore: bool = False,
    chunk_store: StoreLike | None = None,
    progress: Any = None,
    chunks_per_shard: ChunksPerShard | None = None,
    scale_strategy: ScaleStrategy = "pad",
    metadata_only: bool = False,
    start_level: int = 0,
    consolidate_metadata: bool = True,
    *,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
    omero: bool | None = None,
    backend: str | None = None,
    **kwargs: Any,
) -> None:
    """Write ``multiscales`` to ``store`` as OME-Zarr, streaming, in bounded memory.

    The full-resolution data is read once, region by region; every lower level of a region is
    computed in memory from the level above and written before the next region is read.
    Arrays are written first and the OME metadata last, so an interrupted write never leaves a
    store that looks complete. A local directory is written next to its final place and moved
    there only when complete: an existing store is replaced only by a finished one, and a
    directory that is not a Zarr store is never replaced.

    Parameters
    ----------
    store
        A directory path, an fsspec URL, a zarr store, or a :class:`zarr.Group` (the image is
        written into that group, e.g. a plate's field). A path ending in ``.ozx`` writes a
        zipped OME-Zarr (RFC-9, 0.5 or later; arrays sharded, 2 chunks per shard, by
        default).
    multiscales
        The pyramid, from :func:`to_multiscales` or :func:`from_ngff_zarr`.
    version
        ``"0.5"`` (Zarr v3, ``ome`` attributes; the default, as ngff-zarr), ``"0.6"`` (0.5's
        layout with coordinate systems and transformations; the default for 0.6 metadata) or
        ``"0.4"`` (Zarr v2, ``/`` chunk keys). Into an existing Zarr v2 group the default is
        0.4. Metadata converts between versions when the target can express it.
    overwrite
        Replace an existing Zarr store at the target (the default, as ngff-zarr). Without
        it, a non-empty target raises :class:`StoreExistsError` and nothing is written.
    use_tensorstore
        Write the arrays with tensorstore (local directories only): ``backend="tensorstore"``.
    chunk_store
        Not supported (chunks and metadata are written to ``store``); must be None.
    progress
        Show a progress bar per level (any true value).
    chunks_per_shard
        0.5 only: shard the arrays, with this many chunks per shard (int, tuple in dims order,
        or mapping by dim). A shard never exceeds the array's extent.
    scale_strategy
        ``"pad"`` or ``"exact"``. Both write every level with the shape its scale describes.
    metadata_only
        Create the arrays (shape, dtype, chunks, shards, codecs) and write the metadata, but
        no pixels: the arrays read as zeros until filled by any Zarr writer.
    start_level
        The first level to write: the levels below it exist in the store already, with the
        shape and dtype the multiscales describes, and are read, never rewritten (the first
        written level is computed from them). Needs ``overwrite=False``; the store is written
        in place (levels from ``start_level`` on, then the metadata in full; other root
        attributes are kept).
    consolidate_metadata
        Write consolidated metadata after the arrays (``.zmetadata`` for 0.4, inline in the
        root ``zarr.json`` for 0.5), so readers open the hierarchy with one read.
    memory_target
        Bytes the write may hold in memory; default :attr:`ngff_zarr.config.memory_target`.
    storage_options
        Passed to fsspec for URLs.
    omero
        Write ``omero`` display metadata computed from the pixels when
        ``multiscales.metadata.omero`` is None: windows at the 2% and 98% quantiles, colours
        and labels from the image's ``channel_colors`` and ``channel_names`` (see
        :func:`~ngff_zarr.compute_omero_from_multiscales`), taken from the level written that
        ngff-zarr would pick (a coarse one for large images: it costs one read of that level).
        None (default): when the image has channel names or colours; True: always; False:
        never. A ``metadata.omero`` that is set is written as it is.
    backend
        What writes the arrays' chunks: ``"auto"`` (the fastest installed backend that can
        write the target: for a local directory zarr-python with the Rust ``zarrs`` codec
        pipeline, else tensorstore, else zarr-python; any other store: zarr-python),
        ``"zarrs"``, ``"tensorstore"`` or ``"zarr"`` (zarr-python). Every backend writes the
        same store. Default: :attr:`ngff_zarr.config.write_backend` (``"auto"``).
    **kwargs
        Array-creation options: ``compressors``, the arrays' compression (a codec name from
        :func:`~ngff_zarr.codecs.get_available_codecs`, a numcodecs or zarr codec, a list of
        them, or ``"none"``; default Zstandard), or ``compressor`` (one codec, as zarr v2
        names it; None for no compression).

    Raises
    ------
    UnsupportedVersionError
        A version other than 0.4, 0.5 or 0.6, or sharding requested with 0.4.
    StoreExistsError
        The target holds data and ``overwrite`` is false, is not a Zarr hierarchy, or holds
        groups beside its image that the rewrite could not keep.
    NgffValueError
        An unknown keyword, ``scale_strategy`` or ``backend`` (or a backend that cannot write
        the target), a ``chunk_store``, or an image read from
        the target when the target cannot be staged (not local); or 0.6 metadata with
        coordinate systems or transformations written as 0.4/0.5 (the message names them;
        nothing is written).
    WriteError
        The target cannot be written (disk full, permissions, ...); the message says what
        was kept.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from ngff_zarr import to_ngff_image, to_multiscales, to_ngff_zarr, from_ngff_zarr
    >>> image = to_ngff_image(np.arange(64 * 64, dtype="uint16").reshape(64, 64))
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> to_ngff_zarr(path, to_multiscales(image, scale_factors=[2]))
    >>> back = from_ngff_zarr(path)
    >>> back.metadata.version, [d.path for d in back.metadata.datasets]
    ('0.5', ['scale0/image', 'scale1/image'])
    """
    if version is None:  # 0.5 (0.6 metadata: 0.6), or 0.4 into an existing Zarr v2 group
        v2_group = isinstance(store, zarr.Group) and store.metadata.zarr_format == 2
        v06 = isinstance(multiscales.metadata, V06Metadata)
        version = "0.4" if v2_group else "0.6" if v06 else DEFAULT_WRITE_VERSION
    target_layout = layout(version)
    # before any data is written: raises when the metadata says what `version` cannot express
    target_layout.image_attributes(multiscales.metadata)
    if chunks_per_shard is not None and target_layout.zarr_format != 3:
        raise UnsupportedVersionError(
            f"chunks_per_shard: sharding needs Zarr v3 (OME-Zarr 0.5); got version={version!r}"
        )
    if scale_strategy not in ("pad", "exact"):
        raise unknown_choice("scale_strategy", scale_strategy, ["pad", "exact"])
    if chunk_store is not None:
        raise NgffValueError(
            "chunk_store: not supported; chunks and metadata are written to the same store"
        )
    if start_level and overwrite:
        raise NgffValueError(
            "start_level: keeps the levels already in the store, which overwrite=True would "
            "replace; pass overwrite=False"
        )
    if not 0 <= start_level < len(multiscales.images):
        raise NgffValueError(
            f"start_level: expected 0 to {len(multiscales.images) - 1}, got {start_level!r}"
        )
    zipped = isinstance(store, str | os.PathLike) and is_ozx_path(store)
    if zipped and chunks_per_shard is None and target_layout.zarr_format == 3:
        chunks_per_shard = 2  # RFC-9: shard the arrays of a zipped store
    if zipped and (metadata_only or start_level):
        raise NgffValueError(
            "metadata_only, start_level: not available for .ozx output (a zipped store is "
            "written in one piece, with its data)"
        )
    codecs = _compressors(kwargs)
    dims = multiscales.dims
    levels = multiscales.images
    level_chunks = [_stored_chunks(multiscales, im) for im in levels]
    level_shards = [
        _shards(chunks_per_shard, dims, c, im.shape)
        for c, im in zip(level_chunks, levels, strict=True)
    ]
    units = [s if s is not None else c for s, c in zip(level_shards, level_chunks, strict=True)]
    streamed = _streamed_plan(multiscales)
    root_attributes = _root_attributes(multiscales)
    datasets = multiscales.metadata.datasets
    paths = [
        datasets[k].path if k < len(datasets) else dataset_path(k, multiscales.metadata.name)
        for k in range(len(levels))
    ]
    if start_level:
        target = _in_place(store, storage_options, target_layout.zarr_format)
    else:
        target = Target.open(
            store,
            overwrite=overwrite,
            storage_options=storage_options,
            zarr_format=target_layout.zarr_format,
            paths=paths,
            sources=sources_of(im.data for im in levels),
        )
    try:
        writer = get_backend(
            _backend_name(backend, use_tensorstore, target, codecs, target_layout.zarr_format),
            group=target.group,
            root=target.local_root,
            group_path=target.group_path,
        )
        arrays: dict[int, LevelArray] = {}
        for level, im in enumerate(levels):
            path = paths[level]
            if level < start_level:
                arrays[level] = _stored_level(target.group, path, im, level)
                continue
            if "/" in path:  # the groups above the array ("scale0"), for every backend
                target.group.require_group(path.rsplit("/", 1)[0])
            arrays[level] = writer.create(
                ArraySpec(
                    path=path,
                    shape=im.shape,
                    dtype=im.data.dtype,
                    chunks=level_chunks[level],
                    shards=level_shards[level],
                    dims=dims,
                    zarr_format=target_layout.zarr_format,
                    compressors=codecs,
                )
            )
        metadata = multiscales.metadata
        if not metadata_only:
            _stream_levels(
                multiscales,
                streamed,
                arrays,
                units,
                target,
                memory_target,
                bool(progress),
                start_level,
            )
            if _wants_omero(multiscales, omero):
                metadata = replace(metadata, omero=_computed_omero(multiscales, arrays))
        target.finish(
            {**root_attributes, **target_layout.image_attributes(metadata)},
            before_commit=_consolidate if consolidate_metadata else None,
        )
    except BaseException as exc:
        target.abort()
        if is_write_failure(exc):  # disk full, permissions, I/O: say what was kept
            raise target.failure(exc) from exc
        raise
    for im in levels:
        for callback in im.computed_callbacks:
            callback()


to_ome_zarr = to_ngff_zarr  # ngff-zarr 0.50's other name for it (the same function)


def _backend_name(
    backend: str | None,
    use_tensorstore: bool,
    target: Target,
    codecs: tuple[CodecSpec, ...],
    zarr_format: int,
) -> str:
    """The writer backend: ``backend``, ``use_tensorstore``, or the configured one."""
    if use_tensorstore and backend not in (None, "tensorstore"):
        raise NgffValueError(
            f"backend: use_tensorstore=True writes with tensorstore, got backend={backend!r}"
        )
    name = "tensorstore" if use_tensorstore else backend or config.write_backend
    where = WriteTarget(
        group=target.group,
        root=target.local_root,
        group_path=target.group_path,
        compressors=codecs,
        zarr_format=zarr_format,
    )
    chosen = resolve_backend(name, where)
    _LOG.debug("writing the arrays with the %s backend (asked for %s)", chosen, name)
    return chosen


def _stream_levels(
    multiscales: Multiscales,
    streamed: PyramidPlan,
    arrays: dict[int, LevelArray],
    units: list[tuple[int, ...]],
    target: Target,
    memory_target: int | None,
    progress: bool,
    start: int = 0,
) -> None:
    """Compute and write the levels from ``start``: planned ones computed, others as given."""
    levels = multiscales.images
    workers = config.max_workers
    budget = memory_target if memory_target is not None else config.memory_target
    # a distributed Client runs the regions on its cluster when its workers can reach the
    # target (a directory); in-memory targets stay on this process's threads
    client = active_client()
    if client is not None and target.local_root is None:
        _LOG.info(
            "a distributed Client is active, but the target is not a local directory "
            "its workers can reach: regions run on this process's threads"
        )
        client = None
    if client is not None:
        workers = cluster_threads(client)

    def stream(plan: PyramidPlan, first: int, begin: int = 0) -> None:
        level_units = units[first : first + plan.levels]
        passes = plan_passes(
            plan, level_units, memory_target=budget, workers=workers,
            whole_units=client is not None, start=begin,
        )  # fmt: skip
        run_passes(
            plan,
            passes,
            {k: arrays[first + k] for k in range(plan.levels)},
            units=level_units,
            workers=workers,
            progress=progress,
            client=client,
        )

    if start < streamed.levels:
        stream(streamed, 0, start)
    # levels the plan does not compute (replaced by the caller, or read from a store) are
    # written as given, each streamed from its own data
    copy = get_method(Methods.NEAREST)
    for level in range(max(start, streamed.levels), len(levels)):
        stream(make_plan(levels[level].data, [], copy, _spatial(multiscales.dims)), level)


class _StoredLevel:
    """A level already in the store (below ``start_level``): read, never written."""

    def __init__(self, array: Any) -> None:
        self._array = array

    def write(self, key: tuple[slice, ...], data: np.ndarray) -> None:
        raise InternalError("a level below start_level is never written")

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        return np.asarray(self._array[key])


def _stored_level(group: zarr.Group, path: str, image: NgffImage, level: int) -> LevelArray:
    """The existing array of a level below ``start_level``, checked against the multiscales."""
    try:
        array = group[path]
    except KeyError:
        raise NgffValueError(
            f"start_level: level {level} ({path!r}) is not in the store; write it first"
        ) from None
    if not isinstance(array, zarr.Array) or (array.shape, array.dtype) != (
        image.shape,
        np.dtype(image.dtype),
    ):
        found = (getattr(array, "shape", None), getattr(array, "dtype", None))
        raise NgffValueError(
            f"start_level: level {level} ({path!r}) in the store is {found}, the multiscales "
            f"describes {(image.shape, np.dtype(image.dtype))}"
        )
    return _StoredLevel(array)


def _in_place(
    store: StoreLike, storage_options: Mapping[str, Any] | None, zarr_format: int
) -> Target:
    """The existing image group, written in place (``start_level``)."""
    if isinstance(store, zarr.Group):
        group = store
    else:
        zstore = as_store(store, read_only=False, storage_options=storage_options)
        try:
            group = zarr.open_group(zstore, mode="r+")
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise NgffValueError(f"start_level: no Zarr group to add levels to ({exc})") from exc
    if group.metadata.zarr_format != zarr_format:
        raise UnsupportedVersionError(
            f"start_level: the store is Zarr v{group.metadata.zarr_format}, the version written "
            f"needs Zarr v{zarr_format}"
        )
    return Target.existing(group)


def _wants_omero(multiscales: Multiscales, omero: bool | None) -> bool:
    if multiscales.metadata.omero is not None or omero is False:
        return False
    first = multiscales.images[0]
    return bool(omero) or bool(first.channel_names or first.channel_colors)


def _computed_omero(multiscales: Multiscales, arrays: dict[int, LevelArray]) -> Omero:
    """omero from the pixels of the level ngff-zarr picks, read back from the store written."""
    images = multiscales.images
    first = images[0]
    level = omero_level([im.shape for im in images], first.dims)
    values = arrays[level].read(tuple(slice(0, n) for n in images[level].shape))
    values = np.moveaxis(values, first.dims.index("c"), 0) if "c" in first.dims else values[None]
    return omero_from_values(values, colors=first.channel_colors, labels=first.channel_names)


def _stored_chunks(multiscales: Multiscales, image: NgffImage) -> tuple[int, ...]:
    """A level's stored chunk shape: ``multiscales.chunks``, else the image's dask chunks."""
    chunk_map = multiscales.chunks or {}
    dask_chunks = tuple(int(c) for c in image.data.chunksize)
    return tuple(
        max(1, min(int(chunk_map.get(d, c)), s))
        for d, c, s in zip(image.dims, dask_chunks, image.shape, strict=True)
    )


def _compressors(kwargs: dict[str, Any]) -> tuple[CodecSpec, ...]:
    """The compressors from the array-creation keywords ``compressors`` or ``compressor``."""
    unknown = sorted(set(kwargs) - {"compressors", "compressor"})
    if unknown:
        raise NgffValueError(
            f"to_ngff_zarr: unexpected keyword {unknown[0]!r}; the array-creation keywords are "
            "'compressors' and 'compressor' (the chunk shape comes from "
            "to_multiscales(chunks=...))"
        )
    if "compressor" in kwargs and "compressors" in kwargs:
        raise NgffValueError("compressor: pass either compressor or compressors, not both")
    if "compressor" in kwargs:  # zarr v2's name: one codec, None for no compression
        value = kwargs["compressor"]
        return resolve_compressors("none" if value is None else value, where="compressor")
    return resolve_compressors(kwargs.get("compressors"))


def _root_attributes(multiscales: Multiscales) -> dict[str, Any]:
    attrs = dict(multiscales.root_attributes or {})
    reserved = sorted(set(attrs) & OME_ATTRIBUTE_KEYS)
    if reserved:
        raise NgffValueError(
            f"root_attributes: cannot set {reserved}: the writer derives the OME metadata "
            "from the multiscales"
        )
    return attrs


def _consolidate(group: zarr.Group) -> None:
    """Consolidated metadata of the image group (zarr-python warns it is not in the v3 spec).

    A local image is consolidated from the files just written (see
    :mod:`ngff_zarr._io.consolidated`); any other, and a tree with groups below the image,
    by zarr-python.
    """
    if isinstance(group.store, LocalStore) and consolidate_local_image(
        group.store, group.path, group.metadata.zarr_format
    ):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zarr.consolidate_metadata(group.store, path=group.path or None)


def _spatial(dims: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(d in SPATIAL_DIMS for d in dims)


def _streamed_plan(multiscales: Multiscales) -> PyramidPlan:
    """The plan of level 0 and of the lower levels that it computes, as the images hold them.

    The plan is rebuilt from the first image (the source, when it is a level-0 view that
    :func:`to_multiscales` rechunked), the scale factors as given and the method; a lower
    level counts only while its data is still the planned computation (same dask name), so a
    level the caller replaced, and every level after it, is written from its own data.
    """
    images = multiscales.images
    dims = multiscales.dims
    source = source_of(images[0].data)
    copy = make_plan(source, [], get_method(Methods.NEAREST), _spatial(dims))
    if multiscales.method is None or not multiscales.scale_factors or len(images) < 2:
        return copy
    try:
        factors = level_factors(
            multiscales.scale_factors, dims, images[0].shape, multiscales.chunks
        )
        plan = make_plan(source, factors, get_method(multiscales.method), _spatial(dims))
    except NgffZarrError as exc:
        _LOG.info("levels below the first are written from their own data: %s", exc)
        return copy
    count = 1
    for level in range(1, min(plan.levels, len(images))):
        image = images[level]
        if image.shape != plan.shapes[level] or image.data.name != level_name(plan, level):
            _LOG.debug("level %d is not the planned computation: written as given", level)
            break
        count += 1
    return truncated(plan, count)


def _shards(
    chunks_per_shard: ChunksPerShard | None,
    dims: tuple[str, ...],
    chunks: tuple[int, ...],
    shape: tuple[int, ...],
) -> tuple[int, ...] | None:
    if chunks_per_shard is None:
        return None
    if isinstance(chunks_per_shard, int):
        per = {d: (chunks_per_shard if d in SPATIAL_DIMS else 1) for d in dims}
    elif isinstance(chunks_per_shard, Mapping):
        unknown = [d for d in chunks_per_shard if d not in dims]
        if unknown:
            raise NgffValueError(
                f"chunks_per_shard: dims {unknown} are not image dims {list(dims)}"
            )
        per = {d: int(chunks_per_shard.get(d, 1)) for d in dims}
    else:
        values = [int(v) for v in chunks_per_shard]
        if len(values) != len(dims):
            raise NgffValueError(
                f"chunks_per_shard: expected one value per dim {list(dims)}, got {len(values)}"
            )
        per = dict(zip(dims, values, strict=True))
    if any(v < 1 for v in per.values()):
        raise NgffValueError(f"chunks_per_shard: expected values >= 1, got {per}")
    out = []
    for d, c, n in zip(dims, chunks, shape, strict=True):
        count = min(per[d], -(-n // c))  # no more chunks per shard than the array has
        out.append(c * count)
    return tuple(out)
