"""``to_ngff_zarr``: write a :class:`Multiscales` as OME-Zarr 0.4 (Zarr v2) or 0.5 (Zarr v3)."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import zarr

from . import config
from ._distributed import active_client, cluster_threads
from ._plan import plan_passes
from ._pyramid import PyramidPlan, make_plan
from ._store import StoreLike, as_store, list_dir
from ._stream import run_passes
from ._writers import ArraySpec, LevelArray, get_backend
from .errors import InvalidMetadataError, StoreExistsError, UnsupportedVersionError, WriteError
from .methods import Methods, get_method
from .multiscales import Multiscales
from .v04 import zarr_metadata as v04
from .v05 import zarr_metadata as v05

__all__ = ["to_ngff_zarr"]

Version = Literal["0.4", "0.5"]
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
        written into that group, e.g. a plate's field).
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
        :class:`StoreExistsError` and nothing is written.
    progress
        Show a progress bar per level.
    memory_target
        Bytes the write may hold in memory; default :func:`ngff_zarr.config.memory_target`.
    storage_options
        Passed to fsspec for URLs.

    Raises
    ------
    UnsupportedVersionError
        A version other than 0.4 or 0.5, or sharding requested with 0.4.
    StoreExistsError
        The target holds data and ``overwrite`` is false.
    WriteError
        The target cannot be written.

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
    if version not in ("0.4", "0.5"):
        raise UnsupportedVersionError(f"version: expected '0.4' or '0.5', got {version!r}")
    if chunks_per_shard is not None and version != "0.5":
        raise UnsupportedVersionError(
            "chunks_per_shard: sharding needs OME-Zarr 0.5 (Zarr v3); got version='0.4'"
        )
    zarr_format = 2 if version == "0.4" else 3
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
    plan = _plan_for(multiscales)
    target = _Target.open(
        store, overwrite=overwrite, storage_options=storage_options, zarr_format=zarr_format
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
                    path=multiscales.metadata.datasets[level].path
                    if level < len(multiscales.metadata.datasets)
                    else str(level),
                    shape=im.shape,
                    dtype=im.data.dtype,
                    chunks=level_chunks[level],
                    shards=level_shards[level],
                    dims=dims,
                    zarr_format=zarr_format,
                )
            )
        units = [s if s is not None else c for s, c in zip(level_shards, level_chunks, strict=True)]
        workers = config.max_workers()
        budget = memory_target if memory_target is not None else config.memory_target()
        # a distributed Client runs the regions on its cluster when its workers can reach the
        # target (a directory); in-memory targets stay on this process's threads
        client = active_client() if target.local_root is not None else None
        if client is not None:
            workers = cluster_threads(client)
        if plan is not None:
            passes = plan_passes(
                plan, units, memory_target=budget, workers=workers, whole_units=client is not None
            )
            run_passes(
                plan, passes, arrays, units=units, workers=workers, progress=progress, client=client
            )
        else:
            for level, im in enumerate(levels):
                single = make_plan(
                    im.data, [], get_method(Methods.NEAREST), tuple(d in "zyx" for d in dims)
                )
                passes = plan_passes(
                    single, [units[level]], memory_target=budget, workers=workers,
                    whole_units=client is not None,
                )  # fmt: skip
                run_passes(
                    single,
                    passes,
                    {0: arrays[level]},
                    units=[units[level]],
                    workers=workers,
                    progress=progress,
                    client=client,
                )
        attributes = (v04 if version == "0.4" else v05).to_attributes(multiscales.metadata)
        target.group.attrs.update(attributes)
        target.commit()
    except BaseException:
        target.abort()
        raise


def _plan_for(multiscales: Multiscales) -> PyramidPlan | None:
    """The pyramid plan when the lower levels are still the ones it computes."""
    plan = multiscales.pyramid
    if not isinstance(plan, PyramidPlan):
        return None
    if plan.source is not multiscales.images[0].data or plan.levels != len(multiscales.images):
        return None
    if any(im.shape != shape for im, shape in zip(multiscales.images, plan.shapes, strict=True)):
        return None
    return plan


def _shards(
    chunks_per_shard: ChunksPerShard | None,
    dims: tuple[str, ...],
    chunks: tuple[int, ...],
    shape: tuple[int, ...],
) -> tuple[int, ...] | None:
    if chunks_per_shard is None:
        return None
    if isinstance(chunks_per_shard, int):
        per = {d: (chunks_per_shard if d in "zyx" else 1) for d in dims}
    elif isinstance(chunks_per_shard, Mapping):
        unknown = [d for d in chunks_per_shard if d not in dims]
        if unknown:
            raise InvalidMetadataError(
                f"dims {unknown} are not image dims {list(dims)}", field="chunks_per_shard"
            )
        per = {d: int(chunks_per_shard.get(d, 1)) for d in dims}
    else:
        values = [int(v) for v in chunks_per_shard]
        if len(values) != len(dims):
            raise InvalidMetadataError(
                f"expected one value per dim {list(dims)}, got {len(values)}",
                field="chunks_per_shard",
            )
        per = dict(zip(dims, values, strict=True))
    if any(v < 1 for v in per.values()):
        raise InvalidMetadataError(f"values must be >= 1, got {per}", field="chunks_per_shard")
    out = []
    for d, c, n in zip(dims, chunks, shape, strict=True):
        count = min(per[d], -(-n // c))  # no more chunks per shard than the array has
        out.append(c * count)
    return tuple(out)


class _Target:
    """Where the image goes, and how a finished (or failed) write is settled."""

    def __init__(
        self,
        group: zarr.Group,
        *,
        final: Path | None = None,
        staging: Path | None = None,
        local_root: Path | None = None,
        group_path: str = "",
    ) -> None:
        self.group = group
        self.final = final
        self.staging = staging
        self.local_root = local_root
        self.group_path = group_path

    @classmethod
    def open(
        cls,
        store: StoreLike,
        *,
        overwrite: bool,
        storage_options: Mapping[str, Any] | None,
        zarr_format: int,
    ) -> _Target:
        if isinstance(store, zarr.Group):
            members = [name for name, _ in store.members()]
            if (members or dict(store.attrs)) and not overwrite:
                raise StoreExistsError(
                    f"group {store.path or '/'} is not empty (holds {sorted(members)[:5]}); "
                    "pass overwrite=True to replace it"
                )
            if store.metadata.zarr_format != zarr_format:
                raise UnsupportedVersionError(
                    f"group {store.path or '/'} is Zarr v{store.metadata.zarr_format}, "
                    f"but the requested OME-Zarr version needs Zarr v{zarr_format}"
                )
            root = getattr(store.store, "root", None)
            local = Path(root) if isinstance(root, Path) else None
            return cls(store, local_root=local, group_path=store.path)
        if isinstance(store, str | os.PathLike) and "://" not in os.fspath(store):
            final = Path(os.fspath(store)).expanduser().absolute()
            if final.exists() and not final.is_dir():
                raise StoreExistsError(f"{final} exists and is not a directory")
            if final.is_dir() and any(final.iterdir()) and not overwrite:
                raise StoreExistsError(f"{final} is not empty; pass overwrite=True to replace it")
            staging = final.parent / f".{final.name}.ngff-zarr-{uuid.uuid4().hex[:12]}"
            try:
                final.parent.mkdir(parents=True, exist_ok=True)
                staging.mkdir()
            except OSError as exc:
                raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
            group = zarr.open_group(
                zarr.storage.LocalStore(staging),
                mode="w",
                zarr_format=zarr_format,  # type: ignore[arg-type]
            )
            return cls(group, final=final, staging=staging, local_root=staging)
        zstore = as_store(store, read_only=False, storage_options=storage_options)
        if list_dir(zstore, "") and not overwrite:
            raise StoreExistsError(
                "the target store is not empty; pass overwrite=True to replace it"
            )
        root = getattr(zstore, "root", None)
        group = zarr.open_group(zstore, mode="w", zarr_format=zarr_format)  # type: ignore[arg-type]
        return cls(group, local_root=Path(root) if isinstance(root, Path) else None)

    def commit(self) -> None:
        if self.staging is None or self.final is None:
            return
        backup = None
        if self.final.exists():
            backup = self.final.parent / f".{self.final.name}.ngff-zarr-old-{uuid.uuid4().hex[:12]}"
            os.replace(self.final, backup)
        try:
            os.replace(self.staging, self.final)
        except OSError:
            if backup is not None:
                os.replace(backup, self.final)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
        self.staging = None

    def abort(self) -> None:
        if self.staging is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(self.staging)
            self.staging = None
