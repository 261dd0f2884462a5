"""``to_multiscales``: an :class:`NgffImage` into a lazy multiscale pyramid."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._engine.pyramid import level_array, make_plan
from .methods import DEFAULT_METHOD, Methods, get_method
from .multiscales import (
    Chunks,
    Multiscales,
    ScaleFactors,
    build_metadata,
    default_chunks,
    level_factors,
)
from .ngff_image import NgffImage
from .to_ngff_image import to_ngff_image
from .vocab import SPATIAL_DIMS

__all__ = ["to_multiscales"]


def to_multiscales(
    image: NgffImage | Any,
    scale_factors: ScaleFactors = 128,
    method: Methods | str | None = None,
    chunks: Chunks | None = None,
) -> Multiscales:
    """Plan a multiscale pyramid over ``image``; the lower levels are computed lazily.

    Parameters
    ----------
    image
        The full-resolution :class:`NgffImage` (an array is wrapped with
        :func:`to_ngff_image` and its default dims).
    scale_factors
        The levels below the first:

        * an int ``n``: halve each spatial dim longer than ``n`` pixels, level after level,
          until no spatial dim is longer than ``n``;
        * a list of ints: the factor of each level relative to the full resolution, applied
          to every spatial dim (e.g. ``[2, 4, 8]``, or ``[3, 9]``);
        * a list of mappings: per-dim factors of each level relative to the full resolution
          (e.g. ``[{"x": 2, "y": 2}, {"x": 4, "y": 4, "z": 2}]``).

        Each level is computed from the level above, so a level's factors must be multiples
        of the previous level's.
    method
        A :class:`Methods` member or name; default ``Methods.GAUSSIAN``. Use ``MODE`` or
        ``NEAREST`` (or ``ITKWASM_LABEL_IMAGE``) for label images.
    chunks
        Chunk shape when written: an int for every spatial dim, a tuple in dims order, or a
        mapping by dim. Default 64 per spatial dim for 3-D, 256 for 2-D; 1 along ``t``; the
        whole ``c`` axis. A chunk never exceeds its level's extent.

    Returns
    -------
    Multiscales

    Raises
    ------
    NgffValueError
        Unknown dims in ``scale_factors`` or ``chunks``, a factor below 1, a level whose
        factors are not multiples of the previous level's, or a level that would be empty.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image, to_multiscales
    >>> image = to_ngff_image(np.ones((64, 96), dtype="uint16"), scale={"y": 2.0, "x": 2.0})
    >>> ms = to_multiscales(image, scale_factors=[2, 4], method="local_mean")
    >>> [im.shape for im in ms.images]
    [(64, 96), (32, 48), (16, 24)]
    >>> ms.images[1].scale["x"], ms.images[1].translation["x"]
    (4.0, 1.0)
    """
    if not isinstance(image, NgffImage):
        image = to_ngff_image(image)
    dims = image.dims
    block_method = get_method(method if method is not None else DEFAULT_METHOD)
    factors = level_factors(scale_factors, dims, image.shape)
    spatial = tuple(d in SPATIAL_DIMS for d in dims)
    plan = make_plan(image.data, factors, block_method, spatial)
    chunk_map = default_chunks(chunks, dims, image.shape)
    images = [image]
    for level in range(1, plan.levels):
        total = dict(zip(dims, factors[level - 1], strict=True))
        shape = plan.shapes[level]
        level_chunks = tuple(min(chunk_map[d], s) for d, s in zip(dims, shape, strict=True))
        images.append(
            replace(
                image,
                data=level_array(plan, level, level_chunks),
                scale={d: image.scale[d] * total[d] for d in dims},
                translation={
                    d: image.translation[d] + (total[d] - 1) * image.scale[d] / 2.0 for d in dims
                },
                provenance=None,
            )
        )
    return Multiscales(
        images=images,
        metadata=build_metadata(images, block_method),
        scale_factors=[dict(zip(dims, f, strict=True)) for f in factors],
        method=block_method.method,
        chunks=chunk_map,
    )
