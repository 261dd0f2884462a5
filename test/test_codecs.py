"""Codecs: the names ngff-zarr accepts, and one compressor choice through every writer."""

from __future__ import annotations

import json
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr.codecs import CodecSpec, array_compressors, default_compressors, resolve_compressors

NAMES = [
    "none", "gzip", "lz4", "zstd", "blosc", "blosc:blosclz", "blosc:lz4", "blosc:lz4hc",
    "blosc:snappy", "blosc:zlib", "blosc:zstd",
]  # fmt: skip


def test_available_codecs_are_ngff_zarrs() -> None:
    assert nz.get_available_codecs() == NAMES


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("none", None, None),
        ("gzip", None, numcodecs.GZip(level=6)),
        ("gzip", 9, numcodecs.GZip(level=9)),
        ("lz4", None, numcodecs.LZ4(acceleration=1)),
        ("zstd", None, numcodecs.Zstd(level=3)),
        ("zstd", 1, numcodecs.Zstd(level=1)),
        ("blosc", None, numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1, blocksize=0)),
        ("blosc:lz4", 3, numcodecs.Blosc(cname="lz4", clevel=3, shuffle=1, blocksize=0)),
        ("blosc:zstd", None, numcodecs.Blosc(cname="zstd", clevel=5, shuffle=1, blocksize=0)),
    ],
)
def test_codec_from_name(name: str, level: int | None, expected: object) -> None:
    codec = nz.codec_from_name(name, level)
    if expected is None:
        assert codec is None
    else:
        assert codec == expected
        # a real codec: it round-trips bytes
        raw = np.arange(1000, dtype="uint16").tobytes()
        assert bytes(codec.decode(codec.encode(raw))) == raw


@pytest.mark.parametrize("name", ["GZIP", "Zstd", "foo"])
def test_unknown_codec_names_the_available_ones(name: str) -> None:
    with pytest.raises(ValueError, match=rf"codec: expected one of .*'blosc:zstd'.*got '{name}'"):
        nz.codec_from_name(name)
    with pytest.raises(nz.NgffValueError, match="level: expected an integer"):
        nz.codec_from_name("gzip", "9")  # type: ignore[arg-type]


def test_every_form_is_one_codec_spec() -> None:
    gzip5 = (CodecSpec("gzip", {"level": 5}),)
    assert resolve_compressors(numcodecs.GZip(level=5)) == gzip5
    assert resolve_compressors([numcodecs.GZip(level=5)]) == gzip5
    assert resolve_compressors(zarr.codecs.GzipCodec(level=5)) == gzip5
    assert resolve_compressors({"id": "gzip", "level": 5}) == gzip5
    blosc = zarr.codecs.BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle")
    assert resolve_compressors(blosc) == (
        CodecSpec("blosc", {"cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 0}),
    )
    assert resolve_compressors("none") == resolve_compressors([]) == ()
    assert resolve_compressors(None) == resolve_compressors("default") == default_compressors()
    with pytest.raises(nz.NgffValueError, match="compressors: expected a codec name"):
        resolve_compressors(3.5)
    with pytest.raises(nz.NgffValueError, match="is not a compression codec"):
        resolve_compressors(zarr.codecs.BytesCodec())
    # zarr's keywords: compressors=None keeps the default, compressor=None is no compression
    assert array_compressors({"compressors": None}) == default_compressors()
    assert array_compressors({"compressor": None}) == ()
    assert array_compressors({"compressor": numcodecs.Zstd(level=2)})[0].id == "zstd"


def _image() -> tuple[np.ndarray, nz.Multiscales]:
    data = (np.arange(64 * 96, dtype="uint16").reshape(64, 96) % 251).astype("uint16")
    return data, nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[2], chunks=32)


V3_FORMS = [
    ("gzip", {"name": "gzip", "configuration": {"level": 6}}),
    ([numcodecs.GZip(level=5)], {"name": "gzip", "configuration": {"level": 5}}),
    (
        numcodecs.Blosc(cname="zstd", clevel=3),
        {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3}},
    ),
    ("lz4", {"name": "numcodecs.lz4", "configuration": {"acceleration": 1}}),
    (zarr.codecs.ZstdCodec(level=7), {"name": "zstd", "configuration": {"level": 7}}),
]


@pytest.mark.filterwarnings("ignore:Numcodecs codecs are not in the Zarr version 3")
@pytest.mark.parametrize(("value", "expected"), V3_FORMS, ids=lambda v: str(v)[:20])
def test_zarr_writer_v3_codecs(tmp_path: Path, value: object, expected: dict[str, object]) -> None:
    data, ms = _image()
    path = tmp_path / "a.ome.zarr"
    nz.to_ngff_zarr(path, ms, version="0.5", compressors=value)
    array_json = json.loads(
        (path / ms.metadata.datasets[0].path / "zarr.json").read_text(encoding="utf-8")
    )
    codec = array_json["codecs"][1]
    assert codec["name"] == expected["name"]
    assert expected["configuration"].items() <= codec["configuration"].items()  # type: ignore[attr-defined]
    # zarr-python reads the pixels back on its own
    stored = zarr.open_array(path / ms.metadata.datasets[0].path, mode="r")
    np.testing.assert_array_equal(stored[:], data)


def test_zarr_writer_v2_codec_and_none(tmp_path: Path) -> None:
    data, ms = _image()
    nz.to_ngff_zarr(tmp_path / "g.zarr", ms, version="0.4", compressors=numcodecs.GZip(level=5))
    zarray = json.loads(
        (tmp_path / "g.zarr" / ms.metadata.datasets[0].path / ".zarray").read_text(encoding="utf-8")
    )
    assert zarray["compressor"] == {"id": "gzip", "level": 5}
    nz.to_ngff_zarr(tmp_path / "n.zarr", ms, version="0.4", compressors="none")
    zarray = json.loads(
        (tmp_path / "n.zarr" / ms.metadata.datasets[0].path / ".zarray").read_text(encoding="utf-8")
    )
    assert zarray["compressor"] is None
    np.testing.assert_array_equal(nz.from_ngff_zarr(tmp_path / "n.zarr").images[0].data, data)
    with pytest.raises(nz.NgffValueError, match=r"a Zarr v2 array .* has one compressor"):
        nz.to_ngff_zarr(tmp_path / "two.zarr", ms, version="0.4", compressors=["gzip", "zstd"])


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_tensorstore_writer_takes_the_same_codecs(tmp_path: Path, version: str) -> None:
    pytest.importorskip("tensorstore")
    data, ms = _image()
    path = tmp_path / "t.ome.zarr"
    nz.to_ngff_zarr(path, ms, version=version, use_tensorstore=True, compressors="blosc:zstd")
    key = ".zarray" if version == "0.4" else "zarr.json"
    doc = json.loads((path / ms.metadata.datasets[0].path / key).read_text(encoding="utf-8"))
    if version == "0.4":
        assert (doc["compressor"]["id"], doc["compressor"]["cname"]) == ("blosc", "zstd")
    else:
        assert doc["codecs"][1]["name"] == "blosc"
    stored = zarr.open_array(path / ms.metadata.datasets[0].path, mode="r")
    np.testing.assert_array_equal(stored[:], data)
    with pytest.raises(nz.NgffValueError, match=r"the tensorstore writer .* got 'lz4'"):
        nz.to_ngff_zarr(
            tmp_path / "x.zarr", ms, version="0.5", use_tensorstore=True, compressors="lz4"
        )
