"""One vocabulary: versions, dims and units live in ngff_zarr.vocab, and nowhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ngff_zarr
from ngff_zarr import NgffValueError, vocab

PACKAGE = Path(ngff_zarr.__file__).parent
_VERSION = re.compile(r"^0\.\d+$")


def _version_lists(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            strings = [v for v in values if isinstance(v, str) and _VERSION.match(v)]
            if len(strings) >= 2 and len(strings) == len(node.elts):
                lines.append(node.lineno)
    return lines


def test_the_version_list_lives_in_vocab_only() -> None:
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "vocab.py" and (lines := _version_lists(path))
    }
    assert not found, f"lists of OME-NGFF versions outside vocab.py: {found}"


@pytest.mark.parametrize(
    ("spelling", "dim", "expected"),
    [
        ("µm", "x", "micrometer"),
        ("μm", "y", "micrometer"),
        ("um", "z", "micrometer"),
        ("microns", "x", "micrometer"),
        ("\\u00B5m", "x", "micrometer"),
        ("NM", "x", "nanometer"),
        ("ms", "t", "millisecond"),
        ("seconds", "t", "second"),
        ("min", "t", "minute"),
        ("parsec", "x", "parsec"),
    ],
)
def test_units_normalise(spelling: str, dim: str, expected: str) -> None:
    assert vocab.normalize_unit(spelling, dim) == expected


@pytest.mark.parametrize(
    ("unit", "dim", "message"),
    [
        ("second", "x", r"axes_units\['x'\]: expected one of .* \(a space unit\), got 'second'"),
        ("parsecs", "y", r"got 'parsecs'"),
        ("micrometer", "c", r"expected no unit for a channel axis"),
    ],
)
def test_units_refused(unit: str, dim: str, message: str) -> None:
    with pytest.raises(NgffValueError, match=message):
        vocab.normalize_unit(unit, dim)


def test_unit_factors_come_from_one_table() -> None:
    assert vocab.unit_factor("millimeter", "micrometer") == 1000.0
    assert vocab.unit_factor("hour", "second") == 3600.0
    assert vocab.unit_factor("inch", "micrometer") == 25400.0
    with pytest.raises(NgffValueError, match="cannot convert 'second' to 'meter'"):
        vocab.unit_factor("second", "meter")


def test_versions() -> None:
    assert vocab.WRITE_VERSIONS == ("0.4", "0.5", "0.6")
    assert set(vocab.WRITE_VERSIONS) <= set(vocab.READ_VERSIONS)
    assert [vocab.zarr_format_of(v) for v in vocab.READ_VERSIONS] == [2, 2, 2, 2, 3, 3]
    assert vocab.version_rank("0.3") < vocab.version_rank("0.5")
