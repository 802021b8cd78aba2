import csv
from collections.abc import Callable

import duckdb
from link_fixtures import insert, make_id
from typer.testing import CliRunner

from procura.cli import app
from procura.config import Settings
from procura.link.explain import explain
from procura.link.judgements import MentionRef
from procura.link.review import mask, uncertain_pairs

Connect = Callable[[], duckdb.DuckDBPyConnection]
runner = CliRunner()


def _seed(con: duckdb.DuckDBPyConnection) -> None:
    id_no = make_id("330106", "1975-09-09", 31)
    insert(con, "medical_visits", visit_id="V1", region_code="330106", hospital_name="医院",
           patient_name="陈静", patient_birth_date="1975-09-09", patient_phone="13700001111")
    insert(con, "police_reports", report_id="R1", region_code="330106", victim_name="陈晶",
           victim_birth_date="1975-09-09", victim_phone="13700001111")
    insert(con, "police_reports", report_id="R2", region_code="330106", victim_name="陈静",
           victim_id_no=id_no, victim_id_no_valid=True)
    insert(con, "police_reports", report_id="R3", region_code="330106", victim_name="陈 静",
           victim_id_no=id_no, victim_id_no_valid=True)
    con.close()


def _link(settings: Settings) -> None:
    result = runner.invoke(app, ["-w", str(settings.home), "link"])
    assert result.exit_code == 0, result.output
    assert "Entity resolution" in result.output


def test_link_then_export_csv(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    out = with_model.home / "mentions.csv"
    result = runner.invoke(app, ["-w", str(with_model.home), "link", "export", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["table", "key", "role", "entity_id", "probability"]
    by_key = {(r["table"], r["key"], r["role"]): r for r in rows}
    r2, r3 = by_key[("police_reports", "R2", "victim")], by_key[("police_reports", "R3", "victim")]
    assert r2["entity_id"] == r3["entity_id"]
    assert float(by_key[("police_reports", "R2", "victim")]["probability"]) == 1.0


def test_export_before_link_is_a_clear_error(settings: Settings) -> None:
    result = runner.invoke(app, ["-w", str(settings.home), "link", "export", "--format", "xml"])
    assert result.exit_code != 0
    assert "format 'xml'" in result.output


def test_explain_shows_identifier_and_waterfall(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    con = duckdb.connect(str(with_model.warehouse_path))
    by_id = explain(con, with_model, MentionRef.parse("police_reports:R2:victim"),
                    MentionRef.parse("police_reports:R3:victim"))
    assert by_id.same_entity and by_id.stage_one and "identity number" in by_id.stage_one
    assert (by_id.rule_left, by_id.rule_right) == ("id_no", "id_no")
    homophone = explain(con, with_model, MentionRef.parse("medical_visits:V1:patient"),
                        MentionRef.parse("police_reports:R1:victim"))
    fields = {step.field: step for step in homophone.steps}
    assert {"Prior", "name", "birth_date", "phone"} <= set(fields)
    assert "pinyin" in fields["name"].label and fields["name"].match_weight > 0
    assert homophone.probability is not None and 0.0 < homophone.probability <= 1.0
    total = sum(step.match_weight for step in homophone.steps)
    assert abs(total - (homophone.match_weight or 0)) < 1e-6
    con.close()
    _sign_in(with_model)
    result = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", "medical_visits:V1:patient",
                                 "police_reports:R1:victim"])
    assert result.exit_code == 0, result.output
    assert "waterfall" in result.output and "name" in result.output
    # Issue 10: identity numbers were printed in clear; now masked unless a purpose is stated.
    pair = ["police_reports:R2:victim", "police_reports:R3:victim"]
    masked = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", *pair])
    assert masked.exit_code == 0 and "*" in masked.output, masked.output
    purpose = ["--purpose", "review: 核对两条报案记录是否同一被害人"]
    clear = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", *pair, *purpose])
    assert clear.exit_code == 0 and "*" not in clear.output.split("stage one")[1].splitlines()[0]


def _sign_in(settings: Settings, role: str = "analyst") -> None:
    ws = ["-w", str(settings.home)]
    for args in (
        ["users", "add", "root", "--office", "330000-province", "--role", "admin", "--password", "root-pass"],
        ["login", "-u", "root", "--password", "root-pass"],
        ["users", "add", "乙", "--office", "330000-province", "--role", role, "--password", "user-pass"],
        ["login", "-u", "乙", "--password", "user-pass"],
    ):
        result = runner.invoke(app, [*ws, *args])
        assert result.exit_code == 0, result.output


def test_link_details_need_a_signed_in_analyst(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    pair = ["police_reports:R2:victim", "police_reports:R3:victim"]
    unsigned = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", *pair])
    assert unsigned.exit_code == 2 and "not signed in" in unsigned.output
    _sign_in(with_model, role="handler")
    refused = runner.invoke(app, ["-w", str(with_model.home), "link", "review", "--low", "0", "--high", "1"])
    assert refused.exit_code == 1 and "forbidden" in refused.output


def test_explain_unknown_mention_is_one_line_error(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    _sign_in(with_model)
    result = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", "police_reports:NOPE:victim",
                                 "police_reports:R1:victim"])
    assert result.exit_code == 2
    assert "police_reports:NOPE:victim" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["-w", str(with_model.home), "link", "explain", "garbage", "x"])
    assert result.exit_code == 2 and "TABLE:KEY:ROLE" in result.output


def test_judge_cli_records_and_rejects_bad_decisions(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    base = ["-w", str(with_model.home), "link", "judge", "medical_visits:V1:patient",
            "police_reports:R2:victim"]
    _sign_in(with_model)
    bad = runner.invoke(app, [*base, "maybe"])
    assert bad.exit_code == 2 and "decision 'maybe'" in bad.output
    good = runner.invoke(app, [*base, "same"])
    assert good.exit_code == 0, good.output
    _link(with_model)
    con = duckdb.connect(str(with_model.warehouse_path))
    ents = dict(con.execute("SELECT record_key, entity_id FROM mentions WHERE kind = 'person'").fetchall())
    assert ents["V1"] == ents["R2"] == ents["R3"]
    row = con.execute("SELECT user_name, decision FROM _link_judgements").fetchone()
    assert row == ("乙", "same")  # the signed-in reviewer, not a self-declared --user


def test_review_lists_band_and_hides_judged_pairs(warehouse: Connect, with_model: Settings) -> None:
    _seed(warehouse())
    _link(with_model)
    con = duckdb.connect(str(with_model.warehouse_path))
    pairs = uncertain_pairs(con, 0.0, 1.0)
    assert pairs and all(0.0 <= p.probability < 1.0 for p in pairs)
    assert all(p.left.id_no is None or "*" in p.left.id_no for p in pairs)
    first = pairs[0]
    con.close()
    _sign_in(with_model)
    result = runner.invoke(
        app, ["-w", str(with_model.home), "link", "review", "--low", "0", "--high", "1", "-i"],
        input="d\n" + "n\n" * len(pairs),
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(with_model.warehouse_path))
    remaining = uncertain_pairs(con, 0.0, 1.0)
    assert (first.left.ref, first.right.ref) not in {(p.left.ref, p.right.ref) for p in remaining}
    assert len(remaining) == len(pairs) - 1


def test_mask_keeps_only_the_ends() -> None:
    assert mask("330106197509090314", 6, 4) == "330106********0314"
    assert mask("123", 6, 4) == "123"
    assert mask(None, 6, 4) is None
