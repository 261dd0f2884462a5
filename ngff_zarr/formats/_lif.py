"""Leica LIF reader (liffile): one image per LIF image and mosaic tile, memory-mapped.

The pixels are memory-mapped from the file; a dask chunk groups planes or rows up to
``config.read_chunk_bytes`` (an XZ scan is not one chunk per row). Spacing is liffile's
coordinate step (``Length / (N - 1)``); a negative Z step (z running downwards) is used as its
magnitude. Tiles (axis ``M``) become separate images placed by the tile-scan stage positions.
Channels have no names in LIF, only LUTs, which become colours. Spectral scans sweep the
emission (``λ``) or excitation (``Λ``) wavelength: those axes are channel axes, kept apart
(upper-casing would make them one), named by their wavelengths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from .._arrays import grouped_chunks
from .._palette import NAMED_COLORS
from ..config import config
from ..errors import InvalidMetadataError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, length_um, time_s

# liffile's wavelength sweep axes and the prefix of their channel names
_WAVELENGTHS = {"λ": "em", "Λ": "ex"}


class _LifReader:
    def read(self, path: Path) -> list[SourceImage]:
        import liffile

        try:
            lif = liffile.LifFile(path)
        except (OSError, ValueError) as exc:
            raise InvalidMetadataError(f"not a readable LIF file: {exc}", path=str(path)) from exc
        with lif:  # memory maps outlive the file handle; other reads reopen the file
            return self._sources(lif, path)

    def _sources(self, lif: Any, path: Path) -> list[SourceImage]:
        out = []
        for number, image in enumerate(lif.images):
            axes, names = describe_axes(image.dims, image.sizes, image.coords)
            array = _lazy(image, path, number)
            scale, units = _calibration(image)
            colors = None if names else _colors(image)
            meta: dict[str, Any] = {"image": image.path, "sizes": dict(image.sizes)}
            tiles = _tiles(image)
            if "M" not in axes:
                out.append(
                    SourceImage(
                        levels=(array,),
                        axes=axes,
                        scale=scale,
                        units=units,
                        name=image.name,
                        channel_names=names,
                        channel_colors=colors,
                        metadata=meta,
                    )
                )
                continue
            m = axes.index("M")
            out.extend(
                SourceImage(
                    levels=(array[(slice(None),) * m + (tile,)],),
                    axes=axes.replace("M", ""),
                    scale=scale,
                    units=units,
                    translation=tiles[tile] if tile < len(tiles) else {},
                    name=f"{image.name} M{tile}",
                    channel_names=names,
                    channel_colors=colors,
                    metadata={**meta, "tile": tile},
                )
                for tile in range(image.sizes["M"])
            )
        return out


def describe_axes(
    dims: Sequence[str], sizes: Mapping[str, int], coords: Mapping[str, Any]
) -> tuple[str, tuple[str, ...] | None]:
    """Native axis codes of liffile's ``dims``, and channel names of a wavelength sweep.

    ``λ`` (emission) and ``Λ`` (excitation) stay as they are (both are channel axes); the
    other dims are upper-cased. When the only channel axis longer than 1 is a sweep, its
    channels are named by wavelength (``"em 520 nm"``, ``"ex 488 nm"``).
    """
    axes = "".join(d if d in _WAVELENGTHS else d.upper() for d in dims)
    channel = [d for d in dims if (d in _WAVELENGTHS or d.upper() in "CS") and sizes[d] > 1]
    if len(channel) != 1 or channel[0] not in _WAVELENGTHS:
        return axes, None
    dim = channel[0]
    values = [float(v) for v in coords.get(dim, ())]
    if len(values) != sizes[dim]:
        return axes, None
    nanometers = [v * 1e9 if abs(v) < 1e-3 else v for v in values]  # meters or nanometers
    return axes, tuple(f"{_WAVELENGTHS[dim]} {nm:.4g} nm" for nm in nanometers)


def _lazy(image: Any, path: Path, number: int) -> da.Array:
    name = f"lif-{path}-{number}-{path.stat().st_mtime_ns}"
    itemsize = np.dtype(image.dtype).itemsize
    chunks = grouped_chunks(image.shape, (1,) * len(image.shape), itemsize, config.read_chunk_bytes)
    try:
        mapped = image.asarray(out="memmap")
    except (ValueError, OSError, TypeError):  # compressed or strided: read on first access
        from dask.delayed import delayed

        whole = delayed(_whole, pure=True)(path, number, dask_key_name=name)
        lazy: da.Array = da.from_delayed(whole, image.shape, dtype=image.dtype)
        return lazy
    out: da.Array = da.from_array(
        mapped, chunks=chunks, name=name, meta=np.empty((0,) * mapped.ndim, mapped.dtype)
    )
    return out


def _whole(path: Path, number: int) -> np.ndarray:
    """Image ``number`` of the LIF file, read whole (the file is closed again)."""
    import liffile

    with liffile.LifFile(path) as lif:
        out: np.ndarray = lif.images[number].asarray()
    return out


def _calibration(image: Any) -> tuple[dict[str, float], dict[str, str]]:
    scale: dict[str, float] = {}
    units: dict[str, str] = {}
    for dim, values in image.coords.items():
        if dim not in ("X", "Y", "Z", "T") or len(values) < 2:
            continue
        step = float(values[1]) - float(values[0])
        key = dim.lower()
        value = time_s(step, "s") if dim == "T" else length_um(step, "m")
        if value is not None:
            scale[key], units[key] = value, SECOND if dim == "T" else MICROMETER
    return scale, units


def _colors(image: Any) -> tuple[str, ...] | None:
    element = image.xml_element
    luts = [c.get("LUTName", "") for c in element.iter("ChannelDescription")]
    colors = [NAMED_COLORS.get(lut.lower()) for lut in luts]
    return tuple(str(c) for c in colors) if colors and all(colors) else None


def _tiles(image: Any) -> list[dict[str, float]]:
    info = image.tilescan
    if info is None:
        return []
    out = []
    for tile in info.tiles:
        position = {}
        for dim in ("x", "y"):
            value = float(tile[f"pos_{dim}"]) * 1e6
            position[dim] = float(f"{value:.12g}")
        out.append(position)
    return out


READER = _LifReader()
