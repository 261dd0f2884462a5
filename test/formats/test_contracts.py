"""Every registered file-format reader passes the reader contract, on a real file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile

from ngff_zarr.formats import READERS
from ngff_zarr.testing import ReaderContract


class TestTiff(ReaderContract):
    reader = "tiff"

    @pytest.fixture
    def sample(self, tmp_path: Path) -> Path:
        path = tmp_path / "sample.ome.tif"
        data = np.arange(2 * 3 * 32 * 48, dtype="uint16").reshape(2, 3, 32, 48)
        with tifffile.TiffWriter(path, ome=True) as tif:
            tif.write(
                data,
                subifds=1,
                tile=(16, 16),
                metadata={"axes": "CZYX", "PhysicalSizeX": 0.5, "PhysicalSizeY": 0.5},
            )
            tif.write(data[..., ::2, ::2], subfiletype=1, tile=(16, 16))
        return path


class TestCzi(ReaderContract):
    reader = "czi"

    @pytest.fixture
    def sample(self, testdata: Path) -> Path:
        return testdata / "czi" / "S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi"


class TestNd2(ReaderContract):
    reader = "nd2"

    @pytest.fixture
    def sample(self, testdata: Path) -> Path:
        return testdata / "nd2" / "example-multichannel.nd2"


class TestLif(ReaderContract):
    reader = "lif"

    @pytest.fixture
    def sample(self, testdata: Path) -> Path:
        return testdata / "lif" / "PR2729_frameOrderCombinedScanTypes.lif"


class TestImageio(ReaderContract):
    reader = "imageio"

    @pytest.fixture
    def sample(self, tmp_path: Path) -> Path:
        import imageio.v3 as iio

        path = tmp_path / "sample.png"
        rgb = np.arange(24 * 32 * 3, dtype="uint32").reshape(24, 32, 3) % 251
        iio.imwrite(path, rgb.astype("uint8"))
        return path


def test_every_reader_has_a_contract_subclass() -> None:
    assert {cls.reader for cls in ReaderContract.__subclasses__()} == set(READERS)


class TestThorlabs(ReaderContract):
    reader = "thorlabs"

    @pytest.fixture
    def sample(self, tmp_path: Path) -> Path:
        from .test_thorlabs import _dataset, _frames

        return (
            _dataset(tmp_path / "thor", _frames(2 * 3), steps=3, timepoints=2)
            / "Image_0001_0001.raw"
        )
