"""``to_multiscales``: an :class:`NgffImage` (or an array) into a lazy multiscale pyramid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from numbers import Integral
from typing import Any, Literal, cast

from ._engine.pyramid import level_array, make_plan
from .errors import NgffValueError, unknown_choice
from .methods import DEFAULT_METHOD, Methods, get_method
from .multiscales import (
    Chunks,
    Multiscales,
    ScaleFactors,
    build_metadata,
    default_chunks,
    level_factors,
)
from .ngff_image import NgffImage, canonical_order
from .rfc4 import AnatomicalOrientation, orientation_from_name
from .to_ngff_image import to_ngff_image
from .vocab import SPATIAL_DIMS

__all__ = ["to_multiscales"]

AxisOrder = Literal["canonical", "preserve"]


def to_multiscales(
    data: NgffImage | Any,
    scale_factors: ScaleFactors = 128,
    method: Methods | str | None = None,
    chunks: Chunks | None = None,
    progress: Any = None,
    cache: bool | None = None,
    orientation: str | Mapping[str, AnatomicalOrientation | str] | None = None,
    axis_order: AxisOrder = "canonical",
) -> Multiscales:
    """Plan a multiscale pyramid over ``data``; every level is computed lazily.

    Parameters
    ----------
    data
        The full-resolution :class:`NgffImage`, or an array (wrapped with
        :func:`to_ngff_image` and its default dims).
    scale_factors
        The levels below the first:

        * an int ``n`` (default 128): halve each spatial dim, level after level, while the
          halved length stays at least ``max(n, chunk length)``; each dim stops on its own;
        * a list of ints: the factor of each level relative to the full resolution, applied
          to every spatial dim (e.g. ``[2, 4, 8]``, or ``[3, 9]``);
        * a list of mappings: per-dim factors of each level relative to the full resolution
          (e.g. ``[{"x": 2, "y": 2}, {"x": 4, "y": 4, "z": 2}]``).

        Any positive integers: a level is computed from the level just above when its
        factors divide the level's own, else from the full resolution (``[2, 3, 4]``: the 3
        and the 4 from the full resolution), as ngff-zarr computes them, in the same single
        read of the source. A list is kept in
        :attr:`Multiscales.scale_factors` as given.
    method
        A :class:`Methods` member or name; default ``Methods.ITKWASM_GAUSSIAN`` (as
        ngff-zarr). Use a label-safe method (``ITKWASM_LABEL_IMAGE``, ``MODE``, ``NEAREST``)
        for label images.
    chunks
        Chunk shape of every level, the first included: an int for every spatial dim, a
        tuple in dims order, or a mapping by dim. Default 128 per spatial dim for 3-D, 256
        for 2-D; 1 along ``t``; the whole ``c`` axis. A chunk never exceeds its level's
        extent.
    progress
        Accepted for ngff-zarr compatibility; planning does no work to report. Pass
        ``progress=True`` to :func:`to_ngff_zarr` to follow the write.
    cache
        Accepted for ngff-zarr compatibility. Nothing needs caching: :func:`to_ngff_zarr`
        computes every level in one streamed read of the source, and reading a lazy level
        computes only the region read.
    orientation
        RFC-4 anatomical orientation of the space axes: ``"LPS"``, ``"RAS"`` or a mapping
        dim -> orientation; written in the axes' metadata.
    axis_order
        ``"canonical"`` (default) orders the dims as the specification requires: ``t``, then
        channel and custom dims, then ``z``, ``y``, ``x``. ``"preserve"`` keeps the image's
        order (the writer refuses an order the version forbids).

    Returns
    -------
    Multiscales

    Raises
    ------
    NgffValueError
        Unknown dims in ``scale_factors``, ``chunks`` or ``orientation``, a factor below 1,
        a level that would be empty, or an unknown ``axis_order``.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image, to_multiscales
    >>> image = to_ngff_image(np.ones((64, 96), dtype="uint16"), scale={"y": 2.0, "x": 2.0})
    >>> ms = to_multiscales(image, scale_factors=[2, 4], chunks=32)
    >>> [im.shape for im in ms.images], ms.images[0].data.chunksize
    ([(64, 96), (32, 48), (16, 24)], (32, 32))
    >>> ms.images[1].scale["x"], ms.images[1].translation["x"], ms.metadata.datasets[1].path
    (4.0, 1.0, 'scale1/image')
    """
    image = data if isinstance(data, NgffImage) else to_ngff_image(data)
    if axis_order == "canonical":
        image = canonical_order(image)
    elif axis_order != "preserve":
        raise unknown_choice("axis_order", axis_order, ["canonical", "preserve"])
    if orientation is not None:
        image = replace(image, axes_orientations=_orientation(orientation, image))
    dims = image.dims
    block_method = get_method(method if method is not None else DEFAULT_METHOD)
    chunk_map = default_chunks(chunks, dims, image.shape)
    factors = level_factors(scale_factors, dims, image.shape, chunk_map)
    spatial = tuple(d in SPATIAL_DIMS for d in dims)
    plan = make_plan(image.data, factors, block_method, spatial)
    images = []
    for level in range(plan.levels):
        total = dict(zip(dims, factors[level - 1], strict=True)) if level else {}
        shape = plan.shapes[level]
        level_chunks = tuple(min(chunk_map[d], s) for d, s in zip(dims, shape, strict=True))
        images.append(
            replace(
                image,
                data=level_array(plan, level, level_chunks),
                scale={d: image.scale[d] * total.get(d, 1) for d in dims},
                translation={
                    d: image.translation[d] + (total.get(d, 1) - 1) * image.scale[d] / 2.0
                    for d in dims
                },
                computed_callbacks=list(image.computed_callbacks) if level == 0 else [],
                provenance=image.provenance if level == 0 else None,
            )
        )
    given: ScaleFactors
    if isinstance(scale_factors, Integral):
        given = [dict(zip(dims, f, strict=True)) for f in factors]
    else:  # a list, as given (level_factors checked it)
        given = list(cast(Sequence[int], scale_factors))
    return Multiscales(
        images=images,
        metadata=build_metadata(images, block_method),
        scale_factors=given,
        method=block_method.method,
        chunks=chunk_map,
    )


def _orientation(
    orientation: str | Mapping[str, AnatomicalOrientation | str], image: NgffImage
) -> dict[str, Any]:
    """Per-dim orientation: a preset's entries for the image's space dims, or the mapping."""
    if isinstance(orientation, str):
        preset = orientation_from_name(orientation)
        return {d: o for d, o in preset.items() if d in image.dims}
    if not isinstance(orientation, Mapping):
        raise NgffValueError(
            f"orientation: expected 'LPS', 'RAS' or a mapping dim -> orientation, "
            f"got {orientation!r}"
        )
    return dict(orientation)
