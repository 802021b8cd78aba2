"""Similar-case search, trends and the governance report over HTTP: scoped, masked, clear errors."""

from __future__ import annotations

from api_world import VICTIM_ID, World, username


def test_similar_search_is_scoped_and_masked(world: World) -> None:
    own = world.call("GET", "/similar", username("handler", "own"), params={"text": "身份证"})
    assert own.status_code == 200
    hits = own.json()["hits"]
    assert [h["record_key"] for h in hits] == ["PR-1"]
    assert VICTIM_ID not in own.text
    other = world.call("GET", "/similar", username("handler", "sibling"), params={"text": "身份证"})
    assert other.status_code == 200 and other.json()["hits"] == []


def test_similar_bad_input_is_422_or_404(world: World) -> None:
    user = username("handler", "own")
    assert world.call("GET", "/similar", user, params={"text": "，。！"}).status_code == 422
    assert world.call("GET", "/similar", user, params={"text": "x" * 3000}).status_code == 422
    assert world.call("GET", "/similar", user, params={"record": "police_reports:NOPE"}).status_code == 404
    assert world.call("GET", "/similar", user).status_code == 422
    assert world.call("GET", "/similar", None, params={"text": "a"}).status_code == 401


def test_trends_and_report(world: World) -> None:
    user = username("handler", "own")
    counts = world.call("GET", "/trends/cyber_defamation", user, params={"level": "county"})
    assert counts.status_code == 200 and counts.json()["rows"][0]["region_code"] == "330106"
    assert world.call("GET", "/trends/nope", user).status_code == 422
    assert world.call("GET", "/trends/alerts", user).status_code == 200
    empty = world.call("GET", "/trends/cyber_defamation", user, params={"start": "2019-01", "end": "2019-02"})
    assert empty.status_code == 200 and empty.json()["note"]
    pdf = world.call("GET", "/reports/governance", user, params={"start": "2026-01", "end": "2026-06"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = world.call("GET", "/reports/governance", user, params={"start": "2026-06", "end": "2026-01"})
    assert bad.status_code == 422
    period = {"start": "2026-01", "end": "2026-06"}
    model = world.call(
        "GET",
        "/reports/governance",
        user,
        params={**period, "model": "unfiled-online-defamation", "format": "json"},
    )
    assert model.status_code == 200 and model.json()["scope"] == "model"
    assert (
        world.call("GET", "/reports/governance", user, params={**period, "model": "nope"}).status_code == 404
    )
    assert (
        world.call("GET", "/reports/governance", user, params={**period, "class": "K-nope"}).status_code
        == 404
    )


def test_classes_routes(world: World) -> None:
    user = username("handler", "own")
    world.lead()
    world.lead()
    listed = world.call("GET", "/classes", user, params={"by": "body"})
    assert listed.status_code == 200
    assert any(c["key"] == "西湖分局" and len(c["members"]) >= 2 for c in listed.json()), listed.json()
    assert world.call("GET", "/classes", user, params={"by": "colour"}).status_code == 422
    assert world.call("GET", "/classes/K-nope", user).status_code == 404
    assert world.call("POST", "/classes/K-nope/measure", user, json={}).status_code == 404
