"""Benchmark worker for upstream ngff-zarr 0.50.0 (its own virtual environment).

It shares our import name, which is why it runs in its own environment with ``python -I``
(neither the current directory nor PYTHONPATH can put this checkout's package first).
Its defaults throughout (default method ITKWASM_GAUSSIAN, default chunks and codec),
except what a workload fixes: 3 levels halving z, y and x, the NGFF version, the chunk and
shard shape of the sharded 0.5 case, a mean-type method for W2 (ITKWASM_BIN_SHRINK) and a
label-safe one for W5 (DASK_IMAGE_MODE, from the dask-image extra). ``--variant`` may name
any other ``Methods`` value in lower case. The API used here was learnt from its
documentation and docstrings only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h


def _version() -> str:
    import importlib.metadata

    import ngff_zarr

    version = importlib.metadata.version("ngff-zarr")
    if "site-packages" not in ngff_zarr.__file__:
        raise RuntimeError(f"ngff_zarr imported from {ngff_zarr.__file__}, not the 0.50 venv")
    return version


def _method(variant: str, purpose: str) -> Any:
    import ngff_zarr as nz

    if variant != "default":
        return nz.Methods(variant)
    return {
        "mean": nz.Methods.ITKWASM_BIN_SHRINK,
        "labels": nz.Methods.DASK_IMAGE_MODE,
    }.get(purpose)  # None: the library's default method


def _pyramid(data: Any, dims: str, method: Any, chunks: int | None) -> Any:
    import ngff_zarr as nz

    scale = {d: 1.0 for d in dims if d in "zyx"}
    image = nz.to_ngff_image(data, dims=list(dims), scale=scale)
    return nz.to_multiscales(image, scale_factors=h.SCALE_FACTORS, method=method, chunks=chunks)


class NgffZarr050(h.Adapter):
    imports = ("ngff_zarr", "dask.array", "zarrista")

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
        import ngff_zarr as nz

        multiscales = _pyramid(data, dims, _method(variant, purpose), chunks)
        per_shard = None if shard is None else shard // (chunks or shard)
        nz.to_ngff_zarr(str(store), multiscales, version=version, chunks_per_shard=per_shard)

    def open_image(self, store: Path, variant: str) -> Any:
        import ngff_zarr as nz

        return nz.from_ngff_zarr(str(store)).images[0].data

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
        import ngff_zarr as nz

        metadata = nz.Plate(
            columns=[nz.PlateColumn(name=c) for c in columns],
            rows=[nz.PlateRow(name=r) for r in rows],
            wells=[
                nz.PlateWell(path=f"{r}/{c}", rowIndex=i, columnIndex=j)
                for i, r in enumerate(rows)
                for j, c in enumerate(columns)
            ],
            version=version,
            field_count=fields,
            name="bench",
        )
        nz.to_hcs_zarr(nz.HCSPlate(str(store), metadata), str(store))
        method = _method(variant, "image")
        for (row, column, index), data in images.items():
            nz.write_hcs_well_image(
                str(store),
                _pyramid(data, "cyx", method, None),
                metadata,
                row,
                column,
                field_index=index,
                version=version,
            )

    def list_plate(self, store: Path, variant: str) -> int:
        import ngff_zarr as nz

        plate = nz.from_hcs_zarr(str(store))
        count = 0
        for well_metadata in plate.wells:
            well = plate.get_well_by_indices(well_metadata.rowIndex, well_metadata.columnIndex)
            for index in range(len(well.images)):
                if well.get_image(index) is not None:
                    count += 1
        return count


def main() -> None:
    h.run_worker("ngff_zarr050", _version, h.workload_cases(NgffZarr050()), NgffZarr050.imports)


if __name__ == "__main__":
    main()
