"""open_array: region reads and writes of one stored array (create first, fill later)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dask.array as da
import numpy as np
import pytest

import ngff_zarr as nz


@pytest.mark.parametrize(("version", "shards"), [("0.4", None), ("0.5", None), ("0.5", 2)])
def test_fill_a_store_slab_by_slab(tmp_path: Path, version: str, shards: int | None) -> None:
    shape, chunks = (1, 32, 48, 48), (1, 8, 16, 16)
    placeholder = da.zeros(shape, dtype="float32", chunks=chunks)
    image = nz.to_ngff_image(placeholder, dims=["c", "z", "y", "x"])
    ms = nz.to_multiscales(image, scale_factors=[], chunks={"c": 1, "z": 8, "y": 16, "x": 16})
    path = tmp_path / "vol.ome.zarr"
    nz.to_ngff_zarr(path, ms, version=version, chunks_per_shard=shards)
    level0 = nz.open_array(path, ms.metadata.datasets[0].path)
    assert (level0.shape, level0.dtype, level0.chunks, level0.ndim) == (
        shape, np.dtype("float32"), chunks, 4,
    )  # fmt: skip
    assert level0.zarr_format == (2 if version == "0.4" else 3)
    expected = np.zeros(shape, "float32")
    for z in range(0, 16, 8):  # two slabs written, the rest never
        slab = np.full((1, 8, 48, 48), z + 1, "float32")
        level0[:, z : z + 8] = slab
        expected[:, z : z + 8] = slab
    np.testing.assert_array_equal(level0[:], expected)
    np.testing.assert_array_equal(level0.to_dask().compute(), expected)
    np.testing.assert_array_equal(nz.from_ngff_zarr(path).images[0].data.compute(), expected)
    assert nz.validate(path).valid


def test_read_only_over_http_and_missing_arrays(
    tmp_path: Path, http_server: Callable[[Path], str]
) -> None:
    data = np.arange(64 * 64, dtype="uint16").reshape(64, 64)
    ms = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[2])
    nz.to_ngff_zarr(tmp_path / "a.ome.zarr", ms, version="0.5")
    url = http_server(tmp_path) + "/a.ome.zarr"
    remote = nz.open_array(url, ms.metadata.datasets[1].path)
    np.testing.assert_array_equal(remote[:], ms.images[1].data.compute())
    with pytest.raises(nz.WriteError, match="read-only"):
        remote[0:1] = 0
    with pytest.raises(nz.ArrayNotFoundError, match="no array here"):
        nz.open_array(tmp_path / "a.ome.zarr", "nothing")


# ---- the tensorstore reader: the same reads as zarr-python ---------------------------------

SHAPE, CHUNKS = (37, 45, 51), (16, 16, 16)  # partial edge chunks in every dim
KEYS = [
    (slice(None),),
    (slice(3, 20), 5, slice(None, None, 3)),
    7,
    -1,
    (Ellipsis, 3),
    (2, Ellipsis),
    (slice(30, 100), slice(40, None), slice(-9, None)),  # stops past the end
    (slice(5, 2),),  # empty
    (slice(0, 37, 5), slice(1, 45, 7), slice(2, 51, 16)),
    (-37, -45, -51),  # every dim an integer: a 0-d result
    (np.int64(4), slice(None, None, np.int64(2))),
    ([3, 0, 36], slice(1, 3)),  # not a region: zarr-python reads it
    (slice(None), np.array([44, 2])),
]


def _create(store: object, zarr_format: int, dtype: str, fill: object, sharded: bool) -> object:
    """An array with some chunks written (every edge chunk among them) and the rest absent."""
    import zarr

    array = zarr.create_array(
        store,  # type: ignore[arg-type]
        name="level",
        shape=SHAPE,
        chunks=CHUNKS,
        shards=(32, 32, 32) if sharded else None,
        dtype=dtype,
        fill_value=fill,
        zarr_format=zarr_format,  # type: ignore[arg-type]
    )
    values = (np.arange(np.prod(SHAPE)).reshape(SHAPE) % 251).astype(dtype)
    array[0:16] = values[0:16]  # the first chunk layer
    array[32:, 32:, 48:] = values[32:, 32:, 48:]  # the far corner's edge chunk
    return array


STORES = [(2, False), (3, False), (3, True)]  # v2, v3, v3 sharded


@pytest.mark.parametrize(("zarr_format", "sharded"), STORES)
@pytest.mark.parametrize(
    ("dtype", "fill"), [("uint16", 0), ("float32", -1.5), ("int8", 7), ("float64", None)]
)
def test_tensorstore_reads_equal_zarr_python_reads(
    tmp_path: Path, zarr_format: int, sharded: bool, dtype: str, fill: object
) -> None:
    pytest.importorskip("tensorstore")
    array = _create(tmp_path, zarr_format, dtype, fill, sharded)
    handle = nz.open_array(tmp_path, "level")
    assert handle.reader == "tensorstore"
    assert "reader='tensorstore'" in repr(handle)
    for key in KEYS:
        got, want = handle[key], np.asarray(array[key])  # type: ignore[index]
        assert (got.shape, got.dtype) == (want.shape, want.dtype), key
        np.testing.assert_array_equal(got, want, err_msg=str(key))
    whole = handle[...]
    absent = np.asarray(0 if fill is None else fill, dtype)  # a null fill value reads as 0
    assert (whole[20:32] == absent).all()  # chunks never written: the fill value
    np.testing.assert_array_equal(handle.to_dask().compute(), whole)


@pytest.mark.parametrize(("zarr_format", "sharded"), STORES)
def test_bad_keys_raise_what_zarr_python_raises(
    tmp_path: Path, zarr_format: int, sharded: bool
) -> None:
    array = _create(tmp_path, zarr_format, "uint16", 0, sharded)
    handle = nz.open_array(tmp_path, "level")
    for key in [37, (0, -46), (0, 0, 0, 0), (slice(None, None, -1),), (slice(0, 2.5),)]:
        try:
            array[key]  # type: ignore[index]
        except Exception as exc:  # zarr-python's own type for each: the handle raises the same
            expected: type[Exception] = type(exc)
        else:
            pytest.fail(f"zarr-python read {key}")
        with pytest.raises(expected):
            handle[key]


def test_other_stores_and_dtypes_read_with_zarr_python(tmp_path: Path) -> None:
    import zarr

    memory = zarr.storage.MemoryStore()
    in_memory = _create(memory, 3, "uint16", 3, False)
    handle = nz.open_array(memory, "level")
    assert handle.reader == "zarr"
    for key in KEYS:
        np.testing.assert_array_equal(handle[key], np.asarray(in_memory[key]))  # type: ignore[index]
    handle[20:22] = 9  # writable as before
    assert (np.asarray(in_memory[20:22]) == 9).all()  # type: ignore[index]
    big_endian = _create(tmp_path, 2, ">u2", 0, False)  # tensorstore reads native order only
    local = nz.open_array(tmp_path, "level")
    assert local.reader == "zarr"
    np.testing.assert_array_equal(local[...], np.asarray(big_endian[...]))  # type: ignore[index]
    assert local[...].dtype == np.asarray(big_endian[...]).dtype  # type: ignore[index]


@pytest.mark.parametrize(("zarr_format", "sharded"), STORES)
def test_writes_go_through_zarr_python_and_read_back_at_once(
    tmp_path: Path, zarr_format: int, sharded: bool
) -> None:
    import zarr

    pytest.importorskip("tensorstore")
    _create(tmp_path, zarr_format, "uint16", 0, sharded)
    handle = nz.open_array(tmp_path, "level")
    assert handle.reader == "tensorstore"
    before = handle[...]
    for value in (5, 6):  # the same chunks written twice: no read sees a stale chunk
        handle[10:20, 3:40, 0:17] = value
        expected = before.copy()
        expected[10:20, 3:40, 0:17] = value
        np.testing.assert_array_equal(handle[...], expected)
        np.testing.assert_array_equal(handle[10:20, 3, 16], np.full(10, value))
        reopened = zarr.open_array(tmp_path / "level", mode="r")
        np.testing.assert_array_equal(np.asarray(reopened[...]), expected)
    leftovers = [p.name for p in (tmp_path / "level").rglob("*") if p.name.startswith(".")]
    assert not [n for n in leftovers if n not in (".zarray", ".zattrs")]  # no temporary files


# ---- open_array(image): the handle of a level that from_ngff_zarr read -----------------------


@pytest.mark.parametrize(("version", "shards"), [("0.4", None), ("0.5", None), ("0.5", 2)])
def test_open_array_of_an_image_read_by_from_ngff_zarr(
    tmp_path: Path, version: str, shards: int | None
) -> None:
    data = (np.arange(np.prod(SHAPE)).reshape(SHAPE) % 1000).astype("uint16")
    ms = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[2], chunks=16)
    path = tmp_path / "img.ome.zarr"
    nz.to_ngff_zarr(path, ms, version=version, chunks_per_shard=shards)
    back = nz.from_ngff_zarr(path)
    for level, image in enumerate(back.images):
        handle = nz.open_array(image)
        assert handle.shape == image.data.shape
        assert handle.path == back.metadata.datasets[level].path
        keys = KEYS[:10] if level == 0 else [(slice(None),), (1, slice(2, 9)), (Ellipsis, -1)]
        for key in keys:
            np.testing.assert_array_equal(handle[key], image.data[key].compute())
    level0 = nz.open_array(back.images[0])
    try:
        import tensorstore  # noqa: F401
    except ImportError:
        assert level0.reader == "zarr"
    else:
        assert level0.reader == "tensorstore"
    level0[0:4] = 1  # a local image's handle is writable
    np.testing.assert_array_equal(nz.from_ngff_zarr(path).images[0].data[0:4].compute(), 1)
    np.testing.assert_array_equal(level0[0:4], 1)


def test_open_array_of_an_image_refuses_other_data_and_replaced_stores(tmp_path: Path) -> None:
    data = np.arange(32 * 32, dtype="uint8").reshape(32, 32)
    ms = nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[])
    path = tmp_path / "img.ome.zarr"
    nz.to_ngff_zarr(path, ms, version="0.5")
    with pytest.raises(nz.NgffValueError, match="from_ngff_zarr read"):
        nz.open_array(ms.images[0])  # in memory, never stored
    back = nz.from_ngff_zarr(path)
    derived = nz.to_ngff_image(back.images[0].data + 1)
    with pytest.raises(nz.NgffValueError, match="its data unchanged"):
        nz.open_array(derived)
    with pytest.raises(nz.NgffValueError, match="expected neither"):
        nz.open_array(back.images[0], back.metadata.datasets[0].path)
    handle = nz.open_array(back.images[0])
    nz.to_ngff_zarr(path, nz.to_multiscales(nz.to_ngff_image(data * 0), scale_factors=[]),
                    version="0.5", overwrite=True)  # fmt: skip
    with pytest.raises(nz.ReadError, match="replaced"):
        handle[0:2]
    with pytest.raises(nz.ReadError, match="replaced"):
        handle[0:2] = 3
    with pytest.raises(nz.ReadError, match="replaced"):
        nz.open_array(back.images[0])
    assert (nz.open_array(nz.from_ngff_zarr(path).images[0])[...] == 0).all()  # not written to


def test_open_array_of_an_image_in_a_memory_store_is_read_only() -> None:
    import zarr

    memory = zarr.storage.MemoryStore()
    data = np.arange(16 * 16, dtype="uint8").reshape(16, 16)
    nz.to_ngff_zarr(memory, nz.to_multiscales(nz.to_ngff_image(data), scale_factors=[]),
                    version="0.5")  # fmt: skip
    handle = nz.open_array(nz.from_ngff_zarr(memory).images[0])
    assert handle.reader == "zarr"
    np.testing.assert_array_equal(handle[...], data)
    with pytest.raises(nz.WriteError, match="read-only"):
        handle[0:1] = 0


def test_read_backend_zarr_keeps_tensorstore_out_of_reads(tmp_path: Path) -> None:
    array = _create(tmp_path, 3, "uint16", 0, True)
    data = np.arange(24 * 24, dtype="uint8").reshape(24, 24)
    nz.to_ngff_zarr(tmp_path / "img.ome.zarr", nz.to_multiscales(nz.to_ngff_image(data),
                    scale_factors=[]), version="0.5")  # fmt: skip
    with nz.config.set(read_backend="zarr"):
        handle = nz.open_array(tmp_path, "level")
        assert handle.reader == "zarr"
        np.testing.assert_array_equal(handle[...], np.asarray(array[...]))  # type: ignore[index]
        image = nz.from_ngff_zarr(tmp_path / "img.ome.zarr").images[0]
        assert nz.open_array(image).reader == "zarr"
        np.testing.assert_array_equal(image.data.compute(), data)
    with pytest.raises(nz.NgffValueError, match=r"config.read_backend: expected 'auto' or 'zarr'"):
        nz.config.read_backend = "fast"


_FORKED_WRITES = """
import multiprocessing, sys
import numpy as np
import ngff_zarr as nz

path, key = sys.argv[1], sys.argv[2]
handle = nz.open_array(path, key)
handle[0:1] = 1  # written, never read, before the fork


def work(z):
    nz.open_array(path, key)[z : z + 1] = z + 1  # a whole chunk each: no two share one
    return z


with multiprocessing.get_context("fork").Pool(2) as pool:
    pool.map_async(work, range(1, 4)).get(timeout=60)
print(handle[:, 0].tolist())
"""


def test_a_handle_only_written_to_can_be_forked(tmp_path: Path) -> None:
    import subprocess
    import sys

    import zarr

    zarr.create_array(tmp_path, name="planes", shape=(4, 8), chunks=(1, 8), dtype="uint8")
    done = subprocess.run(
        [sys.executable, "-c", _FORKED_WRITES, str(tmp_path), "planes"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[1, 2, 3, 4]"
