"""Shared pieces of the benchmarks: realistic compressible content and measurement helpers."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def _tile(shape: tuple[int, int], seed: int) -> np.ndarray:
    """A smooth 'cells' pattern with sensor noise, as uint16 (compresses like real data)."""
    import scipy.ndimage as ndi

    rng = np.random.default_rng(seed)
    blobs = ndi.gaussian_filter(rng.random(shape, dtype=np.float32), 6.0, mode="wrap")
    blobs = (blobs - blobs.min()) / (np.ptp(blobs) + 1e-9)
    noise = rng.poisson(20, shape).astype(np.float32)
    return (blobs * 3000 + 200 + noise).astype(np.uint16)


def volume(shape: tuple[int, int, int], seed: int = 0) -> np.ndarray:
    """A z-stack whose planes drift slowly: realistic, compressible, deterministic."""
    tile = _tile(shape[1:], seed)
    out = np.empty(shape, dtype=np.uint16)
    for z in range(shape[0]):
        out[z] = np.roll(tile, (z * 3, z * 2), axis=(0, 1)) + (z % 7)
    return out


def lazy_volume(shape: tuple[int, ...], chunks: tuple[int, ...], seed: int = 0) -> Any:
    """Like :func:`volume`, as a lazy dask array generated block by block (never whole).

    The pattern is a 1024x1024 tile repeated periodically, so any size can be generated.
    """
    import dask.array as da

    th, tw = min(shape[-2], 1024), min(shape[-1], 1024)
    tile = np.tile(_tile((th, tw), seed), (2, 2))  # any window up to th x tw is a plain slice
    if chunks[-2] > th or chunks[-1] > tw:
        raise ValueError("lazy_volume: chunks must not exceed the 1024 x 1024 pattern")

    def block(block_info: Any = None) -> np.ndarray:
        loc = block_info[None]["array-location"]
        (y0, y1), (x0, x1) = loc[-2:]
        zs = range(loc[0][0], loc[0][1]) if len(shape) == 3 else range(1)
        out = np.empty((len(zs), y1 - y0, x1 - x0), dtype=np.uint16)
        for i, z in enumerate(zs):
            r, c = (y0 - 3 * z) % th, (x0 - 2 * z) % tw
            np.add(tile[r : r + y1 - y0, c : c + x1 - x0], z % 7, out=out[i])
        return out if len(shape) == 3 else out[0]

    full = da.core.normalize_chunks(chunks, shape)  # every block of the whole shape
    return da.map_blocks(
        block, chunks=full, dtype=np.uint16, meta=np.empty((0,) * len(shape), np.uint16)
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mib() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_case_in_subprocess(module: str, case: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module --case case`` in a fresh interpreter; it prints one JSON line."""
    env = dict(os.environ)
    env["PYTHONPATH"] = (
        os.path.dirname(os.path.abspath(__file__)) + os.pathsep + env.get("PYTHONPATH", "")
    )
    out = subprocess.run(
        [sys.executable, "-m", module, "--case", case, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def du_bytes(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total
