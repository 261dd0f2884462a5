"""The W3 reference: tensorstore alone reading level 0 of a store (its own environment).

No OME-Zarr library: the multiscales metadata gives the level-0 path, tensorstore's ``zarr``
(Zarr v2) or ``zarr3`` driver opens it, each box is one ``read()``. Only the W3 cases.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h


def _version() -> str:
    import importlib.metadata

    return importlib.metadata.version("tensorstore")


class Tensorstore(h.Adapter):
    imports = ("tensorstore",)

    def open_image(self, store: Path, variant: str) -> Any:
        import tensorstore as ts

        group = h.find_multiscales(store)
        if group is None:
            raise ValueError(f"{store}: no multiscales group")
        path = h._attrs(group)["multiscales"][0]["datasets"][0]["path"]
        driver = "zarr3" if (group / path / "zarr.json").is_file() else "zarr"
        spec = {"driver": driver, "kvstore": {"driver": "file", "path": str(group / path)}}
        return ts.open(spec, read=True).result()

    def read(self, handle: Any, box: tuple[slice, slice, slice]) -> np.ndarray:
        return np.asarray(handle[box].read().result())


def main() -> None:
    lib = Tensorstore()
    h.run_worker("tensorstore", _version, h.read_only_cases(lib), lib.imports)


if __name__ == "__main__":
    main()
