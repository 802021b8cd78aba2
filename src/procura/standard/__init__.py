"""The data standard: tables declared in YAML, value types and their normalizers.

Python normalizers read one value; the ``*_sql`` builders give DuckDB
expressions that do the same over a whole column (``procura.standard.kinds``).
"""

from procura.standard.dates import parse_date, parse_timestamp
from procura.standard.id_no import area_known, id_no_birth_date, id_no_sex, normalize_id_no
from procura.standard.id_no import birth_date_sql as id_no_birth_date_sql
from procura.standard.kinds import FieldSQL, field_sql, normalize
from procura.standard.schema import Field, Table, export_json, get_table, standard
from procura.standard.text import normalize_name, normalize_phone
from procura.standard.uscc import normalize_uscc
from procura.standard.values import (
    normalize_bool,
    normalize_count,
    normalize_icd10,
    normalize_list,
    normalize_money,
    normalize_region_code,
)

__all__ = [
    "Field",
    "FieldSQL",
    "Table",
    "area_known",
    "export_json",
    "field_sql",
    "get_table",
    "id_no_birth_date",
    "id_no_birth_date_sql",
    "id_no_sex",
    "normalize",
    "normalize_bool",
    "normalize_count",
    "normalize_icd10",
    "normalize_id_no",
    "normalize_list",
    "normalize_money",
    "normalize_name",
    "normalize_phone",
    "normalize_region_code",
    "normalize_uscc",
    "parse_date",
    "parse_timestamp",
    "standard",
]
