from collections.abc import Callable
from itertools import combinations

import duckdb
import pytest
from link_fixtures import insert, make_id, make_uscc, populate_people

from procura.config import Settings
from procura.link.judgements import MentionRef, record
from procura.link.service import run_link

Connect = Callable[[], duckdb.DuckDBPyConnection]


def _entities(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("SELECT table_name || ':' || record_key || ':' || role, entity_id FROM mentions")
    return dict(rows.fetchall())


def _pairs(assignment: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for ref, group in assignment.items():
        groups.setdefault(group, []).append(ref)
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}  # type: ignore[misc]


def test_every_mention_gets_an_entity_and_identifiers_join(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    id_no, code = make_id("330106", "1985-06-01", 21), make_uscc(3)
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="周九",
           victim_id_no=id_no, victim_id_no_valid=True, suspect_name="吴十")
    insert(con, "medical_visits", visit_id="V1", region_code="330106",
           hospital_name="第二医院有限公司", hospital_uscc=code, hospital_uscc_valid=True,
           patient_name="周 九", patient_id_no=id_no, patient_id_no_valid=True)
    insert(con, "app_reports", report_id="A1", app_name="看病App", operator_name="第二医院",
           operator_uscc=None)
    report = run_link(con, with_model)
    ents = _entities(con)
    assert set(ents) == {"police_reports:R1:victim", "police_reports:R1:suspect", "medical_visits:V1:patient",
                         "medical_visits:V1:hospital", "app_reports:A1:operator"}
    assert ents["police_reports:R1:victim"] == ents["medical_visits:V1:patient"]
    assert ents["medical_visits:V1:hospital"] == ents["app_reports:A1:operator"]
    assert ents["police_reports:R1:suspect"] not in (ents["police_reports:R1:victim"],)
    rules = dict(con.execute("SELECT role, rule FROM mentions").fetchall())
    assert rules["victim"] == "id_no" and rules["suspect"] == "singleton" and rules["operator"] == "org_name"
    entity = con.execute("SELECT kind, id_no, birth_date, mentions FROM entities WHERE entity_id = ?",
                         [ents["police_reports:R1:victim"]]).fetchone()
    assert entity is not None and entity[0] == "person" and entity[1] == id_no and entity[3] == 2
    assert report.person_entities == 2 and report.org_entities == 1


def test_quality_on_noisy_people(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    truth = populate_people(con, 120, seed=11)
    run_link(con, with_model)
    people = {ref: entity for ref, entity in _entities(con).items() if ref in truth}
    predicted, expected = _pairs(people), _pairs(truth)
    true_positive = len(predicted & expected)
    assert true_positive / len(predicted) >= 0.99
    assert true_positive / len(expected) >= 0.9


def test_homophone_typo_links_through_pinyin(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="医院",
           patient_name="张伟", patient_birth_date="1991-02-03", patient_phone="13912345678")
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="张玮",
           victim_birth_date="1991-02-03", victim_phone="13912345678")
    insert(con, "police_reports", report_id="R2", region_code="330106", victim_name="张涛",
           victim_birth_date="1991-02-03")
    run_link(con, with_model)
    ents = _entities(con)
    assert ents["medical_visits:V1:patient"] == ents["police_reports:R1:victim"]
    assert ents["police_reports:R2:victim"] != ents["police_reports:R1:victim"]


def test_entity_ids_are_stable_across_runs(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    populate_people(con, 40, seed=3)
    first = run_link(con, with_model)
    before = _entities(con)
    run_link(con, with_model)
    assert _entities(con) == before
    # A new mention of an existing person: that entity keeps its id, nobody else changes.
    # A new visit of a patient with a valid identity number, same fields: joins by the number.
    row = con.execute("SELECT visit_id, patient_name, patient_id_no, patient_birth_date, patient_phone "
                      "FROM medical_visits WHERE patient_id_no_valid ORDER BY visit_id LIMIT 1").fetchone()
    assert row is not None
    entity = before[f"medical_visits:{row[0]}:patient"]
    insert(con, "medical_visits", visit_id="NEW", region_code="330106", hospital_name="医院",
           patient_name=row[1], patient_id_no=row[2], patient_id_no_valid=True,
           patient_birth_date=row[3], patient_phone=row[4])
    assert first.model == "reused"
    run_link(con, with_model)
    after = _entities(con)
    assert after["medical_visits:NEW:patient"] == entity
    assert {r: e for r, e in after.items() if r in before} == before


def test_fresh_ids_are_deterministic(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    populate_people(con, 20, seed=5)
    run_link(con, with_model)
    before = _entities(con)
    con.execute("DROP TABLE mentions")
    run_link(con, with_model)
    assert _entities(con) == before


def test_judgements_change_the_clusters(warehouse: Connect, with_model: Settings) -> None:
    con = warehouse()
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="医院",
           patient_name="陈静", patient_birth_date="1975-09-09", patient_phone="13700001111")
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="陈静",
           victim_birth_date="1975-09-09", victim_phone="13700001111")
    insert(con, "police_reports", report_id="R2", region_code="330110", victim_name="林强")
    run_link(con, with_model)
    v1, r1, r2 = (MentionRef.parse(s) for s in ("medical_visits:V1:patient", "police_reports:R1:victim",
                                                 "police_reports:R2:victim"))
    ents = _entities(con)
    assert ents[str(v1)] == ents[str(r1)] != ents[str(r2)]

    record(con, v1, r1, "different", user="检察官甲")
    record(con, r1, r2, "same", user="检察官甲")
    report = run_link(con, with_model)
    ents = _entities(con)
    assert ents[str(v1)] != ents[str(r1)] == ents[str(r2)]
    assert report.judgements == 2
    rules = dict(con.execute("SELECT record_key, rule FROM mentions").fetchall())
    assert rules["R2"] == "judgement"

    # The latest decision counts: back to "same" re-joins V1 and R1 (and so R2).
    record(con, v1, r1, "same", user="检察官乙")
    run_link(con, with_model)
    ents = _entities(con)
    assert ents[str(v1)] == ents[str(r1)] == ents[str(r2)]


@pytest.mark.slow
def test_model_is_trained_once_then_reused(warehouse: Connect, settings: Settings) -> None:
    con = warehouse()
    populate_people(con, 40, seed=9)
    assert run_link(con, settings).model == "trained"
    assert (settings.link_dir / "person_model.json").exists()
    assert run_link(con, settings).model == "reused"
    assert run_link(con, settings, retrain=True).model == "trained"


def test_empty_warehouse_links_nothing(settings: Settings) -> None:
    con = duckdb.connect(str(settings.warehouse_path))
    report = run_link(con, settings)
    assert (report.mentions, report.model) == (0, "none")
    assert con.execute("SELECT count(*) FROM mentions").fetchone() == (0,)


def test_too_few_profiles_to_train_leaves_stage_two_out(warehouse: Connect, settings: Settings) -> None:
    con = warehouse()
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="张三",
           victim_birth_date="1990-01-01")
    insert(con, "police_reports", report_id="R2", region_code="330106", victim_name="张三",
           victim_phone="13800000000")
    report = run_link(con, settings)
    assert report.model == "none" and not (settings.link_dir / "person_model.json").exists()
    assert dict(con.execute("SELECT record_key, rule FROM mentions").fetchall()) == {
        "R1": "singleton", "R2": "singleton"}


def test_splink_runs_under_the_workspace_memory_limit(
    warehouse: Connect, with_model: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Splink's private DuckDB gets ``PROCURA_DUCKDB_MEMORY_LIMIT`` and the spill folder (issue 14)."""
    import procura.link.model as link_model

    seen: list[str] = []
    original = link_model.SplinkSession.__init__

    def spy(self, profiles, model, config=None):  # type: ignore[no-untyped-def]
        original(self, profiles, model, config)
        seen.append(self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])

    monkeypatch.setattr(link_model.SplinkSession, "__init__", spy)
    limited = with_model.model_copy(update={"duckdb_memory_limit": "1GiB"})
    con = warehouse()
    populate_people(con, 50, seed=3)
    run_link(con, limited)
    assert seen == ["1.0 GiB"]
