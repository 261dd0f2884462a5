"""ngff-zarr's "Python interface" page (python.md), example by example.

Each example is the page's code; the documented output is checked by value (the page's repr
layout predates 0.50's, see the survey §8.1). Inputs are made by ``conftest.py``.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import zarr
from _dropin_inputs import write_ome_tiff
from _interop import assert_readable_by_ome_zarr_py, assert_valid_with_ome_zarr_models

import ngff_zarr as nz


def test_array_to_ngff_image(cthead_png: np.ndarray, capsys: pytest.CaptureFixture[str]) -> None:
    from imageio.v3 import imread

    data = imread("cthead1.png")
    print(type(data))
    assert capsys.readouterr().out == "<class 'numpy.ndarray'>\n"

    image = nz.to_ngff_image(
        data, dims=["y", "x"], scale={"y": 1.0, "x": 1.0}, translation={"y": 0.0, "x": 0.0}
    )
    print(image)
    out = capsys.readouterr().out
    assert out.startswith("NgffImage(data=dask.array<")
    assert "shape=(256, 256), dtype=uint8, chunksize=(256, 256), chunktype=numpy.ndarray>" in out
    assert "dims=('y', 'x')" in out  # ngff-zarr prints the list it was given; ours a tuple
    assert "scale={'y': 1.0, 'x': 1.0}, translation={'y': 0.0, 'x': 0.0}" in out
    assert "name='image', axes_units=None" in out and "computed_callbacks=[]" in out
    np.testing.assert_array_equal(image.data.compute(), cthead_png)


def test_generate_multiscales(cthead_png: np.ndarray) -> None:
    image = nz.to_ngff_image(
        cthead_png, dims=["y", "x"], scale={"y": 1.0, "x": 1.0}, translation={"y": 0.0, "x": 0.0}
    )
    multiscales = nz.to_multiscales(image, scale_factors=[2, 4], chunks=64)
    print(multiscales)
    shapes = [im.data.shape for im in multiscales.images]
    assert shapes == [(256, 256), (128, 128), (64, 64)]
    assert all(im.data.chunksize == (64, 64) for im in multiscales.images)
    assert [im.scale for im in multiscales.images] == [
        {"y": 1.0, "x": 1.0}, {"y": 2.0, "x": 2.0}, {"y": 4.0, "x": 4.0},
    ]  # fmt: skip
    assert [im.translation for im in multiscales.images] == [
        {"y": 0.0, "x": 0.0}, {"y": 0.5, "x": 0.5}, {"y": 1.5, "x": 1.5},
    ]  # fmt: skip
    metadata = multiscales.metadata
    assert [(a.name, a.type, a.unit) for a in metadata.axes] == [
        ("y", "space", None), ("x", "space", None),
    ]  # fmt: skip
    assert [d.path for d in metadata.datasets] == ["scale0/image", "scale1/image", "scale2/image"]
    assert [[t.to_dict() for t in d.coordinateTransformations] for d in metadata.datasets] == [
        [{"scale": [s, s], "type": "scale"}, {"translation": [t, t], "type": "translation"}]
        for s, t in ((1.0, 0.0), (2.0, 0.5), (4.0, 1.5))
    ]
    assert (metadata.coordinateTransformations, metadata.name, metadata.version) == (
        None, "image", "0.4",
    )  # fmt: skip
    assert multiscales.scale_factors == [2, 4]
    assert multiscales.method is nz.Methods.ITKWASM_GAUSSIAN
    assert multiscales.chunks == {"y": 64, "x": 64}


def test_displacement_and_coordinate_fields_v06(workdir: Path) -> None:
    import dask.array as da

    data = da.from_array(np.zeros((2, 256, 256), dtype=np.float32))
    field = nz.NgffImage(
        data=data,
        dims=("c", "y", "x"),
        scale={"c": 1.0, "y": 1.0, "x": 1.0},
        translation={"c": 0.0, "y": 0.0, "x": 0.0},
        axes_types={"c": "displacement"},
    )
    multiscales = nz.to_multiscales(field)
    nz.to_ome_zarr("displacement.ome.zarr", multiscales, version="0.6")
    root = json.loads(Path("displacement.ome.zarr/zarr.json").read_text(encoding="utf-8"))
    axes = root["attributes"]["ome"]["multiscales"][0]["coordinateSystems"][0]["axes"]
    assert axes[0] == {"name": "c", "type": "displacement", "discrete": True}


def test_read_write_and_convert_ozx(cthead_store: Callable[[str], Path]) -> None:
    cthead_store("0.5")
    multiscales = nz.from_ngff_zarr("cthead1.ome.zarr")
    nz.to_ngff_zarr("cthead1.ozx", multiscales, version="0.5")
    multiscales = nz.from_ngff_zarr("cthead1.ozx")
    assert [im.shape for im in multiscales.images] == [(256, 256), (128, 128), (64, 64)]
    # Converting existing OME-Zarr stores to .ozx: the default version of .ozx is 0.5
    multiscales = nz.from_ngff_zarr("cthead1.ome.zarr")
    nz.to_ngff_zarr("cthead1.ozx", multiscales)
    assert nz.read_ozx_version("cthead1.ozx") == "0.5"
    with zipfile.ZipFile("cthead1.ozx") as archive:
        assert archive.namelist()[0] == "zarr.json"
    from ngff_zarr.rfc9_zip import write_store_to_zip

    write_store_to_zip("cthead1.ome.zarr", "cthead1.ozx", version="0.5")
    np.testing.assert_array_equal(
        nz.from_ngff_zarr("cthead1.ozx").images[2].data.compute(),
        nz.from_ngff_zarr("cthead1.ome.zarr").images[2].data.compute(),
    )


def test_validate_while_reading(cthead_store: Callable[[str], Path]) -> None:
    import jsonschema

    cthead_store("0.4")
    multiscales = nz.from_ngff_zarr("cthead1.ome.zarr", validate=True)
    assert len(multiscales.images) == 3
    attrs = json.loads(Path("cthead1.ome.zarr/.zattrs").read_text(encoding="utf-8"))
    attrs["multiscales"][0]["axes"][0]["type"] = 5  # "an error will be raised"
    Path("cthead1.ome.zarr/.zattrs").write_text(json.dumps(attrs), encoding="utf-8")
    with pytest.raises(jsonschema.ValidationError):
        nz.from_ngff_zarr("cthead1.ome.zarr", validate=True)


def test_write(cthead_png: np.ndarray) -> None:
    multiscales = nz.to_multiscales(nz.to_ngff_image(cthead_png, dims=["y", "x"]), [2, 4])
    nz.to_ngff_zarr("cthead1.ome.zarr", multiscales)
    root = json.loads(Path("cthead1.ome.zarr/zarr.json").read_text(encoding="utf-8"))
    assert root["attributes"]["ome"]["version"] == "0.5"  # the default, as ngff-zarr's
    assert nz.validate("cthead1.ome.zarr", strict=True).valid
    back = nz.from_ngff_zarr("cthead1.ome.zarr")
    levels = [im.data.compute() for im in back.images]
    assert_valid_with_ome_zarr_models(Path("cthead1.ome.zarr"), "0.5")
    assert_readable_by_ome_zarr_py(Path("cthead1.ome.zarr"), levels)


def test_sharded_store(workdir: Path) -> None:
    image = nz.to_ngff_image(np.zeros((256, 256, 256), np.uint8))
    multiscales = nz.to_multiscales(image, scale_factors=[], chunks=64)

    def shard_shape() -> list[int]:
        array = json.loads(
            Path("lightsheet.ome.zarr/scale0/image/zarr.json").read_text(encoding="utf-8")
        )
        assert array["codecs"][0]["configuration"]["chunk_shape"] == [64, 64, 64]
        return list(array["chunk_grid"]["configuration"]["chunk_shape"])

    version = "0.5"
    nz.to_ngff_zarr("lightsheet.ome.zarr", multiscales, chunks_per_shard=2, version=version)
    assert shard_shape() == [128, 128, 128]
    nz.to_ngff_zarr("lightsheet.ome.zarr", multiscales, chunks_per_shard=(2, 2, 4), version=version)
    assert shard_shape() == [128, 128, 256]
    nz.to_ngff_zarr(
        "lightsheet.ome.zarr",
        multiscales,
        chunks_per_shard={"z": 4, "y": 2, "x": 2},
        version=version,
    )
    assert shard_shape() == [256, 128, 128]  # documented: (256, 128, 128) for 64^3 chunks


def test_root_attributes(workdir: Path) -> None:
    multiscales = nz.to_multiscales(nz.to_ngff_image(np.zeros((64, 64), np.uint8)), [2])
    multiscales.root_attributes = {"acquisition": {"direction": [0, -1, 0, 1, 0, 0, 0, 0, 1]}}
    nz.to_ome_zarr("image.ome.zarr", multiscales, version="0.5")
    assert nz.from_ome_zarr("image.ome.zarr").root_attributes == {
        "acquisition": {"direction": [0, -1, 0, 1, 0, 0, 0, 0, 1]}
    }
    nz.update_root_attributes("image.ome.zarr", {"acquisition": {"max_displacement": 3.2}})
    assert nz.from_ome_zarr("image.ome.zarr").root_attributes == {
        "acquisition": {"max_displacement": 3.2}
    }
    with pytest.raises(ValueError, match="ome"):
        nz.update_root_attributes("image.ome.zarr", {"ome": {}})


def test_create_the_store_before_its_data(workdir: Path) -> None:
    import dask.array as da

    shape = (1, 128, 96, 96)  # the page's (1, 4096, 8192, 8192), smaller
    chunks = (1, 64, 32, 32)

    def compute_slab(z: int) -> np.ndarray:  # the page's user code
        return np.full((1, 64, 96, 96), z + 1, dtype="float32")

    placeholder = da.zeros(shape, dtype="float32", chunks=chunks)
    image = nz.to_ngff_image(placeholder, dims=["c", "z", "y", "x"])
    multiscales = nz.to_multiscales(image, scale_factors=[], chunks=chunks, cache=False)
    nz.to_ome_zarr("volume.ome.zarr", multiscales, version="0.5", metadata_only=True)
    assert sorted(p.name for p in Path("volume.ome.zarr/scale0/image").iterdir()) == ["zarr.json"]

    level0 = nz.open_array("volume.ome.zarr", multiscales.metadata.datasets[0].path)
    for z in range(0, shape[1], 64):
        level0[:, z : z + 64] = compute_slab(z)
    back = nz.from_ome_zarr("volume.ome.zarr").images[0].data
    assert float(back[0, 0, 0, 0]) == 1.0 and float(back[0, 64, 0, 0]) == 65.0


def test_open_array_remote_is_read_only(workdir: Path, http_server: Callable[[Path], str]) -> None:
    """The page's ``s3://bucket/...`` example, over a loopback HTTP server (no network)."""
    image = nz.to_ngff_image(np.ones((1, 64, 32, 32), "uint8"), dims=["c", "z", "y", "x"])
    nz.to_ome_zarr("volume.ome.zarr", nz.to_multiscales(image, []), version="0.5")
    url = http_server(workdir) + "/volume.ome.zarr"
    level0 = nz.open_array(url, "scale0/image")
    window = level0[0:1, 0:64, :, :]
    assert window.shape == (1, 64, 32, 32) and int(window.sum()) == 64 * 32 * 32
    with pytest.raises(nz.WriteError):
        level0[0:1] = 0


def test_append_coarser_levels(workdir: Path) -> None:
    chunks = (1, 16, 32, 32)
    image = nz.to_ngff_image(np.ones((1, 64, 128, 128), "float32"), dims=["c", "z", "y", "x"])
    nz.to_ome_zarr("volume.ome.zarr", nz.to_multiscales(image, [], chunks=chunks), version="0.5")
    base = nz.from_ome_zarr("volume.ome.zarr").images[0]
    multiscales = nz.to_multiscales(base, scale_factors=[2, 4], chunks=chunks)
    nz.to_ome_zarr("volume.ome.zarr", multiscales, version="0.5", overwrite=False, start_level=1)
    shapes = [im.shape for im in nz.from_ome_zarr("volume.ome.zarr").images]
    assert shapes == [(1, 64, 128, 128), (1, 32, 64, 64), (1, 16, 32, 32)]


def test_read_region_by_region(workdir: Path) -> None:
    data = np.arange(2 * 48 * 16 * 16, dtype="uint16").reshape(2, 48, 16, 16)
    image = nz.to_ngff_image(data, dims=["c", "z", "y", "x"])
    multiscales = nz.to_multiscales(image, [], chunks=(2, 16, 16, 16))
    nz.to_ome_zarr("volume.ome.zarr", multiscales, version="0.5")

    level0 = nz.open_array("volume.ome.zarr", "scale0/image")
    depth = level0.chunks[1]
    planes = []
    for start in range(0, level0.shape[1], depth):
        block = level0[:, start : start + depth]  # one aligned read
        for z in range(block.shape[1]):
            plane = block[:, z]  # a view, no read
            planes.append(plane)
    np.testing.assert_array_equal(np.stack(planes, axis=1), data)


def test_tiff_and_ome_tiff(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ngff_zarr import tiff_file_to_ngff_images, to_multiscales, to_ngff_zarr

    write_ome_tiff(workdir / "multi_series.ome.tiff", ["DAPI", "GFP", "GFP Red"])
    images = tiff_file_to_ngff_images("multi_series.ome.tiff")

    for name, ngff_image in images:
        print(f"Series: {name}")
        print(f"  Shape: {ngff_image.data.shape}")
        print(f"  Scale: {ngff_image.scale}")
        print(f"  Units: {ngff_image.axes_units}")

        multiscales = to_multiscales(ngff_image, scale_factors=[2, 4])
        to_ngff_zarr(f"{name}.ome.zarr", multiscales)
    out = capsys.readouterr().out
    assert "Series: DAPI\n  Shape: (2, 32, 40)\n" in out
    assert "Scale: {'c': 1.0, 'y': 0.5, 'x': 0.5}" in out
    assert "Units: {'y': 'micrometer', 'x': 'micrometer'}" in out
    assert sorted(p.name for p in workdir.glob("*.ome.zarr")) == [
        "DAPI.ome.zarr", "GFP.ome.zarr", "GFP_Red.ome.zarr",  # names made file-safe
    ]  # fmt: skip

    images = tiff_file_to_ngff_images("multi_series.ome.tiff", series=0)
    assert [n for n, _ in images] == ["DAPI"]
    images = tiff_file_to_ngff_images("multi_series.ome.tiff", series="*GFP*")
    assert [n for n, _ in images] == ["GFP", "GFP_Red"]
    images = tiff_file_to_ngff_images("multi_series.ome.tiff", series=[0, 2, "*Red*"])
    assert [n for n, _ in images] == ["DAPI", "GFP_Red"]

    write_ome_tiff(workdir / "sample.ome.tiff", ["sample"])
    images = tiff_file_to_ngff_images("sample.ome.tiff")
    name, ngff_image = images[0]
    print(f"Scale: {ngff_image.scale}")
    print(f"Units: {ngff_image.axes_units}")
    assert capsys.readouterr().out == (
        "Scale: {'c': 1.0, 'y': 0.5, 'x': 0.5}\nUnits: {'y': 'micrometer', 'x': 'micrometer'}\n"
    )


def test_convert_ome_zarr_versions(cthead_store: Callable[[str], Path]) -> None:
    from ngff_zarr import from_ngff_zarr, to_ngff_zarr

    cthead_store("0.4")
    multiscales = from_ngff_zarr("cthead1.ome.zarr")
    to_ngff_zarr("cthead1_zarr3.ome.zarr", multiscales, version="0.5")
    assert zarr.open_group("cthead1_zarr3.ome.zarr", mode="r").metadata.zarr_format == 3
    multiscales = from_ngff_zarr("cthead1_zarr3.ome.zarr")
    to_ngff_zarr("cthead1_zarr2.ome.zarr", multiscales, version="0.4")
    assert zarr.open_group("cthead1_zarr2.ome.zarr", mode="r").metadata.zarr_format == 2
    for store in ("cthead1_zarr3.ome.zarr", "cthead1_zarr2.ome.zarr"):
        assert nz.validate(store, strict=True).valid
    np.testing.assert_array_equal(
        from_ngff_zarr("cthead1_zarr2.ome.zarr").images[1].data.compute(),
        from_ngff_zarr("cthead1.ome.zarr").images[1].data.compute(),
    )


def test_upgrade_in_place_to_06(workdir: Path) -> None:
    image = nz.to_ngff_image(np.zeros((4, 32, 32), dtype=np.uint8), dims=["z", "y", "x"])
    multiscales = nz.to_multiscales(image, scale_factors=[2])
    nz.to_ome_zarr("image.ome.zarr", multiscales, version="0.5")
    nz.upgrade_ome_zarr("image.ome.zarr", version="0.6")
    assert (
        json.loads(Path("image.ome.zarr/zarr.json").read_text(encoding="utf-8"))["attributes"][
            "ome"
        ]["version"]
        == "0.6"
    )


def test_upgrade_to_a_new_06_store(workdir: Path) -> None:
    image = nz.to_ngff_image(np.zeros((4, 32, 32), dtype=np.uint8), dims=["z", "y", "x"])
    multiscales = nz.to_multiscales(image, scale_factors=[2])
    nz.to_ome_zarr("image_v04.ome.zarr", multiscales, version="0.4")
    nz.upgrade_ome_zarr("image_v04.ome.zarr", "image_v06.ome.zarr", version="0.6")
    assert sorted(p.name for p in Path("image_v06.ome.zarr").iterdir()) == [
        "scale0", "scale1", "zarr.json",
    ]  # fmt: skip
