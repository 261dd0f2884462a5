"""``to_multiscales``: an :class:`NgffImage` into a lazy multiscale pyramid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._multiscale_metadata import Chunks, image_metadata
from ._multiscale_metadata import chunk_map as default_chunk_map
from ._pyramid import level_array, make_plan
from .errors import InvalidMetadataError
from .methods import DEFAULT_METHOD, Methods, get_method
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .to_ngff_image import to_ngff_image
from .v04.zarr_metadata import SPATIAL_DIMS

__all__ = ["to_multiscales"]

ScaleFactors = int | Sequence[int] | Sequence[Mapping[str, int]]


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
    InvalidMetadataError
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
    factors = _level_factors(scale_factors, dims, image.shape)
    steps: list[tuple[int, ...]] = []
    previous = (1,) * len(dims)
    for level, current in enumerate(factors, start=1):
        step = []
        for dim, prev, cur in zip(dims, previous, current, strict=True):
            if cur % prev:
                raise InvalidMetadataError(
                    f"level {level} factor {cur} on {dim!r} is not a multiple of the previous "
                    f"level's factor {prev}; each level is computed from the one above",
                    field="scale_factors",
                )
            step.append(cur // prev)
        steps.append(tuple(step))
        previous = current
    spatial = tuple(d in SPATIAL_DIMS for d in dims)
    plan = make_plan(image.data, steps, block_method, spatial)
    for level, shape in enumerate(plan.shapes[1:], start=1):
        empty = [d for d, s in zip(dims, shape, strict=True) if s < 1]
        if empty:
            raise InvalidMetadataError(
                f"level {level} would have no pixels along {empty} (image shape "
                f"{image.shape}, factors {dict(zip(dims, factors[level - 1], strict=True))})",
                field="scale_factors",
            )
    chunk_map = default_chunk_map(chunks, dims, image.shape)
    images = [image]
    for level in range(1, plan.levels):
        total = dict(zip(dims, factors[level - 1], strict=True))
        shape = plan.shapes[level]
        level_chunks = tuple(min(chunk_map[d], s) for d, s in zip(dims, shape, strict=True))
        images.append(
            NgffImage(
                data=level_array(plan, level, level_chunks),
                dims=dims,
                scale={d: image.scale[d] * total[d] for d in dims},
                translation={
                    d: image.translation[d] + (total[d] - 1) * image.scale[d] / 2.0 for d in dims
                },
                name=image.name,
                axes_units=dict(image.axes_units) if image.axes_units else None,
            )
        )
    metadata = image_metadata(images, block_method)
    return Multiscales(
        images=images,
        metadata=metadata,
        scale_factors=[dict(zip(dims, f, strict=True)) for f in factors],
        method=block_method.method,
        chunks=chunk_map,
        pyramid=plan,
    )


def _level_factors(
    scale_factors: ScaleFactors, dims: tuple[str, ...], shape: tuple[int, ...]
) -> list[tuple[int, ...]]:
    spatial = [d in SPATIAL_DIMS for d in dims]
    if isinstance(scale_factors, bool):
        raise InvalidMetadataError("expected an int or a list, got a bool", field="scale_factors")
    if isinstance(scale_factors, int | np.integer):
        stop = int(scale_factors)
        if stop < 1:
            raise InvalidMetadataError(
                f"expected a smallest edge length >= 1, got {stop}", field="scale_factors"
            )
        out: list[tuple[int, ...]] = []
        current = [1] * len(dims)
        sizes = list(shape)
        while True:
            grow = [
                sp and size > stop and size // 2 >= 1
                for sp, size in zip(spatial, sizes, strict=True)
            ]
            if not any(grow):
                return out
            current = [c * 2 if g else c for c, g in zip(current, grow, strict=True)]
            sizes = [s // 2 if g else s for s, g in zip(sizes, grow, strict=True)]
            out.append(tuple(current))
    levels: list[tuple[int, ...]] = []
    for level, entry in enumerate(scale_factors, start=1):
        if isinstance(entry, Mapping):
            unknown = [d for d in entry if d not in dims]
            if unknown:
                raise InvalidMetadataError(
                    f"level {level}: dims {unknown} are not image dims {list(dims)}",
                    field="scale_factors",
                )
            row = tuple(int(entry.get(d, 1)) for d in dims)
            bad = [d for d, f in zip(dims, row, strict=True) if f != 1 and d not in SPATIAL_DIMS]
            if bad:
                raise InvalidMetadataError(
                    f"level {level}: only spatial dims can be downsampled, got factors on {bad}",
                    field="scale_factors",
                )
        else:
            value = int(entry)  # type: ignore[call-overload]
            row = tuple(value if sp else 1 for sp in spatial)
        if any(f < 1 for f in row):
            raise InvalidMetadataError(
                f"level {level}: factors must be >= 1, got {dict(zip(dims, row, strict=True))}",
                field="scale_factors",
            )
        levels.append(row)
    return levels
