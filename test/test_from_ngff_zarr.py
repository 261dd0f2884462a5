from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import zarr

from ngff_zarr import (
    ArrayNotFoundError,
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffWarning,
    UnsupportedVersionError,
    config,
    from_ngff_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
    validate,
)


def _legacy_store(path: Path, attrs: dict, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:  # type: ignore[type-arg]
    group = zarr.open_group(path, mode="w", zarr_format=2)
    out = []
    for i, shape in enumerate(shapes):
        data = np.arange(int(np.prod(shape)), dtype="uint16").reshape(shape)
        arr = group.create_array(str(i), shape=shape, chunks=shape, dtype="uint16")
        arr[...] = data
        out.append(data)
    group.attrs.update(attrs)
    return out


@pytest.mark.parametrize("version", ["0.1", "0.2"])
def test_versions_without_axes_are_tczyx(tmp_path: Path, version: str) -> None:
    datas = _legacy_store(
        tmp_path / "v.zarr",
        {"multiscales": [{"version": version, "datasets": [{"path": "0"}, {"path": "1"}]}]},
        [(1, 2, 3, 8, 8), (1, 2, 3, 4, 4)],
    )
    ms = from_ngff_zarr(tmp_path / "v.zarr")
    assert ms.dims == ("t", "c", "z", "y", "x")
    assert ms.images[1].scale == dict.fromkeys("tczyx", 1.0)
    np.testing.assert_array_equal(ms.images[1].data.compute(), datas[1])


def test_03_axes_as_names(tmp_path: Path) -> None:
    _legacy_store(
        tmp_path / "v.zarr",
        {"multiscales": [{"version": "0.3", "axes": ["z", "y", "x"], "datasets": [{"path": "0"}]}]},
        [(2, 5, 6)],
    )
    ms = from_ngff_zarr(tmp_path / "v.zarr")
    assert ms.dims == ("z", "y", "x") and ms.images[0].shape == (2, 5, 6)


def test_multiscale_level_transform_composes(tmp_path: Path) -> None:
    axes = [{"name": n, "type": "space", "unit": "micrometer"} for n in ("y", "x")]
    level = [
        {"type": "scale", "scale": [2.0, 2.0]},
        {"type": "translation", "translation": [1.0, 1.0]},
    ]
    attrs = {
        "multiscales": [
            {
                "version": "0.4",
                "axes": axes,
                "datasets": [{"path": "0", "coordinateTransformations": level}],
                "coordinateTransformations": [{"type": "scale", "scale": [0.5, 3.0]}],
            }
        ]
    }
    _legacy_store(tmp_path / "t.zarr", attrs, [(4, 4)])
    image = from_ngff_zarr(tmp_path / "t.zarr").images[0]
    assert image.scale == {"y": 1.0, "x": 6.0}
    assert image.translation == {"y": 0.5, "x": 3.0}
    assert image.axes_units == {"y": "micrometer", "x": "micrometer"}


def test_bioformats2raw_layout(tmp_path: Path) -> None:
    root = zarr.open_group(tmp_path / "bf.zarr", mode="w", zarr_format=2)
    root.attrs["bioformats2raw.layout"] = 3
    ms = to_multiscales(to_ngff_image(np.ones((8, 8), dtype="uint8")), [2])
    to_ngff_zarr(root.require_group("0"), ms)
    assert [im.shape for im in from_ngff_zarr(tmp_path / "bf.zarr").images] == [(8, 8), (4, 4)]


@pytest.mark.parametrize(
    "name", ["ngio_v04_test_image_tczyx.zarr", "ngio_v05_test_image_tczyx.zarr"]
)
def test_shared_ngio_stores(testdata: Path, name: str) -> None:
    ms = from_ngff_zarr(testdata / "ome-zarr" / name)
    assert ms.dims == ("t", "c", "z", "y", "x")
    assert [im.shape for im in ms.images] == [(4, 2, 10, 64, 64), (4, 2, 10, 32, 32)]
    assert ms.images[0].scale == {"t": 1.0, "c": 1.0, "z": 1.0, "y": 0.5, "x": 0.5}
    assert ms.images[1].scale["x"] == 1.0
    assert ms.images[0].axes_units == {
        "t": "second",
        "z": "micrometer",
        "y": "micrometer",
        "x": "micrometer",
    }
    assert ms.metadata.omero is not None
    assert [c.label for c in ms.metadata.omero.channels] == ["channel_0", "channel_1"]
    assert ms.images[0].dtype == np.uint16
    # no chunk files are stored: every read is the fill value
    assert int(ms.images[0].data.sum().compute()) == 0
    assert ms.chunks == {"t": 2, "c": 2, "z": 10, "y": 64, "x": 64}


@pytest.mark.network
@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_read_over_http(tmp_path: Path, http_server, version: str) -> None:  # type: ignore[no-untyped-def]
    data = np.random.default_rng(7).integers(0, 4000, (12, 40, 50)).astype("uint16")
    ms = to_multiscales(to_ngff_image(data, axes_units={"x": "micrometer"}), [2], chunks=8)
    to_ngff_zarr(
        tmp_path / "img.zarr", ms, version=version, chunks_per_shard=2 if version == "0.5" else None
    )
    url = http_server(tmp_path) + "/img.zarr"
    back = from_ngff_zarr(url)
    assert back.metadata == ms.metadata.to_version(version)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    np.testing.assert_array_equal(
        back.images[1].data[2:5, 3:9, 4:20].compute(), ms.images[1].data[2:5, 3:9, 4:20].compute()
    )


# ---- broken stores: errors from the package's hierarchy that name file and field ----------


def _good(tmp_path: Path, version: str = "0.4") -> Path:
    path = tmp_path / "good.zarr"
    to_ngff_zarr(
        path, to_multiscales(to_ngff_image(np.ones((3, 8, 8), dtype="uint8")), [2]), version=version
    )  # type: ignore[arg-type]
    return path


def _edit_attrs(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    meta = path / ".zattrs"
    attrs = json.loads(meta.read_text(encoding="utf-8"))
    change(attrs["multiscales"][0])
    meta.write_text(json.dumps(attrs))


def test_malformed_json(tmp_path: Path) -> None:
    path = _good(tmp_path)
    (path / ".zattrs").write_text('{"multiscales": [')
    with pytest.raises(InvalidMetadataError, match=r"good.zarr/.zattrs: malformed JSON"):
        from_ngff_zarr(path)


def test_missing_array(tmp_path: Path) -> None:
    path = _good(tmp_path)
    _edit_attrs(
        path,
        lambda ms: ms["datasets"].append(
            {"path": "7", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1]}]}
        ),
    )
    with pytest.raises(ArrayNotFoundError, match=r"datasets\[2\].path '7' names no array"):
        from_ngff_zarr(path)


def test_wrong_version_string(tmp_path: Path) -> None:
    path = _good(tmp_path)
    _edit_attrs(path, lambda ms: ms.update(version="0.9"))
    with pytest.raises(
        UnsupportedVersionError,
        match=r"\.zattrs: multiscales\[0\]\.version: expected one of .* got '0.9'",
    ):
        from_ngff_zarr(path)


def test_wrong_05_version_string(tmp_path: Path) -> None:
    """A development spelling of 0.5 reads as 0.5 (with a warning); another version is refused."""
    path = _good(tmp_path, "0.5")
    doc = json.loads((path / "zarr.json").read_text(encoding="utf-8"))
    doc["attributes"]["ome"]["version"] = "0.5-dev"
    (path / "zarr.json").write_text(json.dumps(doc))
    with pytest.warns(NgffWarning, match=r"ome\.version: '0\.5-dev' is not an OME-NGFF release"):
        from_ngff_zarr(path)
    doc["attributes"]["ome"]["version"] = "0.4"
    (path / "zarr.json").write_text(json.dumps(doc))
    with pytest.raises(
        UnsupportedVersionError, match=r"ome.version: expected '0.5' or '0.6', got '0.4'"
    ):
        from_ngff_zarr(path)


def test_scale_of_wrong_length(tmp_path: Path) -> None:
    path = _good(tmp_path)
    _edit_attrs(
        path, lambda ms: ms["datasets"][1]["coordinateTransformations"][0].update(scale=[1.0, 2.0])
    )
    with pytest.raises(
        InvalidMetadataError,
        match=r"datasets\[1\].coordinateTransformations\[0\].scale: expected 3 values",
    ):
        from_ngff_zarr(path)


def test_custom_axis_types_read_as_the_validator_allows(tmp_path: Path) -> None:
    """A custom axis type is a SHOULD deviation: the validator warns, so the reader reads it."""
    path = _good(tmp_path)
    _edit_attrs(path, lambda ms: ms["axes"][0].update(name="angle", type="custom"))
    report = validate(path)
    assert report.valid, report
    assert "NGFF106" in {f.code for f in report.warnings}
    ms = from_ngff_zarr(path)
    image = ms.images[0]
    assert image.dims == ("angle", "y", "x")
    assert image.axes_types == {"angle": "custom"}
    assert image.axis_type("angle") == "custom" and image.axis_type("y") == "space"
    # written back, the custom axis keeps its name and type
    to_ngff_zarr(tmp_path / "again.zarr", ms, version="0.5")
    again = from_ngff_zarr(tmp_path / "again.zarr")
    assert again.metadata.axes[0].to_dict() == {"name": "angle", "type": "custom"}
    np.testing.assert_array_equal(again.images[1].data.compute(), ms.images[1].data.compute())
    # an untyped custom axis (0.4 valid case "untyped_axes") reads too
    _edit_attrs(path, lambda ms: ms["axes"][0].pop("type"))
    assert from_ngff_zarr(path).images[0].axes_types == {"angle": None}


def test_array_ndim_disagrees_with_axes(tmp_path: Path) -> None:
    path = _good(tmp_path)
    _edit_attrs(path, lambda ms: ms.update(axes=ms["axes"][1:]))
    with pytest.raises(
        InvalidMetadataError, match=r"expected 2 values|has 3 dims but there are 2 axes"
    ):
        from_ngff_zarr(path)


def test_not_an_ome_zarr(tmp_path: Path) -> None:
    zarr.open_group(tmp_path / "plain.zarr", mode="w")
    with pytest.raises(MetadataNotFoundError, match="no OME-NGFF image metadata"):
        from_ngff_zarr(tmp_path / "plain.zarr")
    with pytest.raises(MetadataNotFoundError, match="nothing-here: no such file or directory"):
        from_ngff_zarr(tmp_path / "nothing-here")


def test_version_argument_must_match(tmp_path: Path) -> None:
    path = _good(tmp_path)
    assert from_ngff_zarr(path, version="0.4").images[0].shape == (3, 8, 8)
    with pytest.raises(UnsupportedVersionError, match=r"expected OME-NGFF 0\.5, found 0\.4"):
        from_ngff_zarr(path, version="0.5")


def test_reads_are_lazy_and_chunked_for_concurrency(tmp_path: Path) -> None:
    data = np.random.default_rng(5).integers(0, 60000, (64, 256, 256), dtype="uint16")
    ms = to_multiscales(to_ngff_image(data), [2], chunks=32)
    to_ngff_zarr(tmp_path / "l.zarr", ms, version="0.5", chunks_per_shard=2)
    # 8 MiB: within config.read_level_bytes, the level is one dask chunk (one task per box)
    with config.set(read_level_bytes=len(data.tobytes())):
        level = from_ngff_zarr(tmp_path / "l.zarr").images[0].data
    assert level.chunks == tuple((s,) for s in data.shape)
    box = (slice(3, 40), slice(10, 200), slice(77, 78))
    assert level[box].npartitions == 1
    np.testing.assert_array_equal(level[box].compute(), data[box])
    np.testing.assert_array_equal(np.asarray(level), data)
    with config.set(read_level_bytes=len(data.tobytes()) - 1, read_chunk_bytes=2**20):
        level = from_ngff_zarr(tmp_path / "l.zarr").images[0].data
    # larger than read_level_bytes: whole 64^3 shards grouped up to read_chunk_bytes
    assert level.chunks == ((64,), (64,) * 4, (128, 128))
    np.testing.assert_array_equal(level[box].compute(), data[box])
    np.testing.assert_array_equal(level.compute(), data)
    with config.set(read_chunk_bytes=2**20):  # the default: never one chunk
        assert from_ngff_zarr(tmp_path / "l.zarr").images[0].data.numblocks == (1, 4, 2)


def test_errors_name_each_field_once(tmp_path: Path) -> None:
    path = _good(tmp_path)
    _edit_attrs(path, lambda ms: ms.update(coordinateTransformations={"type": "scale"}))
    with pytest.raises(InvalidMetadataError) as caught:
        from_ngff_zarr(path)
    message = str(caught.value)
    assert "multiscales[0].coordinateTransformations: expected a list" in message
    assert "coordinateTransformations.coordinateTransformations" not in message
    _edit_attrs(
        path,
        lambda ms: (
            ms.pop("coordinateTransformations"),
            ms["datasets"][1].update(coordinateTransformations="scale"),
        ),
    )
    with pytest.raises(
        InvalidMetadataError,
        match=r"good\.zarr/\.zattrs: multiscales\[0\]\.datasets\[1\]\.coordinateTransformations: "
        r"expected a list",
    ):
        from_ngff_zarr(path)


def test_read_level_bytes_from_the_environment(tmp_path: Path) -> None:
    data = np.arange(32 * 64 * 64, dtype="uint16").reshape(32, 64, 64)
    to_ngff_zarr(tmp_path / "e.zarr", to_multiscales(to_ngff_image(data), [2], chunks=16))
    script = (
        "import sys, ngff_zarr as nz; "
        "level = nz.from_ngff_zarr(sys.argv[1]).images[0].data; print(level.numblocks)"
    )
    env = {**os.environ, "NGFF_ZARR_READ_LEVEL_BYTES": "0", "NGFF_ZARR_READ_CHUNK_BYTES": "8192"}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "e.zarr")],
        env=env, capture_output=True, text=True, encoding="utf-8", check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "(2, 4, 4)"  # one 16^3 chunk (8 KiB) per dask chunk, not one
