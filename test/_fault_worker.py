"""Processes for the fault-injection tests: writers to kill, readers to race, a disk to fill.

Run in real child processes (``multiprocessing`` forkserver, which imports ngff_zarr once, or
as a script under ``unshare`` for the disk-full case). Every image written here is constant:
its value names the write, so a reader can tell one version from a mix of two.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

import ngff_zarr as nz

SIZE = 384  # pixels per side: one write takes a fraction of a second, in many chunks


def _warm_up() -> None:
    """Load what a first write imports (the forkserver preloads this module): a child then
    spends its time writing, as a long-running writer would."""
    import importlib.util

    for name in ("distributed", "tensorstore"):
        if importlib.util.find_spec(name) is not None:
            __import__(name)
    nz.validate({"well": {"images": [{"path": "0"}], "version": "0.4"}})  # compiles the schemas


_warm_up()


def pyramid(value: int, size: int = SIZE) -> nz.Multiscales:
    data = np.full((size, size), value, dtype="uint16")
    return nz.to_multiscales(
        nz.to_ngff_image(data), scale_factors=[2, 4], method=nz.Methods.NEAREST, chunks=32
    )


def write(path: Path, kind: str, version: str, value: int, *, overwrite: bool = True) -> None:
    if kind == "image":
        nz.to_ngff_zarr(path, pyramid(value), version=version, overwrite=overwrite)  # type: ignore[arg-type]
    elif kind == "label":  # the label image "cells" of the image at path
        nz.write_labels(path, "cells", pyramid(value), overwrite=overwrite)
    else:
        nz.write_hcs_well_image(
            path, pyramid(value), row="A", column="1", field_index=0, overwrite=overwrite
        )


def create(path: Path, kind: str, version: str, value: int) -> None:
    """The store the writers replace: an image, its label "cells", or a plate's field A/1/0."""
    if kind == "label":
        write(path, "image", version, 5000, overwrite=False)
    if kind == "field":
        nz.to_hcs_zarr(nz.Plate.from_names(["A"], ["1", "2"]), path, version=version)  # type: ignore[arg-type]
        nz.write_hcs_well_image(path, pyramid(value + 1000), row="A", column="2", field_index=0)
    write(path, kind, version, value, overwrite=False)


def open_image(path: Path, kind: str) -> nz.Multiscales:
    if kind == "image":
        return nz.from_ngff_zarr(path)
    if kind == "label":
        return nz.read_labels(path)["cells"]
    return nz.from_hcs_zarr(path).get_well("A", "1").get_image(0)


def values_of(path: Path, kind: str) -> set[int]:
    """The distinct values of every level of the stored image (one value: one version)."""
    found: set[int] = set()
    for image in open_image(path, kind).images:
        found.update(int(v) for v in np.unique(image.data.compute()))
    return found


def rewrite_loop(
    path: str, kind: str, version: str, log: str, first: int, pause: float = 0.0
) -> None:
    """Rewrite the store forever with values first, first + 1, ...; log each completed one."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    value = first
    with open(log, "a", encoding="utf-8") as handle:
        while True:
            handle.write(f"start {value} {time.monotonic()}\n")
            handle.flush()
            write(Path(path), kind, version, value)
            handle.write(f"done {value} {time.monotonic()}\n")
            handle.flush()
            value += 1
            time.sleep(pause)


def read_loop(path: str, kind: str, log: str, rewrites: int, out: str) -> None:
    """Read the whole image again and again until the writer logged ``rewrites`` more writes
    (at most a minute); record each read: one value, a mix, or an error."""
    results: list[Any] = []
    end = time.monotonic() + 60

    def done() -> int:
        return Path(log).read_text(encoding="utf-8").count("done") if Path(log).exists() else 0

    target = done() + rewrites
    while time.monotonic() < end and done() < target:
        try:
            found = sorted(values_of(Path(path), kind))
        except nz.ReadError as exc:
            results.append(["replaced", str(exc)[:200]])
            continue
        except nz.NgffZarrError as exc:
            results.append(["error", f"{type(exc).__name__}: {str(exc)[:200]}"])
            continue
        results.append(["ok" if len(found) == 1 else "mixed", found[:5]])
    Path(out).write_text(json.dumps(results), encoding="utf-8")


def disk_full(directory: str) -> dict[str, Any]:
    """Writes into a small file system (run inside a private tmpfs mount): what each did."""
    base = Path(directory)
    report: dict[str, Any] = {}
    image = base / "image.zarr"
    nz.to_ngff_zarr(image, pyramid(1, 64), version="0.5")
    noise = np.random.default_rng(0).integers(0, 2**16, (1024, 1024), dtype="uint16")
    big = nz.to_multiscales(nz.to_ngff_image(noise), scale_factors=[2], chunks=64)
    for backend in ("zarr", "zarrs", "tensorstore"):
        try:
            nz.to_ngff_zarr(image, big, version="0.5", overwrite=True, backend=backend)
            report[f"rewrite-{backend}"] = "no error"
        except BaseException as exc:
            report[f"rewrite-{backend}"] = [
                type(exc).__name__,
                isinstance(exc, nz.WriteError),
                str(exc),
            ]
        report[f"rewrite-{backend}-values"] = sorted(values_of(image, "image"))
        report[f"rewrite-{backend}-valid"] = nz.validate(image).valid
        report[f"rewrite-{backend}-left"] = sorted(p.name for p in base.iterdir())
    try:
        nz.to_ngff_zarr(base / "new.zarr", big, version="0.4")
        report["new"] = "no error"
    except BaseException as exc:
        report["new"] = [type(exc).__name__, isinstance(exc, nz.WriteError), str(exc)]
    report["new-left"] = sorted(p.name for p in base.iterdir())
    plate = base / "plate.zarr"
    nz.to_hcs_zarr(nz.Plate.from_names(["A"], ["1"]), plate, version="0.4")
    nz.write_hcs_well_image(plate, pyramid(3, 64), row="A", column="1", field_index=0)
    try:
        nz.write_hcs_well_image(plate, big, row="A", column="1", field_index=0, overwrite=True)
        report["field"] = "no error"
    except BaseException as exc:
        report["field"] = [type(exc).__name__, isinstance(exc, nz.WriteError), str(exc)]
    report["field-values"] = sorted(values_of(plate, "field"))
    report["field-left"] = sorted(os.listdir(plate / "A" / "1"))
    report["field-valid"] = nz.validate(plate).valid
    return report


if __name__ == "__main__":
    print(json.dumps(disk_full(sys.argv[1])))
