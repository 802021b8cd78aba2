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


def shared_ctes(rule: exp.Expr) -> list[tuple[str | None, exp.Expr]]:
    """The rule as steps: each CTE read more than once first (``name, query``), then the rule.

    Spark inlines every CTE where it is referenced, so a CTE read by two
    others is computed twice, and a chain of them multiplies: the scan plan
    of app-pi-violations had 160 table scans. An engine that materializes
    each shared CTE once under its own name (a temporary view) runs the rest
    of the rule over it. A step keeps the CTEs it reads that are not shared;
    the rule's SQL stays one statement.
    """
    with_ = rule.args.get("with_")
    if not isinstance(with_, exp.With) or with_.recursive:
        return [(None, rule)]
    names = [cte.alias for cte in with_.expressions]
    reads = {name: 0 for name in names}
    for table in rule.find_all(exp.Table):
        if not table.db and table.name in reads:
            reads[table.name] += 1
    heavy: dict[str, bool] = {}
    for cte in with_.expressions:  # a CTE may read only those before it
        reads_heavy = any(heavy.get(t.name, False) for t in cte.this.find_all(exp.Table) if not t.db)
        works = cte.this.find(exp.Join, exp.Group, exp.Window, exp.AggFunc) is not None
        heavy[cte.alias] = reads_heavy or works
    # A plain filter or projection read twice is cheaper to scan twice than to store
    # (mandatory-report-failure's `aged`, 500k visits: 296 s stored vs 21 s inlined at 2M rows).
    shared = {name for name, n in reads.items() if n > 1 and heavy[name]}
    if not shared:
        return [(None, rule)]
    steps: list[tuple[str | None, exp.Expr]] = []
    inline: list[exp.CTE] = []
    for cte in with_.expressions:
        if cte.alias not in shared:
            inline.append(cte)
            continue
        body = cte.this.copy()
        if inline:
            body.set("with_", exp.With(expressions=[c.copy() for c in inline]))
        steps.append((cte.alias, body))
    final = rule.copy()
    final.set("with_", exp.With(expressions=[c.copy() for c in inline]) if inline else None)
    steps.append((None, final))
    return steps


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
    # Whether a CTE read more than once is computed once, as its own step (``shared_ctes``).
    materialize_shared_ctes: bool = False

    def generate(self, rule: exp.Expr) -> str:
        """The rule as SQL text of this dialect."""
        tree = rule
        for rewrite in self.rewrites:
            tree = tree.transform(rewrite)  # a copy: the rule itself is never changed
        return tree.sql(dialect=self.sqlglot)

    def steps(self, rule: exp.Expr) -> list[tuple[str | None, str]]:
        """The rule as SQL steps of this dialect: ``(view name, SQL)``, the last one unnamed."""
        if not self.materialize_shared_ctes:
            return [(None, self.generate(rule))]
        return [(name, self.generate(step)) for name, step in shared_ctes(rule)]


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
            # Local mode (ADR 0121): adaptive re-planning after every stage costs more
            # than it saves on one machine, and stored steps are cached with their sizes,
            # so small ones are broadcast without it. The JVM compiles with C1 only: a run
            # is minutes, too short for C2's compile time to pay back.
            "spark.sql.adaptive.enabled": "false",
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
        },
        reads_warehouse=False,
        # Not cached (ADR 0121): at 2M rows building the in-memory cache cost more CPU
        # than the rules saved; Parquet scans skip row groups by the pushed filters.
        cache_tables=False,
        materialize_shared_ctes=True,
    ),
}


def dialect(name: str) -> Dialect:
    """The dialect named ``name`` (``duckdb`` or ``spark``)."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(DIALECTS)}") from None
