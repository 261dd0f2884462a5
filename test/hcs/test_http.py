"""HCS plates over HTTP: a plate written by the tests, served by a real loopback server."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import (
    Multiscales,
    Plate,
    from_hcs_zarr,
    to_hcs_zarr,
    write_hcs_well_image,
)
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

pytestmark = pytest.mark.network


def _data(value: int) -> np.ndarray:
    return np.full((2, 16, 16), value, dtype="uint16") + np.arange(16, dtype="uint16")


def field(value: int) -> Multiscales:
    return to_multiscales(to_ngff_image(_data(value), dims=("c", "y", "x")), scale_factors=[2])


def _requests() -> int:
    """Requests served so far by the most recent loopback server (see test/conftest.py)."""
    conftest = next(m for m in list(sys.modules.values()) if hasattr(m, "_RangeRequestHandler"))
    return int(conftest._RangeRequestHandler.counter.get("requests", 0))


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_plate_over_http(tmp_path: Path, http_server: Callable[[Path], str], version: str) -> None:
    plate = Plate.from_names(["A", "B", "C"], ["1", "2", "3", "4"])
    path = tmp_path / "plate.zarr"
    to_hcs_zarr(plate, path, version=version)  # type: ignore[arg-type]
    for w, well in enumerate(plate.wells[:6]):
        row, column = well.path.split("/")
        for index in range(2):
            write_hcs_well_image(
                path, field(10 * w + index), row=row, column=column, field_index=index
            )
    base = http_server(tmp_path)
    url = f"{base}/plate.zarr"

    opened = from_hcs_zarr(url)
    after_open = _requests()
    assert 1 <= after_open <= 3  # the plate's group document only
    assert opened.version == version
    assert [w.path for w in opened][:3] == ["A/1", "A/2", "A/3"]
    well = opened.get_well("B", "2")  # A/1..A/4, B/1, B/2 -> the 6th well
    assert _requests() == after_open  # no well read yet
    assert [i.path for i in well.images] == ["0", "1"]
    after_well = _requests()
    assert after_well == after_open + 1  # one well document
    multiscales = well.get_image(1)
    np.testing.assert_array_equal(multiscales.images[0].data.compute(), _data(51))
    np.testing.assert_array_equal(
        multiscales.images[1].data.compute(), field(51).images[1].data.compute()
    )
    assert well.get_image(1) is multiscales  # cached: no new request
    # Listing every field of the plate: the other 11 well documents, read concurrently.
    before = _requests()
    fields = [(w.path, i.path) for w in opened.load_wells() for i in w.images]
    assert _requests() - before == 11
    assert len(fields) == 12
    assert fields[-1] == ("B/2", "1")
    mosaic = opened.mosaic(1)
    assert mosaic.shape == (2, 3 * 8 * 1, 4 * 8 * 2)
    np.testing.assert_array_equal(mosaic[:, 0:8, 8:16].compute(), field(1).images[1].data.compute())
