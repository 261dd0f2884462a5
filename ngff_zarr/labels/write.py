"""``write_labels``: a label image beside its image, as ``<image>/labels/<name>``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._io.documents import group_attributes, group_documents, write_documents
from .._io.edit import add_to_consolidated
from .._io.locate import Located, locate_image
from .._io.locks import well_lock
from .._io.store import StoreLike, join
from .._versions import LAYOUTS, Layout
from ..errors import MetadataNotFoundError, NgffValueError, UnsupportedVersionError
from ..from_ngff_zarr import from_ngff_zarr
from ..methods import Methods
from ..multiscales import Chunks, Multiscales
from ..ngff_image import NgffImage
from ..to_ngff_zarr import ChunksPerShard, to_ngff_zarr
from ..v04.labels import ImageLabel, LabelValue
from ._colors import default_colors
from ._grid import as_label_image, check_on_grid, label_pyramid
from ._values import label_values
from .model import LabelMultiscales

__all__ = ["write_labels"]

LABELS_GROUP = "labels"


def write_labels(
    store: StoreLike,
    name: str,
    labels: NgffImage | Multiscales | Any,
    colors: Mapping[LabelValue, Sequence[int]] | None = None,
    properties: Mapping[LabelValue, Mapping[str, Any]] | None = None,
    method: Methods | str | None = None,
    *,
    chunks: Chunks | None = None,
    chunks_per_shard: ChunksPerShard | None = None,
    use_tensorstore: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Write a label image beside the image in ``store``, as ``labels/<name>``.

    The label pyramid lies on the image's grid: one level per image level, each computed from
    the level above with the factors that made the image's levels, with a label-safe method
    (default ``Methods.NEAREST``), and given the image's scale and translation. It is streamed
    with the engine of :func:`~ngff_zarr.to_ngff_zarr`, in bounded memory. The label group's
    metadata (``multiscales`` and ``image-label``) is written once its arrays are, and the
    ``labels`` group lists the new label last, so a failed write never lists a partial label.

    Parameters
    ----------
    store
        The image: a directory path, an fsspec URL, a zarr store or a :class:`zarr.Group`
        (e.g. a plate field). The image keeps its version (0.4 or 0.5).
    name
        The label image's name (its group below ``labels/``).
    labels
        An integer array (its dims are the image's, without ``c``), an :class:`NgffImage` on
        the image's grid, or a :class:`Multiscales` (written as given; its full resolution
        must lie on the image's grid).
    colors
        ``label value -> RGB or RGBA`` (0-255). Default: the colours of a
        :class:`LabelMultiscales` given as ``labels``, else a distinct colour per label value
        present (0 transparent), found in one bounded-memory pass over the labels.
    properties
        ``label value -> {property: value}`` (JSON values).
    method
        The downsampling method; it must be label-safe (``nearest``, ``mode``,
        ``itkwasm_label_image``).
    chunks, chunks_per_shard, use_tensorstore, progress, memory_target, storage_options
        As for :func:`~ngff_zarr.to_multiscales` and :func:`~ngff_zarr.to_ngff_zarr`; chunks
        default to the image's.
    overwrite
        Replace a label image of that name.

    Raises
    ------
    NgffValueError
        A bad name, labels that are not integers or not on the image's grid, a method that
        is not label-safe, or malformed colours or properties.
    StoreExistsError
        A label of that name exists and ``overwrite`` is false.
    UnsupportedVersionError
        The image is OME-NGFF 0.1 to 0.3 (convert it first).

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "cells.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((2, 64, 64), "uint16"), dims=("c", "y", "x"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> mask = np.zeros((64, 64), "uint8"); mask[8:20, 8:30] = 1
    >>> nz.write_labels(path, "cells", mask, properties={1: {"class": "cell"}})
    >>> cells = nz.read_labels(path)["cells"]
    >>> [level.shape for level in cells.images], cells.properties
    ([(64, 64), (32, 32)], {1: {'class': 'cell'}})
    """
    _check_name(name)
    image_store = locate_image(store, writable=True, storage_options=storage_options)
    layout = _layout(image_store)
    image = from_ngff_zarr(_group_or_store(store, image_store))
    pyramid = _pyramid(labels, image, name, method, chunks)
    image_label = _image_label(labels, pyramid, colors, properties)
    label_path = join(image_store.path, LABELS_GROUP, name)
    root = image_store.local_root
    target: Any
    if root is not None:
        target = os.path.join(root, *label_path.split("/"))
    else:
        target = image_store.open_group(LABELS_GROUP, name, mode="a")
    to_ngff_zarr(
        target,
        pyramid,
        version=layout.version,
        chunks_per_shard=chunks_per_shard,
        use_tensorstore=use_tensorstore,
        overwrite=overwrite,
        progress=progress,
        memory_target=memory_target,
    )
    group = image_store.open_group(LABELS_GROUP, name, mode="r+")
    group.attrs.put(layout.label_to_attributes(pyramid.metadata, image_label))
    _list_label(image_store, layout, name)
    # the image's consolidated metadata predates the label: enter the label's nodes into it
    nodes = [LABELS_GROUP, join(LABELS_GROUP, name)]
    nodes += [join(LABELS_GROUP, name, ds.path) for ds in pyramid.metadata.datasets]
    with well_lock(image_store.store, image_store.path):
        add_to_consolidated(image_store.store, image_store.path, nodes)


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise NgffValueError(
            f"name: expected a non-empty label name without '/' that does not start with '.', "
            f"got {name!r}"
        )


def _layout(image: Located) -> Layout:
    version = image.version or ""
    if version not in LAYOUTS:
        raise UnsupportedVersionError(
            f"{image.where()}: labels are written into OME-NGFF images of version "
            f"{list(LAYOUTS)}; this image is {version}; convert it first"
        )
    return LAYOUTS[version]


def _group_or_store(store: StoreLike, image: Located) -> Any:
    return image.open_group(mode="r") if image.path else image.store


def _pyramid(
    labels: Any,
    image: Multiscales,
    name: str,
    method: Methods | str | None,
    chunks: Chunks | None,
) -> Multiscales:
    if isinstance(labels, Multiscales):
        check_on_grid(labels.images[0], image.images[0])
        return labels
    label_image = as_label_image(labels, image.images[0], name)
    return label_pyramid(label_image, image, method=method, chunks=chunks)


def _image_label(
    labels: Any,
    pyramid: Multiscales,
    colors: Mapping[LabelValue, Sequence[int]] | None,
    properties: Mapping[LabelValue, Mapping[str, Any]] | None,
) -> ImageLabel:
    given = labels.image_label if isinstance(labels, LabelMultiscales) else None
    if colors is None and given is not None and given.colors:
        color_map: Mapping[LabelValue, Sequence[int]] = given.color_map
    elif colors is None:
        color_map = default_colors(label_values(pyramid.images[0].data))
    else:
        color_map = colors
    if properties is None and given is not None:
        properties = given.property_map
    if properties:
        # colours and properties name the same label values (ome-zarr-models and ngio insist)
        color_map = dict(color_map)
        missing = [v for v in properties if v not in color_map]
        if missing:
            color_map.update(default_colors(np.asarray(missing)))
        properties = {**{v: {} for v in color_map}, **properties}
    source = given.source if given is not None else None
    return ImageLabel.from_maps(color_map, properties, source=source or "../../")


def _list_label(image: Located, layout: Layout, name: str) -> None:
    """Add ``name`` to the ``labels`` group's listing (a locked read-modify-write)."""
    path = join(image.path, LABELS_GROUP)
    with well_lock(image.store, path):
        try:
            _, attrs = group_attributes(image.store, path)
        except MetadataNotFoundError:
            attrs = {}
        names = layout.labels_from_attributes(attrs, path=image.where(LABELS_GROUP))
        if name not in names:
            names.append(name)
        listing = layout.labels_to_attributes(names)
        merged = dict(attrs)
        for key, value in listing.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        write_documents(image.store, group_documents(layout.zarr_format, path, merged))
