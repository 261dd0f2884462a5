"""Every registered array writer passes the writer contract."""

from __future__ import annotations

from ngff_zarr._writers import _BACKENDS
from ngff_zarr.testing import WriterContract


class TestZarrPython(WriterContract):
    backend = "zarr"


class TestZarrs(WriterContract):
    backend = "zarrs"


class TestTensorStore(WriterContract):
    backend = "tensorstore"


def test_every_writer_has_a_contract_subclass() -> None:
    assert {cls.backend for cls in WriterContract.__subclasses__()} == set(_BACKENDS)
