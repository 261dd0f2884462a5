"""Array writer backends behind one small protocol: zarr-python and tensorstore.

The group hierarchy and the OME metadata are always written with zarr-python; a backend
creates each level's array and writes regions into it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..codecs import CodecSpec, default_compressors
from ..errors import missing_dependency, unknown_choice

__all__ = ["ArraySpec", "Backend", "LevelArray", "get_backend", "wrap_zarr"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ArraySpec:
    """Everything needed to create one level's array."""

    path: str  # key of the array inside the image group
    shape: tuple[int, ...]
    dtype: np.dtype
    chunks: tuple[int, ...]
    shards: tuple[int, ...] | None
    dims: tuple[str, ...]
    zarr_format: int
    # the compressors, in order (empty: none); see ngff_zarr.codecs
    compressors: tuple[CodecSpec, ...] = field(default_factory=default_compressors)


class LevelArray(Protocol):
    """One level's array: regions written and read back by index (a tuple of slices)."""

    def write(self, key: tuple[slice, ...], data: np.ndarray) -> None: ...

    def read(self, key: tuple[slice, ...]) -> np.ndarray: ...


class Backend(Protocol):
    name: str

    def create(self, spec: ArraySpec) -> LevelArray: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class _Registration:
    factory: Callable[..., Backend]
    package: str
    extra: str


def _zarr_factory(**kwargs: object) -> Backend:
    from ._zarr import ZarrBackend

    return ZarrBackend(**kwargs)  # type: ignore[arg-type]


def _tensorstore_factory(**kwargs: object) -> Backend:
    from ._tensorstore import TensorStoreBackend

    return TensorStoreBackend(**kwargs)  # type: ignore[arg-type]


_BACKENDS: dict[str, _Registration] = {
    "zarr": _Registration(factory=_zarr_factory, package="zarr", extra="all"),
    "tensorstore": _Registration(
        factory=_tensorstore_factory, package="tensorstore", extra="tensorstore"
    ),
}


def get_backend(name: str, **kwargs: object) -> Backend:
    """Instantiate the backend called ``name`` (``"zarr"`` or ``"tensorstore"``)."""
    try:
        registration = _BACKENDS[name]
    except KeyError:
        raise unknown_choice("backend", name, sorted(_BACKENDS)) from None
    if importlib.util.find_spec(registration.package) is None:
        raise missing_dependency(f"the {name} writer", registration.package, registration.extra)
    return registration.factory(**kwargs)


def wrap_zarr(array: object) -> LevelArray:
    """An existing zarr array as a :class:`LevelArray` (what an in-place edit writes to)."""
    from ._zarr import _ZarrLevel

    return _ZarrLevel(array)
