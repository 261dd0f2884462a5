"""TIFF reader (tifffile): plain TIFF, OME-TIFF (multi-file series, SubIFD pyramids), ImageJ, LSM.

Pixels are read through tifffile's zarr interface, so a dask chunk reads only the pages or tiles
it covers. Axes are tifffile's series axes; calibration comes from, in order of preference, the
OME-XML, the LSM info block, the ImageJ description (including its escaped ``\\u00B5m`` unit) and
the TIFF resolution tags (only when their unit is inch or centimeter: unit NONE is no calibration).
"""

from __future__ import annotations

import itertools
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

from ..errors import InvalidMetadataError, ReadError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, is_length_unit, length_um, rgb_hex, time_s

_RESOLUTION_UNIT_UM = {2: 25400.0, 3: 10000.0}  # TIFF ResolutionUnit inch, centimeter


class _TiffReader:
    def read(self, path: Path) -> list[SourceImage]:
        import tifffile

        try:
            tif = tifffile.TiffFile(path)
        except (tifffile.TiffFileError, ValueError, OSError) as exc:
            raise InvalidMetadataError(f"not a readable TIFF file: {exc}", path=str(path)) from exc
        try:  # the zarr stores reopen the file on demand, so it can be closed here
            return self._series(tif, path)
        finally:
            tif.close()

    def _series(self, tif: Any, path: Path) -> list[SourceImage]:
        import zarr

        if not tif.series:
            raise InvalidMetadataError("not a readable TIFF file: no image data", path=str(path))
        ome = _ome_images(tif.ome_metadata) if tif.is_ome else []
        images = []
        for index, series in enumerate(tif.series):
            levels = []
            for level in range(len(series.levels)):
                contiguous = _contiguous(tif, series, level, path)
                if contiguous is not None:  # uncompressed: read only the bytes a region needs
                    levels.append(contiguous)
                    continue
                store = series.aszarr(level=level)
                levels.append(da.from_zarr(zarr.open_array(store, mode="r")))
            meta: dict[str, Any] = {"kind": series.kind, "axes": series.axes}
            if index < len(ome):
                calibration = ome[index]
            elif tif.is_lsm:
                calibration = _lsm(tif.lsm_metadata or {})
            elif tif.is_imagej:
                calibration = _imagej(tif.imagej_metadata or {}, series.pages[0])
                meta["imagej"] = _jsonable(tif.imagej_metadata)
            else:
                calibration = _resolution(series.pages[0])
            meta.update(calibration.pop("metadata", {}))
            images.append(
                SourceImage(
                    levels=tuple(levels),
                    axes=series.axes.upper(),
                    name=calibration.pop("name", None) or series.name or path.stem,
                    metadata=meta,
                    **calibration,
                )
            )
        return images


class _ContiguousPixels:
    """An uncompressed, contiguous TIFF series as a sliceable array.

    A read fetches just the rows it needs with ``os.pread`` (no memory map: mapped file pages
    would count in the process's RSS), straight into the result.
    """

    def __init__(self, path: Path, offset: int, shape: tuple[int, ...], dtype: np.dtype) -> None:
        self._path = path
        self._offset = offset
        self.shape = shape
        self._file_dtype = dtype
        self.dtype = dtype.newbyteorder("=")
        self.ndim = len(shape)

    def __getitem__(self, key: Any) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (self.ndim - len(key))
        if not all(isinstance(k, slice) and k.step in (None, 1) for k in key):
            whole: np.ndarray = self._read_box(tuple(slice(None) for _ in self.shape))
            part: np.ndarray = whole[key]
            return part
        return self._read_box(key)

    def _read_box(self, key: tuple[slice, ...]) -> np.ndarray:
        bounds = [k.indices(n)[:2] for k, n in zip(key, self.shape, strict=True)]
        (y0, y1), (x0, x1) = bounds[-2:]
        outer = bounds[:-2]
        out = np.empty([max(0, b - a) for a, b in bounds], dtype=self._file_dtype)
        if out.size == 0:
            return out.astype(self.dtype)
        itemsize = self._file_dtype.itemsize
        height, width = self.shape[-2:]
        row_bytes = width * itemsize
        fd = os.open(self._path, os.O_RDONLY)
        try:
            for index in itertools.product(*(range(a, b) for a, b in outer)):
                plane = int(np.ravel_multi_index(index, self.shape[:-2])) if index else 0
                start = self._offset + (plane * height + y0) * row_bytes
                rows = np.empty((y1 - y0, width), dtype=self._file_dtype)
                view = memoryview(rows.data).cast("B")
                done = 0
                while done < view.nbytes:  # pread may return short reads
                    got = os.preadv(fd, [view[done:]], start + done)
                    if got <= 0:
                        raise ReadError(f"{self._path}: unexpected end of file")
                    done += got
                target = tuple(i - a for i, (a, _) in zip(index, outer, strict=True))
                out[target] = rows[:, x0:x1]
        finally:
            os.close(fd)
        return out.astype(self.dtype, copy=False)


def _contiguous(tif: Any, series: Any, level: int, path: Path) -> da.Array | None:
    """A lazy array over an uncompressed contiguous series level, else None."""
    try:
        target = series.levels[level]
        offset = target.dataoffset
    except (AttributeError, IndexError, ValueError):
        return None
    if offset is None or tif.is_lsm or getattr(series, "is_multifile", False):
        return None  # compressed, scattered, or spread over several files
    dtype = np.dtype(target.dtype).newbyteorder(tif.byteorder)
    shape = tuple(int(s) for s in target.shape)
    if int(np.prod(shape)) * dtype.itemsize == 0:
        return None
    pixels = _ContiguousPixels(path, int(offset), shape, dtype)
    # one plane per chunk: dask fuses a region's slice into each plane's read (pread of the
    # needed rows only); if a later reorder stops that fusion, a read costs whole planes only
    chunks = (1,) * (len(shape) - 2) + tuple(shape[-2:])
    array: da.Array = da.from_array(pixels, chunks=chunks, asarray=False, lock=False)
    return array


def _resolution(page: Any) -> dict[str, Any]:
    """Pixel size from X/YResolution, only when ResolutionUnit is inch or centimeter."""
    if page.tags.get("XResolution") is None or page.tags.get("YResolution") is None:
        return {}  # the tags' defaults (72 dpi) are no calibration
    factor = _RESOLUTION_UNIT_UM.get(int(page.resolutionunit or 1))
    xres, yres = page.resolution
    if factor is None or not xres or not yres:
        return {}
    scale = {"x": factor / xres, "y": factor / yres}
    return {"scale": scale, "units": dict.fromkeys(scale, MICROMETER)}


def _imagej(meta: dict[str, Any], page: Any) -> dict[str, Any]:
    unit = str(meta.get("unit", ""))
    scale: dict[str, float] = {}
    units: dict[str, str] = {}
    xres, yres = page.resolution if page.tags.get("XResolution") is not None else (0, 0)
    if is_length_unit(unit) and xres and yres:
        for dim, res in (("x", xres), ("y", yres)):
            value = length_um(1.0 / res, unit)
            if value is not None:
                scale[dim], units[dim] = value, MICROMETER
        spacing = meta.get("spacing")
        value = length_um(float(spacing), unit) if spacing is not None else None
        if value is not None:
            scale["z"], units["z"] = value, MICROMETER
    elif not unit:
        scale.update(_resolution(page).get("scale", {}))
        units.update(dict.fromkeys(scale, MICROMETER))
    interval = meta.get("finterval")
    if interval:
        step = time_s(float(interval), str(meta.get("tunit", "s")))
        if step is not None:
            scale["t"], units["t"] = step, SECOND
    out: dict[str, Any] = {"scale": scale, "units": units}
    luts = meta.get("LUTs")
    if luts:
        out["channel_colors"] = tuple(rgb_hex(*(int(v) for v in lut[:, -1])) for lut in luts)
    return out


def _lsm(meta: dict[str, Any]) -> dict[str, Any]:
    scale: dict[str, float] = {}
    for dim in "xyz":
        value = length_um(float(meta.get(f"VoxelSize{dim.upper()}", 0.0)), "m")
        if value is not None:
            scale[dim] = value
    units = dict.fromkeys(scale, MICROMETER)
    step = time_s(float(meta.get("TimeIntervall", 0.0) or 0.0), "s")
    if step is not None:
        scale["t"], units["t"] = step, SECOND
    out: dict[str, Any] = {"scale": scale, "units": units}
    colors = meta.get("ChannelColors") or {}
    if colors.get("ColorNames"):
        out["channel_names"] = tuple(str(n) for n in colors["ColorNames"])
    if colors.get("Colors"):
        out["channel_colors"] = tuple(rgb_hex(*c[:3]) for c in colors["Colors"])
    return out


def _ome_images(xml: str | None) -> list[dict[str, Any]]:
    """Calibration of each OME ``Image`` (the order of tifffile's series)."""
    if not xml:
        return []
    root = ET.fromstring(xml)
    out = []
    for image in root.findall("{*}Image"):
        pixels = image.find("{*}Pixels")
        if pixels is None:
            continue
        scale: dict[str, float] = {}
        for dim in "xyz":
            raw = pixels.get(f"PhysicalSize{dim.upper()}")
            value = (
                length_um(float(raw), pixels.get(f"PhysicalSize{dim.upper()}Unit")) if raw else None
            )
            if value is not None:
                scale[dim] = value
        units = dict.fromkeys(scale, MICROMETER)
        raw_t = pixels.get("TimeIncrement")
        step = time_s(float(raw_t), pixels.get("TimeIncrementUnit")) if raw_t else None
        if step is not None:
            scale["t"], units["t"] = step, SECOND
        entry: dict[str, Any] = {"scale": scale, "units": units, "name": image.get("Name")}
        channels = pixels.findall("{*}Channel")
        names = [c.get("Name") for c in channels]
        if channels and all(names):
            entry["channel_names"] = tuple(str(n) for n in names)
        colors = [c.get("Color") for c in channels]
        if channels and all(c is not None for c in colors):
            entry["channel_colors"] = tuple(_ome_color(int(str(c))) for c in colors)
        entry["translation"] = _ome_position(pixels)
        entry["metadata"] = {"ome_image": image.get("ID"), "annotations": _map_annotations(root)}
        out.append(entry)
    return out


def _ome_color(value: int) -> str:
    rgba = value & 0xFFFFFFFF
    return rgb_hex(rgba >> 24, rgba >> 16, rgba >> 8)


def _ome_position(pixels: ET.Element) -> dict[str, float]:
    plane = pixels.find("{*}Plane")
    if plane is None:
        return {}
    out = {}
    for dim in "xyz":
        raw = plane.get(f"Position{dim.upper()}")
        if raw is None:
            continue
        unit = plane.get(f"Position{dim.upper()}Unit") or "reference frame"
        factor = length_um(1.0, unit) if unit != "reference frame" else 1.0
        if factor is not None:
            out[dim] = float(raw) * factor
    return out


def _map_annotations(root: ET.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for annotation in root.iter():
        if annotation.tag.endswith("}MapAnnotation"):
            for item in annotation.iter():
                if item.tag.endswith("}M") and item.get("K") is not None:
                    out[str(item.get("K"))] = item.text or ""
    return out


def _jsonable(meta: dict[str, Any] | None) -> dict[str, Any]:
    """The scalar entries of a metadata dict (LUT arrays and the like are left out)."""
    if not meta:
        return {}
    keep = (str, int, float, bool)
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, keep):
            out[key] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, keep) for v in value):
            out[key] = list(value)
    return out


READER = _TiffReader()
