"""Every example in the docstrings of ngff_zarr.v06 runs (doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ngff_zarr.v06

MODULES = sorted(m.name for m in pkgutil.iter_modules(ngff_zarr.v06.__path__, "ngff_zarr.v06."))


def test_every_module_is_collected() -> None:
    assert "ngff_zarr.v06.rules" in MODULES and "ngff_zarr.v06.zarr_metadata" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, raise_on_error=False)
    assert result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_public_names_have_examples_or_docs(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__
    for public in getattr(module, "__all__", []):
        value = getattr(module, public)
        if callable(value) and getattr(value, "__module__", "") == name:
            assert value.__doc__, f"{name}.{public} has no docstring"
