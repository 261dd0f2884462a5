"""Benchmark worker for ngio (its own virtual environment): one case, one JSON line.

ngio's defaults throughout (its default pyramid interpolation, 'linear'; its default chunks
and codec; its default consolidation mode), except what a workload fixes: 3 levels halving
z, y and x, the NGFF version, and the chunk and shard shape of the sharded 0.5 case.
The API used here was learnt from ngio's documentation and docstrings only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h


def _version() -> str:
    import ngio

    return str(ngio.__version__)


def _factors(dims: str) -> tuple[float, ...]:
    """ngio's per-axis scaling factors between levels: 2 on z, y and x, 1 on c."""
    return tuple(2.0 if d in "zyx" else 1.0 for d in dims)


class Ngio(h.Adapter):
    imports = ("ngio", "dask.array", "zarr")

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
        import ngio

        options: dict[str, Any] = {
            "pixelsize": 1.0,
            "z_spacing": 1.0,
            "levels": h.LEVELS,
            "scaling_factors": _factors(dims),
            "axes_names": list(dims),
            "ngff_version": version,
            "overwrite": True,
        }
        if chunks is not None:
            options["chunks"] = (chunks,) * len(dims)
        if shard is not None:
            options["shards"] = (shard,) * len(dims)
        if purpose == "labels":
            # labels live beside an image in ngio: an empty image (no chunks written), a
            # label derived from it, and the label's own (label-safe) pyramid
            container = ngio.create_empty_ome_zarr(
                str(store), shape=data.shape, dtype="uint8", **options
            )
            label = container.derive_label("cells", dtype=str(data.dtype))
            label.set_array(data)
            label.consolidate()
        elif isinstance(data, np.ndarray):
            ngio.create_ome_zarr_from_array(str(store), data, **options)
        else:  # a lazy (dask) source: the documented path is an empty image, then set_array
            container = ngio.create_empty_ome_zarr(
                str(store), shape=data.shape, dtype=str(data.dtype), **options
            )
            image = container.get_image()
            image.set_array(data)
            image.consolidate()

    def open_image(self, store: Path, variant: str) -> Any:
        import ngio

        return ngio.open_ome_zarr_container(str(store), mode="r").get_image()

    def read(self, handle: Any, box: tuple[slice, slice, slice]) -> np.ndarray:
        z, y, x = box
        return np.asarray(handle.get_as_numpy(z=z, y=y, x=x))

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
        import ngio

        paths = [ngio.ImageInWellPath(row=r, column=c, path=str(f)) for (r, c, f) in images]
        plate = ngio.create_empty_plate(
            str(store), name="bench", images=paths, ngff_version=version, overwrite=True
        )
        for (row, column, index), data in images.items():
            ngio.create_ome_zarr_from_array(
                plate.get_image_store(row, column, str(index)),
                data,
                pixelsize=1.0,
                levels=h.LEVELS,
                scaling_factors=_factors("cyx"),
                axes_names=["c", "y", "x"],
                ngff_version=version,
                overwrite=True,
            )

    def list_plate(self, store: Path, variant: str) -> int:
        import ngio

        plate = ngio.open_ome_zarr_plate(str(store), mode="r")
        return len(plate.get_images())


def main() -> None:
    h.run_worker("ngio", _version, h.workload_cases(Ngio()), Ngio.imports)


if __name__ == "__main__":
    main()
