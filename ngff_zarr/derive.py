"""``derive_image`` and ``derive_label``: new, empty images with the geometry of a stored one.

What they create is the output of a processing run (see :class:`~ngff_zarr.RegionIterator`):
the same dims, level shapes, scales and translations, units, chunks and shards as the source,
with no pixel written yet (every pixel reads as 0 until written).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import dask.array as da
import numpy as np
import zarr

from ._editing.stored import StoredImage, open_image
from ._io.locate import locate_image
from ._io.staging import Target
from ._io.store import StoreLike
from ._versions import LAYOUTS, layout
from ._writers import ArraySpec, get_backend
from .errors import NgffValueError
from .methods import DEFAULT_METHOD, Methods, get_method
from .multiscales import default_channel
from .v04.labels import LabelValue
from .v04.multiscales import Metadata, MethodMetadata
from .v04.omero import Omero

__all__ = ["derive_image", "derive_label"]

logger = logging.getLogger(__name__)


def derive_image(
    source: StoreLike,
    store: StoreLike,
    *,
    dtype: Any = None,
    channel_names: Sequence[str] | None = None,
    name: str | None = None,
    method: Methods | str | None = None,
    version: str | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Create at ``store`` an empty image with the geometry of the image at ``source``.

    Parameters
    ----------
    source
        The stored image whose geometry is copied.
    store
        Where the new image goes (a directory path, a zarr store or a zarr group).
    dtype
        The new image's data type; default the source's.
    channel_names
        The new image's channels (their number may differ from the source's; the image then
        needs a ``c`` dim); default the source's channels.
    name
        The new image's name; default the source's.
    method
        How its lower levels are computed; default the source's recorded method.
    version
        ``"0.4"`` or ``"0.5"``; default the source's.
    overwrite
        Replace what ``store`` holds.
    storage_options
        Passed to fsspec for URLs.

    Raises
    ------
    NgffValueError
        Channel names for an image without ``c``, or given not as a list of strings.
    StoreExistsError
        ``store`` holds data and ``overwrite`` is false.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> folder = tempfile.mkdtemp()
    >>> source, derived = os.path.join(folder, "raw.ome.zarr"), os.path.join(folder, "out.ome.zarr")
    >>> image = nz.to_ngff_image(np.ones((2, 64, 64), "uint16"), dims=("c", "y", "x"))
    >>> nz.to_ngff_zarr(source, nz.to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> nz.derive_image(source, derived, dtype="float32", channel_names=["mask"])
    >>> [(im.shape, str(im.dtype)) for im in nz.from_ngff_zarr(derived).images]
    [((1, 64, 64), 'float32'), ((1, 32, 32), 'float32')]
    """
    src = open_image(source, writable=False, storage_options=storage_options)
    chosen = version or (src.version if src.version in LAYOUTS else "0.4")
    target_layout = layout(chosen)
    out_dtype = np.dtype(dtype) if dtype is not None else np.dtype(src.arrays[0].dtype)
    channels = _channel_count(src, channel_names)
    metadata = _metadata(src, out_dtype, channels, channel_names, name, method)
    target = Target.open(
        store,
        overwrite=overwrite,
        storage_options=storage_options,
        zarr_format=target_layout.zarr_format,
    )
    try:
        backend = get_backend(
            "zarr", group=target.group, root=target.local_root, group_path=target.group_path
        )
        for spec in _specs(src, metadata, out_dtype, channels, target_layout.zarr_format):
            backend.create(spec)
        target.group.attrs.update(target_layout.image_attributes(metadata))
        target.commit()
    except BaseException:
        target.abort()
        raise


def derive_label(
    source: StoreLike,
    name: str,
    *,
    dtype: Any = "uint32",
    method: Methods | str | None = None,
    colors: Mapping[LabelValue, Sequence[int]] | None = None,
    properties: Mapping[LabelValue, Mapping[str, Any]] | None = None,
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> zarr.Group:
    """Create an empty label image ``labels/<name>`` on the grid of the image at ``source``.

    The label image has the image's dims without ``c``, one level per image level, the
    image's scales, translations, chunks and shards, and a label-safe method for its lower
    levels (default ``nearest``). Every pixel reads as 0 (background) until written.

    Parameters
    ----------
    source
        The image (a directory path, a zarr store or a zarr group).
    name
        The label image's name.
    dtype
        An integer data type; default ``uint32``.
    method
        A label-safe method (``nearest``, ``mode``, ``itkwasm_label_image``).
    colors, properties
        The ``image-label`` colours and properties by label value (see
        :func:`~ngff_zarr.write_labels`); default none.
    overwrite
        Replace a label image of that name.
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    zarr.Group
        The label image's group, to give as the output of a :class:`~ngff_zarr.RegionIterator`.

    Raises
    ------
    NgffValueError
        A non-integer dtype, a bad name or a method that is not label-safe.
    StoreExistsError
        A label image of that name exists and ``overwrite`` is false.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "cells.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((2, 64, 64), "uint16"), dims=("c", "y", "x"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> cells = nz.derive_label(path, "cells")
    >>> [level.shape for level in nz.read_labels(path)["cells"].images]
    [(64, 64), (32, 32)]
    """
    from .labels import write_labels

    kind = np.dtype(dtype)
    if kind.kind not in "ui":
        raise NgffValueError(f"dtype: a label image holds integers, got {kind}")
    src = open_image(source, writable=False, storage_options=storage_options)
    keep = [i for i, d in enumerate(src.dims) if d != "c"]
    shape = tuple(src.shapes[0][i] for i in keep)
    chunks = tuple(src.chunks()[0][i] for i in keep)
    per_shard = None
    if src.zarr_format == 3 and getattr(src.arrays[0], "shards", None) is not None:
        per_shard = {
            src.dims[i]: src.units()[0][i] // src.chunks()[0][i] for i in keep
        }  # the image's chunks per shard along every dim
    empty = da.zeros(shape, dtype=kind, chunks=chunks)
    write_labels(
        source,
        name,
        empty,
        colors=colors if colors is not None else {},
        properties=properties,
        method=method,
        chunks={src.dims[i]: c for i, c in zip(keep, chunks, strict=True)},
        chunks_per_shard=per_shard,
        overwrite=overwrite,
        storage_options=storage_options,
    )
    located = locate_image(source, writable=True, storage_options=storage_options)
    return located.open_group("labels", name, mode="r+")


def _channel_count(src: StoredImage, names: Sequence[str] | None) -> int | None:
    if names is None:
        return None
    if "c" not in src.dims:
        raise NgffValueError(f"channel_names: the image has no 'c' dim (dims {list(src.dims)})")
    if isinstance(names, str) or not all(isinstance(n, str) for n in names) or not names:
        raise NgffValueError(f"channel_names: expected a non-empty list of strings, got {names!r}")
    return len(names)


def _recorded_method(src: StoredImage, method: Methods | str | None) -> Methods:
    if method is not None:
        return get_method(method).method
    try:
        return src.method()
    except NgffValueError:
        logger.info("%s records no known method; the derived image uses %s",
                    src.where(), DEFAULT_METHOD.value)  # fmt: skip
        return DEFAULT_METHOD


def _metadata(
    src: StoredImage,
    dtype: np.dtype,
    channels: int | None,
    names: Sequence[str] | None,
    name: str | None,
    method: Methods | str | None,
) -> Metadata:
    chosen = get_method(_recorded_method(src, method))
    omero = src.metadata.omero
    if names is not None:
        omero = Omero(channels=[default_channel(i, dtype, name=n) for i, n in enumerate(names)])
    elif omero is not None and dtype != src.arrays[0].dtype:  # windows of the new range
        omero = Omero(
            channels=[
                default_channel(i, dtype, name=c.label, color=c.color)
                for i, c in enumerate(omero.channels)
            ],
            name=omero.name,
        )
    provenance = MethodMetadata(
        description=chosen.description,
        method=chosen.provenance,
        version=chosen.package_version(),
    )
    return dataclasses.replace(
        src.metadata,
        name=name if name is not None else src.metadata.name,
        omero=omero,
        type=chosen.method.value,
        metadata=provenance,
    )


def _specs(
    src: StoredImage,
    metadata: Metadata,
    dtype: np.dtype,
    channels: int | None,
    zarr_format: int,
) -> list[ArraySpec]:
    dims = src.dims
    out = []
    for level, (array, ds) in enumerate(zip(src.arrays, metadata.datasets, strict=True)):
        shape = list(src.shapes[level])
        chunks = [int(c) for c in array.chunks]
        shards = getattr(array, "shards", None)
        shard_list = [int(s) for s in shards] if shards is not None and zarr_format == 3 else None
        if channels is not None:
            axis = dims.index("c")
            shape[axis] = channels
            chunks[axis] = min(chunks[axis], channels)
            if shard_list is not None:
                shard_list[axis] = chunks[axis]
        out.append(
            ArraySpec(
                path=ds.path,
                shape=tuple(shape),
                dtype=dtype,
                chunks=tuple(chunks),
                shards=tuple(shard_list) if shard_list is not None else None,
                dims=dims,
                zarr_format=zarr_format,
            )
        )
    return out
