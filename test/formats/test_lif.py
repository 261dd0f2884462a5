"""LIF spectral scans. liffile cannot write files, so the interpretation is tested on the dims,
sizes and coordinates liffile reports for the real file of ../shared/testdata, with the channel
axis replaced by the wavelength sweeps of spectral scans (liffile's ``λ`` and ``Λ``)."""

from __future__ import annotations

from pathlib import Path

import dask.array as da
import numpy as np
import pytest

from ngff_zarr.errors import InvalidDimsError
from ngff_zarr.formats import SourceImage
from ngff_zarr.read_image import _Context, _to_image

liffile = pytest.importorskip("liffile")

from ngff_zarr.formats._lif import describe_axes  # noqa: E402


def _real(testdata: Path) -> tuple[tuple[str, ...], dict[str, int], dict[str, np.ndarray]]:
    with liffile.LifFile(testdata / "lif/PR2729_frameOrderCombinedScanTypes.lif") as lif:
        image = lif.images[0]
        return tuple(image.dims), dict(image.sizes), dict(image.coords)


def _image(axes: str, shape: tuple[int, ...], names: tuple[str, ...] | None = None) -> object:
    source = SourceImage(levels=(da.zeros(shape, dtype="uint8"),), axes=axes, channel_names=names)
    context = _Context(Path("scan.lif"), "lif", 0, 1)
    return _to_image(
        source,
        level=0,
        context=context,
        dims=None,
        scale=None,
        axes_units=None,
        channel_names=None,
        quiet=True,
    )


@pytest.mark.parametrize(("sweep", "prefix"), [("λ", "em"), ("Λ", "ex")])
def test_wavelength_sweep_is_channels_named_by_wavelength(
    testdata: Path, sweep: str, prefix: str
) -> None:
    dims, sizes, coords = _real(testdata)
    dims = tuple(sweep if d == "C" else d for d in dims)  # TMZλYX: the channel axis swept
    sizes[sweep] = sizes.pop("C")
    coords[sweep] = np.array([5.0e-7, 5.2e-7])  # meters, as liffile gives lengths
    axes, names = describe_axes(dims, sizes, coords)
    assert axes == f"TMZ{sweep}YX"
    assert names == (f"{prefix} 500 nm", f"{prefix} 520 nm")
    image = _image(axes.replace("M", ""), (2, 3, 2, 8, 8), names)
    assert image.dims == ("t", "c", "z", "y", "x")  # the sweep is never time
    assert image.channel_names == [f"{prefix} 500 nm", f"{prefix} 520 nm"]


def test_emission_and_excitation_stay_apart(testdata: Path) -> None:
    dims, sizes, coords = _real(testdata)
    axes, names = describe_axes(("Λ", "λ", "Y", "X"), {"Λ": 2, "λ": 3, "Y": 8, "X": 8}, coords)
    assert axes == "ΛλYX" and names is None  # upper-casing would have made them one axis
    with pytest.raises(InvalidDimsError, match="already used; pass dims"):
        _image(axes, (2, 3, 8, 8))
    assert describe_axes(dims, sizes, coords) == ("TMZCYX", None)  # the real file: no sweep


def test_chunks_are_sized_by_bytes(testdata: Path) -> None:
    """The real file's tiles are 2x3x2 planes of 64x64: one chunk each, not one per plane."""
    from ngff_zarr import config
    from ngff_zarr.read_image import read_images

    path = testdata / "lif/PR2729_frameOrderCombinedScanTypes.lif"
    assert [image.data.npartitions for image in read_images(path)] == [1, 1, 1, 1]
    with config.set(read_chunk_bytes=64 * 64):  # one plane's bytes: plane by plane
        assert read_images(path)[0].data.npartitions == 2 * 3 * 2
