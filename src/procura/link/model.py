"""The probabilistic stage: a Splink model over person profiles.

The model compares name (characters and pinyin, so homophone typos agree),
birth date, sex, phone, identity number (broken numbers still carry
evidence), address and region. It is trained without labels (u by random
sampling, m by expectation maximisation), saved as Splink JSON in the
workspace's link folder and re-used until retrained.

Splink runs in its own in-memory DuckDB: the profiles are copied in as Arrow
and the scored pairs copied back, so Splink's scratch tables never reach the
warehouse file.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

MODEL_FILE = "person_model.json"
PROFILE_COLUMNS = (
    "unique_id", "name", "name_py", "surname", "id_no", "has_id",
    "birth_date", "sex", "phone", "address", "region",
)
# Two profiles that both carry a valid identity number are already decided by
# stage one (same number: linked; different numbers: different people).
_NOT_BOTH_IDENTIFIED = "NOT (l.has_id AND r.has_id)"
BLOCKING_RULES = (
    "l.name_py = r.name_py AND l.birth_date = r.birth_date",
    "l.surname = r.surname AND l.birth_date = r.birth_date",
    "l.phone = r.phone",
    "l.name_py = r.name_py AND l.region = r.region",
    # The same 17-digit body: the same number, or one whose check character alone is wrong.
    "substr(l.id_no, 1, 17) = substr(r.id_no, 1, 17)",
    "l.name_py = r.name_py AND substr(l.id_no, 1, 6) = substr(r.id_no, 1, 6)",
    # A typo in the area code: the birth date and sequence digits still agree.
    "l.name_py = r.name_py AND substr(l.id_no, 7, 11) = substr(r.id_no, 7, 11)",
    "l.birth_date = r.birth_date AND l.region = r.region",
    "l.address = r.address",
    # Any two mentions of a rare name, wherever they are: the name alone may identify.
    "l.name_block = r.name_block",
)
# Fewer profiles than this cannot train a model: stage two waits for more data.
MIN_TRAINING_PROFILES = 50
# A name held by at most this many profiles is rare enough to block on alone.
RARE_NAME_PROFILES = 20
EM_BLOCKING_RULES = ("l.name_py = r.name_py", "l.birth_date = r.birth_date AND l.surname = r.surname")
PRIOR_RULES = ("l.id_no = r.id_no", "l.name = r.name AND l.birth_date = r.birth_date AND l.phone = r.phone")


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


# (m, u) of the identity-number typo levels: the share of one person's mention pairs
# with such a typo, and of two people's pairs whose numbers come that close by chance.
ID_TYPO_M_U = {"check": (0.01, 1e-5), "one": (0.005, 1e-5), "two": (0.002, 1e-4)}


def _fixed(m: float, u: float) -> dict[str, Any]:
    return {"m_probability": m, "u_probability": u, "fix_m_probability": True, "fix_u_probability": True}


def _null(col: str) -> dict[str, Any]:
    return _level(f'"{col}_l" IS NULL OR "{col}_r" IS NULL', f"{col} missing 缺失", is_null_level=True)


def _comparison(col: str, *levels: dict[str, Any]) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_levels": [_null(col), *levels, _level("ELSE", "different 不同")],
    }


def may_be_within(a: str, b: str, edits: int) -> str:
    """A cheap necessary condition for ``levenshtein(a, b) <= edits`` (ADR 0114).

    Cut ``a`` into ``edits + 1`` pieces: each edit touches at most one piece, so
    when the strings are within ``edits`` edits one piece of ``a`` appears in ``b``
    unchanged (the pigeonhole filter of PassJoin). ``contains`` is a substring
    search, many times cheaper than the edit distance it spares on random pairs;
    a condition guarded by it selects exactly the same pairs. Strings shorter than
    the number of pieces yield an empty piece, which every string contains.
    """
    n = edits + 1
    size = f"length({a})"
    pieces = [
        f"substr({a}, 1 + {i} * {size} // {n}, {i + 1} * {size} // {n} - {i} * {size} // {n})"
        for i in range(n)
    ]
    return "(" + " OR ".join(f"contains({b}, {piece})" for piece in pieces) + ")"


def _edits(a: str, b: str, edits: int) -> str:
    """``levenshtein(a, b) <= edits``, evaluated only where the pigeonhole filter lets it."""
    return f"{may_be_within(a, b, edits)} AND levenshtein({a}, {b}) <= {edits}"


def _date_edits(edits: int) -> str:
    """``levenshtein`` of the two birth dates as text ``<= edits`` (1 or 2), filtered first.

    Two 'YYYY-MM-DD' strings within two edits keep one of year, month and day
    equal: two substitutions change at most two fields, and a deletion with an
    insertion shifts only the characters between them, which must stay inside one
    field for the dashes to stay in place (ADR 0114). Values that are not dates
    (text, untyped NULL) and years outside 1000-9999 (other text lengths) skip the filter.
    """
    a, b = "birth_date_l", "birth_date_r"
    da, db = f"TRY_CAST({a} AS DATE)", f"TRY_CAST({b} AS DATE)"
    four_digits = (
        f"typeof({a}) = 'DATE' AND typeof({b}) = 'DATE' "
        f"AND year({da}) BETWEEN 1000 AND 9999 AND year({db}) BETWEEN 1000 AND 9999"
    )
    shared = f"year({da}) = year({db}) OR month({da}) = month({db}) OR day({da}) = day({db})"
    text = f"levenshtein(CAST({a} AS VARCHAR), CAST({b} AS VARCHAR)) <= {edits}"
    return f"(NOT COALESCE({four_digits}, FALSE) OR {shared}) AND {text}"


def comparisons() -> list[dict[str, Any]]:
    """The comparisons of the person model, as Splink settings."""
    return [
        _comparison(
            "name",
            _level("name_l = name_r", "same name 姓名相同", tf_adjustment_column="name",
                   tf_adjustment_weight=1.0),
            _level("name_py_l = name_py_r", "same pinyin 拼音相同（同音字）"),
            _level(_edits("name_l", "name_r", 1), "one character differs 一字之差"),
            _level("jaro_winkler_similarity(name_py_l, name_py_r) >= 0.9", "similar pinyin 拼音相近"),
            _level("jaro_winkler_similarity(name_py_l, name_py_r) >= 0.75", "loosely similar 拼音略近"),
        ),
        _comparison(
            "birth_date",
            _level("birth_date_l = birth_date_r", "same birth date 出生日期相同"),
            _level(_date_edits(1), "one digit differs 一位不同"),
            _level(_date_edits(2), "two digits differ 两位不同"),
        ),
        _comparison("sex", _level("sex_l = sex_r", "same sex 性别相同")),
        _comparison(
            "phone",
            # A phone many people share (a company switchboard) says less than a private one.
            # No "one digit differs" level: a namesake one keystroke away is another person.
            _level("phone_l = phone_r", "same phone 电话相同", tf_adjustment_column="phone",
                   tf_adjustment_weight=1.0),
        ),
        _comparison(
            "id_no",
            _level("id_no_l = id_no_r", "same number 证件号相同"),
            # Only a number that fails the check reaches these levels (two valid numbers
            # are never compared): the body says who it is, the check character is the typo.
            # Typos are too rare for EM to estimate, so their weights are fixed (ADR 0310).
            _level("substr(id_no_l, 1, 17) = substr(id_no_r, 1, 17)",
                   "wrong check character 仅校验位不同", **_fixed(*ID_TYPO_M_U["check"])),
            # levenshtein (six times cheaper, ADR 0305) filters first: a swap is two of its edits.
            _level(f"{_edits('id_no_l', 'id_no_r', 3)} AND "
                   "damerau_levenshtein(substr(id_no_l, 1, 17), substr(id_no_r, 1, 17)) <= 1",
                   "one digit wrong or two swapped 一位错误或相邻两位颠倒", **_fixed(*ID_TYPO_M_U["one"])),
            _level(_edits("id_no_l", "id_no_r", 2), "two characters differ 两位不同",
                   **_fixed(*ID_TYPO_M_U["two"])),
        ),
        _comparison(
            "address",
            _level("address_l = address_r", "same address 地址相同"),
            _level("jaro_winkler_similarity(address_l, address_r) >= 0.9", "similar address 地址相近"),
            _level("jaro_winkler_similarity(address_l, address_r) >= 0.75", "loosely similar 地址略近"),
        ),
        _comparison(
            "region",
            _level("region_l = region_r", "same county 同一区县"),
            _level("substr(region_l, 1, 4) = substr(region_r, 1, 4)", "same city 同一地市"),
        ),
    ]


def settings_dict(blocking_rules: tuple[str, ...] = BLOCKING_RULES, profiles: int = 1000) -> dict[str, Any]:
    """Untrained Splink settings of the person model (prior: each profile has one match)."""
    return {
        "link_type": "dedupe_only",
        "probability_two_random_records_match": min(0.5, 2.0 / max(profiles, 4)),
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": f"({rule}) AND {_NOT_BOTH_IDENTIFIED}", "sql_dialect": "duckdb"}
            for rule in blocking_rules
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
    }


@contextlib.contextmanager
def _em_floor() -> Iterator[None]:
    """Clamp EM's m/u estimates to the smallest value Splink accepts.

    Splink 5.0's maximisation step can produce an m of ~1e-322 for a level
    almost never seen among matches, which its own validator then rejects
    (minimum 1e-300) and training aborts; the floor is what the error asks for.
    """
    from splink.internals import expectation_maximisation as em
    from splink.internals.comparison_level import M_U_CLAMP_MIN

    original = em.populate_m_u_from_lookup

    def clamped(fixed: set[str], level: Any, column: str, lookup: dict[str, dict[int, Any]]) -> None:
        for record in lookup.get(column, {}).values():
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, float) and value < M_U_CLAMP_MIN:
                    record[key] = M_U_CLAMP_MIN
        original(fixed, level, column, lookup)

    em.populate_m_u_from_lookup = clamped  # type: ignore[assignment]
    try:
        yield
    finally:
        em.populate_m_u_from_lookup = original


class SplinkSession:
    """Splink over one profiles table, in a private in-memory DuckDB."""

    def __init__(
        self, profiles: pa.Table, model: dict[str, Any] | Path, config: dict[str, Any] | None = None
    ) -> None:
        from splink import DuckDBAPI, Linker

        # ``config``: the workspace's DuckDB memory limit and spill folder (``duckdb_config``).
        self.con = duckdb.connect(config=config or {})
        self.con.execute("SET enable_progress_bar = false")
        self.con.register("_profiles_arrow", profiles)
        self.con.execute(
            "CREATE TABLE profiles AS SELECT *, CASE WHEN count(*) OVER (PARTITION BY name) <= "
            f"{RARE_NAME_PROFILES} THEN name END AS name_block FROM _profiles_arrow"
        )
        self.con.unregister("_profiles_arrow")
        db_api = DuckDBAPI(connection=self.con)
        frame = db_api.register("profiles", table_name="profiles_input")
        self.linker = Linker(frame, model if isinstance(model, dict) else str(model), log_level=None)

    def train(self, u_max_pairs: float, em_max_pairs: float, seed: int) -> None:
        """u by random sampling, the prior from near-certain rules, m by EM."""
        from splink.internals.exceptions import SplinkException

        training = self.linker.training
        # When no pair meets the near-certain rules the settings' prior stays (one match per profile).
        with contextlib.suppress(ValueError, SplinkException):
            training.estimate_probability_two_random_records_match(list(PRIOR_RULES), recall=0.7)
        training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        with _em_floor():
            for rule in EM_BLOCKING_RULES:
                training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
                )

    def save(self, path: Path) -> None:
        """Write the trained model as Splink JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.linker.misc.save_model_to_json(str(path), overwrite=True)

    def predict(self, min_probability: float) -> pa.Table:
        """Scored profile pairs at or above ``min_probability``."""
        frame = self.linker.inference.predict(
            threshold_match_probability=min_probability, warning_mode="never"
        )
        return self.con.sql(
            f"SELECT unique_id_l, unique_id_r, match_weight, match_probability FROM {frame.physical_name}"
        ).to_arrow_table()

    def waterfall(self, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
        """Splink's waterfall data for one pair: prior, each comparison, final score."""
        from splink.internals.waterfall_chart import records_to_waterfall_data

        # The blocking-only column is not part of any comparison.
        left, right = ({**r, "name_block": None} for r in (left, right))
        scored = self.linker.inference.score_pair(left, right).as_record_list()
        return records_to_waterfall_data(scored, self.linker._settings_obj, hide_details=False)

    def close(self) -> None:
        self.con.close()


def quiet_splink() -> None:
    """Splink logs every step at INFO; procura prints its own summary."""
    logging.getLogger("splink").setLevel(logging.ERROR)
