"""Run-time settings, read when used (never at import) and overridable in a scoped way.

>>> from ngff_zarr import config
>>> with config.set(memory_target=256 * 2**20):
...     config.memory_target()
268435456
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["max_workers", "memory_target", "set"]

_OVERRIDES: ContextVar[dict[str, Any] | None] = ContextVar("ngff_zarr_config", default=None)

_MIB = 2**20


def _override(name: str) -> Any:
    values = _OVERRIDES.get()
    return None if values is None else values.get(name)


def memory_target() -> int:
    """Bytes a write may hold in memory at once.

    Order: ``config.set(memory_target=...)``, the environment variable
    ``NGFF_ZARR_MEMORY_TARGET`` (bytes), else an eighth of the available memory, between
    128 MiB and 512 MiB.
    """
    value = _override("memory_target")
    if value is not None:
        return int(value)
    env = os.environ.get("NGFF_ZARR_MEMORY_TARGET")
    if env:
        return int(float(env))
    try:
        import psutil

        available = int(psutil.virtual_memory().available)
    except Exception:  # pragma: no cover - psutil is a dependency; stay usable without it
        available = 4096 * _MIB
    return max(128 * _MIB, min(512 * _MIB, available // 8))


def max_workers() -> int:
    """Threads that compute and write regions (``NGFF_ZARR_MAX_WORKERS``, else cores + 1)."""
    value = _override("max_workers")
    if value is not None:
        return max(1, int(value))
    env = os.environ.get("NGFF_ZARR_MAX_WORKERS")
    if env:
        return max(1, int(env))
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # one more than the cores: a region waiting on its write overlaps another's compute
    return max(1, count or 1) + 1


@contextmanager
def set(**values: Any) -> Iterator[None]:
    """Override settings (``memory_target``, ``max_workers``) inside a ``with`` block."""
    unknown = sorted(values.keys() - {"memory_target", "max_workers"})
    if unknown:
        raise ValueError(
            f"config.set: unknown settings {unknown}; known: max_workers, memory_target"
        )
    current = dict(_OVERRIDES.get() or {})
    current.update(values)
    token = _OVERRIDES.set(current)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)
