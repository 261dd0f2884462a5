"""Downsampling methods: the :class:`Methods` enum and the registry of block functions.

Every method is a *block function*: it takes a NumPy block that carries ``halo`` extra pixels
on each side of each dim (the engine pads at the array's edges) and returns the downsampled
interior. Because a block function sees only its block, the streaming writer can run it on any
tiling of the image and obtain exactly what a whole-array computation would give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..errors import unknown_choice
from ..vocab import Methods

__all__ = ["BlockMethod", "Methods", "get_method"]


DEFAULT_METHOD = Methods.GAUSSIAN


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


def _registry() -> dict[Methods, BlockMethod]:
    from . import _itkwasm, _numpy

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
            method=Methods.ITKWASM_GAUSSIAN, function=_itkwasm.gaussian, halo=_itkwasm.halo_for,
            label_safe=False, package="itkwasm-downsample",
            description="Gaussian smoothing and resampling with itkwasm-downsample's downsample",
        ),
        BlockMethod(
            method=Methods.ITKWASM_BIN_SHRINK, function=_itkwasm.bin_shrink, halo=_no_halo,
            label_safe=False, package="itkwasm-downsample",
            description="Bin-shrink (box mean) with itkwasm-downsample's downsample_bin_shrink",
        ),
        BlockMethod(
            method=Methods.ITKWASM_LABEL_IMAGE, function=_itkwasm.label_image,
            halo=_itkwasm.halo_for, label_safe=True, package="itkwasm-downsample",
            description="Label-preserving Gaussian voting with itkwasm-downsample's "
            "downsample_label_image",
        ),
    ]  # fmt: skip
    return {entry.method: entry for entry in entries}


_REGISTERED: dict[Methods, BlockMethod] = {}


def get_method(method: Methods | str) -> BlockMethod:
    """The registered :class:`BlockMethod` for ``method`` (an enum member or its value)."""
    if not _REGISTERED:
        _REGISTERED.update(_registry())
    try:
        key = method if isinstance(method, Methods) else Methods(str(method))
    except ValueError:
        raise unknown_choice("method", method, [m.value for m in Methods]) from None
    return _REGISTERED[key]
