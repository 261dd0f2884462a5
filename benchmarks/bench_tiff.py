"""Benchmark: read and convert 1 GiB TIFFs, ngff_zarr's reader against tifffile's own ``imread``.

Three layouts are generated in a temporary directory (``--keep DIR`` keeps them):

* ``pages``: uint16 Z stack, one uncompressed contiguous page per plane (ImageJ, calibrated);
* ``rows``: uint16 Z stack stored one row per strip, zlib-compressed (each page 2048 strips);
* ``rgb``: uint8 interleaved RGB stack (samples last, ``photometric="rgb"``), uncompressed.

For each layout, four child processes run (so generation does not count, and each reports its
own wall time and peak RSS):

* ``tifffile read``: ``tifffile.imread(path)``;
* ``ngff_zarr read``: ``read_image(path).data.compute()``;
* ``tifffile + write``: ``imread`` then ``to_ngff_image -> to_multiscales -> to_ngff_zarr``;
* ``ngff_zarr convert``: ``read_image -> to_multiscales -> to_ngff_zarr`` (streamed).

Stores are OME-Zarr 0.5, sharded (``chunks_per_shard=4``), pyramid by ``local_mean``.
``--against DIR`` runs the ngff_zarr children on the package checkout in ``DIR`` instead (to
compare with an older version: the same files, the same machine); ``--runs`` picks children.

    python benchmarks/bench_tiff.py [--gib 1.0] [--case pages rows rgb] [--keep DIR]
        [--against /path/to/other/checkout] [--runs "ngff_zarr read" "ngff_zarr convert"]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

_CASES = ("pages", "rows", "rgb")
_CHILDREN = ("tifffile read", "ngff_zarr read", "tifffile + write", "ngff_zarr convert")


def _planes(count: int, shape: tuple[int, ...], dtype: str) -> Iterator[np.ndarray]:
    ramp = np.add.outer(np.arange(shape[0], dtype=np.uint32), np.arange(shape[1], dtype=np.uint32))
    for index in range(count):
        plane = ((ramp + 37 * index) % 4093).astype(dtype)
        if len(shape) == 3:  # interleaved samples
            plane = np.stack([plane, plane[::-1], plane[:, ::-1]], axis=-1)
        yield plane


def _generate(case: str, path: Path, gib: float) -> tuple[int, ...]:
    import tifffile

    if case == "rgb":
        plane: tuple[int, ...] = (4096, 4096, 3)
        dtype, kwargs = "uint8", {"photometric": "rgb", "metadata": {"axes": "ZYXS"}}
    else:
        plane, dtype = (2048, 2048), "uint16"
        kwargs = {
            "imagej": case == "pages",
            "resolution": (4.0, 4.0),
            "metadata": {"axes": "ZYX", "unit": "um", "spacing": 1.0},
        }
        if case == "rows":
            kwargs = {
                "rowsperstrip": 1,
                "compression": "zlib",
                "compressionargs": {"level": 1},
                "metadata": {"axes": "ZYX"},
            }
    count = max(1, round(gib * 2**30 / (int(np.prod(plane)) * np.dtype(dtype).itemsize)))
    shape = (count, *plane)
    tifffile.imwrite(path, _planes(count, plane, dtype), shape=shape, dtype=dtype, **kwargs)
    return shape


def _child(kind: str, source: str, store: str) -> None:
    import warnings

    import tifffile

    from ngff_zarr.read_image import read_image
    from ngff_zarr.to_multiscales import to_multiscales
    from ngff_zarr.to_ngff_image import to_ngff_image
    from ngff_zarr.to_ngff_zarr import to_ngff_zarr

    warnings.simplefilter("ignore")  # uncalibrated test files: the warning is expected
    start = time.perf_counter()
    if kind == "tifffile read":
        tifffile.imread(source)
    elif kind == "ngff_zarr read":
        read_image(source).data.compute()
    else:
        if kind == "tifffile + write":
            with tifffile.TiffFile(source) as tif:
                axes = tif.series[0].axes
                data = tif.asarray()
            dims = ["zyxc"["ZYXS".index(a)] for a in axes.replace("I", "Z")]
            image = to_ngff_image(data, dims=dims)
        else:
            image = read_image(source)
        multiscales = to_multiscales(image, method="local_mean")
        to_ngff_zarr(store, multiscales, version="0.5", chunks_per_shard=4, overwrite=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def _run(kind: str, source: Path, store: Path, against: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if against is not None and kind.startswith("ngff_zarr"):
        env["PYTHONPATH"] = str(against)
    child = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(source), str(store)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--case", nargs="+", choices=_CASES, default=list(_CASES))
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--against", type=Path, default=None)
    parser.add_argument("--runs", nargs="+", choices=_CHILDREN, default=list(_CHILDREN))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for case in args.case:
            source = work / f"{case}.tif"
            t0 = time.perf_counter()
            if not source.exists():
                shape = _generate(case, source, args.gib)
                note = f"generated in {time.perf_counter() - t0:.1f} s"
            else:
                shape, note = (), "kept from an earlier run"
            size = source.stat().st_size
            print(f"\n{case}: {shape} {size / 2**30:.3f} GiB on disk ({note})")
            for kind in args.runs:
                result = _run(kind, source, work / f"{case}.ome.zarr", args.against)
                print(
                    f"  {kind:18s} {result['seconds']:7.2f} s  "
                    f"peak RSS {result['peak_mib']:6.0f} MiB"
                )


if __name__ == "__main__":
    main()
