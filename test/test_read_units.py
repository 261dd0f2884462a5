"""A box read from a stored level decodes the storage chunks it touches, not its dask chunk.

The proof is a corrupt chunk: a store with one storage chunk overwritten by garbage (a whole
chunk file of a chunked 0.4 store; one inner chunk inside a shard of a sharded 0.5 store)
still reads every box that stays clear of it, through tensorstore (a local path) and through
zarr-python (an fsspec store), while any read that touches it fails with a ReadError. The
dask chunks of these levels are much larger than a storage chunk, so a reader that decoded
whole dask chunks (or whole shards) would fail on the clear boxes too.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import zarr
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr import ReadError, from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr
from ngff_zarr._arrays import BoxReader

SHAPE = (64, 64, 64)
CHUNK = 16
# the corrupted storage chunk: block (3, 3, 3) of the 16^3 grid, voxels 48:64 on every dim
CLEAR = (slice(20, 47), slice(30, 48), slice(0, 64))  # crosses many chunks, not the bad one
BAD = (slice(40, 50), slice(50, 52), slice(60, 61))  # one voxel row inside the bad chunk


def _data() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 4000, SHAPE, dtype=np.uint16)


def _write(path: Path, sharded: bool) -> None:
    image = to_ngff_image(_data(), dims=("z", "y", "x"))
    multiscales = to_multiscales(image, scale_factors=[2], chunks=CHUNK)
    if sharded:  # 32^3 shards of 8 inner chunks: the bad chunk is the last of shard (1, 1, 1)
        to_ngff_zarr(path, multiscales, version="0.5", chunks_per_shard=2)
    else:
        to_ngff_zarr(path, multiscales, version="0.4")


def _corrupt(path: Path, sharded: bool) -> None:
    if not sharded:
        chunk = path / "scale0" / "image" / "3" / "3" / "3"
        chunk.write_bytes(b"\xff" * chunk.stat().st_size)
        return
    shard = path / "scale0" / "image" / "c" / "1" / "1" / "1"
    raw = bytearray(shard.read_bytes())
    # the shard index at the end: 8 x (offset, nbytes) little-endian uint64, then a crc32c;
    # inner chunk (1, 1, 1) of the shard is the last entry (C order)
    index = raw[-(8 * 16 + 4) : -4]
    offset, nbytes = struct.unpack_from("<QQ", index, 7 * 16)
    raw[offset : offset + nbytes] = b"\xff" * nbytes
    shard.write_bytes(bytes(raw))


@pytest.mark.parametrize("reader", ["tensorstore", "zarr-python"])
@pytest.mark.parametrize("sharded", [False, True], ids=["chunked-0.4", "sharded-0.5"])
def test_a_box_reads_only_the_chunks_it_touches(tmp_path: Path, sharded: bool, reader: str) -> None:
    if reader == "tensorstore":
        pytest.importorskip("tensorstore")
    path = tmp_path / "image.ome.zarr"
    _write(path, sharded)
    _corrupt(path, sharded)
    store: object = path
    if reader == "zarr-python":  # no local root: from_ngff_zarr reads with zarr-python
        store = zarr.storage.FsspecStore.from_url(f"file://{path}", read_only=True)
    level = from_ngff_zarr(store).images[0].data  # type: ignore[arg-type]
    assert level.numblocks == (1, 1, 1)  # one dask chunk holds every storage chunk
    data = _data()
    np.testing.assert_array_equal(level[CLEAR].compute(), data[CLEAR])
    np.testing.assert_array_equal(level[5, 60:, ::7].compute(), data[5, 60:, ::7])
    with pytest.raises(ReadError, match=r"40:50, 50:52, 60:61"):  # names the box
        level[BAD].compute()
    with pytest.raises(ReadError):
        level.compute()


# NumPy's own indexing is the reference: any basic or advanced key of these kinds
_index = st.one_of(
    st.integers(-6, 5),
    st.builds(
        slice,
        st.none() | st.integers(-8, 8),
        st.none() | st.integers(-8, 8),
        st.none() | st.integers(-3, 3).filter(bool),
    ),
    st.lists(st.integers(-6, 5), max_size=4),
    st.lists(st.booleans(), min_size=6, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(key=st.lists(_index, min_size=1, max_size=3), ellipsis=st.booleans())
def test_box_reader_indexes_as_numpy_does(key: list[object], ellipsis: bool) -> None:
    data = np.arange(6 * 6 * 6).reshape(6, 6, 6)
    boxes: list[tuple[slice, ...]] = []

    class Recording(BoxReader):
        def read_box(self, box: tuple[slice, ...]) -> np.ndarray:
            assert all(0 <= s.start <= s.stop <= 6 and (s.step or 1) > 0 for s in box)
            boxes.append(box)
            return data[box].copy()

    reader = Recording(data)
    items = tuple(np.array(k) if isinstance(k, list) else k for k in key)
    full = (*items[:1], Ellipsis, *items[1:]) if ellipsis else items
    try:
        expected = data[full]
    except IndexError:
        with pytest.raises(IndexError):
            reader[full]
        return
    got = reader[full]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    assert len(boxes) == 1
