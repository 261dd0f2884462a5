"""``to_ngff_zarr``: write a :class:`Multiscales` as OME-Zarr 0.4 (Zarr v2) or 0.5 (Zarr v3)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ._engine.cluster import active_client, cluster_threads
from ._engine.passes import plan_passes
from ._engine.pyramid import PyramidPlan, level_name, make_plan, truncated
from ._engine.run import run_passes
from ._io.snapshot import sources_of
from ._io.staging import Target, is_write_failure
from ._io.store import StoreLike
from ._versions import layout
from ._writers import ArraySpec, LevelArray, get_backend
from .codecs import resolve_compressors
from .config import config
from .errors import NgffValueError, NgffZarrError, UnsupportedVersionError
from .methods import Methods, get_method
from .multiscales import Multiscales
from .rfc9_zip import is_ozx_path
from .update_root_attributes import update_root_attributes  # ngff-zarr keeps it here too
from .vocab import SPATIAL_DIMS, WriteVersion

__all__ = ["to_ngff_zarr", "update_root_attributes"]

_LOG = logging.getLogger(__name__)

Version = WriteVersion
ChunksPerShard = int | Sequence[int] | Mapping[str, int]


def to_ngff_zarr(
    store: StoreLike,
    multiscales: Multiscales,
    *,
    version: Version = "0.4",
    chunks_per_shard: ChunksPerShard | None = None,
    use_tensorstore: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
    compressors: Any = None,
) -> None:
    """Write ``multiscales`` to ``store`` as OME-Zarr, streaming, in bounded memory.

    The full-resolution data is read once, region by region; every lower level of a region is
    computed in memory from the level above and written before the next region is read.
    Arrays are written first and the OME metadata last, so an interrupted write never leaves a
    store that looks complete. A local directory is written next to its final place and moved
    there only when complete: an existing store is replaced only by a finished one.

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
        ``"0.4"`` (Zarr v2, ``/`` chunk keys) or ``"0.5"`` (Zarr v3, ``ome`` attributes).
    chunks_per_shard
        0.5 only: shard the arrays, with this many chunks per shard (int, tuple in dims order,
        or mapping by dim). A shard never exceeds the array's extent.
    use_tensorstore
        Write the arrays with tensorstore instead of zarr-python (local directories only).
    overwrite
        Replace an existing, non-empty target. Without it, such a target raises
        :class:`StoreExistsError` and nothing is written. What the replaced image did not
        own (``labels/``, ``tables/``, other groups, custom attributes) is kept; a directory
        that is not a Zarr hierarchy is never replaced.
    progress
        Show a progress bar per level.
    memory_target
        Bytes the write may hold in memory; default :func:`ngff_zarr.config.memory_target`.
    storage_options
        Passed to fsspec for URLs.
    compressors
        The arrays' compression: a codec name (:func:`~ngff_zarr.codecs.get_available_codecs`),
        a numcodecs or zarr codec, a list of them, or ``"none"``; default Zstandard.

    Raises
    ------
    UnsupportedVersionError
        A version other than 0.4 or 0.5, or sharding requested with 0.4.
    StoreExistsError
        The target holds data and ``overwrite`` is false, is not a Zarr hierarchy, or holds
        groups beside its image that the rewrite could not keep.
    NgffValueError
        The image is read from the target and the target cannot be staged (not local).
    WriteError
        The target cannot be written (disk full, permissions, ...); the message says what
        was kept.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from ngff_zarr import to_ngff_image, to_multiscales, to_ngff_zarr, from_ngff_zarr
    >>> image = to_ngff_image(np.arange(64 * 64, dtype="uint16").reshape(64, 64))
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> to_ngff_zarr(path, to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> [im.shape for im in from_ngff_zarr(path).images]
    [(64, 64), (32, 32)]
    """
    target_layout = layout(version)
    zipped = isinstance(store, str | os.PathLike) and is_ozx_path(store)
    if zipped and chunks_per_shard is None and target_layout.zarr_format == 3:
        chunks_per_shard = 2  # RFC-9: shard the arrays of a zipped store
    if chunks_per_shard is not None and target_layout.zarr_format != 3:
        raise UnsupportedVersionError(
            f"chunks_per_shard: sharding needs Zarr v3 (OME-Zarr 0.5); got version={version!r}"
        )
    dims = multiscales.dims
    levels = multiscales.images
    chunk_map = multiscales.chunks or {}
    level_chunks = [
        tuple(min(int(chunk_map.get(d, s)), s) for d, s in zip(dims, im.shape, strict=True))
        for im in levels
    ]
    level_shards = [
        _shards(chunks_per_shard, dims, c, im.shape)
        for c, im in zip(level_chunks, levels, strict=True)
    ]
    units = [s if s is not None else c for s, c in zip(level_shards, level_chunks, strict=True)]
    codecs = resolve_compressors(compressors)
    streamed = _streamed_plan(multiscales)
    datasets = multiscales.metadata.datasets
    paths = [datasets[k].path if k < len(datasets) else str(k) for k in range(len(levels))]
    target = Target.open(
        store,
        overwrite=overwrite,
        storage_options=storage_options,
        zarr_format=target_layout.zarr_format,
        paths=paths,
        sources=sources_of(im.data for im in levels),
    )
    try:
        backend = get_backend(
            "tensorstore" if use_tensorstore else "zarr",
            group=target.group,
            root=target.local_root,
            group_path=target.group_path,
        )
        arrays: dict[int, LevelArray] = {}
        for level, im in enumerate(levels):
            arrays[level] = backend.create(
                ArraySpec(
                    path=paths[level],
                    shape=im.shape,
                    dtype=im.data.dtype,
                    chunks=level_chunks[level],
                    shards=level_shards[level],
                    dims=dims,
                    zarr_format=target_layout.zarr_format,
                    compressors=codecs,
                )
            )
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

        def stream(plan: PyramidPlan, first: int) -> None:
            level_units = units[first : first + plan.levels]
            passes = plan_passes(
                plan, level_units, memory_target=budget, workers=workers,
                whole_units=client is not None,
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

        stream(streamed, 0)
        # levels the plan does not compute (replaced by the caller, or read from a store) are
        # written as given, each streamed from its own data
        copy = get_method(Methods.NEAREST)
        for level in range(streamed.levels, len(levels)):
            stream(make_plan(levels[level].data, [], copy, _spatial(dims)), level)
        target.finish(target_layout.image_attributes(multiscales.metadata))
    except BaseException as exc:
        target.abort()
        if is_write_failure(exc):  # disk full, permissions, I/O: say what was kept
            raise target.failure(exc) from exc
        raise


def _spatial(dims: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(d in SPATIAL_DIMS for d in dims)


def _streamed_plan(multiscales: Multiscales) -> PyramidPlan:
    """The plan of level 0 and of the lower levels that it computes, as the images hold them.

    The plan is rebuilt from the first image, the scale factors and the method; a lower level
    counts only while its data is still the planned computation (same dask name), so a level
    the caller replaced, and every level after it, is written from its own data.
    """
    images = multiscales.images
    dims = multiscales.dims
    copy = make_plan(images[0].data, [], get_method(Methods.NEAREST), _spatial(dims))
    if multiscales.method is None or not multiscales.scale_factors or len(images) < 2:
        return copy
    try:
        factors = [tuple(int(f.get(d, 1)) for d in dims) for f in multiscales.scale_factors]
        plan = make_plan(images[0].data, factors, get_method(multiscales.method), _spatial(dims))
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
