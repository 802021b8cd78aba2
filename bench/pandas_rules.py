"""The plain alternative for bench/pipeline.py: the ten rules in pandas, true identities given.

A script an analyst might write instead of procura: read the nine files with
pandas (CSV in UTF-8 or GB18030, JSON lines, XLSX through calamine), clean
only the columns the rules read (dates, yes/no, amounts, enum spellings), take
each mention's entity from the dataset's ``truth.json`` instead of linking,
and apply each rule's main joins and thresholds with the catalogue's default
parameters. It keeps no provenance, quarantines nothing, writes no lead store
and skips jurisdiction, evidence and explanations, so it is a lower bound on
the work, not an equal; it prints per model the leads found and how many
planted violations they cover.

    python bench/pandas_rules.py DATASET_DIR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "src" / "procura" / "catalog"
KEYS = {
    "police_reports": ["report_id"],
    "criminal_cases": ["case_no", "suspect_key"],
    "criminal_case_victims": ["case_no", "victim_key"],
    "admin_penalties": ["penalty_id"],
    "medical_visits": ["visit_id"],
    "court_cases": ["case_no"],
    "court_parties": ["case_no", "party_key"],
    "app_reports": ["report_id"],
    "platform_orders": ["order_id"],
}
YES = {
    "是": True,
    "true": True,
    "y": True,
    "yes": True,
    "1": True,
    "否": False,
    "false": False,
    "n": False,
    "no": False,
    "0": False,
}


def params(model: str) -> dict[str, Any]:
    spec = yaml.safe_load((CATALOG / model / "model.yaml").read_text(encoding="utf-8"))
    return {k: v["default"] for k, v in (spec.get("parameters") or {}).items()}


def read(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, engine="calamine")
    if path.suffix == ".jsonl":
        rows = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                rows.append(row)
        return pd.DataFrame(rows).astype("string")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=str, encoding=enc, on_bad_lines="skip")
        except UnicodeDecodeError:
            continue
    raise ValueError(path)


def date(s: pd.Series) -> pd.Series:
    text = s.astype("string").str.strip().str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "")
    return pd.to_datetime(text, format="mixed", errors="coerce").dt.normalize()


def num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("string").str.replace(",", "").str.strip(), errors="coerce")


def yes(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().map(YES).eq(True)


def enum(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)


def load(folder: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    data = {p.stem: read(p) for p in sorted((folder / "data").iterdir()) if p.stem in KEYS}
    for name, df in data.items():
        key = df[KEYS[name][0]].astype("string")
        for col in KEYS[name][1:]:
            key = key + "|" + df[col].astype("string")
        df["_key"] = key
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    mentions = pd.DataFrame(
        {
            "table": m["table"],
            "key": "|".join(str(v) for v in m["key"].values()),
            "role": m["role"],
            "entity": m["entity"],
        }
        for m in truth["mentions"]
    )
    return data, mentions


def entity(df: pd.DataFrame, mentions: pd.DataFrame, table: str, role: str, out: str) -> pd.DataFrame:
    m = mentions[(mentions.table == table) & (mentions.role == role)][["key", "entity"]]
    return df.merge(m.rename(columns={"key": "_key", "entity": out}), on="_key", how="left")


def birth(df: pd.DataFrame, birth_col: str | None, id_col: str) -> pd.Series:
    from_id = pd.to_datetime(df[id_col].astype("string").str.slice(6, 14), format="%Y%m%d", errors="coerce")
    return date(df[birth_col]).fillna(from_id) if birth_col else from_id


def age(at: pd.Series, born: pd.Series) -> pd.Series:
    years = at.dt.year - born.dt.year
    return years - ((at.dt.month * 100 + at.dt.day) < (born.dt.month * 100 + born.dt.day)).astype(int)


def window_pairs(events: pd.DataFrame, by: str, when: str, days: int) -> pd.DataFrame:
    """Every (start, member) pair of the same ``by`` with member within ``days`` after start."""
    pairs = events.merge(events, on=by, suffixes=("_s", ""))
    gap = (pairs[when] - pairs[when + "_s"]).dt.days
    return pairs[(gap >= 0) & (gap <= days)]


def rules(d: dict[str, pd.DataFrame], mentions: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    pr, cc, cv, ap = (
        d["police_reports"],
        d["criminal_cases"],
        d["criminal_case_victims"],
        d["admin_penalties"],
    )
    mv, ct, cp, ar, po = (
        d[t] for t in ("medical_visits", "court_cases", "court_parties", "app_reports", "platform_orders")
    )
    pr["received"], pr["offense"] = date(pr.received_at), enum(pr.offense_type)

    p = params("unfiled-online-defamation")
    views, reposts = num(pr.views_count).fillna(0), num(pr.reposts_count).fillna(0)
    hit = (
        pr.offense.isin(["online_defamation", "online_insult"])
        & ~yes(pr.filed)
        & ((as_of - pr.received).dt.days >= p["decision_days"])
        & ((views >= p["min_views"]) | (reposts >= p["min_reposts"]))
    )
    found["unfiled-online-defamation"] = set(pr[hit]._key)

    cc["decided"], cc["stage_"], cc["charge_"] = date(cc.decision_date), enum(cc.stage), enum(cc.charge)
    ap["decided"] = date(ap.decided_at)
    ap = entity(ap, mentions, "admin_penalties", "party", "party")
    p = params("non-prosecution-without-penalty")
    dec = cc[
        (cc.stage_ == "non_prosecuted")
        & cc.charge_.isin(p["charges"])
        & ((as_of - cc.decided).dt.days >= p["grace_days"])
        & ~yes(cc.admin_referral_sent)
    ]
    dec = entity(dec, mentions, "criminal_cases", "suspect", "suspect")
    pen = dec.merge(ap[["party", "decided"]], left_on="suspect", right_on="party", suffixes=("", "_p"))
    gap = (pen.decided_p - pen.decided).dt.days
    cleared = set(pen[(gap >= 0) & (gap <= p["window_days"])]._key)
    found["non-prosecution-without-penalty"] = set(dec._key) - cleared

    p = params("pi-case-without-civil-pil")
    q = cc[
        (cc.charge_ == "personal_info_infringement")
        & cc.stage_.isin(p["stages"])
        & (
            (num(cc.records_count).fillna(0) >= p["min_records"])
            | (num(cc.victims_count).fillna(0) >= p["min_victims"])
        )
    ]
    filed = cc.assign(pil=yes(cc.civil_pil_filed)).groupby("case_no").pil.any()
    found["pi-case-without-civil-pil"] = {c for c in set(q.case_no) if not filed.get(c, False)}

    p = params("fines-instead-of-prosecution")
    vt, gain = enum(ap.violation_type), num(ap.illegal_gain).fillna(0)
    vol, recs = num(ap.illegal_business_volume).fillna(0), num(ap.records_count).fillna(0)
    over = (
        (vt == "online_ip_infringement") & ((gain >= p["ip_min_gain"]) | (vol >= p["ip_min_volume"]))
        | (vt == "counterfeit_trademark_sales") & (vol >= p["trademark_min_volume"])
        | (vt == "personal_info_violation") & ((recs >= p["pi_min_records"]) | (gain >= p["pi_min_gain"]))
    )
    cand = ap[over & ~yes(ap.transferred) & (ap.decided <= as_of)]
    events = pd.concat(
        [
            entity(pr, mentions, "police_reports", "suspect", "who")[["who", "received"]].rename(
                columns={"received": "when"}
            ),
            entity(cc, mentions, "criminal_cases", "suspect", "who")[["who", "decided"]].rename(
                columns={"decided": "when"}
            ),
        ]
    ).dropna()
    near = cand.merge(events, left_on="party", right_on="who")
    near = near[(near.when - near.decided).dt.days.abs() <= p["window_days"]]
    found["fines-instead-of-prosecution"] = set(cand._key) - set(near._key)

    p = params("mandatory-report-failure")
    mv["visit"] = date(mv.visit_date)
    mv = entity(mv[mv.visit <= as_of], mentions, "medical_visits", "patient", "patient")
    mv["age"] = age(mv.visit, birth(mv, "patient_birth_date", "patient_id_no"))
    icd = mv.icd10.astype("string").str.strip().str.upper()

    def matches(codes: list[str]) -> pd.Series:
        hit = pd.Series(False, index=mv.index)
        for code in codes:
            if "-" in code:
                lo, hi = code.split("-")
                hit |= (icd.str.slice(0, 3) >= lo) & (icd.str.slice(0, 3) <= hi)
            else:
                hit |= icd.str.startswith(code).fillna(False)
        return hit

    sex = mv.patient_sex.astype("string").str.upper()
    flagged = mv[
        (matches(p["genital_injury_codes"]) & (mv.age < p["minor_age"]))
        | (matches(p["pregnancy_sti_codes"]) & (sex == "F") & (mv.age < p["young_girl_age"]))
    ]
    victims = entity(pr, mentions, "police_reports", "victim", "who")[["who", "received"]]
    told = flagged.merge(victims, left_on="patient", right_on="who")
    gap = (told.received - told.visit).dt.days
    told = told[(gap >= -p["lookback_days"]) & (gap <= p["grace_days"])]
    found["mandatory-report-failure"] = set(flagged._key) - set(told._key)

    p = params("vulnerable-victim-support")
    cases = cc[cc.charge_.isin(p["charges"]) & cc.stage_.isin(p["stages"])].groupby("case_no").decided.min()
    v = cv.merge(cases.rename("decided"), left_on="case_no", right_index=True)
    v = entity(v[num(v.loss_amount) >= p["min_loss"]], mentions, "criminal_case_victims", "victim", "who")
    v["age"] = age(v.decided, birth(v, "victim_birth_date", "victim_id_no"))
    v = v[yes(v.disability) | (v.age >= p["elderly_age"]) | (v.age < p["minor_age"])]
    ct["filed"], ct["closed"], ct["type_"] = date(ct.filed_at), date(ct.closed_at), enum(ct.case_type)
    cp = entity(cp, mentions, "court_parties", "party", "who")
    plaintiffs = cp[enum(cp.role) == "plaintiff"].merge(ct, on="case_no")
    sued = v.merge(plaintiffs[plaintiffs.type_ == "civil"][["who", "filed"]], on="who")
    found["vulnerable-victim-support"] = set(v._key) - set(sued[sued.filed >= sued.decided]._key)

    p = params("false-litigation")
    lending = plaintiffs[(enum(plaintiffs.cause) == "private_lending") & (plaintiffs.filed <= as_of)].copy()
    lending["quick"] = enum(lending.closing_method).isin(["mediation", "withdrawal"]) & (
        (lending.closed - lending.filed).dt.days.between(0, p["quick_days"])
    )
    spans = window_pairs(lending[["who", "case_no", "filed", "quick"]], "who", "filed", p["window_days"])
    agg = spans.groupby(["who", "case_no_s"]).agg(n=("case_no", "size"), q=("quick", "sum"))
    serial = agg[(agg.n >= p["min_cases"]) & (agg.q / agg.n >= p["min_quick_share"])].reset_index()
    found["false-litigation"] = set(spans.merge(serial, on=["who", "case_no_s"]).case_no)
    mediated = ct[enum(ct.closing_method) == "mediation"].case_no
    side = cp[cp.case_no.isin(mediated)]
    pl, df = side[enum(side.role) == "plaintiff"], side[enum(side.role) == "defendant"]
    for col in ("phone", "address"):
        same = pl.merge(df, on=["case_no", col], suffixes=("", "_d")).dropna(subset=[col])
        found["false-litigation"] |= set(same[same.who != same.who_d].case_no)

    p = params("cyberviolence-cluster")
    rep = entity(
        entity(
            pr[pr.offense.isin(["online_defamation", "online_insult"]) & (pr.received <= as_of)],
            mentions,
            "police_reports",
            "victim",
            "victim",
        ),
        mentions,
        "police_reports",
        "suspect",
        "suspect",
    )
    rep["born"] = birth(rep, "victim_birth_date", "victim_id_no")
    priv = plaintiffs[(plaintiffs.type_ == "private_prosecution") & (plaintiffs.filed <= as_of)]
    dfd = cp[enum(cp.role) == "defendant"][["case_no", "who"]].rename(columns={"who": "suspect"})
    priv = priv.merge(dfd, on="case_no", how="left").rename(columns={"who": "victim"})
    ev = pd.concat(
        [
            rep[["victim", "_key", "received", "suspect", "born"]].rename(columns={"received": "when"}),
            priv[["victim", "case_no", "filed", "suspect"]].rename(
                columns={"case_no": "_key", "filed": "when"}
            ),
        ]
    ).dropna(subset=["victim"])
    win = window_pairs(ev, "victim", "when", p["window_days"])
    n = win.groupby(["victim", "_key_s"]).suspect.nunique()
    big = n[n >= p["min_suspects"]].reset_index()[["victim", "_key_s"]]
    hits = set(win.merge(big, on=["victim", "_key_s"])._key)
    minors = ev[age(ev.when, ev.born) < p["minor_age"]]
    found["cyberviolence-cluster"] = hits | set(minors._key)

    p = params("app-pi-violations")
    ar["when"], ar["issue"] = date(ar.reported_at), enum(ar.issue_type)
    ar = entity(ar[ar.when <= as_of], mentions, "app_reports", "operator", "op").dropna(subset=["op"])
    pi = window_pairs(
        ar[ar.issue.isin(p["issue_types"])][["op", "_key", "when", "region_code"]],
        "op",
        "when",
        p["window_days"],
    )
    g = pi.groupby(["op", "_key_s"]).agg(n=("_key", "size"), r=("region_code", "nunique"))
    spread = g[(g.n >= p["min_reports"]) & (g.r >= p["min_regions"])].reset_index()
    mi = window_pairs(ar[ar.issue == "minors_info"][["op", "_key", "when"]], "op", "when", p["window_days"])
    gm = mi.groupby(["op", "_key_s"]).size()
    minor = gm[gm >= p["min_minor_reports"]].reset_index()[["op", "_key_s"]]
    plat = entity(
        cc[cc.charge_ == "personal_info_infringement"], mentions, "criminal_cases", "platform", "op"
    )
    found["app-pi-violations"] = (
        set(pi.merge(spread, on=["op", "_key_s"])._key)
        | set(mi.merge(minor, on=["op", "_key_s"])._key)
        | set(ar[ar.op.isin(plat.op.dropna())]._key)
    )

    p = params("price-discrimination")
    po["day"], po["price"] = date(po.ordered_at), num(po.paid_price)
    po["tenure"] = (po.day - date(po.user_registered_at)).dt.days
    po = po.dropna(subset=["price", "tenure", "city_code"])
    po = po[po.day <= as_of]
    po["side"] = None
    po.loc[po.tenure >= p["established_days"], "side"] = "established"
    po.loc[(po.tenure >= 0) & (po.tenure < p["new_days"]), "side"] = "new"
    groups = po.dropna(subset=["side"]).groupby(["platform_uscc", "sku", "city_code", "day", "side"]).price
    med = groups.median().unstack("side")
    cnt = groups.size().unstack("side")
    ok = (cnt.get("established", 0) >= p["min_orders"]) & (cnt.get("new", 0) >= p["min_orders"])
    med = med[ok & (med.established / med.new - 1 >= p.get("min_gap", 0.05) - 1e-9)]
    found["price-discrimination"] = {f"{u}|{s}" for u, s, *_ in med.index}
    return found


def covered(found: dict[str, set[str]], truth: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Per model: (leads, planted violations, planted violations whose anchor key is among the leads)."""
    out = {}
    for model, keys in found.items():
        planted = truth["models"].get(model, {}).get("violations", [])
        hit = sum(
            any("|".join(str(v) for v in a["key"].values()) in keys for a in p["anchor"]) for p in planted
        )
        out[model] = (len(keys), len(planted), hit)
    return out


def main() -> None:
    folder = Path(sys.argv[1])
    started = time.perf_counter()
    data, mentions = load(folder)
    loaded = time.perf_counter()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    found = rules(data, mentions, pd.Timestamp(truth["as_of"]))
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "load_s": loaded - started,
                "rules_s": done - loaded,
                "seconds": done - started,
                "models": covered(found, truth),
            }
        )
    )


if __name__ == "__main__":
    main()
