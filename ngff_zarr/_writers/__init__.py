"""Array writer backends behind one small protocol and one registry.

The group hierarchy and the OME metadata are always written with zarr-python; a backend
creates each level's array and writes regions into it. The registry maps a name to the
backend's factory, the optional package it needs, and a check of whether it can write a
given target; ``"auto"`` resolves to the first backend of :data:`AUTO_ORDER` that is
installed and can write the target (the order is measured: ``benchmarks/README.md``).
Every backend writes the same store: the same metadata documents and the same decoded
chunks (``test/writers/test_identical_stores.py``).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..codecs import CodecSpec, default_compressors
from ..errors import NgffValueError, missing_dependency, unknown_choice

__all__ = [
    "AUTO_ORDER",
    "ArraySpec",
    "Backend",
    "LevelArray",
    "WriteTarget",
    "available_backends",
    "get_backend",
    "resolve_backend",
    "wrap_zarr",
]

_LOG = logging.getLogger(__name__)


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


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteTarget:
    """Where a backend writes: the image group, and its directory when it is local."""

    group: Any  # a zarr.Group
    root: Path | None = None  # the store's local directory (None: not a local directory)
    group_path: str = ""  # the image group's path inside that directory
    compressors: tuple[CodecSpec, ...] = ()  # what the arrays are compressed with
    zarr_format: int = 3


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
    package: str  # the optional package it needs (its import name)
    extra: str  # the pyproject extra that installs it
    # why it cannot write a target (None: it can)
    refuses: Callable[[WriteTarget], str | None]

    def installed(self) -> bool:
        return importlib.util.find_spec(self.package) is not None


def _zarr_factory(**kwargs: Any) -> Backend:
    from ._zarr import ZarrBackend

    return ZarrBackend(**kwargs)


def _zarrs_factory(**kwargs: Any) -> Backend:
    from ._zarrs import ZarrsBackend

    return ZarrsBackend(**kwargs)


def _tensorstore_factory(**kwargs: Any) -> Backend:
    from ._tensorstore import TensorStoreBackend

    return TensorStoreBackend(**kwargs)


def _zarr_refuses(target: WriteTarget) -> str | None:
    return None  # zarr-python writes every store and codec


def _zarrs_refuses(target: WriteTarget) -> str | None:
    from ._zarrs import refuses

    return refuses(target)


def _tensorstore_refuses(target: WriteTarget) -> str | None:
    from ._tensorstore import refuses

    return refuses(target)


_BACKENDS: dict[str, _Registration] = {
    "zarr": _Registration(
        factory=_zarr_factory, package="zarr", extra="all", refuses=_zarr_refuses
    ),
    "zarrs": _Registration(
        factory=_zarrs_factory, package="zarrs", extra="zarrs", refuses=_zarrs_refuses
    ),
    "tensorstore": _Registration(
        factory=_tensorstore_factory,
        package="tensorstore",
        extra="tensorstore",
        refuses=_tensorstore_refuses,
    ),
}

# "auto": the first of these that is installed and can write the target, fastest first as
# measured on W1 (256x1024x1024 uint16, 0.4 and sharded 0.5, local_mean; benchmarks/README.md
# "Writer backends"): zarrs 1.2x (0.4) to 1.6x (sharded) faster than zarr-python, holding the
# least memory. tensorstore, as fast as zarrs, is never picked implicitly: once it has run, a
# forked process (multiprocessing's default on Linux) aborts ("fork() use detected ... by
# tensorstore"); ask for it by name. All three write the same store
# (test/writers/test_identical_stores.py).
AUTO_ORDER: tuple[str, ...] = ("zarrs", "zarr")


def available_backends() -> list[str]:
    """The registered backends whose package is installed, in registry order."""
    return [name for name, reg in _BACKENDS.items() if reg.installed()]


def _registration(name: str) -> _Registration:
    try:
        return _BACKENDS[name]
    except KeyError:
        install = {n: r.extra for n, r in _BACKENDS.items() if not r.installed()}
        raise unknown_choice("backend", name, ["auto", *_BACKENDS], install=install) from None


def resolve_backend(name: str, target: WriteTarget) -> str:
    """The backend that writes ``target``: ``name``, or for ``"auto"`` the first usable.

    Raises
    ------
    NgffValueError
        An unknown name, or a named backend that cannot write this target (the reason).
    DependencyError
        A named backend whose package is not installed.
    """
    if name != "auto":
        registration = _registration(name)
        if not registration.installed():
            raise missing_dependency(f"the {name} writer", registration.package, registration.extra)
        reason = registration.refuses(target)
        if reason is not None:
            raise NgffValueError(f"backend: {name!r} cannot write this target: {reason}")
        return name
    for candidate in AUTO_ORDER:
        registration = _BACKENDS[candidate]
        if not registration.installed():
            _LOG.info(
                "backend auto: %s is not installed (pip install 'ngff-zarr[%s]'); trying the next",
                registration.package,
                registration.extra,
            )
            continue
        reason = registration.refuses(target)
        if reason is not None:
            _LOG.info(
                "backend auto: %s cannot write this target (%s); trying the next", candidate, reason
            )
            continue
        return candidate
    return "zarr"  # pragma: no cover - zarr is a dependency and writes every target


def get_backend(name: str, **kwargs: Any) -> Backend:
    """Instantiate the backend called ``name`` (a key of the registry)."""
    registration = _registration(name)
    if not registration.installed():
        raise missing_dependency(f"the {name} writer", registration.package, registration.extra)
    return registration.factory(**kwargs)


def wrap_zarr(array: object) -> LevelArray:
    """An existing zarr array as a :class:`LevelArray` (what an in-place edit writes to)."""
    from ._zarr import _ZarrLevel

    return _ZarrLevel(array)
