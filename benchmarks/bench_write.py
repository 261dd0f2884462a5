"""Issue 2 benchmark: write a 256x1024x1024 uint16 volume (realistic content, fixed seed) to a
3-level OME-Zarr 0.4 store and to a sharded 0.5 store, and read it back.

Prints wall time, peak RSS and GB/s (of level-0 bytes) per step. Each case runs in a fresh
interpreter so its peak RSS is its own.

    python benchmarks/bench_write.py [--shape 256,1024,1024] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time

SHAPE = (256, 1024, 1024)


def _case(case: str, shape: tuple[int, ...], out: str) -> None:
    import numpy as np
    from _common import current_rss_mib, du_bytes, peak_rss_mib, volume

    import ngff_zarr as nz

    data = volume(shape)  # type: ignore[arg-type]
    baseline = current_rss_mib()
    nbytes = data.nbytes
    version = "0.4" if case.endswith("04") else "0.5"
    path = f"{out}/{case}.ome.zarr"
    t0 = time.perf_counter()
    if case.startswith("write"):
        ms = nz.to_multiscales(
            nz.to_ngff_image(data), scale_factors=[2, 4], method="local_mean", chunks=64
        )
        nz.to_ngff_zarr(path, ms, version=version, chunks_per_shard=4 if version == "0.5" else None)
        wall = time.perf_counter() - t0
        extra = {"stored_MiB": round(du_bytes(path) / 2**20, 1)}
    else:
        src = f"{out}/write{case[-2:]}.ome.zarr"
        back = nz.from_ngff_zarr(src)
        total = 0
        for level in back.images:
            arr = level.data.compute()
            total += int(arr.sum(dtype=np.uint64) > 0)
        wall = time.perf_counter() - t0
        np.testing.assert_array_equal(back.images[0].data[100].compute(), data[100])
        extra = {}
    print(
        json.dumps(
            {
                "case": case,
                "seconds": round(wall, 2),
                "GB/s": round(nbytes / wall / 1e9, 3),
                "peak_rss_MiB": round(peak_rss_mib(), 0),
                "rss_before_MiB": round(baseline, 0),
                **extra,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case")
    parser.add_argument("--shape", default=",".join(map(str, SHAPE)))
    parser.add_argument("--out")
    args = parser.parse_args()
    shape = tuple(int(s) for s in args.shape.split(","))
    if args.case:
        _case(args.case, shape, args.out)
        return
    from _common import run_case_in_subprocess

    out = args.out or tempfile.mkdtemp(prefix="ngff-bench-")
    try:
        mib = 2 * shape[0] * shape[1] * shape[2] / 2**20
        print(f"volume {shape} uint16 = {mib:.0f} MiB; 3 levels, local_mean, chunks 64^3")
        print("(peak RSS includes the in-memory source volume itself)")
        for case in ("write04", "write05", "read04", "read05"):
            print(run_case_in_subprocess("bench_write", case, "--shape", args.shape, "--out", out))
    finally:
        if not args.out:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
