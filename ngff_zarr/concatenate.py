"""``concatenate``: merge several images along t, z or c, lazily."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

import dask.array as da

from .errors import InvalidDimsError, NgffValueError, unknown_choice
from .ngff_image import NgffImage, canonical_order
from .vocab import DIMS

__all__ = ["concatenate"]

MergeAxis = Literal["t", "z", "c"]
MergePolicy = Literal["strict", "pad"]


def concatenate(
    images: Sequence[NgffImage],
    *,
    axis: MergeAxis,
    policy: MergePolicy = "strict",
    rtol: float = 1e-6,
) -> NgffImage:
    """Join images end to end along ``axis``.

    Parameters
    ----------
    images
        Two or more images with the same dims (an image without ``axis`` counts as length 1
        along it) and the same physical pixel sizes and units.
    axis
        ``"t"``, ``"z"`` or ``"c"``.
    policy
        ``"strict"``: every other dim must have the same length. ``"pad"``: shorter images are
        zero-padded at the end of each other dim to the largest extent.
    rtol
        Relative tolerance when comparing pixel sizes.

    Returns
    -------
    NgffImage
        Lazy; scale, translation, units and name of the first image; along ``c`` the channel
        names and colours are joined. ``provenance`` records the sources, the axis and the
        policy.

    Raises
    ------
    InvalidDimsError
        Unknown axis, or images with different dims.
    NgffValueError
        Pixel sizes, units or dtypes differ (naming the image that differs), or, with
        ``"strict"``, other dims differ in length.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> a = to_ngff_image(np.zeros((2, 8, 8), "uint8"), dims=("z", "y", "x"))
    >>> b = to_ngff_image(np.ones((3, 8, 8), "uint8"), dims=("z", "y", "x"))
    >>> concatenate([a, b], axis="z").shape
    (5, 8, 8)
    """
    if axis not in ("t", "z", "c"):
        raise unknown_choice("axis", axis, ["t", "z", "c"], error=InvalidDimsError)
    if policy not in ("strict", "pad"):
        raise unknown_choice("policy", policy, ["strict", "pad"])
    if len(images) < 1:
        raise NgffValueError("images: expected at least one image, got none")
    prepared = [_with_axis(canonical_order(image), axis) for image in images]
    first = prepared[0]
    for index, image in enumerate(prepared[1:], start=1):
        _check_compatible(first, image, index, images, axis, policy, rtol)
    arrays = [image.data for image in prepared]
    position = first.dims.index(axis)
    if policy == "pad":
        target = [max(a.shape[i] for a in arrays) for i in range(first.data.ndim)]
        arrays = [_pad(a, target, position) for a in arrays]
    data = da.concatenate(arrays, axis=position)
    provenance: dict[str, Any] = {
        "concatenated": {
            "axis": axis,
            "policy": policy,
            "sources": [_describe(image, i) for i, image in enumerate(images)],
        }
    }
    along_c = axis == "c"
    return replace(
        first,
        data=data,
        provenance=provenance,
        channel_names=_joined(prepared, "channel_names") if along_c else first.channel_names,
        channel_colors=_joined(prepared, "channel_colors") if along_c else first.channel_colors,
    )


def _with_axis(image: NgffImage, axis: str) -> NgffImage:
    if axis in image.dims:
        return image
    dims = tuple(sorted((*image.dims, axis), key=DIMS.index))
    position = dims.index(axis)
    return replace(
        image,
        data=da.expand_dims(image.data, position),
        dims=dims,
        scale={**image.scale, axis: 1.0},
        translation={**image.translation, axis: 0.0},
    )


def _describe(image: NgffImage, index: int) -> str:
    provenance = image.provenance or {}
    path = provenance.get("path")
    return str(path) if path else f"image {index} ({image.name})"


def _check_compatible(
    first: NgffImage,
    image: NgffImage,
    index: int,
    originals: Sequence[NgffImage],
    axis: str,
    policy: str,
    rtol: float,
) -> None:
    who = _describe(originals[index], index)
    ref = _describe(originals[0], 0)
    if image.dims != first.dims:
        raise InvalidDimsError(
            f"dims: {who} has dims {list(image.dims)}, expected {list(first.dims)} as {ref}"
        )
    if image.dtype != first.dtype:
        raise NgffValueError(
            f"images: {who} has dtype {image.dtype}, expected {first.dtype} as {ref}"
        )
    for dim in first.dims:
        if dim == "c":  # along t and z the spacing must agree too
            continue
        a, b = first.scale[dim], image.scale[dim]
        if not math.isclose(a, b, rel_tol=rtol):
            raise NgffValueError(
                f"images: {who} has pixel size {b} along {dim!r}, expected {a} as {ref}"
            )
        unit_a = (first.axes_units or {}).get(dim)
        unit_b = (image.axes_units or {}).get(dim)
        if unit_a != unit_b:
            raise NgffValueError(
                f"images: {who} has unit {unit_b!r} along {dim!r}, expected {unit_a!r} as {ref}"
            )
    if policy == "strict":
        for dim in first.dims:
            if dim != axis and image.sizes[dim] != first.sizes[dim]:
                raise NgffValueError(
                    f"images: {who} has {image.sizes[dim]} pixels along {dim!r}, expected "
                    f"{first.sizes[dim]} as {ref} (policy 'strict'; use 'pad' to zero-pad)",
                )


def _pad(array: da.Array, target: list[int], skip: int) -> da.Array:
    widths = [(0, 0) if i == skip else (0, target[i] - array.shape[i]) for i in range(array.ndim)]
    if all(w == (0, 0) for w in widths):
        return array
    padded: da.Array = da.pad(array, widths, mode="constant", constant_values=0)
    return padded


def _joined(images: list[NgffImage], key: str) -> list[Any] | None:
    """Every image's channel names (or colours) in order; None unless all have them."""
    out: list[Any] = []
    for image in images:
        value = getattr(image, key)
        if not value:
            return None
        out.extend(value)
    return out
