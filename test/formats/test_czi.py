"""CZI time increment. pylibCZIrw writes no acquisition metadata, so the interpretation is tested
on the metadata XML of the real files of ../shared/testdata, as they are and edited into the
cases the defect was seen on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ngff_zarr.formats._czi import time_increment


def _xml(path: Path) -> ET.Element:
    data = path.read_bytes()  # the metadata segment is plain XML inside the file
    start, end = data.index(b"<ImageDocument>"), data.index(b"</ImageDocument>")
    return ET.fromstring(data[start : end + len(b"</ImageDocument>")])


def test_nominal_interval_is_preferred(testdata: Path) -> None:
    root = _xml(testdata / "czi/xt-scan-lsm980.czi")  # nominal 0.1 s, recorded 0.10003355...
    assert time_increment(root) == 0.1
    span = root.find(".//TimeSeriesSetup/Interval/TimeSpan")
    assert span is not None
    span.find("Value").text, span.find("DefaultUnitFormat").text = "1", "min"  # type: ignore[union-attr]
    assert time_increment(root) == 60.0


def test_recorded_values_without_a_nominal_interval(testdata: Path) -> None:
    assert time_increment(_xml(testdata / "czi/Airyscan.czi")) == pytest.approx(0.523)
    assert time_increment(_xml(testdata / "czi/S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi")) == 33.412


def test_no_time_series_has_no_interval(testdata: Path) -> None:
    root = _xml(testdata / "czi/S3_1Pos_2Mosaic_T2Z3_CH2_sm.czi")
    setup = next(root.iter("TimeSeriesSetup"))
    setup.set("IsActivated", "false")  # the acquisition had no time series
    assert time_increment(root) is None
