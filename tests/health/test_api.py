"""/api/v1/persons: masked by default, unmask logged, exact search, lookup without leaks, merge."""

from fugong.core.masking import mask_id_number
from fugong.core.models import PersonalDataAccess
from fugong.health.models import Person

from .helpers import id_no, on_roster, person, staff, wrong_check


def test_list_is_scoped_masked_and_exact(world, api_for):
    a, b = person(world, "A1", 1), person(world, "B1", 2)
    api = api_for("community_A")
    body = api.get("/api/v1/persons").json()
    assert [i["id"] for i in body["items"]] == [a.pk] and body["count"] == 1
    assert body["items"][0]["id_number"] == mask_id_number(a.id_number)
    assert api.get("/api/v1/persons", {"q": a.id_number}).json()["count"] == 1
    assert api.get("/api/v1/persons", {"q": a.id_number[:12]}).json()["count"] == 0
    assert api.get("/api/v1/persons", {"q": b.id_number}).json()["count"] == 0


def test_detail_masked_and_full_logged(world, api_for):
    p = person(world, "A1", 3)
    api = api_for("community_A")
    assert api.get(f"/api/v1/persons/{p.pk}").json()["id_number"] == mask_id_number(p.id_number)
    assert not PersonalDataAccess.objects.filter(object_id=str(p.pk)).exists()
    full = api.get(f"/api/v1/persons/{p.pk}", {"full": 1}).json()
    assert (full["id_number"], full["phone"]) == (p.id_number, p.phone)
    assert PersonalDataAccess.objects.filter(object_id=str(p.pk), user=world.user("community_A")).count() == 1
    assert api_for("medic_A").get(f"/api/v1/persons/{p.pk}", {"full": 1}).status_code in (403, 404)
    assert api_for("street_B").get(f"/api/v1/persons/{p.pk}").status_code == 404


def test_lookup_finds_visible_person_only(world, api_for):
    p = person(world, "A1", 4)
    found = api_for("community_A").get("/api/v1/persons/lookup", {"id_number": p.id_number})
    assert found.status_code == 200 and found.json()["id"] == p.pk
    hidden = api_for("community_B").get("/api/v1/persons/lookup", {"id_number": p.id_number})
    missing = api_for("community_B").get("/api/v1/persons/lookup", {"id_number": id_no(99)})
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()


def test_create_refuses_duplicate_and_wrong_check_digit(world, api_for):
    person(world, "A1", 5)
    api = api_for("community_A")
    dup = api.post(
        "/api/v1/persons",
        {"id_number": id_no(5), "name": "甲", "area_code": "500109001001"},
        content_type="application/json",
    )
    assert dup.status_code == 422 and dup.json()["errors"]["id_number"] == ["该身份证号已登记"]
    bad = api.post(
        "/api/v1/persons",
        {"id_number": wrong_check(6), "name": "乙", "area_code": "500109001001"},
        content_type="application/json",
    )
    assert bad.json()["errors"]["id_number"] == ["身份证号校验位不正确，请核对后重新输入"]
    ok = api.post(
        "/api/v1/persons",
        {"id_number": id_no(6), "name": "乙", "area_code": "500109001001"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["id_number"] == mask_id_number(id_no(6))
    assert Person.objects.filter(id_number__in=[id_no(5), id_no(6)]).count() == 2


def test_update_and_merge(world, api_for):
    survivor, duplicate = staff(world, "A1_above_scale", 7), staff(world, "A1_commerce", 8)
    entry = on_roster(world, "A1_commerce", duplicate)
    resident = person(world, "A1", 9)
    api = api_for("street_A")
    put = api.put(
        f"/api/v1/persons/{resident.pk}",
        {"name": "新名", "area_code": "500109001001"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["name"] == "新名"
    merged = api.post(
        f"/api/v1/persons/{duplicate.pk}/merge",
        {"survivor_id": survivor.pk, "reason": "重复"},
        content_type="application/json",
    )
    assert merged.status_code == 200 and len(merged.json()["employers"]) == 2
    entry.refresh_from_db()
    assert entry.person == survivor and Person.objects.get(pk=duplicate.pk).merged_into == survivor
    looked_up = api.get("/api/v1/persons/lookup", {"id_number": duplicate.id_number}).json()
    assert looked_up["id"] == survivor.pk
    assert api.get(f"/api/v1/persons/{duplicate.pk}").json()["merged_into"] == survivor.pk
    assert duplicate.pk not in [i["id"] for i in api.get("/api/v1/persons").json()["items"]]
    b = person(world, "B1", 10)
    refused = api.post(
        f"/api/v1/persons/{resident.pk}/merge",
        {"survivor_id": b.pk, "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 404 and Person.objects.get(pk=resident.pk).merged_into is None


def test_create_warns_on_same_name_and_phone(world, api_for):
    twin = person(world, "A1", 11, name="吴十", phone="13600002222")
    body = {"id_number": id_no(12), "name": "吴十", "phone": "13600002222", "area_code": "500109001001"}
    created = api_for("community_A").post("/api/v1/persons", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["possible_duplicates"] == [twin.pk]
