"""Writing in slices of rows (ADR 0204): the same bytes as writing every table at once."""

from __future__ import annotations

import zipfile
from pathlib import Path

from procura.synth import Dataset, write


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file's bytes; an XLSX by its members (the zip stamps the time of writing)."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    out[f"{path.relative_to(folder)}:{name}"] = zf.read(name)
        elif path.is_file():
            out[str(path.relative_to(folder))] = path.read_bytes()
    return out


def test_slices_write_the_same_files_as_one_pass(small: Dataset, tmp_path: Path) -> None:
    whole, sliced = tmp_path / "whole", tmp_path / "sliced"
    counts = write(small, whole, chunk=10**9)
    # 97 rows a slice: every table spans many slices, and slice edges fall on forced and malformed rows.
    assert write(small, sliced, chunk=97) == counts
    assert min(counts.values()) > 97
    a, b = _contents(whole), _contents(sliced)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
