"""A warehouse straight from a synthetic dataset: the model stage measured on its own.

Engine parity tests and the model benchmark need realistic tables at a given
scale without paying for ingest and entity resolution. This loads the clean
tables of ``procura.synth`` with the warehouse types and writes the planted
true entities as ``mentions``/``entities`` (probability 1), as a perfect
``procura link`` would.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from procura.engine.fixture import create_tables
from procura.standard.id_no import normalize_id_no
from procura.synth.dataset import Dataset
from procura.synth.schema import ROLES
from procura.warehouse.keys import join_key
from procura.warehouse.schema import primary_keys, readable_tables, table_columns


def _valid_flags(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    for name in columns:
        if name.endswith("_valid") and name[: -len("_valid")] in frame.columns:
            source = frame[name[: -len("_valid")]]
            if name.endswith("id_no_valid"):
                frame[name] = [None if v is None else normalize_id_no(v)[1] for v in source]
            else:
                frame[name] = source.notna()
    return frame


def _record_keys(table: str, frame: pd.DataFrame) -> pd.Series:
    fields = list(primary_keys()[table])
    return pd.Series([join_key(values) for values in frame[fields].astype(str).itertuples(index=False)],
                     index=frame.index)


def _mentions(dataset: Dataset) -> pd.DataFrame:
    parts = []
    for table, roles in ROLES.items():
        frame = dataset.stored(table)
        keys = _record_keys(table, frame)
        for role, column in roles.items():
            named = frame[column].notna()
            entity = frame.loc[named, column].astype(str)
            parts.append(
                pd.DataFrame(
                    {
                        "table_name": table,
                        "record_key": keys[named],
                        "role": role,
                        "kind": entity.str.startswith("TO-").map({True: "org", False: "person"}),
                        "entity_id": entity,
                        "probability": 1.0,
                        "rule": "truth",
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def load_dataset(con: duckdb.DuckDBPyConnection, dataset: Dataset) -> dict[str, int]:
    """Create every readable table in ``con`` and fill it from ``dataset``; rows per table."""
    create_tables(con, sorted(readable_tables()))
    counts: dict[str, int] = {}
    frames: dict[str, pd.DataFrame] = {t: dataset.stored(t).copy() for t in dataset.tables}
    mentions = _mentions(dataset)
    frames["mentions"] = mentions
    frames["entities"] = (
        mentions.groupby("entity_id")
        .agg(kind=("kind", "first"), mentions=("record_key", "size"))
        .reset_index()
    )
    for table, frame in frames.items():
        columns = table_columns(table)
        frame = _valid_flags(frame, columns)
        present = [c for c in columns if c in frame.columns and columns[c] != "JSON"]
        con.register("_frame", frame[present])
        select = ", ".join(f'CAST("{c}" AS {columns[c]}) AS "{c}"' for c in present)
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT {select} FROM _frame')
        con.unregister("_frame")
        counts[table] = len(frame)
    return counts
