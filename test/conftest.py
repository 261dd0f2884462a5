"""Shared fixtures: test data location, a loopback HTTP server with range requests."""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Warnings from our own code are errors. The filter is added per test (not in pyproject's
# filterwarnings, which pytest resolves before coverage starts, importing ngff_zarr unmeasured).
_OWN_WARNINGS = "error::ngff_zarr.errors.NgffWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.filterwarnings(_OWN_WARNINGS))


ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NGFF_ZARR_SHARED", ROOT.parent / "shared"))
TESTDATA = SHARED / "testdata"
NGFF_SPEC = SHARED / "ngff-spec"


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The real microscope files of ../shared/testdata (skips when absent)."""
    if not (TESTDATA / "expected.json").is_file():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def ngff_spec() -> Path:
    """The official OME-NGFF schemas and test suites of ../shared/ngff-spec (skips when absent)."""
    if not (NGFF_SPEC / "0.4" / "schemas").is_dir():
        pytest.skip(f"official ngff-spec material not found at {NGFF_SPEC}")
    return NGFF_SPEC


class _RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with single byte-range support (what zarr's sharded reads need)."""

    _range_re = re.compile(r"bytes=(\d*)-(\d*)$")
    counter: dict[str, int]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        self.counter["requests"] = self.counter.get("requests", 0) + 1
        header = self.headers.get("Range")
        path = self.translate_path(self.path)
        if header is None or not os.path.isfile(path):
            return super().send_head()
        match = self._range_re.match(header.strip())
        if match is None:
            self.send_error(416, "unsupported range")
            return None
        size = os.path.getsize(path)
        first, last = match.groups()
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start = int(first)
            end = size - 1 if last == "" else min(int(last), size - 1)
        if start >= size or start > end:
            self.send_error(416, "range not satisfiable")
            return None
        handle = open(path, "rb")  # noqa: SIM115 - closed by the caller (copyfile)
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return _Limited(handle, end - start + 1)


class _Limited:
    def __init__(self, handle, length: int) -> None:  # type: ignore[no-untyped-def]
        self._handle = handle
        self._left = length

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n < 0 else min(n, self._left)
        data: bytes = self._handle.read(n)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._handle.close()


@pytest.fixture
def http_server() -> Iterator[Callable[[Path], str]]:
    """Start a loopback HTTP server for a directory; returns its base URL (no trailing slash).

    ``server.counter["requests"]`` counts requests, for tests of laziness.
    """
    servers: list[ThreadingHTTPServer] = []

    def serve(directory: Path) -> str:
        counter: dict[str, int] = {}
        handler = functools.partial(_RangeRequestHandler, directory=str(directory))
        handler.counter = counter  # type: ignore[attr-defined]
        _RangeRequestHandler.counter = counter
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
