"""``read_labels``: the label images of an image, lazily, with their colours and properties."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from .._io.documents import group_attributes
from .._io.locate import Located, locate_image
from .._io.store import StoreLike, join
from .._versions import layout_for_zarr_format
from ..errors import MetadataNotFoundError, NgffWarning
from ..from_ngff_zarr import from_ngff_zarr
from .model import LabelMultiscales

__all__ = ["list_labels", "read_labels"]

LABELS_GROUP = "labels"


def list_labels(store: StoreLike, *, storage_options: Mapping[str, Any] | None = None) -> list[str]:
    """The names of the label images of the image in ``store``, as its ``labels`` group lists them.

    ``[]`` when the image has no ``labels`` group.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(np.zeros((32, 32), "uint8"), [2]))
    >>> nz.list_labels(store)
    []
    >>> nz.write_labels(store, "nuclei", np.ones((32, 32), "uint8"))
    >>> nz.list_labels(store)
    ['nuclei']
    """
    return _names(locate_image(store, storage_options=storage_options))


def read_labels(
    store: StoreLike,
    *,
    validate: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> dict[str, LabelMultiscales]:
    """Every label image of the image in ``store``: name -> lazy label pyramid.

    Each :class:`LabelMultiscales` holds the levels (lazy dask arrays, as
    :func:`~ngff_zarr.from_ngff_zarr` reads them) and the ``image-label`` metadata: colours,
    properties and source. A label that the listing names but that is missing, or that has no
    ``image-label`` metadata, is left out with an :class:`NgffWarning`.

    Parameters
    ----------
    store
        The image: a path, URL, zarr store or group (a plate field, a bioformats2raw
        container's first image).
    validate
        Validate each label image first (see :func:`~ngff_zarr.from_ngff_zarr`).
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    dict[str, LabelMultiscales]
        In the order of the listing; empty when the image has no labels.

    Raises
    ------
    MetadataNotFoundError
        No image at ``store``.
    InvalidMetadataError
        A malformed ``labels`` listing or ``image-label`` object.
    """
    image = locate_image(store, storage_options=storage_options)
    out: dict[str, LabelMultiscales] = {}
    for name in _names(image):
        path = join(image.path, LABELS_GROUP, name)
        try:
            fmt, attrs = group_attributes(image.store, path)
        except MetadataNotFoundError:
            _skip(image, name, "is listed but its group does not exist")
            continue
        layout = layout_for_zarr_format(fmt)
        content = layout.content(attrs) if fmt == 3 else attrs
        if "image-label" not in content:
            _skip(image, name, "has no image-label metadata")
            continue
        image_label = layout.label_from_attributes(attrs, path=image.where(LABELS_GROUP, name))
        multiscales = from_ngff_zarr(
            image.open_group(LABELS_GROUP, name, mode="r"), validate=validate
        )
        out[name] = LabelMultiscales.of(multiscales, image_label)
    return out


def _names(image: Located) -> list[str]:
    path = join(image.path, LABELS_GROUP)
    try:
        _, attrs = group_attributes(image.store, path)
    except MetadataNotFoundError:
        return []
    return image.layout.labels_from_attributes(attrs, path=image.where(LABELS_GROUP))


def _skip(image: Located, name: str, why: str) -> None:
    warnings.warn(
        f"{image.where(LABELS_GROUP, name)}: label {name!r} {why}; left out",
        NgffWarning,
        stacklevel=3,
    )
