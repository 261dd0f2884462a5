"""The documented examples' calls, written once: run by ngff-zarr 0.50 to record, and here.

``dropin/record_050.py`` runs :data:`EXAMPLES` with ngff-zarr 0.50 installed and records
what the stores hold (``dropin/data/ngff_zarr_050_stores.json``, through the helpers below);
``dropin/test_same_as_050.py`` runs the same functions with this package and compares. Only
ngff-zarr 0.50's documented API is used, and nothing of this package.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dask.array as da
import numpy as np

METADATA = {"zarr.json", ".zattrs", ".zarray", ".zgroup", ".zmetadata"}


def metadata_documents(store: Path) -> dict[str, Any]:
    """Every metadata document of a directory store or a zip, by path, in the zip's order."""
    if store.is_file():
        with zipfile.ZipFile(store) as archive:
            names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] in METADATA]
            docs = {n: json.loads(archive.read(n)) for n in names}
            return {"documents": docs, "order": names, "comment": archive.comment.decode(),
                    "stored": all(i.compress_type == 0 for i in archive.infolist())}  # fmt: skip
    docs = {}
    for path in sorted(store.rglob("*")):
        if path.name in METADATA:
            docs[path.relative_to(store).as_posix()] = json.loads(path.read_text(encoding="utf-8"))
    return {"documents": docs}


def array_paths(documents: dict[str, Any]) -> list[str]:
    """The arrays of a store, from its documents."""
    out = []
    for name, doc in documents.items():
        folder = name.rpartition("/")[0]
        if name.endswith(".zarray") or (
            name.endswith("zarr.json") and doc.get("node_type") == "array"
        ):
            out.append(folder)
    return sorted(out)


def digest(values: Any) -> dict[str, Any]:
    """Shape, dtype and SHA-256 of an array's values."""
    values = np.ascontiguousarray(values)
    return {"shape": list(values.shape), "dtype": str(values.dtype),
            "sha256": hashlib.sha256(values.tobytes()).hexdigest()}  # fmt: skip


def _cthead() -> np.ndarray:
    y, x = np.mgrid[0:256, 0:256]
    head = ((x - 128) ** 2 / 100**2 + (y - 128) ** 2 / 120**2) < 1
    texture = (np.sin(x / 7.0) * np.cos(y / 11.0) * 40 + 120).astype(np.uint8)
    return np.where(head, texture, 0).astype(np.uint8)


def _volume(shape: tuple[int, ...], dtype: Any = np.uint16) -> np.ndarray:
    return (np.random.default_rng(3).random(shape) * 1000).astype(dtype)


def cthead(nz: Any) -> None:
    """python page: array -> image -> multiscales ([2, 4], chunks 64) -> default and 0.4."""
    image = nz.to_ngff_image(
        _cthead(), dims=["y", "x"], scale={"y": 1.0, "x": 1.0}, translation={"y": 0.0, "x": 0.0}
    )
    multiscales = nz.to_multiscales(image, scale_factors=[2, 4], chunks=64)
    nz.to_ngff_zarr("cthead1.ome.zarr", multiscales)
    nz.to_ngff_zarr("cthead1_v04.ome.zarr", multiscales, version="0.4")
    nz.to_ngff_zarr("cthead1.ozx", multiscales)


def volume_defaults(nz: Any) -> None:
    """Every default: int scale factors, 128 chunks in 3-D, ITKWASM_GAUSSIAN, 0.5."""
    nz.to_ngff_zarr(
        "volume.ome.zarr", nz.to_multiscales(nz.to_ngff_image(_volume((150, 300, 260))))
    )


def units_and_channels(nz: Any) -> None:
    image = nz.to_ngff_image(
        _volume((2, 20, 64, 48)),
        dims=["c", "z", "y", "x"],
        scale={"z": 2.5, "y": 0.5, "x": 0.5},
        translation={"z": 10.0, "y": 0.0, "x": 3.0},
        name="cells",
        axes_units=dict.fromkeys("zyx", "micrometer"),
    )
    multiscales = nz.to_multiscales(image, scale_factors=[2], chunks=32)
    multiscales.metadata.omero = nz.compute_omero_from_multiscales(multiscales)
    nz.to_ngff_zarr("cells.ome.zarr", multiscales)


def sharded(nz: Any) -> None:
    """python page: "Write a sharded OME-Zarr store"."""
    multiscales = nz.to_multiscales(
        nz.to_ngff_image(np.zeros((128, 128, 128), np.uint8)), scale_factors=[], chunks=32
    )
    nz.to_ngff_zarr("lightsheet.ome.zarr", multiscales, chunks_per_shard=2, version="0.5")


def root_attributes(nz: Any) -> None:
    multiscales = nz.to_multiscales(nz.to_ngff_image(np.zeros((64, 64), np.uint8)), [2])
    multiscales.root_attributes = {"acquisition": {"direction": [0, -1, 0, 1, 0, 0, 0, 0, 1]}}
    nz.to_ome_zarr("image.ome.zarr", multiscales, version="0.5")


def metadata_only(nz: Any) -> None:
    placeholder = da.zeros((1, 64, 128, 128), dtype="float32", chunks=(1, 16, 64, 64))
    image = nz.to_ngff_image(placeholder, dims=["c", "z", "y", "x"])
    multiscales = nz.to_multiscales(image, scale_factors=[], chunks=(1, 16, 64, 64), cache=False)
    nz.to_ome_zarr("vol.ome.zarr", multiscales, version="0.5", metadata_only=True)


def orientation(nz: Any) -> None:
    """rfc4 page: the LPS constant, and the orientation keyword."""
    image = nz.NgffImage(
        data=da.zeros((32, 32, 32), dtype=np.float32, chunks=16),
        dims=("z", "y", "x"),
        scale={"x": 1.0, "y": 1.0, "z": 1.0},
        translation={"x": 0.0, "y": 0.0, "z": 0.0},
        axes_orientations=nz.LPS,
    )
    nz.to_ngff_zarr("lps.ome.zarr", nz.to_multiscales(image))
    plain = nz.to_ngff_image(_volume((16, 32, 32)))
    nz.to_ngff_zarr("ras.ome.zarr", nz.to_multiscales(plain, scale_factors=[2], orientation="RAS"))


def methods(nz: Any) -> None:
    """methods page: the members that need no extra, on an intensity and a label image."""
    data = _volume((24, 40, 36), np.uint8)
    for name in ("ITKWASM_GAUSSIAN", "ITKWASM_BIN_SHRINK", "ITKWASM_LABEL_IMAGE",
                 "DASK_IMAGE_MODE", "DASK_BIN_SHRINK"):  # fmt: skip
        multiscales = nz.to_multiscales(
            nz.to_ngff_image(data), scale_factors=[2, 4], method=nz.Methods[name], chunks=16
        )
        nz.to_ngff_zarr(f"{name.lower()}.ome.zarr", multiscales, version="0.4")


def scale_factors(nz: Any) -> None:
    """Factors that are not multiples of each other ([2, 3, 4] and [2, 4, 6, 8])."""
    data = (np.random.default_rng(1).random((97, 131)) * 250).astype(np.uint8)
    for factors in ([2, 3, 4], [2, 4, 6, 8]):
        multiscales = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=factors, chunks=32)
        name = "_".join(map(str, factors))
        nz.to_ngff_zarr(f"factors_{name}.ome.zarr", multiscales, scale_strategy="exact")


def plates(nz: Any) -> None:
    """hcs page: a plate structure and a field in two wells, at 0.4 and 0.5."""
    from ngff_zarr.v04.zarr_metadata import Plate, PlateColumn, PlateRow, PlateWell

    image = nz.to_ngff_image(_volume((1, 1, 4, 32, 32)), dims=["t", "c", "z", "y", "x"])
    multiscales = nz.to_multiscales(image, scale_factors=[2])
    for version in ("0.4", "0.5"):
        plate = Plate(
            columns=[PlateColumn(name="1"), PlateColumn(name="2")],
            rows=[PlateRow(name="A"), PlateRow(name="B")],
            wells=[
                PlateWell(path="A/1", rowIndex=0, columnIndex=0),
                PlateWell(path="B/2", rowIndex=1, columnIndex=1),
            ],
            name=f"Example Plate v{version}",
            field_count=1,
            version=version,
        )
        store = f"plate_{version}.ome.zarr"
        nz.to_hcs_zarr(nz.HCSPlate(store=store, plate_metadata=plate), store)
        for row, column in (("A", "1"), ("B", "2")):
            nz.write_hcs_well_image(
                store=store, multiscales=multiscales, plate_metadata=plate,
                row_name=row, column_name=column, field_index=0, version=version,
            )  # fmt: skip


EXAMPLES: dict[str, Callable[[Any], None]] = {
    f.__name__: f
    for f in (
        cthead,
        volume_defaults,
        units_and_channels,
        sharded,
        root_attributes,
        metadata_only,
        orientation,
        methods,
        scale_factors,
        plates,
    )
}
