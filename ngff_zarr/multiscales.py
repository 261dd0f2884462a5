"""The :class:`Multiscales` dataclass: a pyramid of :class:`NgffImage` levels and its metadata.

:func:`build_metadata` and :func:`default_chunks` are the one place where a list of levels
gets its ``multiscales`` metadata and chunk shape, whether the levels were computed
(:func:`~ngff_zarr.to_multiscales`) or stored in a file (:func:`~ngff_zarr.read_multiscales`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import NgffValueError
from .ngff_image import NgffImage
from .v04.axes import Axis
from .v04.multiscales import Dataset, Metadata, MethodMetadata
from .v04.omero import OmeroChannel, OmeroWindow
from .v04.transformations import Scale, Translation
from .vocab import SPATIAL_DIMS, Methods

__all__ = [
    "Chunks",
    "Multiscales",
    "NgffMultiscales",
    "ScaleFactors",
    "build_metadata",
    "dataset_path",
    "default_channel",
    "default_chunks",
    "level_factors",
]

Chunks = int | Sequence[int] | Mapping[str, int]
ScaleFactors = int | Sequence[int] | Sequence[Mapping[str, int]]


# the colours of channels an edit adds (append along c, derived images)
DEFAULT_COLORS = ("0000FF", "00FF00", "FF0000", "FF00FF", "00FFFF", "FFFF00", "FFFFFF")


@dataclass
class Multiscales:
    """A multiscale image: its levels, finest first, and the spec metadata that describes them.

    Data only: :func:`~ngff_zarr.to_ngff_zarr` writes each level's ``data`` as it is (a lower
    level that :func:`~ngff_zarr.to_multiscales` planned is streamed from the level above; one
    replaced by other data is written as given). Also available as ``NgffMultiscales``.

    Parameters
    ----------
    images
        The levels, finest first. ``images[0]`` is the full-resolution image.
    metadata
        The ``multiscales`` metadata (axes, one dataset per level, omero, provenance).
    scale_factors
        The scale factors as given to :func:`~ngff_zarr.to_multiscales` (a list of ints or of
        per-dim mappings, relative to the full resolution); an int given there is stored as
        the per-dim factors it chose. None for a pyramid read from a store.
    method
        The downsampling method that made the lower levels.
    chunks
        The chunk shape per dim used when writing.
    generated_data_keys
        Store keys of data generated for this pyramid (not compared, not shown).
    root_attributes
        Attributes written beside the OME metadata at the root of the store (no OME keys).
    """

    images: list[NgffImage]
    metadata: Metadata
    scale_factors: ScaleFactors | None = None
    method: Methods | None = None
    chunks: dict[str, int] | None = None
    generated_data_keys: list[str] | None = field(default=None, repr=False, compare=False)
    root_attributes: dict[str, Any] | None = None

    @property
    def dims(self) -> tuple[str, ...]:
        return self.images[0].dims


NgffMultiscales = Multiscales


def default_chunks(
    chunks: Chunks | None, dims: tuple[str, ...], shape: tuple[int, ...]
) -> dict[str, int]:
    """Chunk length per dim: 128 per spatial dim in 3-D, 256 in 2-D, 1 along t, all of c.

    ``chunks`` overrides: an int for every spatial dim, a sequence in dims order, or a mapping
    by dim. A chunk never exceeds its dim's length.
    """
    n_spatial = sum(d in SPATIAL_DIMS for d in dims)
    default_spatial = 128 if n_spatial == 3 else 256
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


def dataset_path(level: int, name: str) -> str:
    """The array path of ``level``: ``scale{level}/{name}``, as ngff-zarr writes it.

    A name that is not one path segment (empty, ``.``, ``..``, or containing ``/`` or ``\\``)
    gives ``image``.

    >>> dataset_path(0, "image"), dataset_path(2, "cells"), dataset_path(1, "a/b")
    ('scale0/image', 'scale2/cells', 'scale1/image')
    """
    segment = name if name not in ("", ".", "..") and not set(name) & {"/", "\\"} else "image"
    return f"scale{level}/{segment}"


def build_metadata(images: Sequence[NgffImage], method: Any = None) -> Metadata:
    """``multiscales`` metadata of ``images``; ``method`` (registered) records provenance.

    Dataset paths are ``scale{level}/{name}`` (:func:`dataset_path`).
    """
    first = images[0]
    units = first.axes_units or {}
    orientations = first.axes_orientations or {}
    axes = [
        Axis(name=d, type=first.axis_type(d), unit=units.get(d), orientation=orientations.get(d))
        for d in first.dims
    ]
    datasets = []
    for level, im in enumerate(images):
        transforms: list[Scale | Translation] = [
            Scale([im.scale[d] for d in im.dims]),
            Translation([im.translation[d] for d in im.dims]),
        ]
        path = dataset_path(level, first.name)
        datasets.append(Dataset(path=path, coordinateTransformations=transforms))
    return Metadata(
        axes=axes,
        datasets=datasets,
        name=first.name,
        version="0.4",  # this model's own version, as ngff-zarr's; the writer picks what to write
        type=None if method is None else method.method.value,
        metadata=None
        if method is None
        else MethodMetadata(
            description=method.description,
            method=method.provenance,
            version=method.package_version(),
        ),
        omero=None,  # computed from the pixels when written (see to_ngff_zarr's omero=)
    )


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
    scale_factors: ScaleFactors,
    dims: tuple[str, ...],
    shape: tuple[int, ...],
    chunks: Mapping[str, int] | None = None,
) -> list[tuple[int, ...]]:
    """The total factor per dim of each level below the first (see :func:`to_multiscales`).

    An int ``n`` halves each spatial dim, level after level, while the halved length stays at
    least ``max(n, chunk)`` (``chunks``: the chunk length per dim, default the dim's length).
    """
    spatial = [d in SPATIAL_DIMS for d in dims]
    if isinstance(scale_factors, bool):
        raise NgffValueError("scale_factors: expected an int or a list, got a bool")
    if isinstance(scale_factors, int | np.integer):
        stop = int(scale_factors)
        if stop < 1:
            raise NgffValueError(f"scale_factors: expected a smallest edge length >= 1, got {stop}")
        chunk = chunks or {}
        least = [max(stop, int(chunk.get(d, 1))) for d in dims]
        out: list[tuple[int, ...]] = []
        current = [1] * len(dims)
        sizes = list(shape)
        while True:
            grow = [
                sp and size // 2 >= low for sp, size, low in zip(spatial, sizes, least, strict=True)
            ]
            if not any(grow):
                return out
            current = [c * 2 if g else c for c, g in zip(current, grow, strict=True)]
            sizes = [s // 2 if g else s for s, g in zip(sizes, grow, strict=True)]
            out.append(tuple(current))
    if isinstance(scale_factors, str | bytes) or not isinstance(scale_factors, Sequence):
        raise NgffValueError(
            "scale_factors: expected an int or a list of ints or of mappings, "
            f"got {scale_factors!r}"
        )
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
    """Every level has at least one pixel along every dim."""
    for level, current in enumerate(levels, start=1):
        sizes = [s // f for s, f in zip(shape, current, strict=True)]
        empty = [d for d, s in zip(dims, sizes, strict=True) if s < 1]
        if empty:
            raise NgffValueError(
                f"scale_factors: level {level} would have no pixels along {empty} (image shape "
                f"{shape}, factors {dict(zip(dims, current, strict=True))})"
            )
