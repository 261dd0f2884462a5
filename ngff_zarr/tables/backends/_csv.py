"""The ``csv`` backend: ``table.csv`` in the table group, the index as the first column."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ...errors import InvalidMetadataError
from ._frame import flat, indexed

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata
    from ._location import TableLocation

FILE = "table.csv"


class _Csv:
    def write(self, where: TableLocation, table: pd.DataFrame, meta: TableMetadata) -> None:
        text = flat(table, meta).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
        where.write_bytes(FILE, text.encode())

    def read(self, where: TableLocation, meta: TableMetadata) -> pd.DataFrame:
        import pandas as pd

        raw = where.read_bytes(FILE)
        if raw is None:
            raise InvalidMetadataError(f"a csv table has a {FILE}; found none", path=where.where())
        try:
            table = pd.read_csv(io.BytesIO(raw))
        except (ValueError, pd.errors.ParserError) as exc:
            raise InvalidMetadataError(f"malformed CSV ({exc})", path=where.where(FILE)) from exc
        return indexed(table, meta, where.where())


BACKEND = _Csv()
