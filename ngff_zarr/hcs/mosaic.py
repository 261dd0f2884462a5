"""The lazy whole-plate mosaic: one dask array of every field of one resolution level."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dask.array as da
import numpy as np

from ..errors import InvalidMetadataError, MetadataNotFoundError, NgffValueError
from ..multiscales import Multiscales

__all__ = ["plate_mosaic"]

# dask.array's functions are untyped; reach them through an Any-typed alias.
_dask: Any = da


def plate_mosaic(
    fields: Mapping[tuple[int, int], Sequence[str]],
    grid: tuple[int, int],
    load: Callable[[str], Multiscales],
    level: int,
    *,
    acquisition: int | None,
    fill_value: Any,
    max_workers: int,
) -> da.Array:
    """See :meth:`HCSPlate.mosaic`.

    ``fields`` maps a well's (row index, column index) to the store keys of its fields (of the
    chosen acquisition); ``grid`` is the plate's (rows, columns); ``load`` opens one field.
    """
    keys = [k for ks in fields.values() for k in ks]
    if not keys:
        which = "" if acquisition is None else f" of acquisition {acquisition}"
        raise MetadataNotFoundError(f"plate mosaic: no fields{which} in any well")

    def level_data(key: str) -> da.Array:
        images = load(key).images
        if not 0 <= level < len(images):
            raise NgffValueError(
                f"level: expected 0..{len(images) - 1} for field {key}, got {level}"
            )
        data: da.Array = images[level].data
        return data

    with ThreadPoolExecutor(max_workers=max(1, max_workers)) as pool:
        arrays = dict(zip(keys, pool.map(level_data, keys), strict=True))

    first = arrays[keys[0]]
    leading = first.shape[:-2]
    for key, array in arrays.items():
        if array.ndim < 2 or array.shape[:-2] != leading:
            raise InvalidMetadataError(
                f"expected leading shape {leading} like {keys[0]}, found {array.shape[:-2]}",
                path=key,
                field="shape",
            )
    dtype = np.result_type(*(a.dtype for a in arrays.values()))
    tile_y = max(a.shape[-2] for a in arrays.values())
    tile_x = max(a.shape[-1] for a in arrays.values())
    most = max(len(ks) for ks in fields.values())
    grid_x = math.ceil(math.sqrt(most))
    grid_y = math.ceil(most / grid_x)
    tile_shape = (*leading, tile_y, tile_x)
    tile_chunks = (*first.chunksize[:-2], tile_y, tile_x)

    def tile(key: str | None) -> da.Array:
        if key is None:
            empty: da.Array = _dask.full(tile_shape, fill_value, dtype=dtype, chunks=tile_chunks)
            return empty
        array: da.Array = arrays[key].astype(dtype)
        missing = (tile_y - array.shape[-2], tile_x - array.shape[-1])
        if any(missing):
            pad = [(0, 0)] * len(leading) + [(0, m) for m in missing]
            array = _dask.pad(array, pad, mode="constant", constant_values=fill_value)
        return array

    blocks: list[list[da.Array]] = []
    for r in range(grid[0]):
        for fy in range(grid_y):
            line = []
            for c in range(grid[1]):
                well_fields = fields.get((r, c), [])
                for fx in range(grid_x):
                    index = fy * grid_x + fx
                    line.append(tile(well_fields[index] if index < len(well_fields) else None))
            blocks.append(line)
    rows = [_dask.concatenate(line, axis=-1) for line in blocks]
    mosaic: da.Array = _dask.concatenate(rows, axis=-2)
    return mosaic
