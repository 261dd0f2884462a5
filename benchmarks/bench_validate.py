"""Time validate() on the metadata of a 1536-well plate (32 rows x 48 columns, 4 fields per well).

The plate is built in a temporary directory with zarr-python: every field is a 2-level image
whose arrays hold no chunks (metadata only), so the timing is that of reading and checking
metadata: the plate, 1536 wells, 6144 field groups and 12288 array documents.

    python benchmarks/bench_validate.py [--version 0.4|0.5] [--fields 4] [--levels 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import string
import tempfile
import time
from pathlib import Path
from typing import Any

import zarr

from ngff_zarr import validate

ROWS = [*string.ascii_uppercase, "AA", "AB", "AC", "AD", "AE", "AF"]  # 32 rows
COLUMNS = [str(c) for c in range(1, 49)]  # 48 columns


def _wrap(version: str, attrs: dict[str, Any]) -> dict[str, Any]:
    if version == "0.5":
        return {"ome": {"version": "0.5", **attrs}}
    for value in attrs.values():
        if isinstance(value, dict):
            value["version"] = "0.4"
        elif isinstance(value, list):
            for item in value:
                item["version"] = "0.4"
    return attrs


def _field_template(root: Path, version: str, levels: int) -> Path:
    """One field image written by zarr-python: metadata only, no chunk is ever written."""
    fmt = 3 if version == "0.5" else 2
    group = zarr.open_group(root, mode="w", zarr_format=fmt)
    axes = [
        {"name": "c", "type": "channel"},
        {"name": "y", "type": "space", "unit": "micrometer"},
        {"name": "x", "type": "space", "unit": "micrometer"},
    ]
    datasets = []
    for i in range(levels):
        shape = (3, 2048 >> i, 2048 >> i)
        extra = {"dimension_names": ["c", "y", "x"]} if fmt == 3 else {}
        group.create_array(str(i), shape=shape, dtype="uint16", chunks=(1, 512, 512), **extra)
        scale = [1.0, 0.65 * 2**i, 0.65 * 2**i]
        datasets.append(
            {"path": str(i), "coordinateTransformations": [{"type": "scale", "scale": scale}]}
        )
    ms = {
        "name": "field",
        "type": "local_mean",
        "metadata": {"method": "bench"},
        "axes": axes,
        "datasets": datasets,
    }
    group.attrs.update(_wrap(version, {"multiscales": [ms]}))
    return root


def build_plate(path: Path, version: str, fields: int, levels: int) -> None:
    fmt = 3 if version == "0.5" else 2
    template = _field_template(path.parent / "template.zarr", version, levels)
    root = zarr.open_group(path, mode="w", zarr_format=fmt)
    wells = [
        {"path": f"{r}/{c}", "rowIndex": i, "columnIndex": j}
        for i, r in enumerate(ROWS)
        for j, c in enumerate(COLUMNS)
    ]
    plate = {
        "name": "bench plate",
        "rows": [{"name": r} for r in ROWS],
        "columns": [{"name": c} for c in COLUMNS],
        "acquisitions": [{"id": 0, "name": "only", "maximumfieldcount": fields}],
        "field_count": fields,
        "wells": wells,
    }
    root.attrs.update(_wrap(version, {"plate": plate}))
    well_attrs = {"images": [{"path": str(f), "acquisition": 0} for f in range(fields)]}
    for row in ROWS:
        root.create_group(row)
    # the first well is written by zarr-python, the others are copies of its files
    first = root.create_group(wells[0]["path"])
    first.attrs.update(_wrap(version, {"well": dict(well_attrs)}))
    first_dir = path / wells[0]["path"]
    for f in range(fields):
        shutil.copytree(template, first_dir / str(f))
    for well in wells[1:]:
        shutil.copytree(first_dir, path / well["path"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", choices=["0.4", "0.5"], default="0.4")
    parser.add_argument("--fields", type=int, default=4)
    parser.add_argument("--levels", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plate.zarr"
        start = time.perf_counter()
        build_plate(path, args.version, args.fields, args.levels)
        built = time.perf_counter() - start
        n_files = sum(1 for _ in path.rglob("*") if _.is_file())
        wells = len(ROWS) * len(COLUMNS)
        print(
            f"built {len(ROWS)}x{len(COLUMNS)} = {wells} wells x {args.fields} fields x "
            f"{args.levels} levels (OME-NGFF {args.version}, {n_files} metadata files) "
            f"in {built:.1f} s"
        )
        start = time.perf_counter()
        validate({"well": {"images": [{"path": "0"}]}})  # imports + schema compilation, once
        setup = time.perf_counter() - start
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = validate(path, strict=True)
            times.append(time.perf_counter() - start)
        assert report.valid, str(report)
        print(f"validate(strict=True): {report.summary()}")
        print(f"  one-time import and schema compilation: {setup:.3f} s")
        print(f"  first run {times[0]:.3f} s, best of {args.repeat}: {min(times):.3f} s")


if __name__ == "__main__":
    main()
