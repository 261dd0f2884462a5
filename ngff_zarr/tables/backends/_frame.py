"""The normal form of a table in memory, and the flat form the file backends store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InvalidMetadataError

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata

__all__ = ["flat", "indexed"]


def flat(table: pd.DataFrame, meta: TableMetadata) -> pd.DataFrame:
    """``table`` with its index as the first column (named ``index_key``), or without it."""
    if meta.index_key is None:
        return table.reset_index(drop=True)
    out = table.reset_index()
    return out.rename(columns={out.columns[0]: meta.index_key})


def indexed(table: pd.DataFrame, meta: TableMetadata, where: str) -> pd.DataFrame:
    """``table`` (flat) indexed by ``index_key`` cast to ``index_type``, as ngio indexes it."""
    key = meta.index_key
    if key is None:
        return table
    if key not in table.columns:
        raise InvalidMetadataError(
            f"index_key {key!r} is not a column of the table (columns: {list(table.columns)})",
            path=where,
            field="index_key",
        )
    out = table.set_index(key)
    return cast_index(out, meta, where)


def cast_index(table: pd.DataFrame, meta: TableMetadata, where: str) -> pd.DataFrame:
    """The index cast to ``index_type`` (``int`` -> int64, ``str`` -> strings)."""
    if meta.index_type == "int":
        try:
            table.index = table.index.astype("int64")
        except (TypeError, ValueError) as exc:
            raise InvalidMetadataError(
                f"index_type is 'int' but the index holds {list(table.index[:3])}...",
                path=where,
                field="index_type",
            ) from exc
    elif meta.index_type == "str":
        table.index = table.index.astype(str).astype(object)
    table.index.name = meta.index_key
    return table
