"""Engine differences as data: one table of dialects, read by every engine.

Rules are written once in DuckDB SQL. For another engine the parsed rule is
rewritten by the dialect's ``rewrites`` (each a SQLGlot transform for a
function SQLGlot does not map as we need) and generated in its SQLGlot dialect.
Nothing else in procura may branch on the engine's kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlglot import exp

Rewrite = Callable[[exp.Expr], exp.Expr]


def _array_length(node: exp.Expr) -> exp.Expr:
    """DuckDB ``len(list)`` parses as string LENGTH; on Spark a list needs SIZE.

    Only applied where the argument is known to be a list: an array literal or
    an aggregate/list function result.
    """
    if isinstance(node, exp.Length) and isinstance(
        node.this, exp.Array | exp.ArrayAgg | exp.ArrayDistinct | exp.Flatten | exp.ArrayConcat
    ):
        return exp.ArraySize(this=node.this)
    return node


@dataclass(frozen=True)
class Dialect:
    """How one engine speaks SQL, and what it can do."""

    name: str
    sqlglot: str
    rewrites: tuple[Rewrite, ...] = ()
    # Session settings an engine applies when it starts (Spark conf).
    session_conf: Mapping[str, str] = field(default_factory=dict)
    # Whether the engine reads the warehouse directly (else via Parquet files).
    reads_warehouse: bool = True
    # Whether tables are cached in engine memory once read (every model re-reads them).
    cache_tables: bool = False

    def generate(self, rule: exp.Expr) -> str:
        """The rule as SQL text of this dialect."""
        tree = rule
        for rewrite in self.rewrites:
            tree = tree.transform(rewrite)  # a copy: the rule itself is never changed
        return tree.sql(dialect=self.sqlglot)


DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect(name="duckdb", sqlglot="duckdb"),
    "spark": Dialect(
        name="spark",
        sqlglot="spark",
        rewrites=(_array_length,),
        session_conf={
            "spark.sql.shuffle.partitions": "2",
            "spark.default.parallelism": "2",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.ansi.enabled": "false",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.adaptive.enabled": "true",
        },
        reads_warehouse=False,
        cache_tables=True,
    ),
}


def dialect(name: str) -> Dialect:
    """The dialect named ``name`` (``duckdb`` or ``spark``)."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(DIALECTS)}") from None
