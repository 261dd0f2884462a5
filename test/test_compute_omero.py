"""omero display metadata from the pixels: ngff-zarr 0.50's numbers, and what stores get."""

from __future__ import annotations

import json
from pathlib import Path

import dask.array as da
import numpy as np
import pytest

import ngff_zarr as nz
from ngff_zarr.compute_omero import get_default_colors, omero_level


def _windows(omero: nz.Omero) -> list[tuple[float, float, float, float]]:
    return [(c.window.min, c.window.max, c.window.start, c.window.end) for c in omero.channels]


def test_ngff_zarrs_numbers_on_small_arrays() -> None:
    # the values ngff-zarr 0.50 gives for these arrays (linear quantiles 2% / 98%)
    a = np.arange(100, dtype=np.uint8).reshape(10, 10)
    omero = nz.compute_omero_from_ngff_image(nz.to_ngff_image(a))
    assert _windows(omero) == [(0.0, 99.0, 1.98, 97.02)]
    assert [(c.color, c.label) for c in omero.channels] == [("FFFFFF", "")]
    assert _windows(nz.compute_omero_from_ngff_image(nz.to_ngff_image(a), dense=True)) == [
        (0.0, 99.0, 1.98, 97.02)
    ]
    c = np.stack(
        [np.arange(100).reshape(10, 10), np.arange(100, 200).reshape(10, 10), np.full((10, 10), 7)]
    ).astype(np.uint16)
    image = nz.to_ngff_image(c, dims=["c", "y", "x"])
    omero = nz.compute_omero_from_ngff_image(image)
    assert _windows(omero) == [
        (0.0, 99.0, 1.98, 97.02),
        (100.0, 199.0, 101.98, 197.01999999999998),
        (7.0, 7.0, 7.0, 7.0),
    ]
    assert [ch.color for ch in omero.channels] == ["30A2DA", "FC4F30", "E5AE38"]
    f = np.linspace(0, 1, 1000, dtype=np.float32).reshape(10, 100)
    assert _windows(nz.compute_omero_from_ngff_image(nz.to_ngff_image(f))) == [
        (0.0, 1.0, 0.01999999925494194, 0.9800000119209289)
    ]
    named = nz.to_ngff_image(c, dims="cyx", channel_names=["DAPI", "GFP", "RFP"])
    assert [ch.label for ch in nz.compute_omero_from_ngff_image(named).channels] == [
        "DAPI", "GFP", "RFP",
    ]  # fmt: skip
    labelled = nz.compute_omero_from_ngff_image(
        named, labels=["a", "b", "c"], colors=["ff0000"] * 3
    )
    assert [(ch.label, ch.color) for ch in labelled.channels] == [
        ("a", "FF0000"), ("b", "FF0000"), ("c", "FF0000"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": ["a"]}, r"labels: not enough labels provided, got 1, need 3"),
        ({"colors": ["red", "00FF00", "0000FF"]}, r"colors\[0\]: expected a 6-digit hexadecimal"),
        ({"quantiles": (0.9, 0.1)}, r"quantiles: expected 0 <= low < high <= 1"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    image = nz.to_ngff_image(np.zeros((3, 4, 4), np.uint8), dims="cyx")
    with pytest.raises(nz.NgffValueError, match=message):
        nz.compute_omero_from_ngff_image(image, **kwargs)


def test_palette() -> None:
    colors = nz.GLASBEY_COLORS
    assert len(colors) == 256 and len(set(colors)) == 256
    assert colors[:12] == [
        "30A2DA", "FC4F30", "E5AE38", "6D904F", "8B8B8B", "17BECF", "9467BD", "D62728",
        "1F77B4", "E377C2", "8C564B", "BCBD22",
    ]  # fmt: skip
    assert colors[-3:] == ["65338E", "767E6C", "A98A36"]
    assert all(len(c) == 6 and c == c.upper() and int(c, 16) >= 0 for c in colors)
    assert get_default_colors(1) == ["FFFFFF"] and get_default_colors(300)[256] == colors[0]


def test_dense_and_sampled_agree_on_16_bit_data_and_large_images_are_sampled() -> None:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 60000, (2, 300, 400)).astype(np.uint16)
    image = nz.to_ngff_image(da.from_array(data, chunks=(1, 128, 128)), dims="cyx")
    sampled = nz.compute_omero_from_ngff_image(image)
    dense = nz.compute_omero_from_ngff_image(image, dense=True)
    expected = [
        (float(d.min()), float(d.max()), *map(float, np.quantile(d, (0.02, 0.98)))) for d in data
    ]
    np.testing.assert_allclose(_windows(dense), expected, atol=1e-9)  # exact bins: 16 bits
    np.testing.assert_allclose(_windows(sampled), expected, atol=1e-9)  # small: every pixel


def test_multiscales_use_the_level_ngff_zarr_picks() -> None:
    assert omero_level([(1000, 1000), (500, 500)], ("y", "x")) == 0  # a million pixels: level 0
    shapes = [(2, 2048, 2048), (2, 1024, 1024), (2, 512, 512), (2, 256, 256), (2, 128, 128)]
    assert omero_level(shapes, ("c", "y", "x")) == 3
    assert omero_level([(4096, 100), (2048, 50)], ("y", "x")) == 0  # no level 256 wide
    data = np.random.default_rng(4).integers(0, 4000, (2048, 1024)).astype(np.uint16)
    ms = nz.to_multiscales(data, scale_factors=[2, 4, 8], method="local_mean")
    omero = nz.compute_omero_from_multiscales(ms)
    level = ms.images[2].data.compute()  # 512 x 256: the coarsest at least 256 along y and x
    assert _windows(omero) == [
        (float(level.min()), float(level.max()), *map(float, np.quantile(level, (0.02, 0.98))))
    ]


def test_stores_get_windows_from_the_pixels(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(100, 900, (2, 40, 50)).astype(np.uint16)  # far from the dtype range
    image = nz.to_ngff_image(data, dims="cyx", channel_names=["DAPI", "GFP"])
    ms = nz.to_multiscales(image, scale_factors=[2], method="local_mean")
    assert ms.metadata.omero is None  # computed when written, from the written pixels
    for version in ("0.4", "0.5"):
        path = tmp_path / f"a{version}.zarr"
        nz.to_ngff_zarr(path, ms, version=version)
        omero = nz.from_ngff_zarr(path).metadata.omero
        assert omero is not None
        assert [(c.label, c.color) for c in omero.channels] == [
            ("DAPI", "30A2DA"), ("GFP", "FC4F30"),
        ]  # fmt: skip
        for channel, values in zip(omero.channels, data, strict=True):
            low, high = np.quantile(values, (0.02, 0.98))
            assert (channel.window.min, channel.window.max) == (values.min(), values.max())
            assert (channel.window.start, channel.window.end) == pytest.approx((low, high))
    plain = nz.to_multiscales(data[0], scale_factors=[2])
    nz.to_ngff_zarr(tmp_path / "plain.zarr", plain)  # no names, no colours: no omero (0.50)
    assert nz.from_ngff_zarr(tmp_path / "plain.zarr").metadata.omero is None
    nz.to_ngff_zarr(tmp_path / "asked.zarr", plain, omero=True)
    asked = nz.from_ngff_zarr(tmp_path / "asked.zarr").metadata.omero
    assert asked is not None and asked.channels[0].color == "FFFFFF"
    nz.to_ngff_zarr(tmp_path / "none.zarr", ms, omero=False)
    assert nz.from_ngff_zarr(tmp_path / "none.zarr").metadata.omero is None


def test_cli_convert_writes_omero_unless_asked_not_to(tmp_path: Path) -> None:
    source = tmp_path / "src.zarr"
    data = np.random.default_rng(6).integers(1000, 2000, (30, 40)).astype(np.uint16)
    nz.to_ngff_zarr(source, nz.to_multiscales(data, scale_factors=[], method="local_mean"))
    from ngff_zarr.cli import main

    assert main(["convert", "--no-progress", str(source), str(tmp_path / "a.zarr")]) == 0
    assert main(["convert", "--no-omero", str(source), str(tmp_path / "b.zarr")]) == 0
    attrs = json.loads((tmp_path / "a.zarr" / "zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]["ome"]
    window = attrs["omero"]["channels"][0]["window"]
    assert (window["min"], window["max"]) == (float(data.min()), float(data.max()))
    assert window["start"] == pytest.approx(float(np.quantile(data, 0.02)))
    attrs = json.loads((tmp_path / "b.zarr" / "zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]["ome"]
    assert "omero" not in attrs
