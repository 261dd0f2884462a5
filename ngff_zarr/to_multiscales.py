"""``to_multiscales``: an :class:`NgffImage` into a lazy multiscale pyramid."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._pyramid import level_array, make_plan
from .errors import InvalidMetadataError
from .methods import DEFAULT_METHOD, Methods, get_method
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .to_ngff_image import to_ngff_image
from .v04.zarr_metadata import (
    DIM_TYPES,
    SPATIAL_DIMS,
    Axis,
    Dataset,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Scale,
    Translation,
)

__all__ = ["to_multiscales"]

ScaleFactors = int | Sequence[int] | Sequence[Mapping[str, int]]
Chunks = int | Sequence[int] | Mapping[str, int]

_DEFAULT_COLORS = ("0000FF", "00FF00", "FF0000", "FF00FF", "00FFFF", "FFFF00", "FFFFFF")


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
    chunk_map = _chunks(chunks, dims, image.shape)
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
    metadata = _metadata(images, block_method)
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


def _chunks(chunks: Chunks | None, dims: tuple[str, ...], shape: tuple[int, ...]) -> dict[str, int]:
    n_spatial = sum(d in SPATIAL_DIMS for d in dims)
    default_spatial = 64 if n_spatial == 3 else 256
    sizes = dict(zip(dims, shape, strict=True))
    out = {d: (default_spatial if d in SPATIAL_DIMS else 1) for d in dims}
    if "c" in out:
        out["c"] = sizes["c"]
    if chunks is None:
        pass
    elif isinstance(chunks, int | np.integer):
        for d in dims:
            if d in SPATIAL_DIMS:
                out[d] = int(chunks)
    elif isinstance(chunks, Mapping):
        unknown = [d for d in chunks if d not in dims]
        if unknown:
            raise InvalidMetadataError(
                f"dims {unknown} are not image dims {list(dims)}", field="chunks"
            )
        out.update({d: int(v) for d, v in chunks.items()})
    else:
        seq = [int(v) for v in chunks]
        if len(seq) != len(dims):
            raise InvalidMetadataError(
                f"expected one chunk length per dim {list(dims)}, got {len(seq)}", field="chunks"
            )
        out = dict(zip(dims, seq, strict=True))
    bad = {d: v for d, v in out.items() if v < 1}
    if bad:
        raise InvalidMetadataError(f"chunk lengths must be >= 1, got {bad}", field="chunks")
    return {d: min(out[d], sizes[d]) for d in dims}


def _metadata(images: list[NgffImage], method: Any) -> Metadata:
    first = images[0]
    units = first.axes_units or {}
    axes = [Axis(name=d, type=DIM_TYPES[d], unit=units.get(d)) for d in first.dims]
    datasets = []
    for level, im in enumerate(images):
        transforms: list[Scale | Translation] = [Scale([im.scale[d] for d in im.dims])]
        if any(im.translation[d] != 0 for d in im.dims):
            transforms.append(Translation([im.translation[d] for d in im.dims]))
        datasets.append(Dataset(path=str(level), coordinateTransformations=transforms))
    return Metadata(
        axes=axes,
        datasets=datasets,
        name=first.name,
        type=method.method.value,
        metadata=MethodMetadata(
            description=method.description,
            method=f"ngff_zarr.methods.{method.method.name}",
            version=method.package_version(),
            kwargs={"package": method.package},
        ),
        omero=_omero(first),
    )


def _omero(image: NgffImage) -> Omero | None:
    prov = image.provenance or {}
    names = prov.get("channel_names")
    colors = prov.get("channel_colors")
    if "c" not in image.dims or (not names and not colors):
        return None
    count = image.sizes["c"]
    dtype = np.dtype(image.dtype)
    if dtype.kind in "ui":
        info = np.iinfo(dtype)
        lo, hi = float(info.min), float(info.max)
    else:
        lo, hi = 0.0, 1.0
    channels = []
    for i in range(count):
        label = (
            str(names[i]) if names and i < len(names) and names[i] is not None else f"Channel {i}"
        )
        color = colors[i] if colors and i < len(colors) and colors[i] else None
        channels.append(
            OmeroChannel(
                color=str(color) if color else _DEFAULT_COLORS[i % len(_DEFAULT_COLORS)],
                window=OmeroWindow(min=lo, max=hi, start=lo, end=hi),
                label=label,
            )
        )
    return Omero(channels=channels)
