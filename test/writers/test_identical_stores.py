"""Every installed writer backend writes the same store, and ``"auto"`` picks among them.

Same files, byte-identical metadata documents, identical decoded chunks. The compressed
bytes of a chunk may differ: zarr-python (numcodecs), zarrs and tensorstore each link their
own libzstd build, which for the same level and settings can emit different (equally valid)
frames; and zarr-python places a shard's inner chunks in the order they finish, zarrs and
tensorstore in C order (the shard index says where each is).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr import _writers
from ngff_zarr._writers import WriteTarget, available_backends, resolve_backend
from ngff_zarr.errors import NgffValueError

_META = ("zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata")
BACKENDS = available_backends()


def _multiscales() -> nz.Multiscales:
    rng = np.random.default_rng(2)
    data = rng.integers(0, 60000, (40, 96, 80)).astype("uint16")
    data[:, :32] = 0  # whole chunks of zeros: not stored by any backend
    data[:, 32:48] = np.arange(80, dtype="uint16")  # compressible
    image = nz.to_ngff_image(data, scale={"z": 2.0, "y": 0.5, "x": 0.5})
    return nz.to_multiscales(image, scale_factors=[2, 4], chunks=16, method="local_mean")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("version", "per_shard"), [("0.4", None), ("0.5", 2)])
def test_every_backend_writes_the_same_store(
    tmp_path: Path, version: str, per_shard: int | None
) -> None:
    assert {"zarr", "tensorstore", "zarrs"} <= set(BACKENDS)  # the test extra installs them
    ms = _multiscales()
    stores = {}
    for name in BACKENDS:
        nz.to_ngff_zarr(
            tmp_path / name, ms, version=version, chunks_per_shard=per_shard, backend=name
        )  # fmt: skip
        stores[name] = _files(tmp_path / name)
    reference = stores["zarr"]
    metadata = sorted(k for k in reference if k.endswith(_META))
    chunks = sorted(k for k in reference if not k.endswith(_META))
    assert len(metadata) >= 4 and len(chunks) >= 10
    first = "scale0/image/0/0/0" if version == "0.4" else "scale0/image/c/0/0/0"
    assert first not in reference  # all zeros: not stored
    for name, files in stores.items():
        assert sorted(files) == sorted(reference), name  # the same chunks stored (none empty)
        for key in metadata:
            assert files[key] == reference[key], (name, key)  # byte for byte
    # decoded with zarr-python's own pipeline, whoever wrote them
    for dataset in nz.from_ngff_zarr(tmp_path / "zarr").metadata.datasets:
        expected = zarr.open_array(tmp_path / "zarr" / dataset.path, mode="r")[...]
        for name in BACKENDS:
            got = zarr.open_array(tmp_path / name / dataset.path, mode="r")[...]
            np.testing.assert_array_equal(got, expected, err_msg=f"{name} {dataset.path}")
    if version == "0.4":  # each chunk file decompresses to the same bytes
        zstd = numcodecs.Zstd()
        for key in chunks:
            raw = zstd.decode(reference[key])
            for name, files in stores.items():
                assert zstd.decode(files[key]) == raw, (name, key)


def _target(store: object, root: Path | None = None, **kw: object) -> WriteTarget:
    group = zarr.open_group(store, mode="w")  # type: ignore[arg-type]
    return WriteTarget(group=group, root=root, **kw)  # type: ignore[arg-type]


def test_auto_is_zarrs_for_a_local_directory(tmp_path: Path) -> None:
    target = _target(zarr.storage.LocalStore(tmp_path / "a"), tmp_path / "a")
    assert resolve_backend("auto", target) == _writers.AUTO_ORDER[0] == "zarrs"


def test_auto_falls_back_in_order_and_logs_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    with caplog.at_level(logging.INFO, logger="ngff_zarr._writers"):
        assert resolve_backend("auto", _target(zarr.storage.MemoryStore())) == "zarr"
    assert "zarrs cannot write this target (zarrs writes local directories" in caplog.text
    caplog.clear()
    lz4 = nz.codecs.resolve_compressors("lz4")
    local = _target(zarr.storage.LocalStore(tmp_path / "b"), tmp_path / "b", compressors=lz4)
    with caplog.at_level(logging.INFO, logger="ngff_zarr._writers"):
        assert resolve_backend("auto", local) == "zarr"
    assert "compressors ['lz4'] are not among zarrs'" in caplog.text
    # zarrs not installed (its registration names a package that is not there): zarr-python,
    # never tensorstore, which is installed (a process forked after it ran aborts)
    assert _writers._BACKENDS["tensorstore"].installed()
    for name in ("zarrs",):
        registration = _writers._BACKENDS[name]
        missing = _writers._Registration(
            factory=registration.factory,
            package=f"no_such_{name}_ngff",
            extra=registration.extra,
            refuses=registration.refuses,
        )
        monkeypatch.setitem(_writers._BACKENDS, name, missing)
        caplog.clear()
        ms = _multiscales()
        with caplog.at_level(logging.INFO, logger="ngff_zarr._writers"):
            local = _target(zarr.storage.LocalStore(tmp_path / name), tmp_path / name)
            assert resolve_backend("auto", local) == "zarr"
            nz.to_ngff_zarr(tmp_path / f"{name}.ome.zarr", ms)
        assert (
            f"no_such_{name}_ngff is not installed (pip install 'ngff-zarr[{name}]')" in caplog.text
        )
        back = nz.from_ngff_zarr(tmp_path / f"{name}.ome.zarr")
        np.testing.assert_array_equal(back.images[0].data.compute(), ms.images[0].data.compute())


def test_an_explicit_backend_that_cannot_write_the_target_is_an_error() -> None:
    with pytest.raises(NgffValueError, match=r"backend: 'zarrs' cannot write this target"):
        resolve_backend("zarrs", _target(zarr.storage.MemoryStore()))
    with pytest.raises(NgffValueError, match=r"backend: expected one of \['auto', 'zarr'"):
        resolve_backend("rust", _target(zarr.storage.MemoryStore()))
    ms = _multiscales()
    with pytest.raises(NgffValueError, match=r"use_tensorstore=True writes with tensorstore"):
        nz.to_ngff_zarr(zarr.storage.MemoryStore(), ms, use_tensorstore=True, backend="zarrs")


def test_backend_from_config_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ms = _multiscales()
    monkeypatch.setenv("NGFF_ZARR_WRITE_BACKEND", "nope")
    with pytest.raises(NgffValueError, match=r"backend: expected one of .*, got 'nope'"):
        nz.to_ngff_zarr(tmp_path / "a.ome.zarr", ms)
    with nz.config.set(write_backend="tensorstore"):
        assert nz.config.write_backend == "tensorstore"
        with pytest.raises(NgffValueError, match="tensorstore writes local directories only"):
            nz.to_ngff_zarr(zarr.storage.MemoryStore(), ms)
    with pytest.raises(NgffValueError, match=r"config.write_backend: expected a backend name"):
        nz.config.write_backend = 3


def test_zarrs_writes_use_zarrs_and_leave_the_zarr_config_alone(tmp_path: Path) -> None:
    before = zarr.config.get("codec_pipeline.path")
    group = zarr.open_group(zarr.storage.LocalStore(tmp_path), mode="w")
    writer = _writers.get_backend("zarrs", group=group, root=tmp_path)
    spec = _writers.ArraySpec(
        path="a", shape=(8, 8), dtype=np.dtype("uint8"), chunks=(4, 4), shards=None,
        dims=("y", "x"), zarr_format=3,
    )  # fmt: skip
    level = writer.create(spec)
    assert zarr.config.get("codec_pipeline.path") == before
    pipeline = type(level._array._async_array.codec_pipeline)  # type: ignore[attr-defined]
    assert pipeline.__module__.split(".")[0] == "zarrs"
    plain = group.create_array("b", shape=(4,), dtype="uint8")  # the user's own arrays
    assert type(plain._async_array.codec_pipeline).__module__.split(".")[0] == "zarr"


def test_concurrent_zarrs_writes_from_threads(tmp_path: Path) -> None:
    ms = _multiscales()
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            nz.to_ngff_zarr(tmp_path / f"{k}.ome.zarr", ms, backend="zarrs", chunks_per_shard=2)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = ms.images[0].data.compute()
    for k in range(4):
        back = nz.from_ngff_zarr(tmp_path / f"{k}.ome.zarr")
        np.testing.assert_array_equal(back.images[0].data.compute(), expected)
