"""The ``parquet`` backend: ``table.parquet`` in the table group, the index as a column."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ...errors import InvalidMetadataError, missing_dependency
from ._frame import flat, indexed

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata
    from ._location import TableLocation

FILE = "table.parquet"


def _pyarrow() -> tuple[object, object]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_dependency("parquet tables", "pyarrow", "tables") from exc
    return pa, pq


class _Parquet:
    def write(self, where: TableLocation, table: pd.DataFrame, meta: TableMetadata) -> None:
        pa, pq = _pyarrow()
        arrow = pa.Table.from_pandas(flat(table, meta), preserve_index=False)  # type: ignore[attr-defined]
        buffer = io.BytesIO()
        pq.write_table(arrow, buffer)  # type: ignore[attr-defined]
        where.write_bytes(FILE, buffer.getvalue())

    def read(self, where: TableLocation, meta: TableMetadata) -> pd.DataFrame:
        _, pq = _pyarrow()
        raw = where.read_bytes(FILE)
        if raw is None:
            raise InvalidMetadataError(
                f"a parquet table has a {FILE}; found none", path=where.where()
            )
        try:
            table: pd.DataFrame = pq.read_table(io.BytesIO(raw)).to_pandas()  # type: ignore[attr-defined]
        except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError
            raise InvalidMetadataError(
                f"malformed parquet ({exc})", path=where.where(FILE)
            ) from exc
        return indexed(table, meta, where.where())


BACKEND = _Parquet()
