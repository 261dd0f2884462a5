"""Pixel access of TIFF series levels, as lazy dask arrays chunked by bytes.

Three ways, fastest first:

* uncompressed contiguous data: ``os.pread`` of the rows a read needs (:class:`_ContiguousPixels`);
* strips or tiles of one file: their bytes read with one ``pread`` per run and decoded with the
  page's own decoder (:class:`_SegmentPixels`), so a task decodes many segments without a
  per-segment round trip through zarr;
* anything else (multi-file series, separate sample planes, ...): tifffile's zarr interface
  (:class:`_TiffPixels`).

A dask chunk holds whole rows, strips or tiles, grouped up to ``config.read_chunk_bytes``. The
arrays hold only paths and indices (picklable); a read that needs the parsed TIFF uses the shared
open files of :data:`_FILES`, so no file handle is left open behind a lazy array.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize

from .._arrays import grouped_chunks
from ..config import config
from ..errors import InvalidMetadataError, ReadError
from ._handles import OpenFiles

__all__ = ["TiffSource", "level_array", "open_tiff"]


def open_tiff(path: Path, omexml: str | None) -> Any:
    import tifffile

    try:
        return tifffile.TiffFile(path, omexml=omexml)
    except (tifffile.TiffFileError, ValueError, OSError) as exc:
        raise InvalidMetadataError(f"not a readable TIFF file: {exc}", path=str(path)) from exc


@dataclass(frozen=True, slots=True)
class TiffSource:
    """What a lazy array needs to reopen its file: the TIFF and the OME-XML it is read with."""

    path: Path
    omexml: str | None


def _close(entry: tuple[Any, dict[tuple[int, int], Any]]) -> None:
    entry[0].close()


_PARSE_LOCK = threading.RLock()  # tifffile parses IFDs lazily: one thread at a time
_FILES: OpenFiles[tuple[Any, dict[tuple[int, int], Any]]] = OpenFiles(8, close=_close)


class _TiffPixels:
    """One series level as a sliceable array, read through tifffile's zarr interface.

    It holds only the path (picklable); a read uses the shared open file of :data:`_FILES`,
    so no file handle is left open behind the lazy array.
    """

    def __init__(self, source: TiffSource, key: tuple[int, int], array: Any) -> None:
        self._source, self._key = source, key
        self.shape, self.dtype, self.ndim = tuple(array.shape), array.dtype, array.ndim

    def __getitem__(self, key: Any) -> np.ndarray:
        source = self._source
        file_key = (str(source.path), source.path.stat().st_mtime_ns, source.omexml)
        with _FILES.use(file_key, lambda: (open_tiff(source.path, source.omexml), {})) as entry:
            tif, arrays = entry
            with _PARSE_LOCK:
                if self._key not in arrays:
                    arrays[self._key] = _zarr_array(tif.series[self._key[0]], self._key[1])
            out: np.ndarray = arrays[self._key][key]
        return out


def _zarr_array(series: Any, level: int) -> Any:
    import zarr

    return zarr.open_array(series.aszarr(level=level), mode="r")


def level_array(tif: Any, series: Any, key: tuple[int, int], source: TiffSource) -> da.Array:
    """One pyramid level, chunked by bytes: whole strips or tiles grouped up to the target."""
    contiguous = _contiguous(tif, series, key[1], source.path)
    if contiguous is not None:  # uncompressed: read only the bytes a region needs
        return contiguous
    segments = _segments(tif, series, key, source)
    if segments is not None:  # strips or tiles decoded here, many per task
        return segments
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


class _SegmentPixels:
    """A series level stored as strips or tiles (chunky samples) in one file, sliceable.

    A read decodes only the segments its box touches, with the keyframe's decoder, from bytes
    read with one ``os.pread`` per run of adjacent segments.
    """

    def __init__(self, source: TiffSource, key: tuple[int, int], level: Any) -> None:
        keyframe = level.keyframe
        self._source, self._key = source, key
        self.shape, self.dtype = tuple(int(n) for n in level.shape), np.dtype(level.dtype)
        self.ndim = len(self.shape)
        self._page_ndim = len(keyframe.shape)
        self._tiled = bool(keyframe.is_tiled)
        self._segment = (
            (int(keyframe.tilelength), int(keyframe.tilewidth))
            if self._tiled
            else (int(keyframe.rowsperstrip), int(keyframe.imagewidth))
        )
        self._across = -(-int(keyframe.imagewidth) // self._segment[1])

    @property
    def unit(self) -> tuple[int, ...]:
        """The shape one segment covers (the storage unit of the chunks)."""
        lead = self.ndim - self._page_ndim
        rows, cols = self._segment
        page = self.shape[lead:]
        return (1,) * lead + (min(rows, page[0]), min(cols, page[1])) + tuple(page[2:])

    def __getitem__(self, key: Any) -> np.ndarray:
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (self.ndim - len(key))
        if not all(isinstance(k, slice) and k.step in (None, 1) for k in key):
            whole: np.ndarray = self[tuple(slice(None) for _ in self.shape)]
            part: np.ndarray = whole[key]
            return part
        bounds = [k.indices(n)[:2] for k, n in zip(key, self.shape, strict=True)]
        out = np.zeros([max(0, b - a) for a, b in bounds], dtype=self.dtype)
        if out.size == 0:
            return out
        source = self._source
        file_key = (str(source.path), source.path.stat().st_mtime_ns, source.omexml)
        with _FILES.use(file_key, lambda: (open_tiff(source.path, source.omexml), {})) as entry:
            tif, levels = entry
            with _PARSE_LOCK:
                if self._key not in levels:
                    levels[self._key] = tif.series[self._key[0]].levels[self._key[1]]
                level = levels[self._key]
            fd = os.open(source.path, os.O_RDONLY)
            try:
                self._read(level, bounds, out, fd)
            finally:
                os.close(fd)
        return out

    def _read(self, level: Any, bounds: list[tuple[int, int]], out: np.ndarray, fd: int) -> None:
        lead = self.ndim - self._page_ndim
        (y0, y1), (x0, x1) = bounds[lead], bounds[lead + 1]
        rows, cols = self._segment
        wanted = [
            ty * self._across + tx
            for ty in range(y0 // rows, -(-y1 // rows))
            for tx in range(x0 // cols, -(-x1 // cols))
        ]
        decode, tables = level.keyframe.decode, getattr(level.keyframe, "jpegtables", None)
        shape_lead = self.shape[:lead]
        for index in itertools.product(*(range(a, b) for a, b in bounds[:lead])):
            flat = int(np.ravel_multi_index(index, shape_lead)) if index else 0
            with _PARSE_LOCK:  # a page's IFD is parsed on first access
                page = level.pages[flat]
                offsets, counts = list(page.dataoffsets), list(page.databytecounts)
            target = tuple(int(i - a) for i, (a, _) in zip(index, bounds[:lead], strict=True))
            if not self._tiled:
                self._strips(decode, tables, fd, offsets, counts, wanted, bounds, out[target])
                continue
            for number, data in _segment_bytes(fd, offsets, counts, wanted):
                segment, where, shape = decode(data, number, jpegtables=tables)
                if segment is None:
                    continue  # an empty segment: fill value
                sy, sx = where[2], where[3]
                block = segment.reshape(shape[1], shape[2], -1)  # depth 1: rows, cols, samples
                ya, yb = max(y0, sy), min(y1, sy + shape[1])
                xa, xb = max(x0, sx), min(x1, sx + shape[2])
                if ya >= yb or xa >= xb:
                    continue
                piece = block[ya - sy : yb - sy, xa - sx : xb - sx]
                extra = tuple(slice(a, b) for a, b in bounds[lead + 2 :])
                if not extra:
                    piece = piece[..., 0]
                box: tuple[int | slice, ...] = (
                    *target,
                    slice(ya - y0, yb - y0),
                    slice(xa - x0, xb - x0),
                )
                out[box] = piece[(..., *extra)]

    def _strips(
        self,
        decode: Any,
        tables: Any,
        fd: int,
        offsets: list[int],
        counts: list[int],
        wanted: list[int],
        bounds: list[tuple[int, int]],
        out: np.ndarray,
    ) -> None:
        """Full-width strips of one page: decoded in order, joined, copied in once."""
        lead = self.ndim - self._page_ndim
        (y0, y1), (x0, x1) = bounds[lead], bounds[lead + 1]
        rows, width = self._segment[0], self.shape[lead + 1]
        empty = np.zeros((rows, width, 1), dtype=self.dtype)
        parts = []
        for number, data in sorted(_segment_bytes(fd, offsets, counts, wanted)):
            segment, _, shape = decode(data, number, jpegtables=tables)
            if segment is None:  # an empty strip: fill value
                segment = np.broadcast_to(empty, (rows, width, max(1, shape[-1])))
            parts.append(segment.reshape(shape[1], shape[2], -1))
        band = np.concatenate(parts) if len(parts) > 1 else parts[0]
        start = (y0 // rows) * rows
        piece: np.ndarray = band[y0 - start : y1 - start, x0:x1]
        if lead + 2 < len(bounds):  # samples: the requested ones
            a, b = bounds[lead + 2]
            out[...] = piece[:, :, a:b]
        else:
            out[...] = piece[:, :, 0]


def _segment_bytes(
    fd: int, offsets: list[int], counts: list[int], wanted: list[int]
) -> list[tuple[int, bytes]]:
    """The stored bytes of segments ``wanted`` of a page, read one ``pread`` per run."""
    order = sorted((int(offsets[i]), int(counts[i]), i) for i in wanted)
    out: list[tuple[int, bytes]] = []
    run: list[tuple[int, int, int]] = []

    def flush() -> None:
        if not run:
            return
        start, end = run[0][0], run[-1][0] + run[-1][1]
        data = os.pread(fd, end - start, start)
        if len(data) < end - start:
            raise ReadError(f"TIFF segment at byte {start}: unexpected end of file")
        out.extend((i, data[o - start : o - start + c]) for o, c, i in run)
        run.clear()

    for offset, count, index in order:
        if run and offset - (run[-1][0] + run[-1][1]) > 2**16:  # a gap: start a new run
            flush()
        run.append((offset, count, index))
    flush()
    return out


def _segments(tif: Any, series: Any, key: tuple[int, int], source: TiffSource) -> da.Array | None:
    """A lazy array decoding strips or tiles itself, when the level's layout allows it."""
    try:
        level = series.levels[key[1]]
        keyframe = level.keyframe
        pages = level.pages
    except (AttributeError, IndexError, ValueError):
        return None
    page_shape = tuple(int(n) for n in keyframe.shape)
    shape = tuple(int(n) for n in level.shape)
    lead = len(shape) - len(page_shape)
    if (
        getattr(series, "is_multifile", False)
        or tif.is_lsm
        or lead < 0
        or shape[lead:] != page_shape
        or int(np.prod(shape[:lead])) != len(pages)
        or any(p is None for p in pages)
        or (int(keyframe.planarconfig) != 1 and int(keyframe.samplesperpixel) > 1)
        or int(getattr(keyframe, "imagedepth", 1) or 1) != 1
        or len(page_shape) not in (2, 3)
        or int(np.prod(shape)) == 0
    ):
        return None
    pixels = _SegmentPixels(source, key, level)
    chunks = grouped_chunks(shape, pixels.unit, pixels.dtype.itemsize, config.read_chunk_bytes)
    name = (
        f"tiff-seg-{tokenize(str(source.path), source.path.stat().st_mtime_ns, source.omexml, key)}"
    )
    lazy: da.Array = da.from_array(
        pixels,
        chunks=chunks,
        asarray=False,
        lock=False,
        name=name,
        meta=np.empty((0,) * len(shape), pixels.dtype),
    )
    return lazy
