"""Where a table's group is: its store and key, with byte and group access for the backends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import zarr
from zarr.abc.store import Store

from ..._io.documents import read_bytes, write_documents
from ..._io.store import describe, join

__all__ = ["TableLocation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TableLocation:
    """The group of one table: ``path`` in ``store``, of Zarr format ``zarr_format``."""

    store: Store
    path: str
    zarr_format: int

    def group(self, *parts: str, mode: str = "r") -> zarr.Group:
        fmt: Any = 3 if self.zarr_format == 3 else 2
        return zarr.open_group(self.store, path=join(self.path, *parts), mode=mode, zarr_format=fmt)  # type: ignore[arg-type]

    def read_bytes(self, name: str) -> bytes | None:
        return read_bytes(self.store, join(self.path, name))

    def write_bytes(self, name: str, data: bytes) -> None:
        write_documents(self.store, {join(self.path, name): data})

    def where(self, *parts: str) -> str:
        return describe(self.store, join(self.path, *parts))
