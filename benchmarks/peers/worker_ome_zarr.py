"""Benchmark worker for ome-zarr-py (its own virtual environment): one case, one JSON line.

ome-zarr-py's defaults throughout (its default downsampling method, 'resize'; chunks that
follow the input's dask chunks; its default codec), except what a workload fixes: 3 levels
halving z, y and x (ome-zarr-py leaves z alone unless the factors are given per dim), the
NGFF version, the chunk and shard shape of the sharded 0.5 case, a mean-type method for W2
(``Methods.LOCAL_MEAN``) and a label-safe one for W5 (``write_labels``' default, nearest).
The API used here was learnt from ome-zarr-py's documentation and docstrings only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h


def _version() -> str:
    import ome_zarr

    return str(ome_zarr.__version__)


def _fmt(version: str) -> Any:
    from ome_zarr.format import FormatV04, FormatV05

    return FormatV04() if version == "0.4" else FormatV05()


def _factors(dims: str) -> list[dict[str, int]]:
    """Per-level factors as dicts, so that z is downsampled too."""
    return [{d: f for d in dims if d in "zyx"} for f in h.SCALE_FACTORS]


def _store_version(store: Path) -> str:
    return "0.5" if (store / "zarr.json").is_file() else "0.4"


class OmeZarr(h.Adapter):
    imports = ("ome_zarr.writer", "ome_zarr.reader", "dask.array", "zarr")

    def write_image(
        self,
        store: Path,
        data: Any,
        *,
        dims: str,
        version: str,
        purpose: str,
        chunks: int | None,
        shard: int | None,
        variant: str,
    ) -> None:
        import zarr
        from ome_zarr.scale import Methods
        from ome_zarr.writer import write_image, write_labels

        fmt = _fmt(version)
        storage: dict[str, Any] = {}
        if chunks is not None:
            storage["chunks"] = (chunks,) * len(dims)
        if shard is not None:
            storage["shards"] = (shard,) * len(dims)
        options: dict[str, Any] = {
            "scale_factors": _factors(dims),
            "fmt": fmt,
            "axes": dims,
            "storage_options": storage or None,
        }
        root = zarr.open_group(str(store), mode="w", zarr_format=fmt.zarr_format)
        if purpose == "labels":
            # write_labels' signature defaults `scaler` to a (deprecated) Scaler that wins
            # over scale_factors; None leaves the pyramid to scale_factors and method
            write_labels(data, root, name="cells", scaler=None, **options)
        elif purpose == "mean":
            write_image(data, root, method=Methods.LOCAL_MEAN, **options)
        else:
            write_image(data, root, **options)

    def open_image(self, store: Path, variant: str) -> Any:
        from ome_zarr.io import parse_url
        from ome_zarr.reader import Reader

        location = parse_url(str(store), fmt=_fmt(_store_version(store)))
        return next(iter(Reader(location)())).data[0]

    def read(self, handle: Any, box: tuple[slice, slice, slice]) -> np.ndarray:
        return np.asarray(handle[box])

    def write_plate(
        self,
        store: Path,
        rows: list[str],
        columns: list[str],
        fields: int,
        images: dict[tuple[str, str, int], np.ndarray],
        *,
        version: str,
        variant: str,
    ) -> None:
        import zarr
        from ome_zarr.writer import write_image, write_plate_metadata, write_well_metadata

        fmt = _fmt(version)
        root = zarr.open_group(str(store), mode="w", zarr_format=fmt.zarr_format)
        wells = [f"{r}/{c}" for r in rows for c in columns]
        write_plate_metadata(root, rows, columns, wells, fmt=fmt, field_count=fields, name="bench")
        field_paths = [{"path": str(f)} for f in range(fields)]
        for row in rows:
            for column in columns:
                well = root.require_group(f"{row}/{column}")
                write_well_metadata(well, field_paths, fmt=fmt)
                for index in range(fields):
                    write_image(
                        images[(row, column, index)],
                        well.require_group(str(index)),
                        scale_factors=_factors("cyx"),
                        fmt=fmt,
                        axes="cyx",
                    )

    def list_plate(self, store: Path, variant: str) -> int:
        from ome_zarr.io import parse_url
        from ome_zarr.reader import Reader

        fmt = _fmt(_store_version(store))
        plate = parse_url(str(store), fmt=fmt)
        count = 0
        for well in plate.root_attrs["plate"]["wells"]:
            well_location = parse_url(str(store / well["path"]), fmt=fmt)
            for image in well_location.root_attrs["well"]["images"]:
                field = parse_url(str(store / well["path"] / image["path"]), fmt=fmt)
                if next(iter(Reader(field)())).data:
                    count += 1
        return count


def main() -> None:
    h.run_worker("ome_zarr", _version, h.workload_cases(OmeZarr()), OmeZarr.imports)


if __name__ == "__main__":
    main()
