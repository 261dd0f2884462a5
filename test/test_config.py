"""Every tunable lives in config: assignment, scoped overrides, environment, defaults."""

from __future__ import annotations

import pytest

from ngff_zarr import NgffValueError, config


def test_order_scoped_then_assigned_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = config.read_chunk_bytes
    assert default == 32 * 2**20
    monkeypatch.setenv("NGFF_ZARR_READ_CHUNK_BYTES", "1e6")
    assert config.read_chunk_bytes == 1_000_000
    config.read_chunk_bytes = 2_000_000
    try:
        assert config.read_chunk_bytes == 2_000_000
        with config.set(read_chunk_bytes=3_000_000):
            assert config.read_chunk_bytes == 3_000_000
        assert config.read_chunk_bytes == 2_000_000
    finally:
        del config.read_chunk_bytes
    assert config.read_chunk_bytes == 1_000_000


def test_settings_are_checked() -> None:
    with pytest.raises(NgffValueError, match=r"config.max_workers: expected a value >= 1, got 0"):
        config.max_workers = 0
    with pytest.raises(NgffValueError, match=r"config.memory_target: expected a number"):
        config.memory_target = "lots"
    with pytest.raises(NgffValueError, match=r"config: expected one of \[.*\], got 'memory'"):
        config.memory = 1  # type: ignore[attr-defined]
    with (
        pytest.raises(NgffValueError, match=r"config.set: expected one of .*, got 'workers'"),
        config.set(workers=2),
    ):
        pass


def test_the_tunables_are_all_here() -> None:
    names = set(type(config)._settings())
    assert {
        "memory_target",
        "max_workers",
        "read_chunk_bytes",
        "read_level_bytes",
        "metadata_concurrency",
        "hcs_image_cache_size",
        "codec_level",
        "small_region_bytes",
        "read_backend",
    } <= names
    assert all(name in repr(config) for name in names)


def test_codec_level_reaches_the_written_arrays(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import numpy as np

    from ngff_zarr import to_multiscales, to_ngff_image, to_ngff_zarr

    ms = to_multiscales(to_ngff_image(np.zeros((32, 32), "uint8")), scale_factors=[2])
    with config.set(codec_level=7):
        to_ngff_zarr(tmp_path / "a.zarr", ms, version="0.4")
    levels = json.loads((tmp_path / "a.zarr" / ".zattrs").read_text(encoding="utf-8"))[
        "multiscales"
    ][0]
    path = levels["datasets"][0]["path"]
    compressor = json.loads((tmp_path / "a.zarr" / path / ".zarray").read_text(encoding="utf-8"))[
        "compressor"
    ]
    assert compressor == {"id": "zstd", "level": 7, "checksum": False} or compressor["level"] == 7


def test_a_config_built_with_ngff_zarrs_fields() -> None:
    from ngff_zarr.config import NgffZarrConfig

    own = NgffZarrConfig(memory_target=64 << 20, task_target=10, hcs_well_cache_size=3)
    assert (own.memory_target, own.task_target, own.hcs_well_cache_size) == (64 << 20, 10, 3)
    assert own.hcs_image_cache_size == NgffZarrConfig().hcs_image_cache_size  # not given
    assert config.task_target == NgffZarrConfig().task_target  # the package's own untouched
    with pytest.raises(NgffValueError, match=r"config\.task_target: expected a value >= 1"):
        NgffZarrConfig(task_target=0)
