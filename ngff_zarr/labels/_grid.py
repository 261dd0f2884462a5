"""A label image on its image's grid: the same pixels as the image at every pyramid level.

A label image has the image's dims, without ``c`` (or with a ``c`` of length 1), the same
size along each of them, and the image's scale and translation. Its lower levels are computed
with the factors that made the image's levels and are given the image's transformations, so
label level ``k`` overlays image level ``k`` pixel for pixel, whatever tool wrote the image.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from ..errors import NgffValueError
from ..methods import Methods, get_method
from ..multiscales import Chunks, Multiscales, build_metadata
from ..ngff_image import NgffImage
from ..to_multiscales import to_multiscales
from ..vocab import SPATIAL_DIMS

__all__ = [
    "DEFAULT_LABEL_METHOD",
    "as_label_image",
    "check_on_grid",
    "image_factors",
    "label_dims",
    "label_pyramid",
]

DEFAULT_LABEL_METHOD = Methods.NEAREST
_TOLERANCE = 1e-6


def label_dims(image: NgffImage, ndim: int) -> tuple[str, ...]:
    """The dims of a label array of ``ndim`` dims for ``image``: the image's, ``c`` dropped."""
    if ndim == len(image.dims):
        return image.dims
    without_c = tuple(d for d in image.dims if d != "c")
    if ndim == len(without_c):
        return without_c
    raise NgffValueError(
        f"labels: expected {len(without_c)} dims {list(without_c)} (the image's dims "
        f"{list(image.dims)} without 'c'), got an array of {ndim} dims"
    )


def as_label_image(labels: Any, image: NgffImage, name: str) -> NgffImage:
    """``labels`` (an :class:`NgffImage` or an array) as an image on ``image``'s grid."""
    if not isinstance(labels, NgffImage):
        data: Any = labels if hasattr(labels, "ndim") else np.asarray(labels)
        dims = label_dims(image, int(data.ndim))
        labels = NgffImage(
            data,
            dims,
            {d: image.scale[d] for d in dims},
            {d: image.translation[d] for d in dims},
            name=name,
            axes_units={d: u for d, u in (image.axes_units or {}).items() if d in dims} or None,
            axes_types={d: t for d, t in (image.axes_types or {}).items() if d in dims} or None,
        )
    check_on_grid(labels, image)
    result: NgffImage = labels
    return result


def check_on_grid(labels: NgffImage, image: NgffImage) -> None:
    """Raise :class:`NgffValueError` unless ``labels`` lies on the grid of ``image``."""
    kind = np.dtype(labels.dtype).kind
    if kind not in "uib":
        raise NgffValueError(f"labels: expected an integer data type, got {np.dtype(labels.dtype)}")
    extra = [d for d in labels.dims if d not in image.dims]
    if extra:
        raise NgffValueError(f"labels: dims {extra} are not dims of the image {list(image.dims)}")
    order = [d for d in image.dims if d in labels.dims]
    if list(labels.dims) != order:
        raise NgffValueError(
            f"labels: expected the image's dim order {order}, got {list(labels.dims)}"
        )
    missing = [d for d in image.dims if d not in labels.dims and d != "c"]
    if missing:
        raise NgffValueError(f"labels: missing the image's dims {missing}")
    for d in labels.dims:
        size, expected = labels.sizes[d], image.sizes[d]
        if d == "c":
            if size not in (1, expected):
                raise NgffValueError(f"labels: 'c' must have length 1 or {expected}, got {size}")
            continue
        if size != expected:
            raise NgffValueError(
                f"labels: shape {labels.sizes} differs from the image's {image.sizes} along "
                f"{d!r}; a label image covers its image pixel for pixel"
            )
        for what, got, want in (
            ("scale", labels.scale[d], image.scale[d]),
            ("translation", labels.translation[d], image.translation[d]),
        ):
            if not math.isclose(got, want, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE):
                raise NgffValueError(
                    f"labels: {what}[{d!r}] is {got:g} but the image's is {want:g}; a label "
                    "image lies on its image's grid (pass the array itself to adopt the "
                    "image's scale and translation)"
                )


def image_factors(image: Multiscales, dims: tuple[str, ...]) -> list[dict[str, int]]:
    """The factor per dim of each lower level of ``image`` (restricted to ``dims``)."""
    first = image.images[0]
    out = []
    for level, im in enumerate(image.images[1:], start=1):
        factors = {}
        for d in dims:
            n0, n = first.sizes[d], im.sizes[d]
            f = max(1, round(n0 / n)) if d in SPATIAL_DIMS else 1
            if n0 // f != n:
                raise NgffValueError(
                    f"labels: level {level} of the image has {n} pixels along {d!r} for "
                    f"{n0} at full resolution, which no integer factor gives (floor({n0} / f)); "
                    "pass the label pyramid as a Multiscales instead"
                )
            factors[d] = f
        out.append(factors)
    return out


def label_pyramid(
    labels: NgffImage,
    image: Multiscales,
    *,
    method: Methods | str | None,
    chunks: Chunks | None,
) -> Multiscales:
    """The label pyramid of ``labels`` on every level of ``image``'s grid.

    Raises
    ------
    NgffValueError
        A method that is not label-safe, or an image pyramid no integer factors reproduce.
    """
    block = get_method(method if method is not None else DEFAULT_LABEL_METHOD)
    if not block.label_safe:
        safe = [m.value for m in Methods if get_method(m).label_safe]
        raise NgffValueError(
            f"method: {block.method.value!r} mixes label values; expected a label-safe method, "
            f"one of {safe}"
        )
    dims = labels.dims
    if np.dtype(labels.dtype).kind == "b":
        labels = replace(labels, data=labels.data.astype(np.uint8))
    factors = image_factors(image, dims)
    if chunks is None and image.chunks:
        chunks = {d: c for d, c in image.chunks.items() if d in dims and d != "c"}
    pyramid = to_multiscales(labels, scale_factors=factors, method=block.method, chunks=chunks)
    images = []
    for level, im in enumerate(pyramid.images):
        source = image.images[level]
        images.append(
            replace(
                im,
                scale={d: source.scale[d] if d != "c" else im.scale[d] for d in dims},
                translation={
                    d: source.translation[d] if d != "c" else im.translation[d] for d in dims
                },
                name=labels.name,
            )
        )
    return replace(pyramid, images=images, metadata=build_metadata(images, block))
