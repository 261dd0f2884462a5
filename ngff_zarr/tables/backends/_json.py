"""The ``json`` backend: the columns as lists in the attributes of a ``table`` group."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...errors import InvalidMetadataError
from ._frame import flat, indexed

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata
    from ._location import TableLocation

GROUP = "table"


class _Json:
    def write(self, where: TableLocation, table: pd.DataFrame, meta: TableMetadata) -> None:
        columns = {
            str(name): [_plain(v) for v in values.tolist()]
            for name, values in flat(table, meta).items()
        }
        where.group(GROUP, mode="w").attrs.put(columns)  # type: ignore[arg-type]

    def read(self, where: TableLocation, meta: TableMetadata) -> pd.DataFrame:
        import pandas as pd

        try:
            attrs = dict(where.group(GROUP).attrs)
        except FileNotFoundError as exc:
            raise InvalidMetadataError(
                f"a json table has a '{GROUP}' group; found none", path=where.where()
            ) from exc
        lengths = {k: len(v) for k, v in attrs.items() if isinstance(v, list)}
        if len(lengths) != len(attrs) or len(set(lengths.values())) > 1:
            raise InvalidMetadataError(
                f"expected one list per column, all of one length; found lengths {lengths}",
                path=where.where(GROUP),
            )
        return indexed(pd.DataFrame(attrs), meta, where.where())


def _plain(value: Any) -> Any:
    """A JSON value: a missing number becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


BACKEND = _Json()
