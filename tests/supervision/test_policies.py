"""Seeing a supervision record is not the right to act on it (fugong/supervision/policies.py).

Each refusal goes through the page and the API, asserts that nothing changed, and has its positive
control: the user the policy allows really gets through.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.core import fake
from fugong.core.models import AuditEntry
from fugong.enterprises.models import Enterprise
from fugong.supervision import rules, services
from fugong.supervision.models import Inspection, Listing, Violation

from .helpers import inspect, items_all, violate

BASE = "/api/v1/supervision"


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def _inspection_form(**extra) -> dict:
    data = {"date": timezone.localdate().isoformat(), "note": ""}
    for item in rules.checklist_in_force(timezone.localdate()):
        data[f"item_{item.pk}"] = "pass"
    return {**data, **extra}


def _api_inspection(enterprise) -> dict:
    return {"enterprise_id": enterprise.pk, "date": timezone.localdate().isoformat(), "items": items_all()}


@pytest.fixture
def small_shop(world):
    """A 个体工商户 in community A1: the community's own to inspect."""
    return Enterprise.objects.create(
        credit_code=fake.credit_code(9600),
        name="西南大学南社区便民小卖部",
        legal_rep_name="王芳",
        legal_rep_phone=fake.mobile(9600),
        area=world.areas["A1"],
        address="天生路2号",
        category="individual",
        industry="F",
        headcount=2,
        local_headcount=2,
    )


def _audit_count(obj) -> int:
    return AuditEntry.objects.filter(object_id=str(obj.pk), object_repr=str(obj)).count()


# --- record an inspection: the community worker ---------------------------------------------------


def test_a_community_worker_reads_an_industrial_firms_inspection_but_records_nothing_on_it(
    world, client_for, api_for
):
    firm = world.enterprises["A1_above_scale"]
    inspection = inspect(world.users["street_A"], firm)
    page, api = client_for("community_A"), api_for("community_A")
    before = (Inspection.objects.count(), Violation.objects.count())

    detail = page.get(reverse("supervision:inspection_detail", args=[inspection.pk]))
    assert detail.status_code == 200
    assert (detail.context["can_inspect"], detail.context["violation_form"]) == (False, None)
    assert api.get(f"{BASE}/inspections/{inspection.pk}").status_code == 200

    new = reverse("supervision:inspection_new", args=[firm.pk])
    assert page.get(new).status_code == 403
    assert page.post(new, _inspection_form()).status_code == 403
    assert page.get(reverse("supervision:inspection_followup", args=[inspection.pk])).status_code == 403
    violation_page = reverse("supervision:inspection_violation_new", args=[inspection.pk])
    assert page.post(violation_page, {"description": "未测温"}).status_code == 403
    refused = post_json(api, f"{BASE}/inspections", _api_inspection(firm))
    assert refused.status_code == 403
    assert "不能办理" in refused.json()["detail"]
    assert (
        post_json(
            api, f"{BASE}/inspections/{inspection.pk}/violations", {"description": "未测温"}
        ).status_code
        == 403
    )
    assert (
        post_json(api, f"{BASE}/inspections/{inspection.pk}/followup", {"items": items_all()}).status_code
        == 403
    )
    assert (Inspection.objects.count(), Violation.objects.count()) == before


def test_the_community_worker_inspects_the_small_shops_of_its_community(
    world, client_for, api_for, small_shop
):
    response = client_for("community_A").post(
        reverse("supervision:inspection_new", args=[small_shop.pk]), _inspection_form()
    )
    assert response.status_code == 302
    created = post_json(api_for("community_A"), f"{BASE}/inspections", _api_inspection(small_shop))
    assert created.status_code == 201, created.content
    assert Inspection.objects.filter(enterprise=small_shop, inspector=world.users["community_A"]).count() == 2


def test_the_street_officer_inspects_the_industrial_firm(world, api_for):
    firm = world.enterprises["A1_above_scale"]
    created = post_json(api_for("street_A"), f"{BASE}/inspections", _api_inspection(firm))
    assert created.status_code == 201, created.content


# --- decide a violation: the department officer ---------------------------------------------------


@pytest.fixture
def served_outside_sector(world):
    """区经济信息委's officer serves a 商贸 firm (outside its sector) as its commissioner: it sees the
    firm's violations through that relation, but the decision belongs to the street."""
    firm = world.enterprises["A1_commerce"]
    Enterprise.objects.filter(pk=firm.pk).update(commissioner=world.users["dept"])
    return violate(world.users["street_A"], firm)


def test_a_department_officer_reads_a_violation_outside_its_sector_but_may_not_decide_it(
    world, client_for, api_for, served_outside_sector
):
    violation = served_outside_sector
    page, api = client_for("dept"), api_for("dept")
    audited = _audit_count(violation)

    detail = page.get(reverse("supervision:violation_detail", args=[violation.pk]))
    assert detail.status_code == 200
    assert (detail.context["can_decide"], detail.context["can_propose"]) == (False, False)
    assert api.get(f"{BASE}/violations/{violation.pk}").status_code == 200

    decide = reverse("supervision:violation_decide", args=[violation.pk])
    assert page.post(decide, {"step": "legal_rep", "reason": "", "version": 0}).status_code == 403
    refused = post_json(api, f"{BASE}/violations/{violation.pk}/confirm", {"version": 0})
    assert refused.status_code == 403
    fresh = Violation.objects.get(pk=violation.pk)
    assert (fresh.status, fresh.version, fresh.decided_by) == ("pending", 0, None)
    assert _audit_count(violation) == audited


def test_the_street_decides_it_and_the_department_decides_in_its_sector(
    world, client_for, api_for, served_outside_sector
):
    decide = reverse("supervision:violation_decide", args=[served_outside_sector.pk])
    assert (
        client_for("street_A").post(decide, {"step": "legal_rep", "reason": "", "version": 0}).status_code
        == 302
    )
    assert Violation.objects.get(pk=served_outside_sector.pk).decided_by == world.users["street_A"]

    in_sector = violate(world.users["street_A"], world.enterprises["A1_above_scale"])
    page = client_for("dept").get(reverse("supervision:violation_detail", args=[in_sector.pk]))
    assert page.context["can_decide"] is True
    decided = post_json(api_for("dept"), f"{BASE}/violations/{in_sector.pk}/confirm", {"version": 0})
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], Violation.objects.get(pk=in_sector.pk).decided_by) == (
        "confirmed",
        world.users["dept"],
    )


def test_serving_the_firm_still_lets_the_department_officer_inspect_it(world, api_for, served_outside_sector):
    created = post_json(
        api_for("dept"), f"{BASE}/inspections", _api_inspection(world.enterprises["A1_commerce"])
    )
    assert created.status_code == 201, created.content


# --- the dishonesty list ---------------------------------------------------------------------------


@pytest.fixture
def active_listing(world, served_outside_sector):
    """The served firm on the list: a violation decided when it was the 3rd or later in the window,
    proposed by the street and confirmed by the leader."""
    officer, firm = world.users["street_A"], world.enterprises["A1_commerce"]
    for days in (20, 10):
        violate(officer, firm, on=timezone.localdate() - dt.timedelta(days=days))
    latest = violate(officer, firm)
    assert latest.sequence >= 3
    services.violation_decide(actor=officer, violation_id=latest.pk, version=0)
    listing = services.listing_propose(actor=officer, violation_id=latest.pk, reason="屡次违规")
    return services.listing_approve(actor=world.users["leader"], listing_id=listing.pk, version=0)


def test_only_the_responsible_side_proposes_a_removal(world, client_for, api_for, active_listing):
    listing = active_listing
    remove = reverse("supervision:listing_remove", args=[listing.pk])
    body = {"reason": "已整改", "version": listing.version}

    page = client_for("dept").get(reverse("supervision:listing_detail", args=[listing.pk]))
    assert (page.status_code, page.context["can_remove"]) == (200, False)
    assert client_for("dept").post(remove, body).status_code == 403
    assert post_json(api_for("dept"), f"{BASE}/listings/{listing.pk}/remove", body).status_code == 403
    assert Listing.objects.get(pk=listing.pk).status == "active"

    assert client_for("street_A").post(remove, body).status_code == 302
    fresh = Listing.objects.get(pk=listing.pk)
    assert (fresh.status, fresh.removal_proposed_by) == ("removal_proposed", world.users["street_A"])


def test_the_district_leader_reads_but_records_and_decides_nothing(
    world, client_for, api_for, served_outside_sector
):
    violation = served_outside_sector
    page, api = client_for("leader"), api_for("leader")
    detail = page.get(reverse("supervision:violation_detail", args=[violation.pk]))
    assert (detail.status_code, detail.context["can_decide"]) == (200, False)
    assert post_json(api, f"{BASE}/violations/{violation.pk}/confirm", {"version": 0}).status_code == 403
    assert post_json(api, f"{BASE}/inspections", _api_inspection(violation.enterprise)).status_code == 403
    assert Violation.objects.get(pk=violation.pk).status == "pending"


@pytest.mark.parametrize(
    ("name", "action", "expected"),
    [
        ("leader", "view", 1),
        ("leader", "change", 0),
        ("leader", "decide", 0),
        ("leader", "approve", 1),
        ("dept", "view", 1),
        ("dept", "change", 1),
        ("dept", "decide", 0),
        ("street_A", "decide", 1),
        ("street_B", "view", 0),
        ("commissioner_A", "decide", 0),
        ("ent_admin_A", "change", 0),
    ],
)
def test_scope_by_action(world, served_outside_sector, name, action, expected):
    assert Violation.objects.visible_to(world.users[name], action).count() == expected
