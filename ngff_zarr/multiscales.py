"""The :class:`Multiscales` dataclass: a pyramid of :class:`NgffImage` levels and its metadata.

:func:`build_metadata` and :func:`default_chunks` are the one place where a list of levels
gets its ``multiscales`` metadata and chunk shape, whether the levels were computed
(:func:`~ngff_zarr.to_multiscales`) or stored in a file (:func:`~ngff_zarr.read_multiscales`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import NgffValueError
from .ngff_image import NgffImage
from .v04.axes import Axis
from .v04.multiscales import Dataset, Metadata, MethodMetadata
from .v04.omero import Omero, OmeroChannel, OmeroWindow
from .v04.transformations import Scale, Translation
from .vocab import SPATIAL_DIMS, Methods

__all__ = [
    "Chunks",
    "Multiscales",
    "ScaleFactors",
    "build_metadata",
    "default_channel",
    "default_chunks",
    "level_factors",
]

Chunks = int | Sequence[int] | Mapping[str, int]
ScaleFactors = int | Sequence[int] | Sequence[Mapping[str, int]]

DEFAULT_COLORS = ("0000FF", "00FF00", "FF0000", "FF00FF", "00FFFF", "FFFF00", "FFFFFF")


@dataclass
class Multiscales:
    """A multiscale image: its levels, finest first, and the spec metadata that describes them.

    Data only: :func:`~ngff_zarr.to_ngff_zarr` writes each level's ``data`` as it is (a lower
    level that :func:`~ngff_zarr.to_multiscales` planned is streamed from the level above; one
    replaced by other data is written as given).

    Parameters
    ----------
    images
        The levels, finest first. ``images[0]`` is the full-resolution image.
    metadata
        The ``multiscales`` metadata (axes, one dataset per level, omero, provenance).
    scale_factors
        Per level below the first, the factor per dim relative to the full resolution.
    method
        The downsampling method that made the lower levels, if they were computed here.
    chunks
        The chunk shape per dim used when writing.
    """

    images: list[NgffImage]
    metadata: Metadata
    scale_factors: list[dict[str, int]] | None = None
    method: Methods | None = None
    chunks: dict[str, int] | None = None

    @property
    def dims(self) -> tuple[str, ...]:
        return self.images[0].dims


def default_chunks(
    chunks: Chunks | None, dims: tuple[str, ...], shape: tuple[int, ...]
) -> dict[str, int]:
    """Chunk length per dim: 64 per spatial dim in 3-D, 256 in 2-D, 1 along t, all of c.

    ``chunks`` overrides: an int for every spatial dim, a sequence in dims order, or a mapping
    by dim. A chunk never exceeds its dim's length.
    """
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
            raise NgffValueError(f"chunks: dims {unknown} are not image dims {list(dims)}")
        out.update({d: int(v) for d, v in chunks.items()})
    else:
        seq = [int(v) for v in chunks]
        if len(seq) != len(dims):
            raise NgffValueError(
                f"chunks: expected one chunk length per dim {list(dims)}, got {len(seq)}"
            )
        out = dict(zip(dims, seq, strict=True))
    bad = {d: v for d, v in out.items() if v < 1}
    if bad:
        raise NgffValueError(f"chunks: expected lengths >= 1, got {bad}")
    return {d: min(out[d], sizes[d]) for d in dims}


def build_metadata(images: Sequence[NgffImage], method: Any = None) -> Metadata:
    """``multiscales`` metadata of ``images``; ``method`` (registered) records provenance."""
    first = images[0]
    units = first.axes_units or {}
    axes = [Axis(name=d, type=first.axis_type(d), unit=units.get(d)) for d in first.dims]
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
        type=None if method is None else method.method.value,
        metadata=None
        if method is None
        else MethodMetadata(
            description=method.description,
            method=f"ngff_zarr.methods.{method.method.name}",
            version=method.package_version(),
            kwargs={"package": method.package},
        ),
        omero=_omero(first),
    )


def _omero(image: NgffImage) -> Omero | None:
    """omero channels from the image's channel names and colours (None when it has neither)."""
    names, colors = image.channel_names, image.channel_colors
    if not names and not colors:
        return None
    count = image.sizes.get("c", 1)
    channels = [
        default_channel(
            i,
            image.dtype,
            name=names[i] if names else None,
            color=colors[i] if colors and colors[i] else None,
        )
        for i in range(count)
    ]
    return Omero(channels=channels)


def default_channel(
    index: int, dtype: Any, *, name: str | None = None, color: str | None = None
) -> OmeroChannel:
    """The omero entry of channel ``index``: its name, a default colour, the dtype's range.

    >>> default_channel(1, "uint8").window
    OmeroWindow(min=0.0, max=255.0, start=0.0, end=255.0)
    """
    kind = np.dtype(dtype)
    if kind.kind in "ui":
        info = np.iinfo(kind)
        lo, hi = float(info.min), float(info.max)
    else:
        lo, hi = 0.0, 1.0
    return OmeroChannel(
        color=str(color) if color else DEFAULT_COLORS[index % len(DEFAULT_COLORS)],
        window=OmeroWindow(min=lo, max=hi, start=lo, end=hi),
        label=str(name) if name is not None else f"Channel {index}",
    )


def level_factors(
    scale_factors: ScaleFactors, dims: tuple[str, ...], shape: tuple[int, ...]
) -> list[tuple[int, ...]]:
    """The total factor per dim of each level below the first (see :func:`to_multiscales`)."""
    spatial = [d in SPATIAL_DIMS for d in dims]
    if isinstance(scale_factors, bool):
        raise NgffValueError("scale_factors: expected an int or a list, got a bool")
    if isinstance(scale_factors, int | np.integer):
        stop = int(scale_factors)
        if stop < 1:
            raise NgffValueError(f"scale_factors: expected a smallest edge length >= 1, got {stop}")
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
                raise NgffValueError(
                    f"scale_factors: level {level}: dims {unknown} are not image dims {list(dims)}"
                )
            row = tuple(int(entry.get(d, 1)) for d in dims)
            bad = [d for d, f in zip(dims, row, strict=True) if f != 1 and d not in SPATIAL_DIMS]
            if bad:
                raise NgffValueError(
                    f"scale_factors: level {level}: only spatial dims can be downsampled, "
                    f"got factors on {bad}"
                )
        else:
            value = int(entry)  # type: ignore[call-overload]
            row = tuple(value if sp else 1 for sp in spatial)
        if any(f < 1 for f in row):
            given = dict(zip(dims, row, strict=True))
            raise NgffValueError(
                f"scale_factors: level {level}: expected factors >= 1, got {given}"
            )
        levels.append(row)
    _check_cascade(levels, dims, shape)
    return levels


def _check_cascade(
    levels: list[tuple[int, ...]], dims: tuple[str, ...], shape: tuple[int, ...]
) -> None:
    """Each level is computed from the one above: its factors are multiples of the previous."""
    previous = (1,) * len(dims)
    sizes = list(shape)
    for level, current in enumerate(levels, start=1):
        for dim, prev, cur in zip(dims, previous, current, strict=True):
            if cur % prev:
                raise NgffValueError(
                    f"scale_factors: level {level} factor {cur} on {dim!r} is not a multiple of "
                    f"the previous level's factor {prev}; each level is computed from the one above"
                )
        sizes = [s // (c // p) for s, c, p in zip(sizes, current, previous, strict=True)]
        empty = [d for d, s in zip(dims, sizes, strict=True) if s < 1]
        if empty:
            raise NgffValueError(
                f"scale_factors: level {level} would have no pixels along {empty} (image shape "
                f"{shape}, factors {dict(zip(dims, current, strict=True))})"
            )
        previous = current
