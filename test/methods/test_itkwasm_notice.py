"""itkwasm-downsample's one-off WebAssembly compile says so in one line, never a silent hang."""

from __future__ import annotations

import time

import pytest

from ngff_zarr.methods import _itkwasm


def test_a_slow_first_call_prints_one_line_and_a_quick_one_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_itkwasm, "_NOTICE_AFTER", 0.2)
    monkeypatch.setattr(_itkwasm, "_WARM", set())
    monkeypatch.setattr(_itkwasm, "_NOTICED", [])
    assert _itkwasm._once_warm("quick", lambda: 1) == 1
    assert capsys.readouterr().err == ""  # a first call that is quick says nothing

    def compile_like() -> int:
        time.sleep(0.6)
        return 2

    assert _itkwasm._once_warm("downsample", compile_like) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ngff-zarr: itkwasm-downsample is compiling its WebAssembly code")
    assert "(downsample; once per machine, 20-40 s; itkwasm caches it" in err
    # later slow calls, of this function or another one, print nothing more
    assert _itkwasm._once_warm("downsample", compile_like) == 2
    assert _itkwasm._once_warm("label_image", compile_like) == 2
    assert capsys.readouterr().err == ""
