"""Access to a person follows the relation (health.policies): the home community chain sees and
changes the file; an active employment at an enterprise one sees opens the staff view only (name,
masked numbers, that enterprise's own rows) and changes nothing; an ended relation opens nothing.

The person lives in street B (朝阳社区) and is put on a draft roster of street A's 规上 enterprise by
its admin (the chain of issue 10, "What was seen" 2); they also work for a B enterprise, and used to
work for A1's commerce enterprise (an employment that has ended).
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from fugong.core import fake
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.models import PersonalDataAccess
from fugong.health.models import Employment, Person
from fugong.resumption.models import Filing, RosterEntry
from tests.quarantine.factories import high_risk, register

from .helpers import person as resident

LINKED = ["community_A", "street_A", "commissioner_A", "medic_A", "ent_admin_A"]
OWNERS = ["community_B", "street_B"]
NAME, ADDRESS, PHONE = "赵敏", "朝阳路88号5栋", "13987654321"
NUMBER = fake.id_number(4242, dt.date(1990, 5, 17))
HISTORY = '<h2 class="h6">变更记录</h2>'  # the file's history card


def roster_row(name=NAME, number=NUMBER, phone=PHONE) -> dict:
    return {
        "name": name,
        "id_number": number,
        "phone": phone,
        "last14_location": "重庆市北碚区",
        "health_state": "healthy",
        "is_local": False,
    }


def filing_body(roster: list[dict]) -> dict:
    return {
        "planned_date": timezone.localdate().isoformat(),
        "prevention_plan": "测温、消毒、分餐",
        "masks_stock": 2000,
        "masks_days": 14,
        "disinfectant_kg": "30.5",
        "disinfectant_days": 14,
        "thermometers": 2,
        "ventilation": "good",
        "has_isolation_room": True,
        "canteen_measures": "错峰",
        "roster": roster,
    }


def save_roster(api_for, roster: list[dict]):
    response = api_for("ent_admin_A").post(
        "/api/v1/filings", json.dumps(filing_body(roster)), content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    return response


@pytest.fixture
def linked(world, api_for) -> Person:
    """A street-B resident under quarantine there, on A1's draft roster, with two other employers."""
    p = Person.objects.create(
        id_number=NUMBER, name=NAME, phone=PHONE, area=world.areas["B1"], address=ADDRESS
    )
    Employment.objects.create(person=p, enterprise=world.enterprises["B1_commerce"])
    Employment.objects.create(person=p, enterprise=world.enterprises["A1_commerce"], is_active=False)
    high_risk()
    returnee = register(world, "community_B", "B1", number=NUMBER, name=NAME)
    from fugong.quarantine import services as quarantine

    quarantine.order_issue(
        actor=world.users["community_B"], returnee_id=returnee.pk, start_date=timezone.localdate()
    )
    extra = roster_row("钱多多", fake.id_number(4243, dt.date(1991, 2, 3)), "13811112222")
    save_roster(api_for, [roster_row(), extra])
    assert Employment.objects.get(person=p, enterprise=world.enterprises["A1_above_scale"]).is_active
    p.refresh_from_db()
    return p


def file_secrets(world, p: Person) -> list[str]:
    """What the staff view must never show: full numbers, the home, quarantine, other employers."""
    return [
        p.id_number,
        p.phone,
        p.address,
        world.areas["B1"].name,
        "隔离中",
        world.enterprises["B1_commerce"].name,
        world.enterprises["A1_commerce"].name,
    ]


def assert_hides(text: str, secrets: list[str], where: str):
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{where} shows {leaked}"


def state(p: Person) -> tuple:
    p = Person.objects.get(pk=p.pk)
    return (p.name, p.phone, p.area_id, p.address, p.merged_into_id, PersonalDataAccess.objects.count())


# --- the staff view -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", LINKED)
def test_the_employer_side_sees_name_and_masked_id_only_on_the_page(world, linked, client_for, who):
    response = client_for(who).get(f"/people/{linked.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME in page and mask_id_number(NUMBER) in page and mask_phone(PHONE) in page
    assert world.enterprises["A1_above_scale"].name in page  # its own employment
    assert_hides(page, file_secrets(world, linked), f"{who}'s page")
    for link in (f"/people/{linked.pk}/edit/", f"/people/{linked.pk}/merge/", f"/people/{linked.pk}/reveal/"):
        assert link not in page
    assert HISTORY not in page and 'id="quarantines"' not in page  # no history, no quarantine card


@pytest.mark.parametrize("who", LINKED)
def test_the_employer_side_sees_name_and_masked_id_only_in_the_api(world, linked, api_for, who):
    api = api_for(who)
    response = api.get(f"/api/v1/persons/{linked.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == NAME and body["id_number"] == mask_id_number(NUMBER)
    assert body["access"] == "employment"
    assert (body["area_code"], body["area_name"], body["address"], body["merge_reason"]) == (None,) * 4
    assert [e["enterprise_name"] for e in body["employers"]] == [world.enterprises["A1_above_scale"].name]
    assert_hides(json.dumps(body, ensure_ascii=False), file_secrets(world, linked), f"{who}'s API")
    assert api.get(f"/api/v1/persons/{linked.pk}", {"full": 1}).status_code == 403
    items = api.get("/api/v1/persons").json()["items"]
    row = next(i for i in items if i["id"] == linked.pk)
    assert row["access"] == "employment" and row["address"] is None and row["area_name"] is None
    assert_hides(json.dumps(items, ensure_ascii=False), file_secrets(world, linked), f"{who}'s API list")


@pytest.mark.parametrize("who", LINKED)
def test_the_list_page_shows_the_staff_row_masked(world, linked, client_for, who):
    page = client_for(who).get("/people/").content.decode()
    assert NAME in page and mask_id_number(NUMBER) in page
    assert_hides(page, file_secrets(world, linked), f"{who}'s list")


@pytest.mark.parametrize("who", ["community_A", "street_A"])
def test_the_export_holds_the_files_of_the_home_chain_only(world, linked, client_for, who):
    from tests.test_scope_matrix import text_of

    mine = resident(world, "A1", 77)
    for full in ("", "1"):
        text = text_of(client_for(who).get("/people/export/", {"full": full}))
        assert mine.name in text and NAME not in text and NUMBER not in text


# --- nothing changes through an employment --------------------------------------------------------


@pytest.mark.parametrize("who", LINKED)
def test_the_employer_side_cannot_edit_move_merge_or_reveal(world, linked, client_for, api_for, who):
    own = resident(world, "A1", 78)  # a resident of street A, as a merge partner either way
    before, own_before = state(linked), state(own)
    page, api = client_for(who), api_for(who)
    move = {"name": "改名", "phone": "13800000000", "area": world.areas["A1"].pk, "address": "天生路1号"}
    answers = [
        page.get(f"/people/{linked.pk}/edit/"),
        page.post(f"/people/{linked.pk}/edit/", move),
        page.post(f"/people/{linked.pk}/merge/", {"survivor_id_number": own.id_number, "reason": "重复"}),
        page.post(f"/people/{linked.pk}/reveal/"),
        api.put(
            f"/api/v1/persons/{linked.pk}",
            json.dumps({"name": "改名", "area_code": world.areas["A1"].code, "address": "天生路1号"}),
            content_type="application/json",
        ),
        api.post(
            f"/api/v1/persons/{linked.pk}/merge",
            json.dumps({"survivor_id": own.pk, "reason": "重复"}),
            content_type="application/json",
        ),
        api.post(f"/api/v1/persons/{linked.pk}/reveal"),
    ]
    for response in answers:
        assert response.status_code in (403, 404), (response.request["PATH_INFO"], response.status_code)
        assert_hides(response.content.decode(), [NUMBER, PHONE, ADDRESS], response.request["PATH_INFO"])
    # Nor can the linked person be taken as the survivor of a merge of one's own resident.
    into = page.post(
        f"/people/{own.pk}/merge/", {"survivor_id_number": NUMBER, "reason": "重复", "confirm": "1"}
    )
    assert into.status_code in (400, 403, 404)
    into_api = api.post(
        f"/api/v1/persons/{own.pk}/merge",
        json.dumps({"survivor_id": linked.pk, "reason": "重复"}),
        content_type="application/json",
    )
    assert into_api.status_code in (403, 404)
    assert state(linked) == before and state(own) == own_before


@pytest.mark.parametrize("who", OWNERS)
def test_the_home_chain_sees_the_whole_file_and_changes_it(world, linked, client_for, api_for, who):
    page = client_for(who).get(f"/people/{linked.pk}/").content.decode()
    for shown in (ADDRESS, world.areas["B1"].name, "隔离中", world.enterprises["B1_commerce"].name):
        assert shown in page
    assert f"/people/{linked.pk}/edit/" in page and HISTORY in page and 'id="quarantines"' in page
    assert NUMBER not in page  # masked until revealed, as before
    revealed = client_for(who).post(f"/people/{linked.pk}/reveal/").content.decode()
    assert NUMBER in revealed and PHONE in revealed
    api = api_for(who)
    assert api.get(f"/api/v1/persons/{linked.pk}").json()["access"] == "file"
    response = api.put(
        f"/api/v1/persons/{linked.pk}",
        json.dumps({"name": NAME, "phone": PHONE, "area_code": world.areas["B1"].code, "address": "新址1号"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and Person.objects.get(pk=linked.pk).address == "新址1号"


def test_the_district_leader_reads_the_file_and_changes_nothing(world, linked, client_for, api_for):
    page = client_for("leader").get(f"/people/{linked.pk}/").content.decode()
    assert ADDRESS in page and f"/people/{linked.pk}/edit/" not in page
    response = api_for("leader").put(
        f"/api/v1/persons/{linked.pk}",
        json.dumps({"name": "改名", "area_code": world.areas["B1"].code}),
        content_type="application/json",
    )
    assert response.status_code in (403, 404) and Person.objects.get(pk=linked.pk).name == NAME


def test_an_employee_of_the_same_enterprise_sees_nothing(world, linked, client_for, api_for):
    assert client_for("employee_A").get(f"/people/{linked.pk}/").status_code in (403, 404)
    assert api_for("employee_A").get(f"/api/v1/persons/{linked.pk}").status_code in (403, 404)


# --- the relation ends ------------------------------------------------------------------------------


def assert_gone(world, p: Person, client_for, api_for):
    for who in LINKED:
        assert client_for(who).get(f"/people/{p.pk}/").status_code == 404, who
        assert api_for(who).get(f"/api/v1/persons/{p.pk}").status_code == 404, who
        assert NAME not in client_for(who).get("/people/").content.decode(), who
        assert p.pk not in [i["id"] for i in api_for(who).get("/api/v1/persons").json()["items"]], who
    # The home chain keeps the file.
    assert client_for("community_B").get(f"/people/{p.pk}/").status_code == 200


def test_taken_off_the_draft_roster_the_person_is_not_found(world, linked, client_for, api_for):
    save_roster(api_for, [roster_row("钱多多", fake.id_number(4243, dt.date(1991, 2, 3)), "13811112222")])
    employment = Employment.objects.get(person=linked, enterprise=world.enterprises["A1_above_scale"])
    assert not employment.is_active  # ended, kept as the staff list's history
    assert_gone(world, linked, client_for, api_for)
    # Put back on the roster, the relation opens again.
    save_roster(api_for, [roster_row()])
    assert client_for("ent_admin_A").get(f"/people/{linked.pk}/").status_code == 200


def test_an_employment_ended_otherwise_opens_nothing(world, linked, client_for, api_for):
    Employment.objects.filter(person=linked, enterprise=world.enterprises["A1_above_scale"]).update(
        is_active=False
    )
    assert_gone(world, linked, client_for, api_for)


@pytest.mark.parametrize("status", ["approved", "filed"])
def test_a_roster_in_force_keeps_the_employment(world, linked, client_for, api_for, status):
    enterprise = world.enterprises["A1_above_scale"]
    decided = Filing.objects.create(
        enterprise=enterprise,
        status=status,
        area_path=enterprise.area_path,
        category=enterprise.category,
        mode="review",
        planned_date=timezone.localdate(),
    )
    RosterEntry.objects.create(filing=decided, person=linked, last14_location="重庆市北碚区")
    save_roster(api_for, [roster_row("钱多多", fake.id_number(4243, dt.date(1991, 2, 3)), "13811112222")])
    assert Employment.objects.get(person=linked, enterprise=enterprise).is_active
    assert client_for("ent_admin_A").get(f"/people/{linked.pk}/").status_code == 200


def test_a_rejected_roster_holds_nobody(world, linked, client_for, api_for):
    enterprise = world.enterprises["A1_above_scale"]
    rejected = Filing.objects.create(
        enterprise=enterprise,
        status="rejected",
        area_path=enterprise.area_path,
        category=enterprise.category,
        mode="review",
        planned_date=timezone.localdate(),
    )
    RosterEntry.objects.create(filing=rejected, person=linked, last14_location="重庆市北碚区")
    save_roster(api_for, [])
    assert not Employment.objects.get(person=linked, enterprise=enterprise).is_active
    assert_gone(world, linked, client_for, api_for)


# --- cost -----------------------------------------------------------------------------------------------


def test_the_level_is_one_query_and_the_list_does_not_grow_with_staff_rows(world, linked, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fugong.health.selectors import person_access

    for who, level in (("ent_admin_A", "employment"), ("community_B", "file"), ("community_A2", "")):
        with CaptureQueriesContext(connection) as queries:
            assert person_access(user=world.users[who], person=linked) == level
        assert len(queries) == 1, who
    client = client_for("street_A")
    client.get("/people/")
    with CaptureQueriesContext(connection) as few:
        client.get("/people/")
    for i in range(15):  # staff living in street B, seen by street A through the employment
        p = resident(world, "B1", 500 + i)
        Employment.objects.create(person=p, enterprise=world.enterprises["A1_above_scale"])
        resident(world, "A1", 600 + i)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/people/").content.decode()
    assert "居民514" in page and "居民614" in page
    assert len(many) == len(few) <= 12
