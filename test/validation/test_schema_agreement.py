"""The official schemas against ours, on mutated official examples (issue 16, finding 9).

Each example of ``../shared/ngff-spec/<version>/examples`` (images, labels, plates, wells) is
mutated the way the malformed-store fuzzer mutates documents (a value replaced, a key deleted,
a list entry repeated, a value wrapped) and checked with the official JSON Schema (with
``jsonschema``, as its authors run it) and with :func:`ngff_zarr.validate`. A document the
official schema rejects must be invalid for us too. Our schemas leave uniqueness to data-level
rules (NGFF102, NGFF403, NGFF505: ``uniqueItems`` compares every pair of an overlong list), so
the check is on the whole validator, not on the schema alone.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from _mutations import mutate_document
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ngff_zarr import NgffValidationError, validate

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

_KINDS = {"multiscales": "image", "label": "label", "plate": "plate", "well": "well"}
EXAMPLES = 150


def _examples(spec: Path) -> list[tuple[str, str, str, dict[str, Any]]]:
    out = []
    for version in ("0.4", "0.5"):
        for path in sorted((spec / version / "examples").rglob("*.json")):
            kind = _KINDS.get(path.parent.name.removesuffix("_strict"))
            if kind is None or path.name.startswith("."):
                continue
            doc = json.loads(re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8")))
            out.append((version, kind, path.name, doc.get("attributes", doc)))
    return out


def _official(spec: Path) -> dict[str, Any]:
    """Validators of the official schemas, by (version, kind), resolved offline."""
    from referencing.jsonschema import DRAFT202012

    out = {}
    for version in ("0.4", "0.5"):
        docs = [
            json.loads(p.read_text(encoding="utf-8"))
            for p in (spec / version / "schemas").glob("*.schema")
        ]
        registry = referencing.Registry().with_resources(
            (d["$id"], referencing.Resource.from_contents(d, default_specification=DRAFT202012))
            for d in docs
        )
        for kind in set(_KINDS.values()):
            schema = registry.contents(
                f"https://ngff.openmicroscopy.org/{version}/schemas/{kind}.schema"
            )
            out[version, kind] = jsonschema.Draft202012Validator(schema, registry=registry)
    return out


@pytest.fixture(scope="module")
def material(ngff_spec: Path) -> tuple[list[Any], dict[str, Any]]:
    return _examples(ngff_spec), _official(ngff_spec)


def _finite(value: Any) -> bool:
    """Whether ``value`` is plain JSON (no NaN or infinity, which JSON cannot hold)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def test_official_examples_load(material: tuple[list[Any], dict[str, Any]]) -> None:
    examples, official = material
    assert len(examples) >= 10
    for version, kind, name, doc in examples:
        assert official[version, kind].is_valid(doc), (version, name)


@seed(16)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_what_the_official_schema_rejects_we_reject(
    material: tuple[list[Any], dict[str, Any]], data: Any
) -> None:
    examples, official = material
    version, kind, name, original = data.draw(st.sampled_from(examples), label="example")
    doc = mutate_document(copy.deepcopy(original), data)
    if not isinstance(doc, dict) or not _finite(doc) or official[version, kind].is_valid(doc):
        return
    try:
        report = validate(doc, version=version, model=kind)
    except NgffValidationError as exc:
        report = exc.report
    assert not report.valid, f"{version} {kind} {name}: official rejects, we accept {doc}"


def test_the_same_multiscale_twice_is_an_error(material: tuple[list[Any], dict[str, Any]]) -> None:
    """Found by the test above: the official schemas' uniqueItems on multiscales (NGFF113)."""
    examples, official = material
    version, kind, _, doc = next(e for e in examples if e[1] == "image" and e[0] == "0.5")
    twice = copy.deepcopy(doc)
    twice["ome"]["multiscales"] = twice["ome"]["multiscales"] * 2
    assert not official[version, kind].is_valid(twice)
    with pytest.raises(NgffValidationError) as caught:
        validate(twice, version=version, model=kind)
    assert [f.code for f in caught.value.report.errors] == ["NGFF113"]
