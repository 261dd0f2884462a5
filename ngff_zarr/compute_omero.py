"""``omero`` display metadata computed from the pixels: windows, colours and labels per channel.

A channel's window is its data range (``min``, ``max``) and a display range (``start``,
``end``) at two quantiles, 2% and 98% by default (linear interpolation, as NumPy's). Colours
come from ``channel_colors``, else white for one channel and :data:`GLASBEY_COLORS` for several;
labels from ``channel_names``, else ``""``.

For a pyramid the statistics come from one level, as ngff-zarr picks it: the full resolution
for images of at most a million pixels, else the coarsest level that is still at least 256
pixels along y and x. :func:`~ngff_zarr.to_ngff_zarr` computes them that way, from the level it
has just written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import dask.array as da
import numpy as np

from ._palette import GLASBEY_COLORS
from .errors import NgffValueError
from .multiscales import Multiscales
from .ngff_image import NgffImage
from .v04.omero import Omero, OmeroChannel, OmeroWindow
from .vocab import SPATIAL_DIMS

__all__ = [
    "GLASBEY_COLORS",
    "compute_omero_from_multiscales",
    "compute_omero_from_ngff_image",
    "get_default_colors",
    "omero_from_values",
    "omero_level",
]

Quantiles = tuple[float, float]

_SMALL_PIXELS = 1_000_000  # at most this many pixels: statistics from the full resolution
_MIN_EDGE = 256  # else the coarsest level at least this long along y and x
_SAMPLE_VOXELS = 1 << 24  # quantiles of a larger channel come from an even subsample
_DENSE_BINS = 1 << 16


def get_default_colors(n_channels: int) -> list[str]:
    """White for one channel; the Glasbey palette (repeated past 256) for several.

    >>> get_default_colors(1), get_default_colors(3)
    (['FFFFFF'], ['30A2DA', 'FC4F30', 'E5AE38'])
    """
    if n_channels == 1:
        return ["FFFFFF"]
    return [GLASBEY_COLORS[i % len(GLASBEY_COLORS)] for i in range(n_channels)]


def compute_omero_from_ngff_image(
    ngff_image: NgffImage,
    quantiles: Quantiles = (0.02, 0.98),
    colors: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    dense: bool = False,
) -> Omero:
    """The ``omero`` metadata of ``ngff_image`` from its pixels, in one pass over them.

    Parameters
    ----------
    ngff_image
        The image (one channel per index of ``c``; one channel without a ``c`` dim).
    quantiles
        The low and high quantile of each window's ``start`` and ``end``.
    colors
        One ``RRGGBB`` colour per channel (no ``#``); default the image's ``channel_colors``,
        else :func:`get_default_colors`.
    labels
        One label per channel; default the image's ``channel_names``, else ``""``.
    dense
        Quantiles from a histogram of every pixel (65536 bins: exact for 8- and 16-bit data)
        instead of an even subsample of at most 16 Mi pixels per channel.

    Returns
    -------
    Omero

    Raises
    ------
    NgffValueError
        Quantiles not in increasing order within [0, 1], colours that are not 6-digit hex,
        or fewer colours or labels than channels.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> image = to_ngff_image(np.arange(100, dtype=np.uint8).reshape(10, 10))
    >>> compute_omero_from_ngff_image(image).channels[0].window
    OmeroWindow(min=0.0, max=99.0, start=1.98, end=97.02)
    """
    _check_quantiles(quantiles)
    data = ngff_image.data
    if "c" in ngff_image.dims:
        data = da.moveaxis(data, ngff_image.dims.index("c"), 0)
    else:
        data = data[None]
    count = int(data.shape[0])
    if dense:
        stats = [_dense_stats(data[i], quantiles) for i in range(count)]
    else:
        stats = _sampled_stats(data, quantiles)
    return _omero(
        stats,
        colors if colors is not None else ngff_image.channel_colors,
        labels if labels is not None else ngff_image.channel_names,
    )


def compute_omero_from_multiscales(
    multiscales: Multiscales,
    quantiles: Quantiles = (0.02, 0.98),
    colors: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    dense: bool = False,
) -> Omero:
    """The ``omero`` metadata of a pyramid, from the level :func:`omero_level` picks.

    Colours and labels default to the first level's ``channel_colors`` and
    ``channel_names``; see :func:`compute_omero_from_ngff_image` for the parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_multiscales, to_ngff_image
    >>> data = np.stack([np.full((32, 32), 7), np.arange(1024).reshape(32, 32)]).astype("uint16")
    >>> ms = to_multiscales(to_ngff_image(data, dims="cyx"), scale_factors=[2])
    >>> omero = compute_omero_from_multiscales(ms)
    >>> [(ch.color, ch.window.min, ch.window.max) for ch in omero.channels]
    [('30A2DA', 7.0, 7.0), ('FC4F30', 0.0, 1023.0)]
    """
    first = multiscales.images[0]
    level = omero_level([im.shape for im in multiscales.images], first.dims)
    return compute_omero_from_ngff_image(
        multiscales.images[level],
        quantiles,
        colors if colors is not None else first.channel_colors,
        labels if labels is not None else first.channel_names,
        dense,
    )


def omero_level(shapes: Sequence[tuple[int, ...]], dims: tuple[str, ...]) -> int:
    """The level whose pixels give the display statistics (ngff-zarr's choice).

    The full resolution when it has at most a million pixels, else the coarsest level that
    is at least 256 pixels along y and x (the full resolution if none is).

    >>> omero_level([(4096, 4096), (2048, 2048), (1024, 1024), (512, 512), (128, 128)], ("y", "x"))
    3
    """
    spatial = [i for i, d in enumerate(dims) if d in SPATIAL_DIMS]
    if math.prod(shapes[0][i] for i in spatial) <= _SMALL_PIXELS:
        return 0
    edges = [i for i, d in enumerate(dims) if d in ("y", "x")]
    fit = [k for k, s in enumerate(shapes) if all(s[i] >= _MIN_EDGE for i in edges)]
    return max(fit) if fit else 0


def omero_from_values(
    values: np.ndarray,
    quantiles: Quantiles = (0.02, 0.98),
    colors: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> Omero:
    """The ``omero`` metadata of ``values``, an array whose first axis is the channel."""
    _check_quantiles(quantiles)
    stats = [_stats(values[i], quantiles) for i in range(values.shape[0])]
    return _omero(stats, colors, labels)


Stats = tuple[float, float, float, float]


def _sampled_stats(data: da.Array, quantiles: Quantiles) -> list[Stats]:
    """Exact min and max, quantiles of an even subsample; one compute over the data."""
    per_channel = math.prod(int(s) for s in data.shape[1:])
    step = max(1, math.ceil((per_channel / _SAMPLE_VOXELS) ** (1 / max(1, data.ndim - 1))))
    sample = data[(slice(None), *(slice(None, None, step) for _ in data.shape[1:]))]
    axes = tuple(range(1, data.ndim))
    mins, maxs, values = da.compute(
        da.nanmin(data, axis=axes), da.nanmax(data, axis=axes), sample, scheduler="threads"
    )
    out = []
    for i in range(int(data.shape[0])):
        _, _, start, end = _stats(np.asarray(values[i]), quantiles)
        out.append((_float(mins[i]), _float(maxs[i]), start, end))
    return out


def _stats(values: np.ndarray, quantiles: Quantiles) -> Stats:
    flat = np.asarray(values).reshape(-1)
    if flat.dtype.kind == "f":
        flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return (0.0, 0.0, 0.0, 0.0)
    if flat.dtype.kind == "b":
        flat = flat.astype(np.uint8)
    low, high = np.quantile(flat, quantiles)
    return (_float(flat.min()), _float(flat.max()), _float(low), _float(high))


def _dense_stats(channel: da.Array, quantiles: Quantiles) -> Stats:
    """Quantiles from a histogram of every pixel: exact bins for integers of up to 16 bits."""
    dtype = np.dtype(channel.dtype)
    low_value, high_value = (_float(v) for v in da.compute(da.nanmin(channel), da.nanmax(channel)))
    if not (math.isfinite(low_value) and math.isfinite(high_value)):
        return (0.0, 0.0, 0.0, 0.0)
    if dtype.kind in "uib" and high_value - low_value < _DENSE_BINS:
        edges = np.arange(low_value, high_value + 2) - 0.5  # one bin per integer
    else:
        edges = np.linspace(low_value, high_value, _DENSE_BINS + 1)
    if len(edges) < 2 or high_value == low_value:
        return (low_value, high_value, low_value, high_value)
    counts, _ = da.histogram(channel.astype(np.float64), bins=edges)
    counts = np.asarray(counts.compute(), dtype=np.float64)
    cumulative = np.cumsum(counts)
    total = cumulative[-1]
    centres = (edges[:-1] + edges[1:]) / 2.0
    out = []
    for q in quantiles:
        # the value at rank q * (n - 1), as numpy's linear quantile counts ranks
        rank = q * (total - 1)
        lower = int(np.searchsorted(cumulative, rank, side="right"))
        upper = int(np.searchsorted(cumulative, rank + 1, side="right"))
        lower, upper = min(lower, len(centres) - 1), min(upper, len(centres) - 1)
        fraction = rank - math.floor(rank)
        value = centres[lower] + (centres[upper] - centres[lower]) * fraction
        out.append(float(value))
    return (low_value, high_value, out[0], out[1])


def _omero(stats: list[Stats], colors: Sequence[str] | None, labels: Sequence[str] | None) -> Omero:
    count = len(stats)
    if colors is not None and len(colors) < count:
        raise NgffValueError(
            f"colors: not enough colours provided, got {len(colors)}, need {count}"
        )
    if labels is not None and len(labels) < count:
        raise NgffValueError(f"labels: not enough labels provided, got {len(labels)}, need {count}")
    chosen = list(colors[:count]) if colors is not None else get_default_colors(count)
    for i, color in enumerate(chosen):
        if not _is_hex(str(color)):
            raise NgffValueError(
                f"colors[{i}]: expected a 6-digit hexadecimal RRGGBB colour without '#', "
                f"got {color!r}"
            )
    names = [str(label) for label in labels[:count]] if labels is not None else [""] * count
    return Omero(
        channels=[
            OmeroChannel(
                color=str(color).upper(),
                window=OmeroWindow(min=lo, max=hi, start=start, end=end),
                label=name,
            )
            for (lo, hi, start, end), color, name in zip(stats, chosen, names, strict=True)
        ]
    )


def _check_quantiles(quantiles: Any) -> None:
    try:
        low, high = (float(q) for q in quantiles)
    except (TypeError, ValueError):
        raise NgffValueError(f"quantiles: expected (low, high), got {quantiles!r}") from None
    if not 0.0 <= low < high <= 1.0:
        raise NgffValueError(f"quantiles: expected 0 <= low < high <= 1, got {(low, high)}")


def _is_hex(value: str) -> bool:
    return len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value)


def _float(value: Any) -> float:
    return float(np.asarray(value).item())
