"""Table backends: how a table's rows are stored inside its group, by name.

Each backend writes a :class:`pandas.DataFrame` in *normal form* (indexed by ``index_key``, or
by row number) into a table group and reads it back in the same form. ``anndata`` encodes the
table as AnnData in Zarr (float columns in ``X``, the others in ``obs``) with zarr itself;
``parquet`` and ``csv`` store one file (``table.parquet``, ``table.csv``) in the group, the
index as the first column; ``json`` stores the columns in the attributes of a ``table`` group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ...errors import unknown_choice

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata
    from ._location import TableLocation

__all__ = ["TableBackend", "get_backend"]


class TableBackend(Protocol):
    """Writes and reads the rows of a table group."""

    def write(self, where: TableLocation, table: pd.DataFrame, meta: TableMetadata) -> None: ...

    def read(self, where: TableLocation, meta: TableMetadata) -> pd.DataFrame: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class _Entry:
    module: str
    package: str


_BACKENDS: dict[str, _Entry] = {
    "anndata": _Entry(module="_anndata", package="pandas"),
    "parquet": _Entry(module="_parquet", package="pyarrow"),
    "csv": _Entry(module="_csv", package="pandas"),
    "json": _Entry(module="_json", package="pandas"),
}


def get_backend(name: str) -> TableBackend:
    """The backend called ``name``; the error lists the backends."""
    entry = _BACKENDS.get(name)
    if entry is None:
        raise unknown_choice("backend", name, list(_BACKENDS))
    import importlib

    module: Any = importlib.import_module(f"{__name__}.{entry.module}")
    backend: TableBackend = module.BACKEND
    return backend
