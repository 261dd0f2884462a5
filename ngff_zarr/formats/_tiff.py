"""TIFF reader (tifffile): plain TIFF, OME-TIFF (multi-file sets, SubIFD pyramids), ImageJ, LSM.

Pixels are read through tifffile's zarr interface (or, for uncompressed contiguous data, with
``pread`` of the rows asked for). A dask chunk groups whole strips, tiles or rows up to
``config.read_chunk_bytes``, so a file stored one row per strip is not read strip by strip. Axes
are tifffile's series axes; reduced-resolution series (LSM thumbnails) are not images and are
skipped. Calibration comes from, in order of preference, the OME-XML, the LSM info block, the
ImageJ description (including its escaped ``\\u00B5m`` unit) and the TIFF resolution tags (only
when their unit is inch or centimeter: unit NONE is no calibration).

A multi-file OME-TIFF set is read whole from any member, its ``.companion.ome`` file or the
folder holding it (see :mod:`ngff_zarr.formats._ome`).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize

from .._arrays import grouped_chunks
from ..config import config
from ..errors import InvalidMetadataError, ReadError
from . import SourceImage
from ._calibration import MICROMETER, SECOND, is_length_unit, length_um, rgb_hex, time_s
from ._handles import OpenFiles
from ._ome import binary_only, ome_images, resolve

_RESOLUTION_UNIT_UM = {2: 25400.0, 3: 10000.0}  # TIFF ResolutionUnit inch, centimeter


class _TiffReader:
    def read(self, path: Path) -> list[SourceImage]:
        target, omexml = resolve(path)
        tif = _open(target, omexml)
        try:
            if omexml is None and tif.is_ome:
                omexml = binary_only(tif.ome_metadata, target)
                if omexml is not None:  # a member of a set described by its companion file
                    tif.close()
                    tif = _open(target, omexml)
            return self._series(tif, _Source(target, omexml))
        finally:
            tif.close()  # the lazy arrays read through the shared open files (_FILES)

    def _series(self, tif: Any, source: _Source) -> list[SourceImage]:
        path = source.path
        if not tif.series:
            raise InvalidMetadataError("not a readable TIFF file: no image data", path=str(path))
        ome = ome_images(tif.ome_metadata) if tif.is_ome else []
        full = [s for s in tif.series if not _is_reduced(s)]
        images = []
        for index, series in enumerate(tif.series):
            if full and _is_reduced(series):
                continue  # a thumbnail series (LSM) is not data
            levels = [
                _level(tif, series, (index, level), source) for level in range(len(series.levels))
            ]
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


def _open(path: Path, omexml: str | None) -> Any:
    import tifffile

    try:
        return tifffile.TiffFile(path, omexml=omexml)
    except (tifffile.TiffFileError, ValueError, OSError) as exc:
        raise InvalidMetadataError(f"not a readable TIFF file: {exc}", path=str(path)) from exc


def _is_reduced(series: Any) -> bool:
    """Whether a series is a reduced-resolution copy (NewSubfileType bit 0), e.g. a thumbnail."""
    page = getattr(series, "keyframe", None) or series.pages[0]
    return bool(int(getattr(page, "subfiletype", 0) or 0) & 1)


@dataclass(frozen=True, slots=True)
class _Source:
    """What a lazy array needs to reopen its file: the TIFF and the OME-XML it is read with."""

    path: Path
    omexml: str | None


def _close(entry: tuple[Any, dict[tuple[int, int], Any]]) -> None:
    entry[0].close()


_FILES: OpenFiles[tuple[Any, dict[tuple[int, int], Any]]] = OpenFiles(8, close=_close)


class _TiffPixels:
    """One series level as a sliceable array, read through tifffile's zarr interface.

    It holds only the path (picklable); a read uses the shared open file of :data:`_FILES`,
    so no file handle is left open behind the lazy array.
    """

    def __init__(self, source: _Source, key: tuple[int, int], array: Any) -> None:
        self._source, self._key = source, key
        self.shape, self.dtype, self.ndim = tuple(array.shape), array.dtype, array.ndim

    def __getitem__(self, key: Any) -> np.ndarray:
        source = self._source
        file_key = (str(source.path), source.path.stat().st_mtime_ns, source.omexml)
        with _FILES.use(file_key, lambda: (_open(source.path, source.omexml), {})) as entry:
            tif, arrays = entry
            if self._key not in arrays:
                arrays[self._key] = _zarr_array(tif.series[self._key[0]], self._key[1])
            out: np.ndarray = arrays[self._key][key]
        return out


def _zarr_array(series: Any, level: int) -> Any:
    import zarr

    return zarr.open_array(series.aszarr(level=level), mode="r")


def _level(tif: Any, series: Any, key: tuple[int, int], source: _Source) -> da.Array:
    """One pyramid level, chunked by bytes: whole strips or tiles grouped up to the target."""
    contiguous = _contiguous(tif, series, key[1], source.path)
    if contiguous is not None:  # uncompressed: read only the bytes a region needs
        return contiguous
    array = _zarr_array(series, key[1])
    chunks = grouped_chunks(
        array.shape, array.chunks, array.dtype.itemsize, config.read_chunk_bytes
    )
    pixels = _TiffPixels(source, key, array)
    name = f"tiff-{tokenize(str(source.path), source.path.stat().st_mtime_ns, source.omexml, key)}"
    lazy: da.Array = da.from_array(
        pixels,
        chunks=chunks,
        asarray=False,
        lock=False,
        name=name,
        meta=np.empty((0,) * array.ndim, array.dtype),
    )
    return lazy


class _ContiguousPixels:
    """An uncompressed, contiguous TIFF series as a sliceable array.

    The dims from ``row_dim`` on form rows (``Y X`` or, samples interleaved, ``Y X S``); a read
    fetches the rows it needs with one ``os.pread`` per plane (no memory map: mapped file pages
    would count in the process's RSS), straight into the result.
    """

    def __init__(
        self, path: Path, offset: int, shape: tuple[int, ...], dtype: np.dtype, row_dim: int
    ) -> None:
        self._path = path
        self._offset = offset
        self.shape = shape
        self._file_dtype = dtype
        self.dtype = dtype.newbyteorder("=")
        self.ndim = len(shape)
        self._row_dim = row_dim

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
        r = self._row_dim
        outer, (y0, y1), inner = bounds[:r], bounds[r], bounds[r + 1 :]
        out = np.empty([max(0, b - a) for a, b in bounds], dtype=self._file_dtype)
        if out.size == 0:
            return out.astype(self.dtype)
        height, row_shape = self.shape[r], self.shape[r + 1 :]
        row_bytes = int(np.prod(row_shape)) * self._file_dtype.itemsize
        inner_key = tuple(slice(a, b) for a, b in inner)
        fd = os.open(self._path, os.O_RDONLY)
        try:
            for index in itertools.product(*(range(a, b) for a, b in outer)):
                plane = int(np.ravel_multi_index(index, self.shape[:r])) if index else 0
                start = self._offset + (plane * height + y0) * row_bytes
                rows = np.empty((y1 - y0, *row_shape), dtype=self._file_dtype)
                view = memoryview(rows.data).cast("B")
                done = 0
                while done < view.nbytes:  # pread may return short reads
                    got = os.preadv(fd, [view[done:]], start + done)
                    if got <= 0:
                        raise ReadError(f"{self._path}: unexpected end of file")
                    done += got
                target = tuple(i - a for i, (a, _) in zip(index, outer, strict=True))
                out[target] = rows[(slice(None), *inner_key)]
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
    if int(np.prod(shape)) * dtype.itemsize == 0 or len(shape) < 2:
        return None
    axes = str(getattr(target, "axes", "") or series.axes)
    row_dim = axes.index("Y") if len(axes) == len(shape) and "Y" in axes else len(shape) - 2
    pixels = _ContiguousPixels(path, int(offset), shape, dtype, row_dim)
    # whole rows, grouped up to the target bytes: dask fuses a region's slice into each
    # chunk's read (pread of the needed rows only)
    unit = (1,) * (row_dim + 1) + shape[row_dim + 1 :]
    chunks = grouped_chunks(shape, unit, dtype.itemsize, config.read_chunk_bytes)
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
