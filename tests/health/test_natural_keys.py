"""Registering with an ID number on file in another street links without revealing (issue 10,
"Build" 2): a person of street B typed by street A's community worker or street officer answers
exactly as a new person (page, API, import), and a review entry goes to B's list, not A's."""

import io
import json

import pytest
from openpyxl import Workbook

from fugong.health.models import DiscrepancyStatus, Person, PersonDiscrepancy

from .helpers import id_no, person

URL = "/api/v1/persons"
A1 = "500109001001"
TYPED = {"name": "李小龙", "phone": "13500001234", "address": "天生路9号"}


@pytest.fixture
def b_person(world):
    """A resident of street B, whose file must not leak: name, phone, address, community."""
    p = person(world, "B1", 301, name="钱多多", phone="13911112222")
    p.address = "朝阳路8号"
    p.save()
    return p


def text_of(response) -> str:
    """The answer as a reader sees it: JSON with its Chinese unescaped, or the page's HTML."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def leaks(text: str, p: Person) -> list[str]:
    secrets = [p.name, p.phone, p.phone[-4:], p.address, p.area.name]
    return [s for s in secrets if s and s in text]


def normalised(body: dict, id_number: str) -> dict:
    """The answer with what differs by nature between two records blanked: ids, times, the number."""
    text = json.dumps(body, ensure_ascii=False)
    text = text.replace(id_number[:6], "<id>").replace(id_number[-4:], "<id>")
    data = json.loads(text)
    for key in ("id", "created_at"):
        data.pop(key, None)
    return data


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("user", ["community_A", "street_A"])
@pytest.mark.parametrize("typed_name", ["李小龙", "钱多多"])  # a different name, and the file's own
def test_api_create_of_a_known_number_out_of_scope_answers_as_new(world, api_for, b_person, user, typed_name):
    api = api_for(user)
    known = post(api, {**TYPED, "name": typed_name, "id_number": b_person.id_number, "area_code": A1})
    fresh = post(api, {**TYPED, "name": typed_name, "id_number": id_no(302), "area_code": A1})
    assert known.status_code == fresh.status_code == 201
    assert normalised(known.json(), b_person.id_number) == normalised(fresh.json(), id_no(302))
    text = text_of(known)
    assert leaks(text.replace(typed_name, ""), b_person) == []
    b_person.refresh_from_db()
    assert (b_person.name, b_person.area.code) == ("钱多多", "500109002001")  # the file is untouched
    assert Person.objects.get(id_number=id_no(302)).area.code == A1  # the new one really saved
    claim = PersonDiscrepancy.objects.get(person=b_person)
    assert (claim.typed_name, claim.created_by, claim.source) == (
        typed_name,
        world.users[user],
        "person_create",
    )
    assert claim.name_differs is (typed_name != "钱多多")


def test_api_create_in_scope_duplicate_is_still_named(world, api_for, b_person):
    response = post(
        api_for("community_B"), {**TYPED, "id_number": b_person.id_number, "area_code": "500109002001"}
    )
    assert response.status_code == 422 and response.json()["errors"]["id_number"] == ["该身份证号已登记"]
    assert not PersonDiscrepancy.objects.exists()


@pytest.mark.parametrize("user", ["community_A", "street_A"])
def test_page_create_of_a_known_number_out_of_scope_answers_as_new(world, client_for, b_person, user):
    client = client_for(user)
    data = {**TYPED, "area": world.areas["A1"].pk}
    known = client.post("/people/new/", {**data, "id_number": b_person.id_number}, follow=True)
    fresh = client.post("/people/new/", {**data, "id_number": id_no(303)}, follow=True)
    assert known.redirect_chain == fresh.redirect_chain == [("/people/", 302)]
    for response in (known, fresh):
        assert "已登记：李小龙" in text_of(response)
    assert leaks(text_of(known), b_person) == []
    assert "该身份证号已登记" not in text_of(known)


def test_page_create_in_scope_duplicate_links_to_the_record(world, client_for, b_person):
    data = {**TYPED, "area": world.areas["B1"].pk, "id_number": b_person.id_number}
    response = client_for("community_B").post("/people/new/", data)
    assert response.status_code == 400 and "该身份证号已登记" in text_of(response)


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名*", "身份证号*", "手机号", "居住社区编码*", "居住地址"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "persons.xlsx"
    return buf


@pytest.mark.parametrize("user", ["community_A", "street_A"])
def test_import_of_a_known_number_out_of_scope_reads_as_a_new_row(world, api_for, client_for, b_person, user):
    def row(number):
        return [TYPED["name"], number, TYPED["phone"], A1, TYPED["address"]]

    known = api_for(user).post(f"{URL}/import", {"file": xlsx([row(b_person.id_number)])})
    fresh = api_for(user).post(f"{URL}/import", {"file": xlsx([row(id_no(304))])})
    assert known.status_code == fresh.status_code == 200
    assert (
        known.json()
        == fresh.json()
        == {
            "detail": "新增 1 人，未导入 0 行。",
            "saved": True,
            "total": 1,
            "created": 1,
            "skipped": 0,
            "errors": [],
        }
    )
    page = client_for(user).post("/people/import/", {"file": xlsx([row(b_person.id_number)])})
    assert page.status_code == 200 and leaks(text_of(page), b_person) == []
    # Imported twice by the same user with the same values: one open claim.
    assert PersonDiscrepancy.objects.filter(person=b_person, source="person_import").count() == 1


def test_import_in_scope_duplicate_is_still_an_error(world, api_for, b_person):
    upload = xlsx([["某", b_person.id_number, "", "500109002001", ""]])
    body = api_for("community_B").post(f"{URL}/import", {"file": upload}).json()
    assert body["errors"] == [{"row": 2, "column": "身份证号", "message": "该身份证号已登记"}]


def claim_of(api_for, b_person, user="community_A"):
    post(api_for(user), {**TYPED, "id_number": b_person.id_number, "area_code": A1})
    return PersonDiscrepancy.objects.get(person=b_person)


def test_the_review_list_is_the_owning_sides_only(world, api_for, client_for, b_person):
    claim = claim_of(api_for, b_person)
    for owner in ("community_B", "street_B", "sysadmin"):
        listed = api_for(owner).get(f"{URL}/discrepancies").json()
        assert [i["id"] for i in listed["items"]] == [claim.pk]
        item = listed["items"][0]
        assert (item["file_name"], item["typed_name"], item["name_differs"]) == ("钱多多", "李小龙", True)
    page = client_for("community_B").get("/people/discrepancies/")
    assert "钱多多" in text_of(page) and "李小龙" in text_of(page)
    for outsider in ("community_A", "street_A", "community_A2"):
        assert api_for(outsider).get(f"{URL}/discrepancies").json() == {"items": [], "count": 0}
        text = client_for(outsider).get("/people/discrepancies/").content.decode()
        assert "钱多多" not in text and "没有需要核实的登记" in text
        assert client_for(outsider).get(f"/people/discrepancies/{claim.pk}/").status_code == 404
    assert api_for("ent_admin_A").get(f"{URL}/discrepancies").status_code == 403


@pytest.mark.parametrize(
    ("resolution", "name", "status"),
    [("accept", "李小龙", "resolved"), ("keep", "钱多多", "resolved"), ("different", "钱多多", "rejected")],
)
def test_the_owning_side_resolves(world, api_for, b_person, resolution, name, status):
    claim = claim_of(api_for, b_person)
    url = f"{URL}/discrepancies/{claim.pk}/resolve"
    body = {"resolution": resolution, "note": "电话核实"}
    refused = api_for("community_A").post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 404
    claim.refresh_from_db()
    assert claim.status == DiscrepancyStatus.OPEN
    done = api_for("community_B").post(url, json.dumps(body), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == status
    b_person.refresh_from_db()
    assert b_person.name == name
    again = api_for("community_B").post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 422


def test_the_page_resolves_and_the_registrant_sees_only_the_verdict(world, api_for, client_for, b_person):
    claim = claim_of(api_for, b_person)
    url = f"/people/discrepancies/{claim.pk}/"
    assert client_for("community_A").post(url, {"resolution": "accept"}).status_code == 404
    response = client_for("community_B").post(url, {"resolution": "different", "note": "身份证号录错"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.resolved_by == world.users["community_B"]
    detail = client_for("community_B").get(url).content.decode()
    assert "非同一人" in detail
