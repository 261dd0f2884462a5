"""Run-time settings: every tunable of the package, read when used (never at import).

A setting is looked up, in order, in a scoped override (``with config.set(...)``), a value
assigned to ``config`` (``config.memory_target = 2**30``), its environment variable, and its
default.

>>> from ngff_zarr import config
>>> with config.set(memory_target=256 * 2**20):
...     config.memory_target
268435456
>>> config.max_workers >= 2
True
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from .errors import NgffValueError, unknown_choice

__all__ = ["NgffZarrConfig", "config"]

_MIB = 2**20
_T = TypeVar("_T")
_OVERRIDES: ContextVar[dict[str, Any] | None] = ContextVar("ngff_zarr_config", default=None)


def _default_memory_target() -> int:
    try:
        import psutil

        available = int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover - psutil is a dependency; stay usable without it
        available = 4096 * _MIB
        logging.getLogger(__name__).warning(
            "psutil is not installed: memory_target assumes 4 GiB available"
        )
    return max(128 * _MIB, min(512 * _MIB, available // 8))


def _default_workers() -> int:
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # one more than the cores: a region waiting on its write overlaps another's compute
    return max(1, count or 1) + 1


def _bytes(value: Any) -> int:
    return int(float(value))


def _default_cache_store() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ngff-zarr")


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NgffValueError(f"expected a name, got {value!r}")  # check() names the setting
    return value.strip()


def _read_backend(value: Any) -> str:
    name = _name(value)
    if name not in READ_BACKENDS:
        raise NgffValueError(f"expected one of {list(READ_BACKENDS)}, got {name!r}")
    return name


#: What reads local arrays: "auto" (tensorstore where it is installed and can open the array,
#: else zarr-python) or "zarr" (zarr-python always).
READ_BACKENDS = ("auto", "zarr")


def _store_like(value: Any) -> Any:
    if isinstance(value, str | os.PathLike):
        return value
    if hasattr(value, "__getitem__") and hasattr(value, "__setitem__"):
        return value  # a mapping or a zarr store
    raise NgffValueError(f"expected a path or a store, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Setting(Generic[_T]):
    """One setting: its environment variable, default, parser and minimum."""

    env: str
    default: Callable[[], _T]
    parse: Callable[[Any], _T]
    minimum: float | None  # None: not a number
    doc: str
    expected: str = ""  # what a value is, in the error message; default: a number or a path
    name: str = ""

    def __set_name__(self, owner: type, name: str) -> None:
        object.__setattr__(self, "name", name)

    @overload
    def __get__(self, instance: None, owner: type) -> _Setting[_T]: ...
    @overload
    def __get__(self, instance: NgffZarrConfig, owner: type) -> _T: ...
    def __get__(self, instance: NgffZarrConfig | None, owner: type) -> _T | _Setting[_T]:
        if instance is None:
            return self
        return instance._lookup(self)

    def __set__(self, instance: NgffZarrConfig, value: Any) -> None:
        instance._assigned[self.name] = self.check(value)

    def __delete__(self, instance: NgffZarrConfig) -> None:
        instance._assigned.pop(self.name, None)

    def check(self, value: Any) -> _T:
        """``value`` parsed, or an error naming the setting."""
        try:
            parsed = self.parse(value)
        except (TypeError, ValueError):
            what = self.expected or ("a number" if self.minimum is not None else "a path")
            raise NgffValueError(f"config.{self.name}: expected {what}, got {value!r}") from None
        if self.minimum is not None and float(parsed) < self.minimum:  # type: ignore[arg-type]
            raise NgffValueError(
                f"config.{self.name}: expected a value >= {self.minimum:g}, got {value!r}"
            )
        return parsed


class NgffZarrConfig:
    """The package's settings; the instance is :data:`ngff_zarr.config`.

    Attributes
    ----------
    memory_target
        Bytes a write may hold in memory at once (``NGFF_ZARR_MEMORY_TARGET``; default an
        eighth of the available memory, between 128 MiB and 512 MiB).
    max_workers
        Threads that compute and write regions (``NGFF_ZARR_MAX_WORKERS``; cores + 1).
    read_chunk_bytes
        Target bytes of one dask chunk when reading a stored array (whole chunks or shards).
    read_level_bytes
        A stored level of at most this many bytes reads as one dask chunk
        (``NGFF_ZARR_READ_LEVEL_BYTES``; default 0: never). Its reader decodes the storage
        chunks of one read concurrently and a slice reads only what it touches, so a box is
        one task (random 64^3 blocks ~30% faster), but a whole level is then one read that
        dask copies once more (see benchmarks/README.md). Otherwise a level is cut into
        whole shards (or chunks) grouped up to ``read_chunk_bytes``.
    metadata_concurrency
        Metadata documents read or written at once (threads locally, connections remotely).
    task_target
        Dask tasks a computation aims to stay under (ngff-zarr's setting; the streaming
        writer plans regions by ``memory_target``).
    cache_store
        Where temporary data may be kept (default ``~/.cache/ngff-zarr``).
    hcs_well_cache_size
        Wells an opened plate keeps loaded (least recently used go first).
    hcs_image_cache_size
        Field images a well of an opened plate keeps loaded (least recently used go first).
    codec_level
        Zstandard level of the default codec.
    small_region_bytes
        Estimated region size below which a write is not split further for threads.
    metadata_max_bytes
        Largest metadata document (``zarr.json``, ``.zattrs``, ...) read or validated; a
        larger one is an error, so that no document costs unbounded time or memory.
    metadata_max_depth
        Deepest nesting of arrays and objects in a metadata document.
    metadata_max_values
        Most values (numbers, strings, list items, ...) of OME-NGFF metadata in one group
        that validation checks; a larger document is reported, not checked (JSON Schema
        validation costs about 0.1 ms per value).
    itkwasm_native
        1 (the default): ``ITKWASM_GAUSSIAN`` and ``ITKWASM_BIN_SHRINK`` are computed with
        NumPy, reproducing itkwasm-downsample's ``downsample`` and ``downsample_bin_shrink``
        (docs/pipeline.md says how closely); 0: they run itkwasm-downsample's WebAssembly
        (``NGFF_ZARR_ITKWASM_NATIVE``). Read when the method is looked up, at planning.
    write_backend
        What writes the arrays' chunks (``NGFF_ZARR_WRITE_BACKEND``): ``"auto"`` (default,
        the fastest installed backend that can write the target: zarrs, tensorstore, then
        zarr-python), ``"zarrs"``, ``"tensorstore"`` or ``"zarr"``;
        ``to_ngff_zarr(backend=...)`` overrides it for one write.
    read_backend
        What decodes local arrays for ``from_ngff_zarr`` and ``open_array``
        (``NGFF_ZARR_READ_BACKEND``): ``"auto"`` (default: tensorstore where it is installed
        and can open the array, else zarr-python) or ``"zarr"`` (zarr-python only, e.g. for a
        process that forks after reading: a fork after tensorstore has run aborts). Read when
        an array is opened.

    Examples
    --------
    >>> from ngff_zarr import config
    >>> config.codec_level = 5
    >>> config.codec_level
    5
    >>> del config.codec_level  # back to the environment or the default
    >>> config.codec_level
    3
    """

    memory_target = _Setting(
        env="NGFF_ZARR_MEMORY_TARGET",
        default=_default_memory_target,
        parse=_bytes,
        minimum=1,
        doc="bytes a write may hold in memory",
    )
    max_workers = _Setting(
        env="NGFF_ZARR_MAX_WORKERS", default=_default_workers, parse=int, minimum=1, doc="threads"
    )
    read_chunk_bytes = _Setting(
        env="NGFF_ZARR_READ_CHUNK_BYTES",
        default=lambda: 32 * _MIB,
        parse=_bytes,
        minimum=1,
        doc="bytes of one dask chunk of a read",
    )
    read_level_bytes = _Setting(
        env="NGFF_ZARR_READ_LEVEL_BYTES",
        default=lambda: 0,
        parse=_bytes,
        minimum=0,
        doc="bytes of a stored level read as one dask chunk",
    )
    metadata_concurrency = _Setting(
        env="NGFF_ZARR_METADATA_CONCURRENCY",
        default=lambda: 32,
        parse=int,
        minimum=1,
        doc="metadata documents in flight",
    )
    task_target = _Setting(
        env="NGFF_ZARR_TASK_TARGET",
        default=lambda: 50_000,
        parse=int,
        minimum=1,
        doc="dask tasks per computation",
    )
    cache_store = _Setting(
        env="NGFF_ZARR_CACHE_STORE",
        default=_default_cache_store,
        parse=_store_like,
        minimum=None,
        doc="where temporary data goes",
    )
    hcs_well_cache_size = _Setting(
        env="NGFF_ZARR_HCS_WELL_CACHE_SIZE",
        default=lambda: 500,
        parse=int,
        minimum=0,
        doc="wells kept by a plate",
    )
    hcs_image_cache_size = _Setting(
        env="NGFF_ZARR_HCS_IMAGE_CACHE_SIZE",
        default=lambda: 100,
        parse=int,
        minimum=0,
        doc="field images kept by a well",
    )
    codec_level = _Setting(
        env="NGFF_ZARR_CODEC_LEVEL", default=lambda: 3, parse=int, minimum=-7, doc="zstd level"
    )
    small_region_bytes = _Setting(
        env="NGFF_ZARR_SMALL_REGION_BYTES",
        default=lambda: 16 * _MIB,
        parse=_bytes,
        minimum=0,
        doc="region bytes not split for threads",
    )

    metadata_max_bytes = _Setting(
        env="NGFF_ZARR_METADATA_MAX_BYTES",
        default=lambda: 64 * _MIB,
        parse=_bytes,
        minimum=1024,
        doc="bytes of one metadata document",
    )
    metadata_max_depth = _Setting(
        env="NGFF_ZARR_METADATA_MAX_DEPTH",
        default=lambda: 64,
        parse=int,
        minimum=16,  # a 0.5 image's zarr.json nests 10 deep, with consolidated metadata 13
        doc="nesting depth of one metadata document",
    )
    metadata_max_values = _Setting(
        env="NGFF_ZARR_METADATA_MAX_VALUES",
        default=lambda: 100_000,
        parse=int,
        minimum=100,
        doc="values of one group's metadata that are validated",
    )
    write_backend = _Setting(
        env="NGFF_ZARR_WRITE_BACKEND",
        default=lambda: "auto",
        parse=_name,
        minimum=None,
        doc="array writer backend",
        expected="a backend name",
    )

    read_backend = _Setting(
        env="NGFF_ZARR_READ_BACKEND",
        default=lambda: "auto",
        parse=_read_backend,
        minimum=None,
        doc="array reader backend",
        expected="'auto' or 'zarr'",
    )

    itkwasm_native = _Setting(
        env="NGFF_ZARR_ITKWASM_NATIVE",
        default=lambda: 1,
        parse=int,
        minimum=0,
        doc="1: itkwasm methods in NumPy, 0: in itkwasm-downsample's WebAssembly",
    )

    def __init__(
        self,
        memory_target: int | str | None = None,
        task_target: int | None = None,
        cache_store: Any = None,
        hcs_image_cache_size: int | None = None,
        hcs_well_cache_size: int | None = None,
    ) -> None:
        """Settings of ngff-zarr's ``NgffZarrConfig(...)`` fields; None: the default."""
        self._assigned: dict[str, Any] = {}
        given = {
            "memory_target": memory_target,
            "task_target": task_target,
            "cache_store": cache_store,
            "hcs_image_cache_size": hcs_image_cache_size,
            "hcs_well_cache_size": hcs_well_cache_size,
        }
        for name, value in given.items():
            if value is not None:
                setattr(self, name, value)

    @classmethod
    def _settings(cls) -> dict[str, _Setting[Any]]:
        return {k: v for k, v in vars(cls).items() if isinstance(v, _Setting)}

    def _lookup(self, setting: _Setting[_T]) -> _T:
        scoped = _OVERRIDES.get()
        if scoped is not None and setting.name in scoped:
            value: _T = scoped[setting.name]
            return value
        if setting.name in self._assigned:
            assigned: _T = self._assigned[setting.name]
            return assigned
        env = os.environ.get(setting.env)
        if env:
            return setting.check(env)
        return setting.default()

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_assigned" and name not in self._settings():
            raise unknown_choice("config", name, sorted(self._settings()))
        object.__setattr__(self, name, value)

    @contextmanager
    def set(self, **values: Any) -> Iterator[None]:
        """Override settings inside a ``with`` block (this thread and its context only)."""
        settings = self._settings()
        unknown = sorted(values.keys() - settings.keys())
        if unknown:
            raise unknown_choice("config.set", unknown[0], sorted(settings))
        current = dict(_OVERRIDES.get() or {})
        current.update({k: settings[k].check(v) for k, v in values.items()})
        token = _OVERRIDES.set(current)
        try:
            yield
        finally:
            _OVERRIDES.reset(token)

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._settings())
        return f"NgffZarrConfig({values})"


config = NgffZarrConfig()
