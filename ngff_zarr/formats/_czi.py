"""Zeiss CZI reader (pylibCZIrw): scenes, stitched mosaics and stored pyramids.

pylibCZIrw installs on every supported Python (3.11+) with the same API; the newest ``czifile``
needs Python 3.12, so it is not used. Each scene is one image; mosaic tiles are stitched by
libCZI when a region is read. A dask chunk is one tile (at most 4096 x 4096 pixels) of one
T/C/Z plane. Pyramid levels are the zoom factors of the stored sub-blocks, read through libCZI's
zoomed access, which returns the stored pyramid tiles.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from ..errors import InvalidMetadataError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, length_um, rgb_hex, time_s
from ._handles import OpenFiles

_TILE = 4096
_PLANE_DIMS = ("T", "C", "Z")
_PIXEL_TYPES: dict[str, tuple[str, int]] = {
    "Gray8": ("uint8", 1),
    "Gray16": ("uint16", 1),
    "Gray32Float": ("float32", 1),
    "Bgr24": ("uint8", 3),
    "Bgr48": ("uint16", 3),
    "Bgr96Float": ("float32", 3),
}


def _close(entry: tuple[Any, threading.Lock]) -> None:
    entry[0].close()


_DOCUMENTS: OpenFiles[tuple[Any, threading.Lock]] = OpenFiles(4, close=_close)


def _open_document(path: str) -> tuple[Any, threading.Lock]:
    """An open document, with a lock serialising its reads (libCZI's reader is not shared)."""
    from pylibCZIrw import czi as pyczi

    return pyczi.CziReader(path), threading.Lock()


class _Plane:
    """Array-like over one scene at one zoom level; ``__getitem__`` reads only what is asked."""

    def __init__(
        self,
        *,
        path: str,
        scene: int | None,
        rect: tuple[int, int, int, int],
        planes: dict[str, tuple[int, int]],
        factor: int,
        dtype: np.dtype[Any],
        samples: int,
        line: bool,
    ) -> None:
        self.path, self.scene, self.rect, self.factor = path, scene, rect, factor
        self.planes, self.samples, self.line = planes, samples, line
        self.dtype = dtype
        height, width = max(1, rect[3] // factor), max(1, rect[2] // factor)
        spatial = (width,) if line else (height, width)
        self.shape = (
            tuple(size for _, size in planes.values())
            + spatial
            + ((samples,) if samples > 1 else ())
        )
        self.ndim = len(self.shape)

    def __getitem__(self, key: tuple[slice, ...]) -> np.ndarray:
        key = tuple(key) + (slice(None),) * (self.ndim - len(key))
        ranges = [range(*k.indices(n)) for k, n in zip(key, self.shape, strict=True)]
        n_planes = len(self.planes)
        rows = range(0, 1) if self.line else ranges[n_planes]
        cols = ranges[n_planes + (0 if self.line else 1)]
        out = np.empty(tuple(len(r) for r in ranges), dtype=self.dtype)
        with _DOCUMENTS.use(self.path, lambda: _open_document(self.path)) as (doc, lock):
            for index in np.ndindex(*(len(r) for r in ranges[:n_planes])):
                plane = {
                    dim: start + ranges[i][index[i]]
                    for i, (dim, (start, _)) in enumerate(self.planes.items())
                }
                block = self._read(doc, lock, plane, rows, cols)
                out[index] = block[0] if self.line else block
        return out[tuple(slice(None) if isinstance(k, slice) else 0 for k in key)]

    def _read(
        self, doc: Any, lock: threading.Lock, plane: dict[str, int], rows: range, cols: range
    ) -> np.ndarray:
        f = self.factor
        x0, y0 = self.rect[0] + cols.start * f, self.rect[1] + rows.start * f
        roi = (x0, y0, len(cols) * f, len(rows) * f)
        with lock:
            data = doc.read(roi=roi, plane=plane, scene=self.scene, zoom=1.0 / f)
        data = data[..., ::-1] if self.samples > 1 else data[..., 0]  # BGR -> RGB
        block = np.zeros((len(rows), len(cols), *data.shape[2:]), dtype=self.dtype)
        h, w = min(len(rows), data.shape[0]), min(len(cols), data.shape[1])
        block[:h, :w] = data[:h, :w]
        return block


class _CziReader:
    def read(self, path: Path) -> list[SourceImage]:
        from pylibCZIrw import czi as pyczi

        try:
            with pyczi.open_czi(str(path)) as doc:
                root = ET.fromstring(doc.raw_metadata)
                box = dict(doc.total_bounding_box)
                total = doc.total_bounding_rectangle
                scenes = dict(doc.scenes_bounding_rectangle)
                pixel_types = set(doc.pixel_types.values())
                zooms: set[float] = set()

                def collect(_index: int, info: Any) -> bool:
                    zooms.add(round(float(info.get_zoom()), 3))
                    return True

                doc.enumerate_subblocks(collect)
        except RuntimeError as exc:
            raise InvalidMetadataError(f"not a readable CZI file: {exc}", path=str(path)) from exc
        for dim, (_, size) in box.items():
            if dim not in (*_PLANE_DIMS, "X", "Y") and size > 1:
                raise InvalidMetadataError(
                    f"CZI dimension {dim!r} has {size} entries; only T, C, Z, scenes and mosaics "
                    "are supported",
                    path=str(path),
                )
        if len(pixel_types) != 1:
            raise InvalidMetadataError(
                f"expected one pixel type for all channels, found {sorted(pixel_types)}",
                path=str(path),
            )
        pixel_type = pixel_types.pop()
        if pixel_type not in _PIXEL_TYPES:
            raise InvalidMetadataError(f"unsupported CZI pixel type {pixel_type!r}", path=str(path))
        dtype_name, samples = _PIXEL_TYPES[pixel_type]
        planes = {d: box[d] for d in _PLANE_DIMS if d in box and box[d][1] > 1}
        factors = sorted({max(1, round(1.0 / z)) for z in zooms if z > 0} | {1})
        meta = _xml_metadata(root, planes)
        rects = scenes or {None: total}
        out = []
        for scene, rect in rects.items():
            r = (rect.x, rect.y, rect.w, rect.h)
            line = rect.h == 1 and total.h == 1
            levels = []
            for factor in factors:
                if min(r[2], r[3] if not line else r[2]) // factor < 1:
                    break
                plane = _Plane(
                    path=str(path),
                    scene=scene,
                    rect=r,
                    planes=planes,
                    factor=factor,
                    dtype=np.dtype(dtype_name),
                    samples=samples,
                    line=line,
                )
                chunks = (1,) * len(planes) + tuple(
                    min(_TILE, n) for n in plane.shape[len(planes) :]
                )
                levels.append(
                    da.from_array(
                        plane,
                        chunks=chunks,
                        name=f"czi-{path}-{scene}-{factor}-{path.stat().st_mtime_ns}",
                        meta=np.empty((0,) * plane.ndim, dtype=plane.dtype),
                    )
                )
            axes = "".join(planes) + ("X" if line else "YX") + ("S" if samples > 1 else "")
            translation = {
                dim: (origin - base) * meta["scale"][dim]
                for dim, origin, base in (("x", rect.x, total.x), ("y", rect.y, total.y))
                if dim in meta["scale"]
            }
            index = 0 if scene is None else scene
            out.append(
                SourceImage(
                    levels=tuple(levels),
                    axes=axes,
                    scale=meta["scale"],
                    units=meta["units"],
                    translation=translation,
                    name=meta["scene_names"].get(index) or f"{path.stem} scene {index}",
                    channel_names=meta["channel_names"],
                    channel_colors=meta["channel_colors"],
                    metadata={
                        "scene": index,
                        "bbox_px_xywh": list(r),
                        "pyramid_factors": factors[: len(levels)],
                        "application": meta["application"],
                        "pixel_type": pixel_type,
                    },
                )
            )
        return out


def _xml_metadata(root: ET.Element, planes: dict[str, tuple[int, int]]) -> dict[str, Any]:
    scale: dict[str, float] = {}
    for distance in root.findall("Metadata/Scaling/Items/Distance"):
        dim = (distance.get("Id") or "").lower()
        raw = distance.findtext("Value")
        if dim not in ("x", "y", "z") or raw is None or (dim == "z" and "Z" not in planes):
            continue
        value = length_um(float(raw), "m")  # Value is always in meters
        if value is not None:  # Airyscan: Z distance 0 without a Z axis is no spacing
            scale[dim] = value
    units = dict.fromkeys(scale, MICROMETER)
    if "T" in planes:
        step = time_increment(root)
        if step is not None:
            scale["t"], units["t"] = step, SECOND
    image = root.find("Metadata/Information/Image/Dimensions")
    info = image.findall("Channels/Channel") if image is not None else []
    display = root.findall("Metadata/DisplaySetting/Channels/Channel")
    count = max(len(info), len(display))
    names = [
        (info[i].get("Name") if i < len(info) else None)
        or (display[i].get("Name") if i < len(display) else None)
        for i in range(count)
    ]
    colors = [
        _color(display[i].findtext("Color") if i < len(display) else None)
        or _color(info[i].findtext("Color") if i < len(info) else None)
        for i in range(count)
    ]
    scene_names = {
        int(s.get("Index", i)): s.get("Name")
        for i, s in enumerate(root.findall("Metadata/Information/Image/Dimensions/S/Scenes/Scene"))
    }
    app = root.find("Metadata/Information/Application")
    return {
        "scale": scale,
        "units": units,
        "channel_names": tuple(str(n) for n in names) if names and all(names) else None,
        "channel_colors": tuple(str(c) for c in colors) if colors and all(colors) else None,
        "scene_names": {k: v for k, v in scene_names.items() if v},
        "application": None
        if app is None
        else f"{app.findtext('Name', '')} {app.findtext('Version', '')}".strip(),
    }


def time_increment(root: ET.Element) -> float | None:
    """Seconds between time points of a CZI's metadata XML; None when the file has no interval.

    The nominal interval of the acquisition's active time series setup first (``60 s`` rather
    than the ``60.075 s`` the recorded offsets average to). A file whose time series setup was
    not activated has no time interval. Otherwise the recorded increment of the T dimension,
    or the mean of its recorded offsets.
    """
    setups = [s for s in root.iter("TimeSeriesSetup") if s.get("IsActivated") is not None]
    for setup in setups:
        if setup.get("IsActivated") == "true":
            span = setup.find("Interval/TimeSpan")
            raw = span.findtext("Value") if span is not None else None
            unit = (span.findtext("DefaultUnitFormat") if span is not None else None) or "s"
            nominal = time_s(float(raw), unit) if raw else None
            if nominal is not None:
                return nominal
    if setups and all(s.get("IsActivated") == "false" for s in setups):
        return None  # no time series was acquired
    t = root.find("Metadata/Information/Image/Dimensions/T/Positions")
    if t is None:
        return None
    increment = t.findtext("Interval/Increment")
    if increment is not None and float(increment) > 0:
        return float(increment)
    offsets = t.findtext("List/Offsets")
    if offsets:
        values = [float(v) for v in offsets.split()]
        if len(values) > 1 and values[-1] > values[0]:
            return (values[-1] - values[0]) / (len(values) - 1)
    return None


def _color(text: str | None) -> str | None:
    """``#AARRGGBB`` or ``#RRGGBB`` as ``RRGGBB``."""
    if not text or not text.startswith("#") or len(text) not in (7, 9):
        return None
    value = int(text[1:], 16)
    return rgb_hex(value >> 16, value >> 8, value)


READER = _CziReader()
