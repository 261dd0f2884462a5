"""Downsampling methods: the :class:`Methods` enum and the registry of block functions.

Every method is a *block function*: it takes a NumPy block that carries ``halo`` extra pixels
on each side of each dim (the engine pads at the array's edges) and returns the downsampled
interior. Because a block function sees only its block, the streaming writer can run it on any
tiling of the image and obtain exactly what a whole-array computation would give.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..config import config
from ..errors import missing_dependency, unknown_choice
from ..vocab import Methods

__all__ = ["BlockMethod", "Methods", "get_method", "methods", "methods_values"]


methods = [(m.name, m.value) for m in Methods]
methods_values = [m.value for m in Methods]


DEFAULT_METHOD = Methods.ITKWASM_GAUSSIAN  # ngff-zarr's default: the same call, the same pixels


class BlockFunction(Protocol):
    def __call__(
        self, block: np.ndarray, factors: tuple[int, ...], *, spatial: tuple[bool, ...]
    ) -> np.ndarray: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockMethod:
    """A registered method: its block function, the halo it needs and its provenance."""

    method: Methods
    function: BlockFunction
    halo: Callable[[tuple[int, ...], tuple[bool, ...]], tuple[int, ...]]
    label_safe: bool
    package: str
    description: str
    provenance: str = ""  # the function recorded as the metadata's ``method``
    requires: str | None = None  # the module an optional package provides, and its extra
    extra: str | None = None

    @property
    def available(self) -> bool:
        """Whether the optional package this method needs (if any) is installed."""
        return self.requires is None or importlib.util.find_spec(self.requires) is not None

    def __post_init__(self) -> None:
        if not self.provenance:
            object.__setattr__(self, "provenance", f"ngff_zarr.methods.{self.method.name}")

    def package_version(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(self.package)
        except PackageNotFoundError:
            return "unknown"


def _no_halo(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    return (0,) * len(factors)


def _numpy_gaussian_halo(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    from . import _numpy

    return _numpy.gaussian_halo(factors)


def _optional_gaussian_halo(factors: tuple[int, ...], spatial: tuple[bool, ...]) -> tuple[int, ...]:
    from . import _optional

    return _optional.gaussian_halo(factors, spatial)


def _webassembly() -> dict[Methods, BlockMethod]:
    """The itkwasm methods computed natively by default, as itkwasm-downsample runs them."""
    from . import _itkwasm

    entries = [
        BlockMethod(
            method=Methods.ITKWASM_GAUSSIAN, function=_itkwasm.gaussian, halo=_itkwasm.halo_for,
            label_safe=False, package="itkwasm-downsample",
            description="Gaussian smoothing and resampling with itkwasm-downsample's downsample "
            "(its WebAssembly)",
            provenance="itkwasm_downsample.downsample",
        ),
        BlockMethod(
            method=Methods.ITKWASM_BIN_SHRINK, function=_itkwasm.bin_shrink, halo=_no_halo,
            label_safe=False, package="itkwasm-downsample",
            description="Bin-shrink (box mean) with itkwasm-downsample's downsample_bin_shrink "
            "(its WebAssembly)",
            provenance="itkwasm_downsample.downsample_bin_shrink",
        ),
    ]  # fmt: skip
    return {entry.method: entry for entry in entries}


def _registry() -> dict[Methods, BlockMethod]:
    from . import _itkwasm, _itkwasm_native, _numpy, _optional

    entries = [
        BlockMethod(
            method=Methods.GAUSSIAN, function=_numpy.gaussian, halo=_numpy_gaussian_halo,
            label_safe=False, package="ngff-zarr",
            description="Gaussian anti-aliasing (sigma = factor / 3, truncated at 4 sigma) "
            "followed by the mean over each output pixel's box",
        ),
        BlockMethod(
            method=Methods.LOCAL_MEAN, function=_numpy.local_mean, halo=_no_halo,
            label_safe=False, package="ngff-zarr",
            description="Mean over each output pixel's box (integers rounded half up)",
        ),
        BlockMethod(
            method=Methods.MODE, function=_numpy.mode, halo=_no_halo, label_safe=True,
            package="ngff-zarr",
            description="Most frequent value of each output pixel's box (ties: smallest value)",
        ),
        BlockMethod(
            method=Methods.NEAREST, function=_numpy.nearest, halo=_no_halo, label_safe=True,
            package="ngff-zarr",
            description="Input pixel nearest each output pixel's centre",
        ),
        BlockMethod(
            method=Methods.ITKWASM_GAUSSIAN, function=_itkwasm_native.gaussian,
            halo=_itkwasm_native.halo_for, label_safe=False, package="itkwasm-downsample",
            description="itkwasm-downsample's downsample (ITK's discrete Gaussian, sampled at "
            "pixel centres), reproduced in NumPy at the output samples only",
            provenance="itkwasm_downsample.downsample",
        ),
        BlockMethod(
            method=Methods.ITKWASM_BIN_SHRINK, function=_itkwasm_native.bin_shrink,
            halo=_no_halo, label_safe=False, package="itkwasm-downsample",
            description="itkwasm-downsample's downsample_bin_shrink (the box mean), "
            "reproduced in NumPy",
            provenance="itkwasm_downsample.downsample_bin_shrink",
        ),
        BlockMethod(
            method=Methods.ITKWASM_LABEL_IMAGE, function=_itkwasm.label_image,
            halo=_itkwasm.halo_for, label_safe=True, package="itkwasm-downsample",
            description="Label-preserving Gaussian voting with itkwasm-downsample's "
            "downsample_label_image",
            provenance="itkwasm_downsample.downsample_label_image",
        ),
        BlockMethod(
            method=Methods.ITK_GAUSSIAN, function=_optional.itk_gaussian,
            halo=_optional_gaussian_halo, label_safe=False, package="itk-filtering",
            description="ITK's DiscreteGaussianImageFilter (itkwasm-downsample's sigma), "
            "sampled at each output pixel's centre",
            provenance="itk.DiscreteGaussianImageFilter", requires="itk", extra="itk",
        ),
        BlockMethod(
            method=Methods.ITK_BIN_SHRINK, function=_optional.itk_bin_shrink, halo=_no_halo,
            label_safe=False, package="itk-filtering",
            description="ITK's BinShrinkImageFilter: the mean of each output pixel's box",
            provenance="itk.BinShrinkImageFilter", requires="itk", extra="itk",
        ),
        BlockMethod(
            method=Methods.DASK_IMAGE_GAUSSIAN, function=_optional.dask_image_gaussian,
            halo=_optional_gaussian_halo, label_safe=False, package="dask-image",
            description="dask-image's gaussian_filter (itkwasm-downsample's sigma), sampled "
            "at each output pixel's centre",
            provenance="dask_image.ndfilters.gaussian_filter", requires="dask_image",
            extra="dask-image",
        ),
        BlockMethod(
            method=Methods.DASK_IMAGE_MODE, function=_numpy.mode, halo=_no_halo,
            label_safe=True, package="ngff-zarr",
            description="Most frequent label of each output pixel's box (ties: smallest)",
        ),
        BlockMethod(
            method=Methods.DASK_IMAGE_NEAREST, function=_optional.dask_image_nearest,
            halo=_no_halo, label_safe=True, package="dask-image",
            description="dask-image's order-0 affine_transform onto each output pixel's centre",
            provenance="dask_image.ndinterp.affine_transform", requires="dask_image",
            extra="dask-image",
        ),
        BlockMethod(
            method=Methods.DASK_BIN_SHRINK, function=_numpy.local_mean, halo=_no_halo,
            label_safe=False, package="ngff-zarr",
            description="Mean of each output pixel's box, the remainder dropped (integers "
            "rounded half up)",
        ),
    ]  # fmt: skip
    return {entry.method: entry for entry in entries}


_REGISTERED: dict[Methods, BlockMethod] = {}
_WEBASSEMBLY: dict[Methods, BlockMethod] = {}


def get_method(method: Methods | str) -> BlockMethod:
    """The registered :class:`BlockMethod` for ``method`` (an enum member or its value).

    Raises
    ------
    NgffValueError
        An unknown method; the message lists them and how to install the optional ones.
    DependencyError
        A method whose optional package is not installed, with its ``pip install`` line.
    """
    if not _REGISTERED:
        _WEBASSEMBLY.update(_webassembly())
        _REGISTERED.update(_registry())
    try:
        key = method if isinstance(method, Methods) else Methods(str(method).lower())
    except ValueError:
        missing = {
            m.method.value: m.extra
            for m in _REGISTERED.values()
            if m.extra is not None and not m.available
        }
        raise unknown_choice("method", method, methods_values, install=missing) from None
    entry = _REGISTERED[key]
    if not config.itkwasm_native:
        entry = _WEBASSEMBLY.get(key, entry)
    if not entry.available:
        raise missing_dependency(f"method {key.name}", entry.package, entry.extra or "all")
    return entry
