"""The ``anndata`` backend: a table as AnnData in Zarr, encoded with zarr itself.

The layout is AnnData's on-disk format (``encoding-type`` / ``encoding-version`` on every
element), as ngio and Fractal write tables: the float columns form the matrix ``X`` (their
names in ``var``'s index), every other column sits in the ``obs`` dataframe, whose index is
the table's index (strings; ``index_type`` says how to read them back). Integer, boolean,
string, categorical and nullable integer/boolean columns are encoded as AnnData encodes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import zarr

from ...errors import InvalidMetadataError, NgffValueError
from ._frame import cast_index

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import TableMetadata
    from ._location import TableLocation

ROOT_ENCODING: Final = {"encoding-type": "anndata", "encoding-version": "0.1.0"}
_DICT: Final = {"encoding-type": "dict", "encoding-version": "0.1.0"}
_ARRAY: Final = {"encoding-type": "array", "encoding-version": "0.2.0"}
_STRINGS: Final = {"encoding-type": "string-array", "encoding-version": "0.2.0"}
_DATAFRAME_VERSION: Final = "0.2.0"
_EMPTY_GROUPS: Final = ("layers", "obsm", "obsp", "uns", "varm", "varp")
_DEFAULT_INDEX: Final = "_index"


class _AnnData:
    def write(self, where: TableLocation, table: pd.DataFrame, meta: TableMetadata) -> None:
        import pandas as pd

        names = [_column_name(c) for c in table.columns]
        if len(set(names)) != len(names):
            raise NgffValueError(f"table: column names must be unique, got {names}")
        floats = [
            c for c, n in zip(table.columns, names, strict=True)
            if table[c].dtype.kind == "f" and n != meta.index_key
        ]  # fmt: skip
        others = [c for c in table.columns if c not in floats]
        group = where.group(mode="a")
        rows = len(table)
        x_names = [_column_name(c) for c in floats]
        if floats:
            dtype = np.result_type(*[table[c].dtype for c in floats])
            matrix = table[floats].to_numpy(dtype=dtype)
        else:
            matrix = np.zeros((rows, 0), dtype=np.float64)
        _array(group, "X", matrix, _ARRAY)
        index_name = meta.index_key or _DEFAULT_INDEX
        obs = group.create_group("obs", overwrite=True)
        obs.attrs.put(
            {
                "_index": index_name,
                "column-order": [_column_name(c) for c in others],
                "encoding-type": "dataframe",
                "encoding-version": _DATAFRAME_VERSION,
            }
        )
        _strings(obs, index_name, [str(v) for v in table.index])
        for column in others:
            _write_column(obs, _column_name(column), table[column], pd)
        var = group.create_group("var", overwrite=True)
        var.attrs.put(
            {
                "_index": _DEFAULT_INDEX,
                "column-order": [],
                "encoding-type": "dataframe",
                "encoding-version": _DATAFRAME_VERSION,
            }
        )
        _strings(var, _DEFAULT_INDEX, x_names)
        for name in _EMPTY_GROUPS:
            group.create_group(name, overwrite=True).attrs.put(dict(_DICT))

    def read(self, where: TableLocation, meta: TableMetadata) -> pd.DataFrame:
        import pandas as pd

        try:
            group = where.group()
            obs, var = _group(group, "obs"), _group(group, "var")
        except (FileNotFoundError, KeyError) as exc:
            raise InvalidMetadataError(
                f"an AnnData table has 'obs' and 'var' groups; found none for {exc}",
                path=where.where(),
            ) from exc
        obs_attrs = dict(obs.attrs)
        index_name = str(obs_attrs.get("_index", _DEFAULT_INDEX))
        index = _read(obs, index_name, where)
        columns: dict[str, Any] = {}
        if "X" in group:
            var_index = str(var.attrs.get("_index", _DEFAULT_INDEX))
            x_names = [str(v) for v in _read(var, var_index, where)]
            matrix = _matrix(group["X"], where)
            if matrix.shape[1] != len(x_names):
                raise InvalidMetadataError(
                    f"X has {matrix.shape[1]} columns but var names {len(x_names)}",
                    path=where.where("X"),
                )
            columns.update({n: matrix[:, i] for i, n in enumerate(x_names)})
        order = obs_attrs.get("column-order", [])
        for name in order if isinstance(order, list) else []:
            columns[str(name)] = _read(obs, str(name), where)
        table = pd.DataFrame(columns, index=pd.Index(index))
        key = meta.index_key
        if key is not None and key != index_name and key in table.columns:
            table = table.set_index(key)  # a Fractal table with the key as a column
        table.index.name = None if index_name == _DEFAULT_INDEX and key is None else key
        return cast_index(table, meta, where.where()) if key is not None else table


def _group(group: zarr.Group, name: str) -> zarr.Group:
    """The subgroup ``name`` (KeyError, from zarr, when there is none)."""
    node = group[name]
    if not isinstance(node, zarr.Group):
        raise InvalidMetadataError(f"{name}: expected a group, found an array")
    return node


def _column_name(column: Any) -> str:
    if not isinstance(column, str):
        raise NgffValueError(f"table: column names must be strings, got {column!r}")
    return column


def _array(group: zarr.Group, name: str, values: np.ndarray, attrs: dict[str, str]) -> None:
    chunks = tuple(max(1, n) for n in values.shape)
    array = group.create_array(
        name, shape=values.shape, dtype=values.dtype, chunks=chunks, overwrite=True
    )
    if values.size:
        array[...] = values
    array.attrs.put(dict(attrs))


def _strings(group: zarr.Group, name: str, values: list[str]) -> None:
    array = group.create_array(
        name, shape=(len(values),), dtype=str, chunks=(max(1, len(values)),), overwrite=True
    )
    if values:
        array[...] = np.array(values, dtype=object)
    array.attrs.put(dict(_STRINGS))


def _write_column(group: zarr.Group, name: str, series: pd.Series, pd: Any) -> None:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        sub = group.create_group(name, overwrite=True)
        sub.attrs.put(
            {
                "encoding-type": "categorical",
                "encoding-version": "0.2.0",
                "ordered": bool(dtype.ordered),
            }
        )
        _write_column(sub, "categories", pd.Series(dtype.categories), pd)
        _array(sub, "codes", np.asarray(series.cat.codes), _ARRAY)
        return
    if isinstance(dtype, pd.BooleanDtype | pd.core.arrays.integer.IntegerDtype):
        kind = "nullable-boolean" if isinstance(dtype, pd.BooleanDtype) else "nullable-integer"
        sub = group.create_group(name, overwrite=True)
        sub.attrs.put({"encoding-type": kind, "encoding-version": "0.1.0"})
        mask = np.asarray(series.isna())
        fill = False if kind == "nullable-boolean" else 0
        _array(sub, "values", np.asarray(series.fillna(fill).to_numpy(dtype.numpy_dtype)), _ARRAY)
        _array(sub, "mask", mask, _ARRAY)
        return
    if dtype.kind in "iub":
        _array(group, name, np.asarray(series), _ARRAY)
        return
    if dtype.kind == "f":
        _array(group, name, np.asarray(series), _ARRAY)  # the index column of a float key
        return
    values = series.tolist()
    if all(isinstance(v, str) for v in values):
        _strings(group, name, values)
        return
    raise NgffValueError(
        f"table: column {name!r} ({dtype}) holds values AnnData cannot store as they are "
        f"(e.g. {next(v for v in values if not isinstance(v, str))!r}); make it a string, "
        "numeric or categorical column, or use the parquet backend"
    )


def _matrix(node: Any, where: TableLocation) -> np.ndarray:
    kind = node.attrs.get("encoding-type", "array")
    if isinstance(node, zarr.Array):
        values = np.asarray(node[...])
        return values.reshape(values.shape[0], -1) if values.ndim == 1 else values
    if kind in ("csr_matrix", "csc_matrix"):
        import scipy.sparse as sparse

        make = sparse.csr_matrix if kind == "csr_matrix" else sparse.csc_matrix
        shape = tuple(node.attrs["shape"])
        parts = [np.asarray(node[k][...]) for k in ("data", "indices", "indptr")]
        matrix = make(tuple(parts), shape=shape)
        dense: np.ndarray = matrix.toarray()
        return dense
    raise InvalidMetadataError(f"unsupported encoding-type {kind!r} for X", path=where.where("X"))


def _read(group: zarr.Group, name: str, where: TableLocation) -> Any:
    import pandas as pd

    try:
        node = group[name]
    except KeyError:
        raise InvalidMetadataError(
            f"the dataframe lists {name!r} but holds no such element",
            path=where.where(),
            field=name,
        ) from None
    kind = node.attrs.get("encoding-type", "array")
    if isinstance(node, zarr.Array):
        values = np.asarray(node[...])
        if values.dtype.kind in "OTU" or kind == "string-array":
            return values.astype(object)
        return values
    if kind == "categorical":
        codes = np.asarray(node["codes"][...])  # type: ignore[index]
        categories = _read(node, "categories", where)
        return pd.Categorical.from_codes(
            codes, categories=categories, ordered=bool(node.attrs.get("ordered", False))
        )
    if kind in ("nullable-integer", "nullable-boolean", "nullable-string-array"):
        values = np.asarray(node["values"][...])  # type: ignore[index]
        mask = np.asarray(node["mask"][...]).astype(bool)  # type: ignore[index]
        if kind == "nullable-integer":
            return pd.arrays.IntegerArray(values, mask)
        if kind == "nullable-boolean":
            return pd.arrays.BooleanArray(values.astype(bool), mask)
        out = values.astype(object)
        out[mask] = None
        return out
    raise InvalidMetadataError(
        f"unsupported encoding-type {kind!r}", path=where.where(), field=name
    )


BACKEND = _AnnData()
