"""``update_root_attributes``: add application metadata to a stored image, in place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import zarr

from ._io.edit import edit_attributes
from ._io.store import StoreLike, as_store
from ._versions import OME_ATTRIBUTE_KEYS
from .errors import MetadataNotFoundError, NgffValueError

__all__ = ["update_root_attributes"]


def update_root_attributes(store: StoreLike, attributes: Mapping[str, Any]) -> None:
    """Merge ``attributes`` into the root group's attributes of an existing store.

    Only the root document is rewritten (atomically on a local store), and the consolidated
    metadata that repeats it is refreshed; arrays are not touched. Keys already present are
    replaced, others kept. OME keys (``ome``, ``multiscales``, ``omero``, ``plate``, ...) are
    refused: the OME metadata is written from the data model by :func:`to_ngff_zarr`.

    Parameters
    ----------
    store
        A local directory, a zarr store or a zarr group (the group is the root).
    attributes
        JSON-serialisable application keys, e.g. ``{"acquisition": {...}}``.

    Raises
    ------
    NgffValueError
        ``attributes`` is not a mapping of strings, or names an OME key.
    MetadataNotFoundError
        There is no Zarr group at ``store``.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((16, 16), "uint8"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[]), version="0.5")
    >>> nz.update_root_attributes(path, {"acquisition": {"max_displacement": 3.2}})
    >>> import zarr; sorted(zarr.open_group(path, mode="r").attrs)
    ['acquisition', 'ome']
    """
    if not isinstance(attributes, Mapping) or not all(isinstance(k, str) for k in attributes):
        raise NgffValueError(
            f"attributes: expected a mapping of string keys, got {type(attributes).__name__}"
        )
    refused = sorted(set(attributes) & OME_ATTRIBUTE_KEYS)
    if refused:
        raise NgffValueError(
            f"attributes: cannot set {refused}: the OME metadata is written from the "
            "multiscales by to_ngff_zarr; pass application keys only"
        )
    if isinstance(store, str | os.PathLike):
        text = os.fspath(store)
        if "://" not in text and not os.path.isdir(text):  # never create a directory here
            raise MetadataNotFoundError(f"{text}: no such store (no directory)")
    path = store.path if isinstance(store, zarr.Group) else ""
    target = as_store(store, read_only=False)
    edit_attributes(target, path, lambda current: {**current, **dict(attributes)})
