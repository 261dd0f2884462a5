"""Inputs the examples of ngff-zarr's documentation read, made in a temporary working folder.

The examples are quoted from ngff-zarr 0.50's pages (python, methods, hcs, rfc4, cli; see
/work/notes/ngff-zarr-050.md §8); they read files such as ``cthead1.png`` or
``MR-head.nrrd`` from the working directory, so each test runs in its own folder where these
fixtures write small real files of those formats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from _dropin_inputs import cthead_like

import ngff_zarr as nz


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example's working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cthead_png(workdir: Path) -> np.ndarray:
    """``cthead1.png`` in the working directory; returns its pixels."""
    imageio = pytest.importorskip("imageio.v3")
    data = cthead_like()
    imageio.imwrite(workdir / "cthead1.png", data)
    return data


@pytest.fixture
def cthead_store(workdir: Path) -> Callable[[str], Path]:
    """``cthead1.ome.zarr`` written at a version, as the page's reading examples expect."""

    def write(version: str = "0.5") -> Path:
        image = nz.to_ngff_image(cthead_like(), dims=["y", "x"])
        nz.to_ngff_zarr("cthead1.ome.zarr", nz.to_multiscales(image, [2, 4]), version=version)
        return workdir / "cthead1.ome.zarr"

    return write


@pytest.fixture
def itk_volume(workdir: Path) -> Callable[[str], np.ndarray]:
    """A small medical volume written by ITK (``.nrrd``, ``.nii.gz``, ``.vtk``...)."""
    itk = pytest.importorskip("itk", reason="the itk extra is not installed")

    def write(name: str) -> np.ndarray:
        data = (np.arange(12 * 40 * 48) % 253).astype(np.int16).reshape(12, 40, 48)
        image = itk.image_from_array(data)
        image.SetSpacing([0.9375, 0.9375, 1.5])
        image.SetOrigin([-120.0, -100.0, 30.0])
        itk.imwrite(image, str(workdir / name))
        return data

    return write
