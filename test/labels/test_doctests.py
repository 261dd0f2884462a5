"""The examples in the docstrings of the labels, tables and ROI modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ngff_zarr.v04.labels",
    "ngff_zarr.v05.labels",
    "ngff_zarr.labels.model",
    "ngff_zarr.labels.read",
    "ngff_zarr.labels.write",
    "ngff_zarr.labels._colors",
    "ngff_zarr.labels._values",
    "ngff_zarr.tables.spec",
    "ngff_zarr.tables.io",
    "ngff_zarr.rois.roi",
    "ngff_zarr.rois.region",
    "ngff_zarr.rois.masks",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
