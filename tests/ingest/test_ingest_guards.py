"""Issue 10, ingest guards (ADR 0565): symlinks out of the dataset, size limits, per-row encodings."""

from __future__ import annotations

from pathlib import Path

from procura.config import Settings
from procura.ingest.service import ingest
from tests.ingest.sample_files import rows_of

H = ["report_id", "region_code", "received_at", "offense_type", "filed"]
OK = ["R1", "330110", "2024-01-05", "other", "true"]


def _csv(*rows: list[str]) -> str:
    return "".join(",".join(r) + "\n" for r in (H, *rows))


def test_a_symlink_out_of_the_dataset_is_refused_and_not_read(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "police_reports.csv").write_text(_csv(OK), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "court_cases.csv").symlink_to(outside / "police_reports.csv")
    (folder / "more").symlink_to(outside, target_is_directory=True)
    (folder / "sub").mkdir()
    (folder / "sub" / "police_reports.csv").write_text(_csv(["R9", *OK[1:]]), encoding="utf-8")
    (folder / "inside.csv").symlink_to(folder / "sub" / "police_reports.csv")  # inside: fine, skipped by name
    summary = ingest(settings, folder)
    refused = {f.file: f.message for f in summary.rejected}
    assert set(refused) == {"court_cases.csv", "more"}
    assert refused["court_cases.csv"].startswith("court_cases.csv: symbolic link pointing outside")
    assert refused["more"].startswith("more: symbolic link pointing outside")
    assert rows_of(settings, "SELECT report_id FROM police_reports") == [("R9",)]
    assert rows_of(settings, "SELECT count(*) FROM court_cases") == [(0,)]
    assert rows_of(settings, "SELECT count(*) FROM _batches WHERE table_name = 'court_cases'") == [(0,)]
