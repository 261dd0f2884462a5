"""The one JSON reader's limits: size, depth, values; typed errors in bounded time (finding 7)."""

from __future__ import annotations

import doctest
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from zarr.storage import LocalStore

from ngff_zarr import (
    InvalidMetadataError,
    NgffValidationError,
    config,
    from_hcs_zarr,
    from_ngff_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
    validate,
)
from ngff_zarr._io import documents, stale
from ngff_zarr._io.documents import json_depth, parse_document


def _store(tmp_path: Path, version: str = "0.5") -> Path:
    path = tmp_path / "img.zarr"
    image = to_ngff_image(np.ones((16, 16), dtype="uint8"))
    to_ngff_zarr(path, to_multiscales(image, scale_factors=[2]), version=version)
    return path


def _local_store(path: Path) -> LocalStore:
    return LocalStore(path, read_only=True)


def _doc(path: Path, version: str) -> Path:
    return path / ("zarr.json" if version == "0.5" else ".zattrs")


def test_doctests() -> None:
    for module in (documents, stale):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[{{{"}', 1),  # brackets inside strings do not count
        (b'{"a": "x\\"[[[", "b": [[1]]}', 3),  # nor after an escaped quote
        (b'"unterminated [[[', 0),
        (b"[" * 10000, 10000),
    ],
)
def test_json_depth(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested 100000 levels deep"),  # RecursionError before
        (b'{"a": ' + b"1" * 5000 + b"}", "malformed JSON"),  # ValueError: too many digits
        (b"\xff\xfe{}", "malformed JSON"),  # UnicodeDecodeError
        (b'{"a": 1', "malformed JSON"),
        (b"[1, 2]", "expected a JSON object, found list"),
    ],
)
def test_malformed_documents_raise_invalid_metadata(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidMetadataError, match=message):
        parse_document(raw, "zarr.json")


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_deep_document_in_a_store_is_typed_for_reader_and_validator(
    tmp_path: Path, version: str
) -> None:
    path = _store(tmp_path, version)
    doc = json.loads(_doc(path, version).read_text(encoding="utf-8"))
    (doc["attributes"] if version == "0.5" else doc)["custom"] = "DEEP"
    deep = "[" * 5000 + "1" + "]" * 5000  # too deep for json.dumps to write it
    _doc(path, version).write_text(json.dumps(doc).replace('"DEEP"', deep))
    with pytest.raises(InvalidMetadataError, match="levels deep"):
        from_ngff_zarr(path)
    report = validate(path)
    assert [f.code for f in report.errors] == ["NGFF001"]


def test_oversized_document_is_refused_without_parsing(tmp_path: Path) -> None:
    path = _store(tmp_path)
    limit = config.metadata_max_bytes
    with open(path / "zarr.json", "r+b") as handle:  # a sparse file beyond the limit
        handle.truncate(limit + 4096)
    started = time.perf_counter()
    with pytest.raises(InvalidMetadataError, match=f"more bytes than the {limit} a metadata"):
        from_ngff_zarr(path)
    report = validate(path)
    assert [f.code for f in report.errors] == ["NGFF001"]
    assert time.perf_counter() - started < 30


def test_limits_are_settings(tmp_path: Path) -> None:
    path = _store(tmp_path)
    with (
        config.set(metadata_max_bytes=1024),
        pytest.raises(InvalidMetadataError, match="more bytes than the 1024"),
    ):
        from_ngff_zarr(path)
    with config.set(metadata_max_depth=16):
        assert from_ngff_zarr(path).images[0].shape == (16, 16)  # zarr.json nests 10 deep
    with pytest.raises(ValueError, match="metadata_max_depth"):
        config.metadata_max_depth = 8


def test_validating_a_cyclic_or_deep_mapping_is_a_finding() -> None:
    """An invalid document raises (ngff-zarr's call form) with an NGFF001 report, no recursion."""
    cyclic: dict[str, Any] = {"multiscales": []}
    cyclic["multiscales"].append(cyclic)
    deep: Any = {}
    for _ in range(10_000):
        deep = {"x": deep}
    wide: list[Any] = [[]]
    for _ in range(60):  # 2**60 paths through 61 shared lists
        wide = [wide, wide]
    for document in (cyclic, {"multiscales": [deep]}, {"multiscales": wide}):
        with pytest.raises(NgffValidationError) as caught:
            validate(document)
        assert [f.code for f in caught.value.report.errors] == ["NGFF001"]


def test_too_much_metadata_is_reported_not_validated_for_minutes(tmp_path: Path) -> None:
    path = _store(tmp_path)
    doc = json.loads((path / "zarr.json").read_text(encoding="utf-8"))
    ms = doc["attributes"]["ome"]["multiscales"][0]
    ms["axes"] = [{"name": f"a{i}", "type": "space"} for i in range(200_000)]
    (path / "zarr.json").write_text(json.dumps(doc))
    started = time.perf_counter()
    report = validate(path)
    assert "NGFF009" in report.codes
    with pytest.raises(InvalidMetadataError, match="more than 100000 values"):
        from_ngff_zarr(path)
    assert time.perf_counter() - started < 60


def test_a_large_plate_is_still_validated(tmp_path: Path) -> None:
    from ngff_zarr import Plate, to_hcs_zarr

    rows = [chr(ord("A") + i) for i in range(16)] + [f"A{chr(ord('A') + i)}" for i in range(16)]
    columns = [str(c) for c in range(1, 49)]
    path = tmp_path / "plate.zarr"
    to_hcs_zarr(Plate.from_names(rows, columns), path)  # 1536 wells, none written yet
    report = validate(path)
    assert "NGFF009" not in report.codes  # within the limit: checked
    assert {f.code for f in report.errors} == {"NGFF002", "NGFF503"}  # the empty wells
    assert len(from_hcs_zarr(path)) == 1536


def test_staging_names_only_match_staging(tmp_path: Path) -> None:
    # a user's file that merely looks similar is never removed
    (tmp_path / "img.zarr").mkdir()
    (tmp_path / ".img.zarr.ngff-zarr-notahextoken").mkdir()
    (tmp_path / ".img.zarr.ngff-zarr-0123456789ab.txt").write_text("x")
    assert stale.remove_stale_staging(tmp_path / "img.zarr") == []
    assert sorted(os.listdir(tmp_path)) == [
        ".img.zarr.ngff-zarr-0123456789ab.txt",
        ".img.zarr.ngff-zarr-notahextoken",
        "img.zarr",
    ]


def test_a_document_past_the_first_read_is_read_whole_up_to_the_limit(tmp_path: Path) -> None:
    # Local documents are read with one read of 16 KiB, then in pieces: one of 40 000 bytes
    # is read whole, one byte past the limit is refused.
    path = _store(tmp_path)
    doc = json.loads((path / "zarr.json").read_text(encoding="utf-8"))
    doc["attributes"]["note"] = ""
    pad = 40_000 - len(json.dumps(doc).encode())
    doc["attributes"]["note"] = "x" * pad
    raw = json.dumps(doc).encode()
    assert len(raw) == 40_000
    (path / "zarr.json").write_bytes(raw)
    with config.set(metadata_max_bytes=40_000):
        assert from_ngff_zarr(path).metadata.name is not None
        assert documents.read_raw(_local_store(path), ["zarr.json"])["zarr.json"] == raw
    with (
        config.set(metadata_max_bytes=39_999),
        pytest.raises(InvalidMetadataError, match="more bytes than the 39999"),
    ):
        from_ngff_zarr(path)


def test_brackets_inside_strings_do_not_refuse_a_shallow_document() -> None:
    # more opening brackets than the depth limit, all inside a string: depth 1, accepted
    raw = json.dumps({"a": "[{" * 100}).encode()
    assert parse_document(raw, "zarr.json") == {"a": "[{" * 100}


def test_a_fifo_with_a_documents_name_does_not_block_the_reader(tmp_path: Path) -> None:
    # A FIFO named .zattrs would block open() until a writer came: it reads as an empty
    # document (a typed error) at once. Run in a subprocess, killed if it hangs.
    import subprocess
    import sys

    path = tmp_path / "img.zarr"
    path.mkdir()
    (path / ".zgroup").write_text('{"zarr_format": 2}')
    os.mkfifo(path / ".zattrs")
    script = (
        "import sys, ngff_zarr as nz\n"
        "try:\n    nz.from_ngff_zarr(sys.argv[1])\n"
        "except nz.InvalidMetadataError as exc:\n    print('typed:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "typed:" in done.stdout and ".zattrs" in done.stdout


def test_many_local_documents_read_the_same_serially_and_on_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # read_raw reads serially while files come fast and on threads when they come slowly:
    # both give the same bytes, None for the missing keys, in the keys' order.
    root = tmp_path / "docs"
    keys = []
    for i in range(600):
        key = f"g{i % 7}/{i}/.zattrs"
        keys.append(key)
        if i % 5:  # every fifth is missing
            (root / key).parent.mkdir(parents=True, exist_ok=True)
            (root / key).write_bytes(json.dumps({"i": i, "pad": "p" * (i * 37 % 20_000)}).encode())
    keys.append("../outside/.zattrs")  # climbs out of the store: never read
    store = _local_store(root)
    serial = documents.read_raw(store, keys)
    monkeypatch.setattr(documents, "_FAST_FILE", 0.0)  # every file system counts as slow
    threaded = documents.read_raw(store, keys)
    assert list(serial) == list(threaded) == list(dict.fromkeys(keys))
    assert serial == threaded
    for i, key in enumerate(keys[:-1]):
        if i % 5:
            assert json.loads(serial[key])["i"] == i  # type: ignore[arg-type]
        else:
            assert serial[key] is None
    assert serial["../outside/.zattrs"] is None
    parsed = list(documents.iter_documents(store, keys[:10]))
    assert [None if d is None else d["i"] for d in parsed] == [
        None if i % 5 == 0 else i for i in range(10)
    ]


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (("A", "1", "zarr.json"), "A/1/zarr.json"),
        (("", "A/1", "", "0/"), "A/1/0"),
        (("/A/", "/1"), "A/1"),
        (("A//B", "c"), "A//B/c"),  # a '//' inside a part is kept
        (("",), ""),
        ((), ""),
        (("/",), ""),
    ],
)
def test_store_keys_join_without_empty_parts(parts: tuple[str, ...], joined: str) -> None:
    from ngff_zarr._io.store import join

    assert join(*parts) == joined
