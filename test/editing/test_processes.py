"""Edits from real processes: killed half-way (the image reads, is marked, a rerun finishes
it), and several writing regions that share shards at once (no write lost)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import zarr
from _editing_helpers import levels, same_levels, write

import ngff_zarr as nz
from ngff_zarr._editing.journal import pending
from ngff_zarr._io.documents import group_attributes

pytestmark = pytest.mark.skipif(os.name != "posix", reason="flock and SIGKILL are POSIX")

DIMS = ("z", "y", "x")

# A child that edits an image and stops for good right after its first write to level 1's
# array (found from the metadata), so that the parent can kill it at that exact point.
HANG = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    import ngff_zarr as nz
    from ngff_zarr._writers import _zarr

    path, flag, op = sys.argv[1:4]
    level1 = nz.from_ngff_zarr(path).metadata.datasets[1].path
    original = _zarr._ZarrLevel.write

    def write(self, key, data):
        original(self, key, data)
        if self._array.path.endswith(level1):
            open(flag, "w").close()
            time.sleep(600)

    _zarr._ZarrLevel.write = write
    patch = np.load(sys.argv[4])
    if op == "write_region":
        nz.write_region(path, patch, {"z": 2, "y": 5, "x": 9})
    else:
        nz.append(path, patch, dim="z")
    """
)


def _run_until_flag(tmp_path: Path, path: Path, op: str, patch: np.ndarray) -> int:
    script, flag, data = tmp_path / "child.py", tmp_path / "flag", tmp_path / "patch.npy"
    script.write_text(HANG)
    np.save(data, patch)
    child = subprocess.Popen([sys.executable, str(script), str(path), str(flag), op, str(data)])
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None, "the child ended before its first level-1 write"
            assert time.monotonic() < deadline, "the child never reached level 1"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    return child.pid


def _marks(path: Path) -> list[dict[str, object]]:
    return pending(group_attributes(zarr.storage.LocalStore(path), "")[1])


def test_killed_region_write_reads_is_marked_and_rerun_finishes(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 4000, (16, 48, 48), dtype=np.uint16)
    patch = rng.integers(0, 4000, (9, 30, 31), dtype=np.uint16)
    path, whole = tmp_path / "image.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    pid = _run_until_flag(tmp_path, path, "write_region", patch)
    marks = _marks(path)
    assert [(m["op"], m["pid"]) for m in marks] == [("write_region", pid)]
    got = levels(path)  # it reads: every level, whole
    assert np.array_equal(got[0][2:11, 5:35, 9:40], patch)  # level 0 was written first
    nz.write_region(path, patch, {"z": 2, "y": 5, "x": 9})  # the rerun
    assert _marks(path) == []
    assert not [p for p in path.rglob("*") if ".ngff_zarr.lock" in p.name]
    data[2:11, 5:35, 9:40] = patch
    write(whole, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    assert same_levels(path, whole) == [True, True, True]


def test_killed_append_is_finished_by_repeating_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    stack = rng.integers(0, 4000, (30, 24, 24), dtype=np.uint16)
    path, whole = tmp_path / "stack.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, stack[:21], DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    _run_until_flag(tmp_path, path, "append", stack[21:])
    assert [m["op"] for m in _marks(path)] == ["append"]
    assert [a.shape[0] for a in levels(path)] == [30, 15, 7]  # grown first; it reads
    nz.append(path, stack[21:], dim="z")
    assert _marks(path) == []
    write(whole, stack, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    assert same_levels(path, whole) == [True, True, True]


def test_killed_edit_finished_by_another_edit(tmp_path: Path) -> None:
    """A later edit of another region takes over the dead edit's record and rebuilds it."""
    rng = np.random.default_rng(5)
    data = rng.integers(0, 4000, (16, 48, 48), dtype=np.uint16)
    patch = rng.integers(0, 4000, (9, 30, 31), dtype=np.uint16)
    path, whole = tmp_path / "image.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    _run_until_flag(tmp_path, path, "write_region", patch)
    other = np.zeros((2, 2, 2), np.uint16)
    nz.write_region(path, other, {"z": 14, "y": 46, "x": 46})
    assert _marks(path) == []
    data[:] = levels(path)[0]  # what the dead edit wrote of level 0 is kept
    write(whole, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    assert same_levels(path, whole) == [True, True, True]


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import ngff_zarr as nz

    path, worker, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for k in range(2):  # slabs 4 wide along x, interleaved: every shard gets one per writer
        x = 4 * worker + 4 * workers * k
        rng = np.random.default_rng(100 * worker + k)
        nz.write_region(path, rng.integers(0, 4000, (16, 32, 4), dtype=np.uint16), {"x": x})
    """
)


def test_processes_writing_regions_that_share_shards(tmp_path: Path) -> None:
    workers = 4
    data = np.zeros((16, 32, 32), np.uint16)
    path, whole = tmp_path / "image.ome.zarr", tmp_path / "whole.ome.zarr"
    write(path, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    children = [
        subprocess.Popen([sys.executable, str(script), str(path), str(i), str(workers)])
        for i in range(workers)
    ]
    for child in children:
        assert child.wait(timeout=300) == 0
    for worker in range(workers):
        for k in range(2):
            x = 4 * worker + 4 * workers * k
            rng = np.random.default_rng(100 * worker + k)
            data[:, :, x : x + 4] = rng.integers(0, 4000, (16, 32, 4), dtype=np.uint16)
    write(whole, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    assert same_levels(path, whole) == [True, True, True]
    assert _marks(path) == []
    assert not [p for p in path.rglob("*") if ".ngff_zarr.lock" in p.name]


def test_threads_writing_regions_of_an_in_memory_image() -> None:
    """Threads of one process and a store without files: the process-wide locks."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(6)
    data = rng.integers(0, 4000, (8, 32, 64), dtype=np.uint16)
    store, whole = zarr.storage.MemoryStore(), zarr.storage.MemoryStore()
    write(store, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    slabs = [(x, rng.integers(0, 4000, (8, 32, 3), dtype=np.uint16)) for x in range(0, 63, 3)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda job: nz.write_region(store, job[1], {"x": job[0]}), slabs))
    for x, slab in slabs:
        data[:, :, x : x + 3] = slab
    write(whole, data, DIMS, method="gaussian", chunks=8, chunks_per_shard=2)
    assert same_levels(store, whole) == [True, True, True]
