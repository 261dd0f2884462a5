"""Benchmark worker for this checkout's ngff_zarr: runs one case, prints one JSON line.

Run by ``benchmarks/bench_peers.py`` with this checkout's interpreter (``python -I``, so the
current directory never shadows the installed package). Every call into ngff_zarr is in the
small functions of :class:`Ours`; adapt them there when the API changes.

Variants (``--variant``, tokens joined by ``+``): ``default``; a method name from
``nz.Methods`` in lower case (``local_mean``, ``itkwasm_gaussian``, ``gaussian``, ...);
a writer backend, ``zarr`` (zarr-python), ``zarrs`` (zarr-python with the zarrs codec pipeline)
or ``tensorstore`` (``backend=...``; without one, the package's default, ``auto``); ``wasm``
(``config.itkwasm_native = 0``: the itkwasm methods run itkwasm-downsample's WebAssembly).
``handle`` (W3 reads: level 0 through a dask-free region handle instead of the dask array).
Example: ``local_mean+tensorstore``.
This worker also prepares the stores that the read and listing cases read (``prep_*``).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h


def _version() -> str:
    import importlib.metadata

    import ngff_zarr

    return f"{importlib.metadata.version('ngff-zarr')} ({Path(ngff_zarr.__file__).parent})"


BACKENDS = ("zarr", "zarrs", "tensorstore")  # the variant tokens that name a writer backend


class Ours(h.Adapter):
    imports = ("ngff_zarr", "dask.array", "zarr", "tensorstore")

    # ---- the calls into ngff_zarr ---------------------------------------------------------

    @staticmethod
    def _options(variant: str, purpose: str) -> tuple[Any, str | None]:
        """(method or None for the default, backend or None for the default) for a variant."""
        import ngff_zarr as nz

        tokens = [t for t in variant.split("+") if t and t != "default"]
        if "wasm" in tokens:  # the itkwasm methods in itkwasm-downsample's WebAssembly
            nz.config.itkwasm_native = 0
        backends = [t for t in tokens if t in BACKENDS]
        names = [t for t in tokens if t not in (*BACKENDS, "wasm")]
        if len(names) > 1 or len(backends) > 1:
            raise ValueError(f"variant {variant!r}: more than one method or backend")
        backend = backends[0] if backends else None
        if names:
            return nz.Methods(names[0]), backend
        if purpose == "mean":
            return nz.Methods.LOCAL_MEAN, backend
        if purpose == "labels":
            return nz.Methods.MODE, backend
        return None, backend  # the package's own default method

    @staticmethod
    def _pyramid(data: Any, dims: str, method: Any, chunks: int | None) -> Any:
        import ngff_zarr as nz

        scale = {d: 1.0 for d in dims if d in "zyx"}
        image = nz.to_ngff_image(data, dims=tuple(dims), scale=scale)
        return nz.to_multiscales(image, scale_factors=h.SCALE_FACTORS, method=method, chunks=chunks)

    def write_image(
        self,
        store: Path,
        data: Any,
        *,
        dims: str,
        version: str,
        purpose: str,
        chunks: int | None,
        shard: int | None,
        variant: str,
    ) -> None:
        import ngff_zarr as nz

        method, backend = self._options(variant, purpose)
        multiscales = self._pyramid(data, dims, method, chunks)
        per_shard = None if shard is None else shard // (chunks or shard)
        nz.to_ngff_zarr(
            str(store),
            multiscales,
            version=version,  # type: ignore[arg-type]
            chunks_per_shard=per_shard,
            backend=backend,
        )

    def open_image(self, store: Path, variant: str) -> Any:
        import ngff_zarr as nz

        multiscales = nz.from_ngff_zarr(str(store))
        if "handle" in variant.split("+"):  # level 0 as a dask-free region handle
            return nz.open_array(multiscales.images[0])
        return multiscales.images[0].data

    def read(self, handle: Any, box: tuple[slice, slice, slice]) -> np.ndarray:
        return np.asarray(handle[box])

    def write_plate(
        self,
        store: Path,
        rows: list[str],
        columns: list[str],
        fields: int,
        images: dict[tuple[str, str, int], np.ndarray],
        *,
        version: str,
        variant: str,
    ) -> None:
        import ngff_zarr as nz

        method, _ = self._options(variant, "image")
        wells = [f"{r}/{c}" for r in rows for c in columns]
        plate = nz.Plate.from_names(rows, columns, wells=wells, field_count=fields, name="bench")
        # the documented bulk path: the plate written once, the fields on a thread pool
        with nz.HCSPlateWriter(str(store), plate, version=version) as writer:  # type: ignore[arg-type]
            writer.write_well_images(
                {key: self._pyramid(data, "cyx", method, None) for key, data in images.items()}
            )

    def list_plate(self, store: Path, variant: str) -> int:
        import ngff_zarr as nz

        plate = nz.from_hcs_zarr(str(store))
        count = 0
        for well in plate.load_wells():
            for index in range(len(well.images)):
                if well.get_image(index) is not None:
                    count += 1
        return count


# ---- preparing the stores the read and listing cases read (written by this package) ------


def _prep_w3(store_key: str) -> Any:
    def case(ctx: h.Context) -> None:
        shape = ctx.size["w1_shape"]
        volume = h.source(ctx.seed).volume(shape)
        store = ctx.out / h.W3_STORES[store_key]
        sharded = store_key == "v05s"
        with ctx.timed():
            Ours().write_image(
                store, volume, dims="zyx", version="0.5" if sharded else "0.4",
                purpose="image", chunks=ctx.size["chunk"],
                shard=ctx.size["shard"] if sharded else None, variant=ctx.variant,
            )  # fmt: skip
        h.finish_write(ctx, store, lambda z: volume[z], shape[0] // 2)

    return case


def _prep_plate(ctx: h.Context) -> None:
    """A big plate whose fields copy one real field's metadata (chunks absent: fill value)."""
    import ngff_zarr as nz

    size = ctx.size
    rows, columns = h.plate_names(size["w4_list_rows"], size["w4_list_columns"])
    fields = size["w4_list_fields"]
    store = ctx.out / "plate1536.ome.zarr"
    with ctx.timed():
        wells = [f"{r}/{c}" for r in rows for c in columns]
        plate = nz.Plate.from_names(rows, columns, wells=wells, field_count=fields, name="big")
        nz.to_hcs_zarr(plate, str(store), version="0.4")
        template = h.field_image(h.source(ctx.seed), size["w4_field_shape"], 0)
        multiscales = Ours._pyramid(template, "cyx", None, None)
        scratch = ctx.out / "template.ome.zarr"
        nz.to_ngff_zarr(str(scratch), multiscales, version="0.4")
        names = {".zattrs", ".zgroup", ".zarray"}
        metadata = [
            (p.relative_to(scratch), p.read_bytes())
            for p in scratch.rglob("*")
            if p.is_file() and p.name in names
        ]
        well_doc = {"well": {"images": [{"path": str(i)} for i in range(fields)], "version": "0.4"}}
        for well in wells:
            well_dir = store / well
            well_dir.mkdir(parents=True, exist_ok=True)
            (well_dir / ".zgroup").write_text(json.dumps({"zarr_format": 2}))
            (well_dir / ".zattrs").write_text(json.dumps(well_doc))
            for index in range(fields):
                for relative, content in metadata:
                    target = well_dir / str(index) / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
        shutil.rmtree(scratch)
    ctx.info["wells"], ctx.info["fields"] = len(wells), len(wells) * fields


def main() -> None:
    cases = h.workload_cases(Ours())
    cases["prep_w3_v04"] = _prep_w3("v04")
    cases["prep_w3_v05s"] = _prep_w3("v05s")
    cases["prep_plate1536"] = _prep_plate
    h.run_worker("ours", _version, cases, Ours.imports)


if __name__ == "__main__":
    main()
