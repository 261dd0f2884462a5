"""Every registered downsampling method passes the method contract."""

from __future__ import annotations

from typing import ClassVar

from ngff_zarr.testing import MethodContract
from ngff_zarr.vocab import Methods


class TestGaussian(MethodContract):
    method = Methods.GAUSSIAN


class TestLocalMean(MethodContract):
    method = Methods.LOCAL_MEAN


class TestMode(MethodContract):
    method = Methods.MODE
    dtypes: ClassVar[tuple[str, ...]] = ("uint8", "uint16", "uint32")


class TestNearest(MethodContract):
    method = Methods.NEAREST


class TestItkwasmGaussian(MethodContract):
    method = Methods.ITKWASM_GAUSSIAN


class TestItkwasmBinShrink(MethodContract):
    method = Methods.ITKWASM_BIN_SHRINK


class TestItkwasmLabelImage(MethodContract):
    method = Methods.ITKWASM_LABEL_IMAGE
    dtypes: ClassVar[tuple[str, ...]] = ("uint8", "uint16", "uint32")


def test_every_method_has_a_contract_subclass() -> None:
    covered = {cls.method for cls in MethodContract.__subclasses__()}
    assert covered == set(Methods)
