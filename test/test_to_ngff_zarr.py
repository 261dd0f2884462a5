from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import dask.array as da
import numpy as np
import pytest
import zarr
from _interop import assert_readable_by_ome_zarr_py, assert_valid_with_ome_zarr_models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ngff_zarr import (
    NgffValueError,
    StoreExistsError,
    UnsupportedVersionError,
    WriteError,
    from_ngff_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
)

DIMS = ["yx", "zyx", "cyx", "tyx", "czyx", "tczyx", "tzyx"]


@st.composite
def images(draw):  # type: ignore[no-untyped-def]
    dims = draw(st.sampled_from(DIMS))
    shape = tuple(draw(st.integers(1, 4)) if d in "tc" else draw(st.integers(4, 33)) for d in dims)
    dtype = draw(st.sampled_from(["uint8", "uint16", "int32", "float32", "float64"]))
    seed = draw(st.integers(0, 2**16))
    data = (np.random.default_rng(seed).random(shape) * 100).astype(dtype)
    chunks = {d: draw(st.integers(1, 12)) for d in dims if d in "zyx"}
    return data, dims, chunks


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=images(), version=st.sampled_from(["0.4", "0.5"]))
def test_round_trip_data_and_metadata(tmp_path_factory, case, version) -> None:  # type: ignore[no-untyped-def]
    data, dims, chunks = case
    image = to_ngff_image(
        data,
        dims=dims,
        scale={d: 0.5 + i for i, d in enumerate(dims)},
        translation={d: float(i) for i, d in enumerate(dims)},
        axes_units={d: ("second" if d == "t" else "micrometer") for d in dims if d != "c"},
        name="rt",
    )
    ms = to_multiscales(image, scale_factors=[2], method="local_mean", chunks=chunks)
    path = tmp_path_factory.mktemp("rt") / "img.zarr"
    to_ngff_zarr(path, ms, version=version, chunks_per_shard=2 if version == "0.5" else None)
    back = from_ngff_zarr(path)
    assert back.metadata == ms.metadata.to_version(version)
    assert back.method == ms.method
    # independent implementations accept every store this test writes
    assert_valid_with_ome_zarr_models(path, version)
    assert_readable_by_ome_zarr_py(path, [im.data.compute() for im in ms.images])
    for ours, theirs in zip(ms.images, back.images, strict=True):
        assert theirs.dims == ours.dims and theirs.name == "rt"
        assert theirs.scale == pytest.approx(ours.scale) and theirs.translation == pytest.approx(
            ours.translation
        )
        assert theirs.axes_units == ours.axes_units
        assert theirs.dtype == ours.dtype
        np.testing.assert_array_equal(theirs.data.compute(), ours.data.compute())


@pytest.mark.parametrize("backend", ["zarr", "tensorstore"])
@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_stored_chunk_and_shard_shapes(tmp_path: Path, backend: str, version: str) -> None:
    data = np.random.default_rng(1).integers(0, 1000, (3, 40, 70, 90)).astype("uint16")
    ms = to_multiscales(
        to_ngff_image(data, dims="czyx"), scale_factors=[2], chunks={"z": 8, "y": 16, "x": 32}
    )
    shard = {"z": 2, "y": 2, "x": 2} if version == "0.5" else None
    to_ngff_zarr(
        tmp_path / "a.zarr",
        ms,
        version=version,
        chunks_per_shard=shard,
        use_tensorstore=backend == "tensorstore",
    )
    paths = [d.path for d in ms.metadata.datasets]
    for level in paths:
        arr = zarr.open_array(tmp_path / "a.zarr" / level, mode="r")
        assert arr.chunks == (3, 8, 16, 32)
        if version == "0.5":
            assert arr.shards == (3, 16, 32, 64)
            assert arr.metadata.dimension_names == ("c", "z", "y", "x")
        else:
            assert (
                json.loads((tmp_path / "a.zarr" / level / ".zarray").read_text(encoding="utf-8"))[
                    "dimension_separator"
                ]
                == "/"
            )
    if version == "0.4":
        assert (tmp_path / "a.zarr" / paths[0] / "0" / "0" / "0" / "0").is_file()  # "/" keys
        assert "multiscales" in json.loads(
            (tmp_path / "a.zarr" / ".zattrs").read_text(encoding="utf-8")
        )
    else:
        attrs = json.loads((tmp_path / "a.zarr" / "zarr.json").read_text(encoding="utf-8"))[
            "attributes"
        ]
        assert attrs["ome"]["version"] == "0.5" and "version" not in attrs["ome"]["multiscales"][0]


def test_backends_give_the_same_store(tmp_path: Path) -> None:
    data = np.random.default_rng(2).integers(0, 60000, (30, 50, 70)).astype("uint16")
    ms = to_multiscales(to_ngff_image(data), scale_factors=[2, 4], chunks=16)
    for version in ("0.4", "0.5"):
        shards = 2 if version == "0.5" else None
        to_ngff_zarr(tmp_path / f"z{version}", ms, version=version, chunks_per_shard=shards)
        to_ngff_zarr(
            tmp_path / f"t{version}",
            ms,
            version=version,
            chunks_per_shard=shards,
            use_tensorstore=True,
        )
        a, b = from_ngff_zarr(tmp_path / f"z{version}"), from_ngff_zarr(tmp_path / f"t{version}")
        assert a.metadata == b.metadata
        for x, y in zip(a.images, b.images, strict=True):
            np.testing.assert_array_equal(x.data.compute(), y.data.compute())
        names_a = sorted(
            str(p.relative_to(tmp_path / f"z{version}"))
            for p in (tmp_path / f"z{version}").rglob("*")
            if p.is_file() and p.name not in (".zattrs",)
        )
        names_b = sorted(
            str(p.relative_to(tmp_path / f"t{version}"))
            for p in (tmp_path / f"t{version}").rglob("*")
            if p.is_file() and p.name not in (".zattrs",)
        )
        assert names_a == names_b


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_interop_ome_zarr_models_and_ome_zarr_py(tmp_path: Path, version: str) -> None:
    data = np.random.default_rng(3).integers(0, 255, (2, 16, 64, 64)).astype("uint8")
    image = to_ngff_image(
        data,
        dims="czyx",
        scale={"z": 2.0, "y": 0.3, "x": 0.3},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        channel_names=["DAPI", "GFP"],
    )
    ms = to_multiscales(image, scale_factors=[2, 4], chunks=16)
    assert ms.metadata.omero is None  # computed from the pixels when written
    path = tmp_path / "interop.ome.zarr"
    to_ngff_zarr(path, ms, version=version, chunks_per_shard=2 if version == "0.5" else None)
    assert_valid_with_ome_zarr_models(path, version)
    assert_readable_by_ome_zarr_py(path, [im.data.compute() for im in ms.images])
    back = from_ngff_zarr(path)
    assert back.metadata.omero is not None
    assert [c.label for c in back.metadata.omero.channels] == ["DAPI", "GFP"]
    assert back.images[0].channel_names == ["DAPI", "GFP"]


def test_convert_between_versions(tmp_path: Path) -> None:
    data = np.random.default_rng(4).integers(0, 99, (20, 30, 40)).astype("int16")
    ms = to_multiscales(to_ngff_image(data, scale=(3.0, 1.0, 1.0)), scale_factors=[2, 4], chunks=8)
    to_ngff_zarr(tmp_path / "a.zarr", ms, version="0.4")
    to_ngff_zarr(
        tmp_path / "b.zarr", from_ngff_zarr(tmp_path / "a.zarr"), version="0.5", chunks_per_shard=2
    )
    to_ngff_zarr(tmp_path / "c.zarr", from_ngff_zarr(tmp_path / "b.zarr"), version="0.4")
    a, b, c = (from_ngff_zarr(tmp_path / n) for n in ("a.zarr", "b.zarr", "c.zarr"))
    assert (tmp_path / "b.zarr" / "zarr.json").is_file() and (
        tmp_path / "c.zarr" / ".zattrs"
    ).is_file()
    assert (a.metadata.version, b.metadata.version, c.metadata.version) == ("0.4", "0.5", "0.4")
    assert a.metadata == b.metadata.to_version("0.4") == c.metadata
    for x, y, z in zip(a.images, b.images, c.images, strict=True):
        np.testing.assert_array_equal(x.data.compute(), z.data.compute())
        np.testing.assert_array_equal(y.data.compute(), z.data.compute())
    level0 = c.metadata.datasets[0].path
    assert zarr.open_array(tmp_path / "c.zarr" / level0).chunks == (8, 8, 8)


def test_zarr_group_target_and_memory_store() -> None:
    store = zarr.storage.MemoryStore()
    root = zarr.open_group(store, mode="w", zarr_format=3)
    field = root.require_group("A/1/0")
    ms = to_multiscales(to_ngff_image(np.ones((16, 16), dtype="uint8")), scale_factors=[2])
    to_ngff_zarr(field, ms, version="0.5")
    back = from_ngff_zarr(field)
    assert [im.shape for im in back.images] == [(16, 16), (8, 8)]
    np.testing.assert_array_equal(back.images[1].data.compute(), np.ones((8, 8)))
    with pytest.raises(StoreExistsError, match="not empty"):
        to_ngff_zarr(field, ms, version="0.5", overwrite=False)
    to_ngff_zarr(field, ms, version="0.5")  # overwrite=True is the default (as ngff-zarr)


# ---- bad input: a clear error, and nothing written ---------------------------------------


def _small() -> object:
    return to_multiscales(to_ngff_image(np.zeros((8, 8), dtype="uint8")), scale_factors=[2])


def test_unsupported_version_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(
        UnsupportedVersionError,
        match=r"version: expected one of \['0.4', '0.5', '0.6'\] \(.* writes\), got '0.7'",
    ):
        to_ngff_zarr(tmp_path / "x.zarr", _small(), version="0.7")  # type: ignore[arg-type]
    assert not (tmp_path / "x.zarr").exists()
    assert list(tmp_path.iterdir()) == []


def test_sharding_with_04_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        UnsupportedVersionError, match=r"chunks_per_shard: sharding needs Zarr v3 \(OME-Zarr 0\.5\)"
    ):
        to_ngff_zarr(tmp_path / "x.zarr", _small(), version="0.4", chunks_per_shard=2)
    assert list(tmp_path.iterdir()) == []


def test_bad_chunks_per_shard(tmp_path: Path) -> None:
    with pytest.raises(NgffValueError, match=r"chunks_per_shard: dims \['z'\]"):
        to_ngff_zarr(tmp_path / "x.zarr", _small(), version="0.5", chunks_per_shard={"z": 2})
    assert list(tmp_path.iterdir()) == []


def test_non_empty_target_without_overwrite_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    with pytest.raises(StoreExistsError, match="not empty; pass overwrite=True"):
        to_ngff_zarr(target, _small(), overwrite=False)
    assert (target / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@pytest.mark.parametrize("overwrite", [True, None])
def test_overwrite_never_replaces_a_directory_that_is_not_a_zarr_store(
    tmp_path: Path, overwrite: bool | None
) -> None:
    target = tmp_path / "thesis"
    (target / "chapters").mkdir(parents=True)
    (target / "chapters" / "one.tex").write_text("years of work")
    kwargs = {} if overwrite is None else {"overwrite": overwrite}  # None: the default (True)
    with pytest.raises(StoreExistsError, match=r"thesis is not a Zarr hierarchy; it is never"):
        to_ngff_zarr(target, _small(), **kwargs)  # type: ignore[arg-type]
    assert (target / "chapters" / "one.tex").read_text(encoding="utf-8") == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no staging left
    # a Zarr store there is replaced (the default overwrite=True), in one piece
    store = tmp_path / "img.zarr"
    to_ngff_zarr(store, _small(), version="0.4")
    to_ngff_zarr(store, _small())
    assert from_ngff_zarr(store).metadata.version == "0.5"
    assert not (store / ".zattrs").exists()


def test_version_defaults_to_05_with_consolidated_metadata(tmp_path: Path) -> None:
    to_ngff_zarr(tmp_path / "a.zarr", _small())
    root = json.loads((tmp_path / "a.zarr" / "zarr.json").read_text(encoding="utf-8"))
    assert root["attributes"]["ome"]["version"] == "0.5"
    paths = [d["path"] for d in root["attributes"]["ome"]["multiscales"][0]["datasets"]]
    assert paths == ["scale0/image", "scale1/image"]
    consolidated = root["consolidated_metadata"]["metadata"]
    assert {"scale0", "scale0/image", "scale1", "scale1/image"} <= set(consolidated)
    assert consolidated["scale1/image"]["shape"] == [4, 4]
    to_ngff_zarr(tmp_path / "b.zarr", _small(), version="0.4")
    zmeta = json.loads((tmp_path / "b.zarr" / ".zmetadata").read_text(encoding="utf-8"))["metadata"]
    assert {".zattrs", "scale0/image/.zarray", "scale1/image/.zarray"} <= set(zmeta)
    assert zmeta[".zattrs"]["multiscales"][0]["version"] == "0.4"
    to_ngff_zarr(tmp_path / "c.zarr", _small(), consolidate_metadata=False)
    assert "consolidated_metadata" not in json.loads(
        (tmp_path / "c.zarr" / "zarr.json").read_text(encoding="utf-8")
    )
    # zarr-python opens the hierarchy from the consolidated metadata alone
    group = zarr.open_consolidated(tmp_path / "a.zarr", mode="r")
    assert group["scale1/image"].shape == (4, 4)


def test_overwrite_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "img.zarr"
    to_ngff_zarr(target, _small())
    before = from_ngff_zarr(target).images[0].data.compute()

    def explode(block):  # type: ignore[no-untyped-def]
        raise RuntimeError("source failed half-way")

    failing = da.map_blocks(explode, da.zeros((64, 64), chunks=8, dtype="uint8"), dtype="uint8")
    ms = to_multiscales(to_ngff_image(failing), scale_factors=[2])
    with pytest.raises(RuntimeError, match="source failed half-way"):
        to_ngff_zarr(target, ms, overwrite=True)
    # the old store is intact and no temporary directory is left behind
    np.testing.assert_array_equal(from_ngff_zarr(target).images[0].data.compute(), before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.zarr"]
    to_ngff_zarr(
        target, to_multiscales(to_ngff_image(np.full((8, 8), 7, "uint8")), [2]), overwrite=True
    )
    assert int(from_ngff_zarr(target).images[0].data[0, 0].compute()) == 7


def test_failed_in_place_write_leaves_no_metadata() -> None:
    store = zarr.storage.MemoryStore()

    def explode(block):  # type: ignore[no-untyped-def]
        if block.sum() >= 0:
            raise ValueError("boom")
        return block

    failing = da.map_blocks(explode, da.zeros((32, 32), chunks=8, dtype="uint8"), dtype="uint8")
    with pytest.raises(ValueError, match="boom"):
        to_ngff_zarr(store, to_multiscales(to_ngff_image(failing), [2]))
    attrs = dict(zarr.open_group(store, mode="r").attrs)
    assert "multiscales" not in attrs and "ome" not in attrs


def test_unwritable_target(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WriteError, match="cannot write to"):
        to_ngff_zarr(blocker / "x.zarr", _small())
    assert blocker.read_text(encoding="utf-8") == "x"


def test_target_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.zarr"
    target.write_text("not a store")
    with pytest.raises(StoreExistsError, match="not a directory"):
        to_ngff_zarr(target, _small(), overwrite=True)
    assert target.read_text(encoding="utf-8") == "not a store"


def test_progress_bar_shows_every_level(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    ms = to_multiscales(
        to_ngff_image(np.zeros((64, 64), dtype="uint8")), scale_factors=[2, 4], chunks=16
    )
    to_ngff_zarr(tmp_path / "p.zarr", ms, progress=True, memory_target=1)
    printed = capsys.readouterr().out
    for level, shape in enumerate([(64, 64), (32, 32), (16, 16)]):
        assert f"level {level} {shape}" in printed, printed
    assert "regions" in printed and "MB/s" in printed
    # every region of each level was counted: each bar ends complete
    complete = re.findall(r"level \d \(\d+, \d+\).*? (\d+)/(\d+)\s+regions", printed)
    assert len(complete) == 3, printed
    assert all(done == total for done, total in complete), printed
    assert len(from_ngff_zarr(tmp_path / "p.zarr").images) == 3
    to_ngff_zarr(tmp_path / "q.zarr", ms, progress=False)
    assert capsys.readouterr().out == ""


_INTERRUPTED_WRITE = """
import signal, sys, time
import dask.array as da, numpy as np
import ngff_zarr as nz

def handler(signum, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, handler)  # the user's own handler

def slow(block):
    time.sleep(0.05)
    return np.ones_like(block)

source = da.map_blocks(slow, da.zeros((256, 512, 512), chunks=(16, 64, 64), dtype="uint16"))
ms = nz.to_multiscales(nz.to_ngff_image(source), scale_factors=[2], chunks=32)
print("started", flush=True)
try:
    nz.to_ngff_zarr(sys.argv[1], ms, memory_target=4 * 2**20)
except KeyboardInterrupt:
    assert signal.getsignal(signal.SIGINT) is handler, "the user's SIGINT handler was replaced"
    print("interrupted", flush=True)
    sys.exit(3)
"""


def test_ctrl_c_stops_quickly_and_leaves_nothing(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "big.zarr"
    proc = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_WRITE, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)  # well inside the write (it would take minutes)
    assert any(p.name.startswith(".big.zarr.ngff-zarr-") for p in tmp_path.iterdir())
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    stopped_after = time.monotonic() - sent
    assert proc.returncode == 3, out
    assert "interrupted" in out
    assert stopped_after < 10.0  # about 1 s on an idle machine; a shared one is slower
    assert list(tmp_path.iterdir()) == []  # no staging directory, no partial store


def test_writer_registry_names_missing_package_and_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from ngff_zarr import _writers
    from ngff_zarr.errors import DependencyError

    entry = _writers._Registration(
        factory=_writers._zarr_factory,
        package="no_such_pkg_ngff",
        extra="x",
        refuses=_writers._zarr_refuses,
    )
    monkeypatch.setitem(_writers._BACKENDS, "uninstalled", entry)
    with pytest.raises(
        DependencyError,
        match=r"the uninstalled writer needs no_such_pkg_ngff: pip install 'ngff-zarr\[x\]'",
    ):
        _writers.get_backend("uninstalled")
    with pytest.raises(
        ValueError,
        match=r"backend: expected one of \['auto', 'zarr', 'zarrs', 'tensorstore', 'uninstalled'\]"
        r", got 'zarrr'; install uninstalled with pip install 'ngff-zarr\[x\]'",
    ):
        _writers.get_backend("zarrr")


def test_a_replaced_level_is_written_as_given(tmp_path: Path) -> None:
    """Multiscales holds data only: replacing a level's data is never silently ignored."""
    data = np.random.default_rng(7).integers(0, 1000, (64, 64), dtype=np.uint16)
    ms = to_multiscales(to_ngff_image(data), scale_factors=[2, 4], method="local_mean")
    planned = [im.data.compute() for im in ms.images]
    mine = np.full((32, 32), 9, dtype=np.uint16)
    ms.images[1] = replace(ms.images[1], data=da.from_array(mine, chunks=16))
    to_ngff_zarr(tmp_path / "a.zarr", ms)
    back = [im.data.compute() for im in from_ngff_zarr(tmp_path / "a.zarr").images]
    np.testing.assert_array_equal(back[0], planned[0])
    np.testing.assert_array_equal(back[1], mine)  # the caller's level, as given
    np.testing.assert_array_equal(back[2], planned[2])  # still the planned computation
    # untouched, every level is streamed from the plan and equals its lazy computation
    ms = to_multiscales(to_ngff_image(data), scale_factors=[2, 4], method="local_mean")
    to_ngff_zarr(tmp_path / "b.zarr", ms)
    for found, expected in zip(from_ngff_zarr(tmp_path / "b.zarr").images, planned, strict=True):
        np.testing.assert_array_equal(found.data.compute(), expected)


_PEAK_MEMORY = """
import resource, sys
import dask.array as da, numpy as np
import ngff_zarr as nz

def block(block_id=None):
    rng = np.random.default_rng(block_id)
    return rng.integers(0, 4000, (64, 128, 128), dtype=np.uint16)

# a lazy 256 x 512 x 512 uint16 source (128 MiB), computed 64^2 x 128 blocks at a time
source = da.map_blocks(block, chunks=((64,) * 4, (128,) * 4, (128,) * 4), dtype=np.uint16)
# 64^3 chunks, two per shard (128^3 shards of 4 MiB): write units well inside the target (a
# unit is assembled and encoded whole, so no target below a few units can hold)
ms = nz.to_multiscales(
    nz.to_ngff_image(source), scale_factors=[2, 4], method="local_mean", chunks=64
)
# a small write first, so that what every write loads once (codecs, thread pools) is in the
# baseline and the growth measured is the write's own
warm = nz.to_multiscales(nz.to_ngff_image(np.zeros((64, 128, 128), np.uint16)), scale_factors=[2])
nz.to_ngff_zarr(sys.argv[1] + ".warm", warm, version="0.5", chunks_per_shard=2)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
nz.to_ngff_zarr(sys.argv[1], ms, version="0.5", chunks_per_shard=2, memory_target=32 * 2**20)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024)
"""


def _peak_growth(script: str, target: Path) -> int:
    """Bytes the peak RSS of a fresh interpreter running ``script`` grew by (it prints them)."""
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=300,
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_a_streamed_write_stays_within_its_memory_target(tmp_path: Path) -> None:
    """Measured in a fresh process (peak RSS), not taken from the planner's own estimate."""
    growth = _peak_growth(_PEAK_MEMORY, tmp_path / "big.zarr")
    source_bytes = 256 * 512 * 512 * 2
    # the whole source is 128 MiB; the write holds about its 32 MiB target (measured: ~70 MiB
    # for sharded 0.5 with 3 workers, where encoding a shard costs copies the planner does not
    # count yet), never the source
    assert growth < 2 * 32 * 2**20 + 32 * 2**20, f"peak RSS grew by {growth / 2**20:.0f} MiB"
    assert growth < source_bytes
    assert from_ngff_zarr(tmp_path / "big.zarr").images[2].shape == (64, 128, 128)


_PEAK_MEMORY_PLANES = """
import resource, sys
import dask.array as da, numpy as np
import ngff_zarr as nz

def plane(block_id=None):
    return np.full((1, 1024, 1024), block_id[0] % 4000, dtype=np.uint16)

# a lazy 512 x 1024 x 1024 uint16 source (1 GiB), one 2 MiB image plane per chunk: a band
# of 128 planes (256 MiB) is held while the regions of a 128-deep row of chunks read it
source = da.map_blocks(plane, chunks=((1,) * 512, (1024,), (1024,)), dtype=np.uint16)
ms = nz.to_multiscales(nz.to_ngff_image(source), scale_factors=[2, 4], method="local_mean")
warm = nz.to_multiscales(nz.to_ngff_image(np.zeros((64, 128, 128), np.uint16)), scale_factors=[2])
nz.to_ngff_zarr(sys.argv[1] + ".warm", warm, version="0.4")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
nz.to_ngff_zarr(sys.argv[1], ms, version="0.4", memory_target=256 * 2**20)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) * 1024)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="measures glibc's heap")
def test_a_write_from_image_planes_holds_one_band_of_them(tmp_path: Path) -> None:
    """Planes are computed on one worker thread and freed on others: without handing freed
    memory back, every worker's allocator arena kept a band (measured: 1065 MiB -> 462 MiB)."""
    growth = _peak_growth(_PEAK_MEMORY_PLANES, tmp_path / "planes.zarr")
    band = 128 * 1024 * 1024 * 2
    assert growth < band + 320 * 2**20, f"peak RSS grew by {growth / 2**20:.0f} MiB"
    back = from_ngff_zarr(tmp_path / "planes.zarr").images[0].data
    np.testing.assert_array_equal(back[[0, 300, 511], 5, 7].compute(), [0, 300, 511])


def test_metadata_only_then_fill_then_append_coarser_levels(tmp_path: Path) -> None:
    """ngff-zarr's "create the store before its data" and "append coarser levels" examples."""
    shape, chunks = (1, 64, 96, 96), (1, 16, 32, 32)
    placeholder = da.zeros(shape, dtype="float32", chunks=chunks)
    image = to_ngff_image(placeholder, dims=["c", "z", "y", "x"])
    ms = to_multiscales(image, scale_factors=[], chunks=chunks, cache=False)
    store = tmp_path / "volume.ome.zarr"
    to_ngff_zarr(store, ms, version="0.5", metadata_only=True)
    path = ms.metadata.datasets[0].path
    level0 = zarr.open_array(store / path, mode="r+")
    assert level0.shape == shape and level0.chunks == chunks
    assert not (store / path / "c").exists()  # no chunk written: nothing was computed
    values = np.random.default_rng(8).random(shape).astype("float32")
    for z in range(0, shape[1], 16):  # the user's own writer, slab by slab
        level0[:, z : z + 16] = values[:, z : z + 16]
    base = from_ngff_zarr(store).images[0]
    more = to_multiscales(base, scale_factors=[2, 4], chunks=chunks, method="local_mean")
    with pytest.raises(NgffValueError, match="start_level: keeps the levels already in the"):
        to_ngff_zarr(store, more, version="0.5", start_level=1)
    to_ngff_zarr(store, more, version="0.5", overwrite=False, start_level=1)
    back = from_ngff_zarr(store)
    assert [im.shape for im in back.images] == [
        (1, 64, 96, 96), (1, 32, 48, 48), (1, 16, 24, 24),
    ]  # fmt: skip
    np.testing.assert_array_equal(back.images[0].data.compute(), values)
    ref = to_multiscales(
        to_ngff_image(values, dims="czyx"), scale_factors=[2, 4], method="local_mean"
    )
    for ours, expected in zip(back.images[1:], ref.images[1:], strict=True):
        np.testing.assert_array_equal(ours.data.compute(), expected.data.compute())
    assert_valid_with_ome_zarr_models(store, "0.5")
    smaller = to_multiscales(np.zeros((8, 8), "float32"), scale_factors=[2])
    with pytest.raises(NgffValueError, match=r"start_level: level 0 \('scale0/image'\) in the"):
        to_ngff_zarr(store, smaller, overwrite=False, start_level=1)


def test_extra_keywords_choose_the_compression_or_are_refused(tmp_path: Path) -> None:
    import numcodecs

    ms = _small()
    to_ngff_zarr(tmp_path / "a.zarr", ms, version="0.4", compressor=numcodecs.GZip(level=5))
    zarray = json.loads(
        (tmp_path / "a.zarr" / "scale0" / "image" / ".zarray").read_text(encoding="utf-8")
    )
    assert zarray["compressor"] == {"id": "gzip", "level": 5}
    to_ngff_zarr(tmp_path / "b.zarr", ms, compressors=[numcodecs.GZip(level=5)])
    codecs = json.loads(
        (tmp_path / "b.zarr" / "scale0" / "image" / "zarr.json").read_text(encoding="utf-8")
    )["codecs"]
    assert codecs[-1]["name"] == "gzip" and codecs[-1]["configuration"]["level"] == 5
    to_ngff_zarr(tmp_path / "c.zarr", ms, version="0.4", compressor=None)
    zarray = json.loads(
        (tmp_path / "c.zarr" / "scale0" / "image" / ".zarray").read_text(encoding="utf-8")
    )
    assert zarray["compressor"] is None
    with pytest.raises(NgffValueError, match=r"unexpected keyword 'chunks'"):
        to_ngff_zarr(tmp_path / "d.zarr", ms, chunks=32)
    with pytest.raises(NgffValueError, match=r"chunk_store: not supported"):
        to_ngff_zarr(tmp_path / "d.zarr", ms, chunk_store=tmp_path / "e")
    assert not (tmp_path / "d.zarr").exists()


def test_cli_overwrite_never_deletes_a_directory_that_is_not_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ngff_zarr.cli import main

    source = tmp_path / "in.zarr"
    to_ngff_zarr(source, _small())
    mine = tmp_path / "results"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    assert main(["convert", "--no-progress", "--overwrite", str(source), str(mine)]) == 1
    assert "is not a Zarr hierarchy; it is never deleted" in capsys.readouterr().err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    out = tmp_path / "out.zarr"
    assert main(["convert", "--no-progress", str(source), str(out)]) == 0
    assert main(["convert", "--no-progress", "--overwrite", str(source), str(out)]) == 0
