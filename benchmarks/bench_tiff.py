"""Benchmark: convert a 1 GiB multi-page TIFF into a sharded OME-Zarr 0.5 store.

Generates the TIFF (uint16 pages, written page by page) in a temporary directory, then runs the
conversion ``read_image -> to_multiscales -> to_ngff_zarr(version="0.5", chunks_per_shard=...)``
in a child process and reports its wall time and peak RSS (``getrusage(RUSAGE_CHILDREN)``), so
the generation does not count.

    python benchmarks/bench_tiff.py [--gib 1.0] [--page 2048] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _generate(path: Path, gib: float, page: int) -> tuple[int, ...]:
    import tifffile

    pages = max(1, round(gib * 2**30 / (page * page * 2)))
    ramp = np.add.outer(np.arange(page, dtype=np.uint32), np.arange(page, dtype=np.uint32))

    def planes():  # type: ignore[no-untyped-def]
        for index in range(pages):
            yield ((ramp + 37 * index) % 4093).astype(np.uint16)

    shape = (pages, page, page)
    tifffile.imwrite(
        path,
        planes(),
        shape=shape,
        dtype="uint16",
        imagej=True,
        resolution=(4.0, 4.0),
        metadata={"axes": "ZYX", "unit": "um", "spacing": 1.0},
    )
    return shape


def _convert(source: str, store: str) -> None:
    from ngff_zarr.read_image import read_image
    from ngff_zarr.to_multiscales import to_multiscales
    from ngff_zarr.to_ngff_zarr import to_ngff_zarr

    start = time.perf_counter()
    image = read_image(source)
    multiscales = to_multiscales(image, method="local_mean")
    to_ngff_zarr(store, multiscales, version="0.5", chunks_per_shard=4, overwrite=True)
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "levels": [im.shape for im in multiscales.images]}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=1.0)
    parser.add_argument("--page", type=int, default=2048)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--convert", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.convert:
        _convert(*args.convert)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        source = work / "big.tif"
        t0 = time.perf_counter()
        shape = _generate(source, args.gib, args.page)
        generated = time.perf_counter() - t0
        store = work / "big.ome.zarr"
        t0 = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--convert", str(source), str(store)],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = json.loads(child.stdout.strip().splitlines()[-1])
        size = source.stat().st_size
        stored = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
        print(
            f"input: {shape} uint16 multi-page TIFF, {size / 2**30:.3f} GiB "
            f"(generated in {generated:.1f} s)"
        )
        print(f"levels: {result['levels']}")
        print(f"conversion (in-process): {result['seconds']:.1f} s; child wall {wall:.1f} s")
        print(f"throughput: {size / 2**20 / result['seconds']:.0f} MiB/s")
        print(f"peak RSS of the conversion process: {peak_kib / 1024:.0f} MiB")
        print(f"store: {stored / 2**20:.0f} MiB on disk")


if __name__ == "__main__":
    main()
