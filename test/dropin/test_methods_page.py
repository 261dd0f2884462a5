"""ngff-zarr's "Methods" page (methods.md): each method's documented behaviour, end to end.

The page has no code blocks but states, per member of ``Methods``, what its samples are and
what it needs; each statement is checked here on a real image written to a store and read
back (the block functions themselves are checked against independent implementations in
test/methods/).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ngff_zarr as nz

PAGE_METHODS = [
    "ITKWASM_GAUSSIAN", "ITKWASM_BIN_SHRINK", "ITKWASM_LABEL_IMAGE", "ITK_GAUSSIAN",
    "ITK_BIN_SHRINK", "DASK_IMAGE_GAUSSIAN", "DASK_IMAGE_MODE", "DASK_IMAGE_NEAREST",
    "DASK_BIN_SHRINK",
]  # fmt: skip
# ITK_GAUSSIAN and ITK_BIN_SHRINK: the same checks against ITK's own filters are in
# test/methods/test_methods.py (loading ITK's filters costs half a minute per process)
INTENSITY = ["ITKWASM_GAUSSIAN", "ITKWASM_BIN_SHRINK", "DASK_IMAGE_GAUSSIAN", "DASK_BIN_SHRINK"]


def _levels(
    data: np.ndarray, method: nz.Methods, store: Path, **kwargs: object
) -> list[np.ndarray]:
    """Write ``data`` with ``method`` (levels 2 and 4) and read every level back from disk."""
    multiscales = nz.to_multiscales(nz.to_ngff_image(data, **kwargs), [2, 4], method=method)
    nz.to_ngff_zarr(store, multiscales)
    assert nz.validate(store, strict=True).valid
    back = nz.from_ngff_zarr(store)
    assert back.metadata.metadata is not None  # the method is recorded in the store
    return [np.asarray(image.data) for image in back.images]


def _labels() -> np.ndarray:
    rng = np.random.default_rng(4)
    return rng.choice(np.array([0, 3, 7, 250], np.uint8), size=(20, 36, 44), p=[0.4, 0.3, 0.2, 0.1])


def test_every_method_of_the_page_is_a_member_and_the_default_is_itkwasm_gaussian() -> None:
    assert [m.name for m in nz.Methods][: len(PAGE_METHODS)] == PAGE_METHODS
    image = nz.to_ngff_image(np.zeros((32, 32), np.uint8))
    assert nz.to_multiscales(image, [2]).method is nz.Methods.ITKWASM_GAUSSIAN  # "The default"


@pytest.mark.parametrize("name", INTENSITY)
def test_intensity_methods_keep_a_constant_image_and_smooth_a_step(
    tmp_path: Path, name: str
) -> None:
    method = nz.Methods[name]
    if name == "DASK_IMAGE_GAUSSIAN":
        pytest.importorskip("dask_image", reason="the dask-image extra is not installed")
    flat = _levels(np.full((16, 40, 48), 1, np.uint16), method, tmp_path / "flat.ome.zarr")
    assert [level.shape for level in flat] == [(16, 40, 48), (8, 20, 24), (4, 10, 12)]
    assert all((level == 1).all() for level in flat)  # integers rounded, not truncated to 0
    step = np.zeros((16, 40, 48), np.uint16)
    step[:, :, 24:] = 1000
    levels = _levels(step, method, tmp_path / "step.ome.zarr")
    assert levels[1].min() == 0 and levels[1].max() == 1000  # far from the edge: unchanged
    gaussian = "GAUSSIAN" in name
    edge = levels[1][:, :, 11:13]  # the two output columns beside the step
    # a gaussian blurs across the step; a local mean of aligned 2-blocks does not
    assert (0 < edge.min() < 1000) if gaussian else set(np.unique(edge)) == {0, 1000}


@pytest.mark.parametrize("name", ["ITKWASM_LABEL_IMAGE", "DASK_IMAGE_MODE", "DASK_IMAGE_NEAREST"])
def test_label_methods_invent_no_label(tmp_path: Path, name: str) -> None:
    if name == "DASK_IMAGE_NEAREST":
        pytest.importorskip("dask_image", reason="the dask-image extra is not installed")
    labels = _labels()
    levels = _levels(labels, nz.Methods[name], tmp_path / "labels.ome.zarr")
    for level in levels[1:]:
        assert set(np.unique(level)) <= {0, 3, 7, 250}  # "minimal artifacts": no new labels
    # a region of one label keeps that label at every level
    uniform = np.full((16, 32, 32), 7, np.uint8)
    uniform[:, :, 16:] = 3
    for level in _levels(uniform, nz.Methods[name], tmp_path / "halves.ome.zarr")[1:]:
        half = level.shape[2] // 2
        assert (level[:, :, : half - 1] == 7).all() and (level[:, :, half + 1 :] == 3).all()


def test_dask_image_mode_is_the_most_frequent_label_smallest_on_a_tie(tmp_path: Path) -> None:
    data = np.array(
        [[5, 5, 2, 9, 4, 4],
         [5, 1, 9, 2, 6, 6]], np.uint8,
    )  # fmt: skip
    # blocks of 2x2: {5: 3, 1: 1} -> 5; {2: 2, 9: 2} -> 2 (tie: smallest); {4: 2, 6: 2} -> 4
    multiscales = nz.to_multiscales(nz.to_ngff_image(data), [2], method=nz.Methods.DASK_IMAGE_MODE)
    nz.to_ngff_zarr(tmp_path / "mode.ome.zarr", multiscales)
    level = np.asarray(nz.from_ngff_zarr(tmp_path / "mode.ome.zarr").images[1].data)
    np.testing.assert_array_equal(level, [[5, 2, 4]])


def test_dask_image_mode_and_dask_bin_shrink_need_nothing_beyond_dask(tmp_path: Path) -> None:
    """ "Computed with dask.array.coarsen: no dependency beyond dask": dask-image blocked."""
    code = f"""
import sys
sys.modules["dask_image"] = None  # importing dask-image fails from here on
import numpy as np
import ngff_zarr as nz
data = np.arange(16 * 16, dtype=np.uint8).reshape(16, 16)
for name in ("DASK_IMAGE_MODE", "DASK_BIN_SHRINK"):
    ms = nz.to_multiscales(nz.to_ngff_image(data), [2], method=nz.Methods[name])
    nz.to_ngff_zarr({str(tmp_path)!r} + "/" + name + ".ome.zarr", ms)
try:
    nz.to_multiscales(nz.to_ngff_image(data), [2], method=nz.Methods.DASK_IMAGE_NEAREST)
except nz.DependencyError as error:
    print(error)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, encoding="utf-8"
    )
    assert "pip install 'ngff-zarr[dask-image]'" in out.stdout  # the page's install line
    for name in ("DASK_IMAGE_MODE", "DASK_BIN_SHRINK"):
        assert nz.validate(tmp_path / f"{name}.ome.zarr").valid


def test_dask_bin_shrink_gives_the_bin_shrinks_samples(tmp_path: Path) -> None:
    """Same samples as ITKWASM_BIN_SHRINK (and ITK_BIN_SHRINK: test/methods); remainder
    dropped; integers rounded half up; any chunk layout."""
    import dask.array as da

    rng = np.random.default_rng(9)
    data = (rng.random((17, 43, 38)) * 255).astype(np.uint8)  # odd sizes: a remainder
    irregular = da.from_array(data, chunks=((5, 12), (20, 23), (7, 31)))  # "any chunk layout"
    dask_levels = _levels(irregular, nz.Methods.DASK_BIN_SHRINK, tmp_path / "dask.ome.zarr")
    assert [level.shape for level in dask_levels] == [(17, 43, 38), (8, 21, 19), (4, 10, 9)]
    # the local mean of each full 2-block of the level above, rounded half up
    above = dask_levels[0][:16, :42, :38].astype(np.float64)
    mean = above.reshape(8, 2, 21, 2, 19, 2).mean(axis=(1, 3, 5))
    np.testing.assert_array_equal(dask_levels[1], np.floor(mean + 0.5).astype(np.uint8))
    levels = _levels(data, nz.Methods.ITKWASM_BIN_SHRINK, tmp_path / "itkwasm.ome.zarr")
    for ours, theirs in zip(dask_levels, levels, strict=True):
        np.testing.assert_array_equal(ours, theirs)
