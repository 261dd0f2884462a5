"""Leica LIF reader (liffile): one image per LIF image and mosaic tile, memory-mapped.

The pixels are memory-mapped from the file, so a dask chunk (one plane) touches only its pages.
Spacing is liffile's coordinate step (``Length / (N - 1)``); a negative Z step (z running
downwards) is used as its magnitude. Tiles (axis ``M``) become separate images placed by the
tile-scan stage positions. Channels have no names in LIF, only LUTs, which become colours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from ..errors import InvalidMetadataError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, length_um, time_s

_LUT_COLORS = {
    "red": "FF0000",
    "green": "00FF00",
    "blue": "0000FF",
    "cyan": "00FFFF",
    "magenta": "FF00FF",
    "yellow": "FFFF00",
    "gray": "FFFFFF",
    "grey": "FFFFFF",
}


class _LifReader:
    def read(self, path: Path) -> list[SourceImage]:
        import liffile

        try:
            lif = liffile.LifFile(path)
        except (OSError, ValueError) as exc:
            raise InvalidMetadataError(f"not a readable LIF file: {exc}", path=str(path)) from exc
        out = []
        for number, image in enumerate(lif.images):
            axes = "".join(image.dims).upper()
            array = _lazy(image, f"lif-{path}-{number}-{path.stat().st_mtime_ns}")
            scale, units = _calibration(image)
            colors = _colors(image)
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
                    channel_colors=colors,
                    metadata={**meta, "tile": tile},
                )
                for tile in range(image.sizes["M"])
            )
        return out


def _lazy(image: Any, name: str) -> da.Array:
    chunks = tuple(size if dim in ("Y", "X", "S") else 1 for dim, size in image.sizes.items())
    try:
        mapped = image.asarray(out="memmap")
    except (ValueError, OSError, TypeError):  # compressed or strided: read on first access
        from dask.delayed import delayed

        lazy: da.Array = da.from_delayed(delayed(image.asarray)(), image.shape, dtype=image.dtype)
        return lazy
    out: da.Array = da.from_array(
        mapped, chunks=chunks, name=name, meta=np.empty((0,) * mapped.ndim, mapped.dtype)
    )
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
    colors = [_LUT_COLORS.get(lut.lower()) for lut in luts]
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
