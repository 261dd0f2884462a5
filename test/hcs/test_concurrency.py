"""Writing wells concurrently from threads and processes keeps well and plate metadata whole."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr

from ngff_zarr import (
    Multiscales,
    Plate,
    PlateAcquisition,
    StoreExistsError,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from ngff_zarr._io.locks import LOCK_FILE_NAME, well_lock
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

N_FIELDS = 6


def field(value: int) -> Multiscales:
    data = np.full((2, 16, 16), value, dtype="uint16")
    return to_multiscales(to_ngff_image(data, dims=("c", "y", "x")), scale_factors=[2])


def plate() -> Plate:
    return Plate.from_names(
        ["A", "B"],
        ["1", "2"],
        acquisitions=[PlateAcquisition(id=0), PlateAcquisition(id=1)],
    )


def _check(store: Any, version: str, wells: list[str]) -> None:
    opened = from_hcs_zarr(store, validate=True)
    assert opened.version == version
    assert opened.metadata == replace(plate(), version=version)  # the plate metadata is intact
    for path in wells:
        well = opened.get_well(*path.split("/"))
        assert [i.path for i in well.images] == [str(i) for i in range(N_FIELDS)]
        assert [i.acquisition for i in well.images] == [i % 2 for i in range(N_FIELDS)]
        for index, multiscales in enumerate(well):
            expected = 100 * (ord(path[0]) - ord("A")) + 10 * int(path[2]) + index
            assert int(multiscales.images[0].data[0, 0, 0].compute()) == expected


def _jobs(wells: list[str]) -> list[dict[str, Any]]:
    # Interleave wells so writers of the same well run at the same time.
    return [
        {
            "row": path[0],
            "column": path[2],
            "field_index": index,
            "acquisition": index % 2,
            "value": 100 * (ord(path[0]) - ord("A")) + 10 * int(path[2]) + index,
        }
        for index in range(N_FIELDS)
        for path in wells
    ]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
@pytest.mark.parametrize("kind", ["local", "memory"])
def test_threads(tmp_path: Path, version: str, kind: str) -> None:
    store: Any = tmp_path / "p.zarr" if kind == "local" else zarr.storage.MemoryStore()
    to_hcs_zarr(plate(), store, version=version)
    wells = ["A/1", "A/2", "B/1"]

    def write(job: dict[str, Any]) -> None:
        value = job.pop("value")
        write_hcs_well_image(store, field(value), version=version, **job)  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, _jobs(wells)))
    _check(store, version, wells)
    if kind == "local":
        assert not list(tmp_path.rglob(LOCK_FILE_NAME))


def test_threads_racing_for_one_field(tmp_path: Path) -> None:
    """Of writers racing for the same field, exactly one wins; the others get a clear error."""
    store = tmp_path / "p.zarr"
    to_hcs_zarr(plate(), store)

    def write(value: int) -> str:
        try:
            write_hcs_well_image(store, field(value), row="B", column="2", field_index=0)
        except StoreExistsError as exc:
            return str(exc)
        return "ok"

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write, range(1, 5)))
    assert results.count("ok") == 1
    assert all("already has a field with path '0'" in r for r in results if r != "ok")
    well = from_hcs_zarr(store).get_well("B", "2")
    assert [i.path for i in well.images] == ["0"]
    winner = results.index("ok") + 1
    assert int(well.get_image(0).images[0].data[0, 0, 0].compute()) == winner


def _write_jobs(stores: list[str], jobs: list[dict[str, Any]]) -> None:
    for job in jobs:
        value = job.pop("value")
        for store in stores:
            write_hcs_well_image(store, field(value), **job)


@pytest.mark.skipif(os.name != "posix", reason="fork start method")
def test_processes(tmp_path: Path) -> None:
    """Separate processes write fields of the same wells of on-disk plates at once."""
    wells = ["A/1", "B/2"]
    stores = {version: tmp_path / f"p{version}.zarr" for version in ("0.4", "0.5")}
    for version, store in stores.items():
        to_hcs_zarr(plate(), store, version=version)
    jobs = _jobs(wells)
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_write_jobs, args=([str(s) for s in stores.values()], jobs[i::3]))
        for i in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    for version, store in stores.items():
        _check(store, version, wells)
    assert not list(tmp_path.rglob(LOCK_FILE_NAME))


def _increment(path: str, counter: Path, times: int) -> None:
    store = zarr.storage.LocalStore(path)
    for _ in range(times):
        with well_lock(store, "A/1"):
            value = int(counter.read_text(encoding="utf-8"))
            os.sched_yield()
            counter.write_text(str(value + 1), encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="flock is POSIX")
def test_file_lock_excludes_processes(tmp_path: Path) -> None:
    """The well lock makes a read-modify-write atomic across processes (no lost updates)."""
    counter = tmp_path / "counter"
    counter.write_text("0")
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_increment, args=(str(tmp_path), counter, 200)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert int(counter.read_text(encoding="utf-8")) == 800
    assert not (tmp_path / "A" / "1" / LOCK_FILE_NAME).exists()
