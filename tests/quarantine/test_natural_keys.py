"""A returnee registered with the ID number of a person living in street B, by a community worker,
street officer or enterprise admin of street A (issue 10, "Build" 2 and 7): every answer shows what
was typed, says nothing of a measure in force in B, hands the return to B in the words of any
handover, and no order can be put on B's person from A. Site check-in answers for a person of
another area exactly as for an unknown number."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fugong.core import fake
from fugong.health.models import Person, PersonDiscrepancy
from fugong.quarantine import services
from fugong.quarantine.models import Order, OrderStatus, Returnee, Stay

from .factories import BIRTH, high_risk, site_with_rooms

URL = "/api/v1/quarantine"
TYPED = {"name": "李小龙", "phone": "13500001234", "address": "天生路9号"}
NOT_FOUND = "未找到该身份证号的集中隔离措施，请先由社区登记并下达"


def b_person(seq: int, world) -> Person:
    return Person.objects.create(
        id_number=fake.id_number(seq, BIRTH),
        name=f"钱多{seq}",
        phone=f"139111{seq:05d}",
        address="朝阳路8号",
        area=world.areas["B1"],
    )


def under_order_in_b(world, p: Person) -> Order:
    """B registers the return of its own resident and orders centralized quarantine."""
    returnee = services.returnee_register(
        actor=world.users["community_B"],
        id_number=p.id_number,
        name=p.name,
        phone=p.phone,
        origin_province="湖北省",
        origin_city="武汉市",
        arrival_date=timezone.localdate() - dt.timedelta(days=1),
        transport="train",
        address=p.address,
        destination_id=world.areas["B1"].pk,
    )
    return services.order_issue(
        actor=world.users["community_B"], returnee_id=returnee.pk, start_date=timezone.localdate()
    )


def body(id_number: str, destination="500109001001") -> dict:
    return {
        **TYPED,
        "id_number": id_number,
        "origin_province": "湖北省",
        "origin_city": "武汉市",
        "arrival_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "transport": "train",
        "destination_code": destination,
    }


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def text_of(response) -> str:
    """The answer as a reader sees it: JSON with its Chinese unescaped, or the page's HTML."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def leaks(text: str, p: Person) -> list[str]:
    secrets = [p.name, p.phone, p.phone[-4:], p.address, p.area.name, "正在执行", "集中隔离中", "已入住"]
    return [s for s in secrets if s in text]


def normalised(answer: dict, p: Person) -> dict:
    data = json.loads(json.dumps(answer, ensure_ascii=False).replace(p.id_number[-4:], "####"))
    data.pop("id")
    for decision in data["decisions"]:
        decision.pop("decided_at")  # the clock moves between the two registrations
    return data


@pytest.fixture
def rules_high(world):
    high_risk(since=dt.date(2020, 1, 1))


@pytest.mark.parametrize("user", ["community_A", "street_A", "ent_admin_A"])
def test_registering_a_person_of_b_shows_only_what_was_typed(world, api_for, rules_high, user):
    quiet, quarantined = b_person(801, world), b_person(802, world)
    active = under_order_in_b(world, quarantined)
    api = api_for(user)
    answers = {}
    for p in (quiet, quarantined):
        response = post(api, f"{URL}/returnees", body(p.id_number))
        assert response.status_code == 201, response.content
        assert leaks(text_of(response), p) == []
        answer = response.json()
        assert (answer["name"], answer["handover"], answer["order_ids"]) == ("李小龙", "pending", [])
        assert answer["phone"] == "135****1234"
        detail = api.get(f"{URL}/returnees/{answer['id']}")
        assert detail.status_code == 200 and leaks(text_of(detail), p) == []
        answers[p.pk] = normalised(answer, p)
    # An active measure in B changes nothing in what A is told.
    assert answers[quiet.pk] == answers[quarantined.pk]
    assert Order.objects.get(pk=active.pk).status == OrderStatus.ACTIVE
    # The typed name disagrees: B's review list has it, with both versions.
    assert PersonDiscrepancy.objects.filter(person__in=[quiet, quarantined], source="returnee").count() == 2


@pytest.mark.parametrize("user", ["community_A", "street_A"])
def test_a_cannot_order_quarantine_for_bs_person_only_b_after_accepting(world, api_for, rules_high, user):
    p = b_person(803, world)
    pk = post(api_for(user), f"{URL}/returnees", body(p.id_number)).json()["id"]
    refused = post(
        api_for(user), f"{URL}/returnees/{pk}/orders", {"start_date": timezone.localdate().isoformat()}
    )
    assert refused.status_code in {403, 404, 422}
    assert not Order.objects.filter(person=p).exists()
    # Even the service, called directly, refuses.
    with pytest.raises((ValidationError, PermissionDenied)):
        services.order_issue(actor=world.users[user], returnee_id=pk, start_date=timezone.localdate())
    assert not Order.objects.filter(person=p).exists()
    # B receives it in its handover inbox, accepts, and then orders (positive control).
    assert Returnee.objects.get(pk=pk).receiver == world.areas["B1"]
    accepted = post(api_for("community_B"), f"{URL}/returnees/{pk}/accept", {})
    assert accepted.status_code == 200, accepted.content
    issued = post(
        api_for("community_B"),
        f"{URL}/returnees/{pk}/orders",
        {"start_date": timezone.localdate().isoformat()},
    )
    assert issued.status_code == 201, issued.content
    assert Order.objects.get(person=p).status == OrderStatus.ACTIVE


def test_a_new_person_and_a_person_of_a_still_register_as_before(world, api_for, rules_high):
    """Positive controls: a new number creates the person at the destination; A's own resident is
    registered without a handover and A orders."""
    api = api_for("community_A")
    new = post(api, f"{URL}/returnees", body(fake.id_number(804, BIRTH)))
    assert new.status_code == 201 and new.json()["handover"] == "none"
    assert Person.objects.get(id_number=fake.id_number(804, BIRTH)).area == world.areas["A1"]
    own = Person.objects.create(id_number=fake.id_number(805, BIRTH), name="本社区", area=world.areas["A1"])
    mine = post(api, f"{URL}/returnees", body(own.id_number))
    assert mine.json()["handover"] == "none"
    ordered = post(
        api, f"{URL}/returnees/{mine.json()['id']}/orders", {"start_date": timezone.localdate().isoformat()}
    )
    assert ordered.status_code == 201


def test_the_page_says_pending_in_the_words_of_any_handover(world, client_for, rules_high):
    p = b_person(806, world)
    client = client_for("community_A")
    form = {
        **TYPED,
        "origin_province": "湖北省",
        "origin_city": "武汉市",
        "arrival_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "transport": "train",
    }
    known = client.post(
        "/quarantine/returnees/new/",
        {**form, "id_number": p.id_number, "destination": world.areas["A1"].pk},
        follow=True,
    )
    handed = client.post(
        "/quarantine/returnees/new/",
        {**form, "id_number": fake.id_number(807, BIRTH), "destination_code": "500109002001"},
        follow=True,
    )
    for response in (known, handed):
        assert response.redirect_chain == [("/quarantine/", 302)]
        assert "已移交接收方，待对方接收。" in text_of(response)
    assert leaks(text_of(known), p) == []


def check_in(client, site, number):
    room = site.rooms.filter(stays__isnull=True).first() or site.rooms.first()
    data = {
        "room_id": room.pk,
        "id_number": number,
        "checked_registration": True,
        "checked_temperature": True,
        "checked_health": True,
    }
    return post(client, f"{URL}/sites/{site.pk}/check-in", data)


def test_site_check_in_is_scoped_to_the_sites_area(world, api_for, rules_high):
    site_a, site_b = site_with_rooms(world, "A"), site_with_rooms(world, "B")
    p = b_person(808, world)
    under_order_in_b(world, p)
    unknown = check_in(api_for("site_A"), site_a, fake.id_number(809, BIRTH))
    other = check_in(api_for("site_A"), site_a, p.id_number)
    assert unknown.status_code == other.status_code == 422
    assert unknown.json() == other.json() and NOT_FOUND in text_of(other)
    assert not Stay.objects.filter(person=p).exists()
    # B's site checks the person in (positive control); A's site still answers as for an unknown number.
    assert check_in(api_for("site_B"), site_b, p.id_number).status_code == 201
    again = check_in(api_for("site_A"), site_a, p.id_number)
    assert again.json() == unknown.json() and "该人员已入住" not in text_of(again)
    assert Stay.objects.filter(person=p).count() == 1
