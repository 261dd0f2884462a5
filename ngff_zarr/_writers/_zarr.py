"""The zarr-python backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import zarr

from ..errors import NgffValueError
from . import ArraySpec


class _ZarrLevel:
    def __init__(self, array: Any) -> None:
        self._array = array

    def write(self, key: tuple[slice, ...], data: np.ndarray) -> None:
        self._array[key] = data

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        return np.asarray(self._array[key])


class ZarrBackend:
    name = "zarr"

    def __init__(self, *, group: zarr.Group, **_: Any) -> None:
        self._group = group

    def create(self, spec: ArraySpec) -> _ZarrLevel:
        kwargs: dict[str, Any] = {}
        if spec.zarr_format == 2:
            if len(spec.compressors) > 1:
                raise NgffValueError(
                    "compressors: a Zarr v2 array (OME-Zarr 0.4) has one compressor, got "
                    f"{[c.id for c in spec.compressors]}"
                )
            kwargs["compressors"] = [c.numcodecs() for c in spec.compressors] or None
            kwargs["chunk_key_encoding"] = {"name": "v2", "separator": "/"}
        else:
            kwargs["compressors"] = [c.zarr_v3() for c in spec.compressors] or None
            kwargs["dimension_names"] = list(spec.dims)
            if spec.shards is not None:
                kwargs["shards"] = spec.shards
        array = self._group.create_array(
            spec.path,
            shape=spec.shape,
            dtype=spec.dtype,
            chunks=spec.chunks,
            fill_value=0 if spec.dtype.kind != "b" else False,
            overwrite=True,
            config={"write_empty_chunks": False},
            **kwargs,
        )
        return _ZarrLevel(array)
