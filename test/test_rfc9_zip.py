"""Zipped OME-Zarr (.ozx, RFC-9): written in one piece as the RFC recommends, read back."""

from __future__ import annotations

import json
import os
import struct
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr.rfc9_zip import ZipReadStore

METADATA = {"zarr.json", ".zattrs", ".zgroup", ".zarray", ".zmetadata"}
COMMENT = {"ome": {"version": "0.5", "zipFile": {"centralDirectory": {"jsonFirst": True}}}}


def _volume() -> tuple[np.ndarray, nz.Multiscales]:
    data = np.random.default_rng(0).integers(0, 255, (16, 64, 64), dtype=np.uint8)
    return data, nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[2], chunks=16)


def _zip64_local_headers(path: Path) -> list[bool]:
    """For each entry, whether its local header carries a ZIP64 extra field (id 0x0001)."""
    out = []
    with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
        for info in archive.infolist():
            raw.seek(info.header_offset)
            header = raw.read(30)
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            raw.seek(name_length, os.SEEK_CUR)
            extra = raw.read(extra_length)
            ids = []
            while len(extra) >= 4:
                ident, size = struct.unpack("<HH", extra[:4])
                ids.append(ident)
                extra = extra[4 + size :]
            out.append(0x0001 in ids)
    return out


def _check_rfc9_layout(path: Path, version: str = "0.5") -> list[str]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        comment = json.loads(archive.comment)
    names = [i.filename for i in infos]
    assert names[0] == ("zarr.json" if version != "0.4" else ".zattrs")
    is_meta = [n.rsplit("/", 1)[-1] in METADATA for n in names]
    assert is_meta == sorted(is_meta, reverse=True), "every metadata document before any chunk"
    depths = [n.count("/") for n, m in zip(names, is_meta, strict=True) if m]
    assert depths == sorted(depths), "metadata documents breadth-first"
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    assert all(_zip64_local_headers(path))
    assert comment == {**COMMENT, "ome": {**COMMENT["ome"], "version": version}}
    return names


def test_to_ngff_zarr_writes_an_ozx_and_reads_it_back(tmp_path: Path) -> None:
    data, ms = _volume()
    path = tmp_path / "img.ozx"
    nz.to_ngff_zarr(path, ms, version="0.5")
    names = _check_rfc9_layout(path)
    assert nz.read_ozx_version(path) == "0.5"
    assert nz.read_ozx_json_first(path) is True
    assert os.listdir(tmp_path) == ["img.ozx"]  # no staging left behind
    # sharded by default: 2 chunks per shard per axis
    level0 = json.loads(zipfile.ZipFile(path).read(f"{ms.metadata.datasets[0].path}/zarr.json"))
    assert level0["codecs"][0]["name"] == "sharding_indexed"
    assert level0["chunk_grid"]["configuration"]["chunk_shape"] == [16, 32, 32]
    # 16x64x64 in 16^3 chunks: 1x2x2 shards of 16x32x32, and one shard of level 1
    assert len([n for n in names if "/c/" in n]) == 4 + 1
    np.testing.assert_array_equal(nz.from_ngff_zarr(path).images[0].data.compute(), data)
    # zarr-python's own ZipStore reads the same pixels (an independent reader)
    store = zarr.storage.ZipStore(path, mode="r")
    group = zarr.open_group(store, mode="r")
    np.testing.assert_array_equal(group[ms.metadata.datasets[0].path][:], data)
    assert group.attrs["ome"]["version"] == "0.5"
    store.close()


def test_ozx_needs_zarr_v3_and_never_replaces_other_files(tmp_path: Path) -> None:
    _, ms = _volume()
    with pytest.raises(nz.UnsupportedVersionError, match=r"\.ozx, RFC-9\) needs OME-Zarr 0\.5"):
        nz.to_ngff_zarr(tmp_path / "v04.ozx", ms, version="0.4")
    assert not any(tmp_path.iterdir())
    notes = tmp_path / "notes.ozx"
    notes.write_text("not a zip")
    with pytest.raises(nz.StoreExistsError, match="not a zipped Zarr hierarchy"):
        nz.to_ngff_zarr(notes, ms, version="0.5", overwrite=True)
    assert notes.read_text(encoding="utf-8") == "not a zip"
    good = tmp_path / "good.ozx"
    nz.to_ngff_zarr(good, ms, version="0.5")
    with pytest.raises(nz.StoreExistsError, match="overwrite=True"):
        nz.to_ngff_zarr(good, ms, version="0.5", overwrite=False)


def test_failed_write_keeps_the_old_zip(tmp_path: Path) -> None:
    data, ms = _volume()
    path = tmp_path / "img.ozx"
    nz.to_ngff_zarr(path, ms, version="0.5")
    before = path.read_bytes()

    def boom(block: np.ndarray) -> np.ndarray:
        raise RuntimeError("disk on fire")

    broken = nz.to_ngff_image(da.from_array(data, chunks=16).map_blocks(boom, dtype=data.dtype))
    with pytest.raises(RuntimeError, match="disk on fire"):
        nz.to_ngff_zarr(
            path, nz.to_multiscales(broken, scale_factors=[]), overwrite=True, version="0.5"
        )
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["img.ozx"]


def test_write_store_to_zip_from_each_kind_of_source(tmp_path: Path) -> None:
    data, ms = _volume()
    folder = tmp_path / "img.ome.zarr"
    nz.to_ngff_zarr(folder, ms, version="0.5")
    nz.write_store_to_zip(folder, tmp_path / "dir.ozx")
    names = _check_rfc9_layout(tmp_path / "dir.ozx")
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert sorted(names) == on_disk
    np.testing.assert_array_equal(nz.from_ngff_zarr(tmp_path / "dir.ozx").images[0].data, data)
    # from a zarr store, and from a mapping of keys to bytes
    memory = zarr.storage.MemoryStore()
    nz.to_ngff_zarr(memory, ms, version="0.5")
    nz.write_store_to_zip(memory, tmp_path / "mem.ozx")
    mapping = {name: zipfile.ZipFile(tmp_path / "dir.ozx").read(name) for name in names}
    nz.write_store_to_zip(mapping, tmp_path / "map.ozx")
    for name in ("mem.ozx", "map.ozx"):
        _check_rfc9_layout(tmp_path / name)
        np.testing.assert_array_equal(nz.from_ngff_zarr(tmp_path / name).images[1].data,
                                      ms.images[1].data.compute())  # fmt: skip
    with pytest.raises(nz.PathNotFoundError, match="no such directory to zip"):
        nz.write_store_to_zip(tmp_path / "missing", tmp_path / "x.ozx")
    with pytest.raises(nz.NgffValueError, match="source_store: expected a directory path"):
        nz.write_store_to_zip(42, tmp_path / "x.ozx")


def test_a_zipped_04_store_reads(tmp_path: Path) -> None:
    data, ms = _volume()
    nz.to_ngff_zarr(tmp_path / "v04.zarr", ms, version="0.4")
    nz.write_store_to_zip(tmp_path / "v04.zarr", tmp_path / "v04.zip", version="0.4")
    _check_rfc9_layout(tmp_path / "v04.zip", version="0.4")
    assert nz.read_ozx_version(tmp_path / "v04.zip") == "0.4"
    assert nz.is_ozx_path("a.ozx") and not nz.is_ozx_path("a.OZX") and not nz.is_ozx_path("a.zip")
    np.testing.assert_array_equal(nz.from_ngff_zarr(tmp_path / "v04.zip").images[0].data, data)


def test_zip_read_store_and_open_array(tmp_path: Path) -> None:
    data, ms = _volume()
    path = tmp_path / "img.ozx"
    nz.to_ngff_zarr(path, ms, version="0.5")
    with ZipReadStore(path) as store:
        assert json.loads(store["zarr.json"])["attributes"]["ome"]["version"] == "0.5"
        sub = store.with_prefix(ms.metadata.datasets[0].path)
        assert "zarr.json" in sub and len(sub) == 1 + 4
        with pytest.raises(KeyError):
            sub["nothing"]
    level0 = nz.open_array(path, ms.metadata.datasets[0].path)
    np.testing.assert_array_equal(level0[2:4], data[2:4])
    with pytest.raises(nz.WriteError, match="read-only"):
        level0[0:1] = 0


def test_plate_writer_zips_once_from_threads(tmp_path: Path) -> None:
    _, ms = _volume()
    wells = [(r, c) for r in "AB" for c in "123"]
    plate = nz.Plate.from_names(["A", "B"], ["1", "2", "3"], version="0.5", name="screen")
    path = tmp_path / "screen.ozx"
    with nz.HCSPlateWriter(path, plate) as writer, ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [
            pool.submit(writer.write_well_image, ms, row_name=r, column_name=c, field_index=f)
            for r, c in wells
            for f in (0, 1)
        ]
        for job in jobs:
            job.result()
        assert not path.exists()  # zipped on leaving the block
    names = _check_rfc9_layout(path)
    assert names[:3] == ["zarr.json", "A/zarr.json", "B/zarr.json"]
    opened = nz.from_hcs_zarr(path, validate=True)
    assert opened.name == "screen"
    for r, c in wells:
        well = opened.get_well(r, c)
        assert well is not None and [i.path for i in well.images] == ["0", "1"]
    np.testing.assert_array_equal(
        opened.get_well("B", "3").get_image(1).images[0].data, ms.images[0].data.compute()
    )
    # a block that raises leaves the zip as it was; a 0.4 plate cannot be zipped
    before = path.read_bytes()

    def aborted() -> None:
        with nz.HCSPlateWriter(path, plate) as writer:
            writer.write_well_image(ms, "A", "1")
            raise RuntimeError("acquisition aborted")

    with pytest.raises(RuntimeError, match="acquisition aborted"):
        aborted()
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["screen.ozx"]
    with pytest.raises(nz.UnsupportedVersionError, match=r"needs OME-Zarr 0\.5"):
        nz.HCSPlateWriter(tmp_path / "p04.ozx", nz.Plate.from_names(["A"], ["1"])).__enter__()
    with pytest.raises(nz.NgffValueError, match="inside the with block"):
        nz.HCSPlateWriter(tmp_path / "p.ozx", plate).write_well_image(ms, "A", "1")
