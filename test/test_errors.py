"""One error hierarchy: every raise of the package is one of its errors, typed as a builtin too."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

import ngff_zarr
from ngff_zarr import errors

PACKAGE = Path(ngff_zarr.__file__).parent
BUILTIN_ERRORS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}
# raised on purpose as themselves: an abstract fixture, and Ctrl-C passed through
ALLOWED = {"NotImplementedError", "KeyboardInterrupt"}
# what Python's own protocols require a method to raise (a mapping's missing key, ...)
PROTOCOL = {"__getitem__": "KeyError", "__delitem__": "KeyError", "__getattr__": "AttributeError"}


def _raised_names(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    protocol_raises = {
        id(node)
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef) and func.name in PROTOCOL
        for node in ast.walk(func)
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id == PROTOCOL[func.name]
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None or id(node) in protocol_raises:
            continue
        target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(target, ast.Name) and target.id in BUILTIN_ERRORS - ALLOWED:
            found.append((node.lineno, target.id))
    return found


def test_no_bare_builtin_is_raised() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: raise {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, name in _raised_names(path)
    ]
    assert not offenders, "raise errors of ngff_zarr.errors instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (errors.NgffValueError, ValueError),
        (errors.InvalidDimsError, ValueError),
        (errors.UnsupportedVersionError, ValueError),
        (errors.InvalidMetadataError, ValueError),
        (errors.NgffValidationError, ValueError),
        (errors.PathNotFoundError, FileNotFoundError),
        (errors.MetadataNotFoundError, FileNotFoundError),
        (errors.ArrayNotFoundError, FileNotFoundError),
        (errors.StoreExistsError, FileExistsError),
        (errors.WriteError, OSError),
        (errors.ReadError, OSError),
        (errors.NgffIndexError, IndexError),
        (errors.DependencyError, ImportError),
        (errors.InternalError, RuntimeError),
    ],
)
def test_each_error_is_also_the_builtin_it_stands_for(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, errors.NgffZarrError)
    assert issubclass(error, builtin)


def test_argument_errors_are_not_metadata_errors() -> None:
    """Bad arguments and bad documents are told apart by type."""
    assert not issubclass(errors.NgffValueError, errors.InvalidMetadataError)
    assert not issubclass(errors.InvalidMetadataError, errors.NgffValueError)


def test_the_unknown_choice_message_shape() -> None:
    error = errors.unknown_choice(
        "writer", "fast", ["tensorstore", "zarr"], install={"zarrs": "zarrs"}
    )
    assert isinstance(error, errors.NgffValueError)
    assert str(error) == (
        "writer: expected one of ['tensorstore', 'zarr'], got 'fast'; "
        "install zarrs with pip install 'ngff-zarr[zarrs]'"
    )


def test_missing_dependency_names_the_extra_and_python() -> None:
    error = errors.missing_dependency("reading ND2", "nd2", "nd2", python="3.12")
    assert isinstance(error, errors.DependencyError)
    assert str(error) == (
        "reading ND2 needs nd2 (which needs Python 3.12 or newer): pip install 'ngff-zarr[nd2]'"
    )


def test_every_registry_refuses_an_unknown_choice_the_same_way() -> None:
    from ngff_zarr._versions import layout
    from ngff_zarr._writers import get_backend
    from ngff_zarr.formats import get_reader
    from ngff_zarr.methods import get_method

    shape = r"^{field}: expected one of \[[^\]]+\]( \([^)]*\))?, got 'nope'(; install .*)?$"
    for field, call in [
        ("method", lambda: get_method("nope")),
        ("backend", lambda: get_backend("nope")),
        ("reader", lambda: get_reader("nope")),
        ("version", lambda: layout("nope")),
    ]:
        with pytest.raises(errors.NgffValueError, match=shape.format(field=field)):
            call()


def test_a_tensorstore_fallback_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The reader falls back to zarr-python where tensorstore cannot serve an array, and says so."""
    import logging

    import numpy as np

    from ngff_zarr import from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr

    big_endian = np.arange(64, dtype=">u2").reshape(8, 8)
    to_ngff_zarr(
        tmp_path / "be.zarr",
        to_multiscales(to_ngff_image(big_endian), scale_factors=[]),
        version="0.4",
    )
    with caplog.at_level(logging.DEBUG, logger="ngff_zarr._io.tensorstore_read"):
        image = from_ngff_zarr(tmp_path / "be.zarr").images[0]
    assert any("read with zarr-python" in r.getMessage() for r in caplog.records), caplog.text
    np.testing.assert_array_equal(image.data.compute(), big_endian)
