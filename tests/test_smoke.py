def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_street_officer_lists_only_own_street(world, client_for):
    response = client_for("street_A").get("/enterprises/")
    assert response.status_code == 200
    names = {e.name for e in response.context["page"]}
    assert names == {world.enterprises[k].name for k in ("A1_above_scale", "A1_commerce", "A2_individual")}
