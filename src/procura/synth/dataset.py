"""A generated dataset: building the world, planting the truth, rendering and writing the files.

``build`` returns everything in memory (clean typed tables with true entities,
the truth, the malformed rows); ``write`` renders the files and ``truth.json``.
``generate`` does both and is what ``procura synth`` calls.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from procura.synth import malformed
from procura.synth.background import cases, commerce, courts, police
from procura.synth.noise import draw, render_rows
from procura.synth.population import build_population
from procura.synth.scenarios import apps, families, medical, orders, penalties, shifts
from procura.synth.scenarios import cases as case_scenarios
from procura.synth.scenarios import courts as court_scenarios
from procura.synth.scenarios import police as police_scenarios
from procura.synth.schema import COLUMNS, EXTRA_COLUMNS, FORMATS, PRIMARY_KEYS, ROLES
from procura.synth.truth import Truth, write_truth
from procura.synth.world import World
from procura.synth.writer import TableWriter

DEFAULT_AS_OF = date(2026, 6, 30)
DEFAULT_PROVINCE = "330000"
COUNTS = ("views_count", "reposts_count", "records_count", "victims_count", "users_affected")


@dataclass
class Dataset:
    """Clean tables (standard columns, ``_e_<role>`` entities, ``_bg``), truth and spoiled rows."""

    tables: dict[str, pd.DataFrame]
    truth: Truth
    spoiled: dict[str, list[tuple[int, str, str, str]]]
    forced: dict[str, dict[tuple[int, str], str]]
    seed: int
    persons: pd.DataFrame
    orgs: pd.DataFrame

    def stored(self, table: str) -> pd.DataFrame:
        """The rows ingest stores: every row except the malformed ones."""
        bad = {row for row, *_ in self.spoiled.get(table, [])}
        frame = self.tables[table]
        return frame[~frame.index.isin(bad)]


def instances(scale: float) -> int:
    """How many rounds of each model's scenarios to plant at ``scale``."""
    return min(10, max(1, round(2 * math.sqrt(scale))))


def build(
    seed: int = 1, scale: float = 1.0, as_of: date = DEFAULT_AS_OF, province: str = DEFAULT_PROVINCE
) -> Dataset:
    """Generate the dataset in memory."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    world = World(seed=seed, scale=scale, as_of=as_of, province=province)
    pop = build_population(world)
    police.police_reports(world, pop)
    police.medical_visits(world, pop)
    case_frame = cases.criminal_cases(world, pop)
    cases.criminal_case_victims(world, pop, case_frame)
    cases.admin_penalties(world, pop)
    courts.court_cases(world, pop)
    commerce.app_reports(world, pop)
    commerce.platform_orders(world, pop)
    for table in world.frames:
        for frame in world.frames[table]:
            frame["_bg"] = True
    k = instances(scale)
    medical.plant(world, pop, k)
    penalties.plant_fines(world, pop, k)
    police_scenarios.plant_defamation(world, pop, k)
    penalties.plant_nonpros(world, pop, k)
    case_scenarios.plant_pil(world, pop, k)
    apps.plant(world, pop, k)
    orders.plant(world, pop, k)
    court_scenarios.plant(world, pop, k)
    case_scenarios.plant_victims(world, pop, k)
    police_scenarios.plant_cluster(world, pop, k)
    # Similar-case families and trend shifts come last, from their own random source.
    families.plant(world, pop, k)
    shifts.plant(world, k)
    return _finish(world)


def _finish(world: World) -> Dataset:
    tables: dict[str, pd.DataFrame] = {}
    spoiled: dict[str, list[tuple[int, str, str, str]]] = {}
    for table, columns in COLUMNS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # all-empty columns of single scenario rows
            # Popped: the world's pieces are freed as each table is assembled (peak memory, ADR 0204).
            frame = pd.concat(world.frames.pop(table, []), ignore_index=True)
        frame["_bg"] = frame["_bg"].astype("boolean").fillna(False).astype(bool)
        extra = [c for c in frame.columns if c.startswith("_e_")]
        wanted = list(columns) + list(EXTRA_COLUMNS.get(table, ())) + extra + ["_bg"]
        frame = frame.reindex(columns=wanted).sort_values(list(PRIMARY_KEYS[table]), kind="stable")
        frame = frame.reset_index(drop=True)
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].where(frame[column].notna(), None)
        tables[table] = frame
        spoiled[table] = malformed.choose(table, frame["_bg"].to_numpy(), world.rng)
    forced: dict[str, dict[tuple[int, str], str]] = {}
    positions: dict[str, dict[str, int]] = {}
    for table, key, column, variant in world.forced:
        if table not in positions:
            keys = _record_keys(table, tables[table])
            positions[table] = dict(zip(keys, range(len(keys)), strict=True))
        forced.setdefault(table, {})[(positions[table][key], column)] = variant
    for table, rows in spoiled.items():
        file_name = f"{table}.{FORMATS[table]}"
        for row, field, value, reason in rows:
            world.truth.malformed.append(
                {"file": file_name, "row": row + 1, "field": field, "value": value, "reason": reason}
            )
    persons = world.all_persons()
    orgs = pd.concat(world.orgs, ignore_index=True)
    return Dataset(tables, world.truth, spoiled, forced, world.seed, persons, orgs)


def _record_keys(table: str, frame: pd.DataFrame) -> pd.Series:
    fields = PRIMARY_KEYS[table]
    keys = frame[fields[0]].astype(str)
    for field in fields[1:]:
        keys = keys + "|" + frame[field].astype(str)
    return keys


def _json_str(values: pd.Series) -> pd.Series:
    """JSON string literals; generated keys are plain ASCII, anything else goes through json.dumps."""
    text = values.astype(str)
    plain = text.str.fullmatch(r"[A-Za-z0-9_.|-]*")
    if plain.all():
        return '"' + text + '"'
    return text.map(json.dumps)


# Rows rendered and written at a time: memory for the text grows with this, not with the table.
CHUNK_ROWS = 100_000


def _mention_batches(dataset: Dataset, chunk: int = CHUNK_ROWS) -> Iterator[list[str]]:
    """Batches of true-mention lines, in table, role, row order; malformed rows skipped."""
    for table, roles in ROLES.items():
        frame = dataset.stored(table)
        fields = PRIMARY_KEYS[table]
        for role, column in roles.items():
            for start in range(0, len(frame), chunk):
                part = frame.iloc[start:start + chunk]
                named = part[part[column].notna()]
                if named.empty:
                    continue
                key_text = pd.Series("{", index=named.index)
                for i, field in enumerate(fields):
                    key_text = key_text + ("" if i == 0 else ", ") + f'"{field}": ' + _json_str(named[field])
                text = (
                    f'  {{"table": "{table}", "key": '
                    + key_text
                    + f'}}, "role": "{role}", "entity": "'
                    + named[column].astype(str)
                    + '"}'
                )
                yield text.tolist()


def mention_lines(dataset: Dataset) -> list[str]:
    """One JSON object per true mention, skipping malformed rows (ingest quarantines them)."""
    return [line for batch in _mention_batches(dataset) for line in batch]


def write(dataset: Dataset, out: Path, chunk: int = CHUNK_ROWS) -> dict[str, int]:
    """Write ``out/data/<table>.<fmt>`` and ``out/truth.json``; returns rows written per table.

    Each table's random variants are drawn first, over the whole table (ADR 0204);
    its rows are then rendered and written ``chunk`` at a time, so the files are
    the same for any ``chunk``.
    """
    data_dir = out / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(dataset.seed + 7919)
    counts: dict[str, int] = {}
    for table, frame in dataset.tables.items():
        fmt = FORMATS[table]
        columns = list(COLUMNS[table]) + list(EXTRA_COLUMNS.get(table, ()))
        clean = frame[columns]
        forced = dataset.forced.get(table, {})
        plan = draw(table, clean, rng, forced, fmt, COUNTS, frame["_bg"].to_numpy())
        spoiled = dataset.spoiled.get(table, [])
        with TableWriter(data_dir, table, fmt, columns, COUNTS, len(frame)) as writer:
            for start in range(0, max(len(frame), 1), chunk):
                part = clean.iloc[start:start + chunk]
                text = render_rows(plan, part, start)
                stop = start + len(part)
                bad = [(r - start, f, v, why) for r, f, v, why in spoiled if start <= r < stop]
                malformed.apply(text, bad)
                writer.write(text)
        counts[table] = len(frame)
    write_truth(out / "truth.json", dataset.truth, _mention_batches(dataset, chunk))
    return counts


def generate(
    out: Path,
    seed: int = 1,
    scale: float = 1.0,
    as_of: date = DEFAULT_AS_OF,
    province: str = DEFAULT_PROVINCE,
) -> dict[str, int]:
    """Build and write a dataset; returns rows written per table."""
    return write(build(seed, scale, as_of, province), out)
