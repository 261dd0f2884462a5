"""Tables of an image or plate, stored as ngio 1.x and Fractal's table specification V1 do.

::

    DataFrame --write_table--> <image>/tables/<name>   (anndata, parquet, csv or json)
    <image> --read_table--> DataFrame     <image> --list_tables--> [names]

Table types: ``roi_table`` (boxes in micrometers), ``masking_roi_table`` (one box per label of
a label image), ``feature_table`` (per-label measurements), ``condition_table``, and generic
tables. The metadata and its rules are in :mod:`ngff_zarr.tables.spec`.
"""

from __future__ import annotations

from .io import TABLES_GROUP, list_tables, read_table, read_table_metadata, write_table
from .spec import BACKENDS, ROI_COLUMNS, TABLE_TYPES, TableMetadata, check_table_attributes

__all__ = [
    "BACKENDS",
    "ROI_COLUMNS",
    "TABLES_GROUP",
    "TABLE_TYPES",
    "TableMetadata",
    "check_table_attributes",
    "list_tables",
    "read_table",
    "read_table_metadata",
    "write_table",
]
