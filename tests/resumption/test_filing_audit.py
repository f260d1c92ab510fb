"""Every write of a filing leaves its audit entry: who, which request, what before and after.

Filing a draft, editing it, submitting it with the commitment, the street's decision (and the status
it moves), and the community's bulk filing of individual businesses.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.resumption.models import EnterpriseStatus, Filing

from .test_filing_admin import individual_in_a1
from .test_filing_api import filing_body, post


def entries(model, pk) -> list[AuditEntry]:
    """The object's entries, oldest first."""
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))
        .select_related("actor")
        .order_by("at", "id")
    )


def roster_ids(filing_id) -> list[int]:
    return sorted(Filing.objects.get(pk=filing_id).roster.values_list("person_id", flat=True))


def test_creating_a_draft_is_audited_with_the_request_and_the_roster(world, setup, api_for):
    response = post(api_for("ent_admin_A"), "/api/v1/filings", filing_body())
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    [entry] = entries(Filing, pk)
    assert (entry.action, entry.actor, entry.request_id) == (
        "create",
        world.users["ent_admin_A"],
        response["X-Request-ID"],
    )
    changes = entry.changes
    assert changes["status"] == [None, "草稿"]
    assert changes["masks_days"] == [None, 14]
    assert changes["planned_date"] == [None, timezone.localdate().isoformat()]
    assert changes["roster"] == [None, roster_ids(pk)]
    assert len(changes["roster"][1]) == 4


def test_editing_the_draft_records_exactly_what_changed(world, setup, api_for):
    admin = api_for("ent_admin_A")
    pk = post(admin, "/api/v1/filings", filing_body()).json()["id"]
    before_roster = roster_ids(pk)
    body = filing_body(masks_days=5, ventilation="fair")
    body["roster"] = body["roster"][:3]
    response = post(admin, "/api/v1/filings", body)
    assert response.status_code == 200, response.content
    entry = entries(Filing, pk)[-1]
    assert (entry.action, entry.actor, entry.request_id) == (
        "update",
        world.users["ent_admin_A"],
        response["X-Request-ID"],
    )
    assert entry.changes == {
        "masks_days": [14, 5],
        "ventilation": ["良好", "一般"],
        "roster": [before_roster, roster_ids(pk)],
    }


def test_submitting_records_the_commitment_the_holder_and_the_clock(world, setup, api_for):
    admin = api_for("ent_admin_A")
    pk = post(admin, "/api/v1/filings", filing_body()).json()["id"]
    response = post(admin, f"/api/v1/filings/{pk}/submit", {"signatory_name": "王建国", "accept": True})
    assert response.status_code == 200, response.content
    entry = entries(Filing, pk)[-1]
    filing = Filing.objects.get(pk=pk)
    assert (entry.action, entry.actor, entry.request_id) == (
        "update",
        world.users["ent_admin_A"],
        response["X-Request-ID"],
    )
    deadline = entry.changes.pop("deadline_at")
    assert deadline[0] is None and dt.datetime.fromisoformat(deadline[1]) == filing.deadline_at
    assert entry.changes == {
        "status": ["草稿", "待审核"],
        "signatory_name": ["", "王建国"],
        "commitment": [None, "2020-1"],
        "holder_area": [None, "天生街道"],
        "unmet_conditions": [None, []],
    }


def test_the_decision_and_the_status_it_moves_are_audited(world, setup, api_for):
    admin = api_for("ent_admin_A")
    pk = post(admin, "/api/v1/filings", filing_body()).json()["id"]
    post(admin, f"/api/v1/filings/{pk}/submit", {"signatory_name": "王建国", "accept": True})
    version = Filing.objects.get(pk=pk).version
    response = post(
        api_for("street_A"),
        f"/api/v1/filings/{pk}/decide",
        {"decision": "approve", "reason": "同意复工", "version": version},
    )
    assert response.status_code == 200, response.content
    officer = world.users["street_A"]
    entry = entries(Filing, pk)[-1]
    assert (entry.action, entry.actor, entry.request_id) == ("update", officer, response["X-Request-ID"])
    assert entry.changes == {
        "status": ["待审核", "审核通过"],
        "decided_by": [None, str(officer)],
        "decision_reason": ["", "同意复工"],
    }
    status = EnterpriseStatus.objects.get(enterprise=world.enterprises["A1_above_scale"])
    [moved] = entries(EnterpriseStatus, status.pk)
    assert (moved.actor, moved.request_id) == (officer, response["X-Request-ID"])
    assert moved.changes == {
        "state": ["未复工", "已批准"],
        "since": [None, timezone.localdate().isoformat()],
        "reason": [None, "复工备案办结"],
    }


def test_a_refused_decision_leaves_no_entry(world, setup, api_for):
    admin = api_for("ent_admin_A")
    pk = post(admin, "/api/v1/filings", filing_body()).json()["id"]
    post(admin, f"/api/v1/filings/{pk}/submit", {"signatory_name": "王建国", "accept": True})
    count = len(entries(Filing, pk))
    refused = post(
        api_for("street_A"),
        f"/api/v1/filings/{pk}/decide",
        {"decision": "approve", "reason": "", "version": 1},
    )
    assert refused.status_code == 422
    assert len(entries(Filing, pk)) == count


def test_bulk_filing_leaves_one_entry_per_filing_and_per_status(world, setup, client_for):
    shop = individual_in_a1(world)
    response = client_for("community_A").post(
        "/resumption/bulk-filing/", {"enterprises": [shop.pk], "note": "已上门核实", "confirm": "on"}
    )
    assert response.status_code == 302
    worker = world.users["community_A"]
    filing = Filing.objects.get(enterprise=shop)
    [entry] = entries(Filing, filing.pk)
    assert (entry.action, entry.actor, entry.request_id) == ("create", worker, response["X-Request-ID"])
    assert entry.changes["status"] == [None, "已备案"]
    assert entry.changes["mode"] == [None, "备案即复工"]
    assert entry.changes["decision_reason"] == [None, "社区代为备案：已上门核实"]
    assert entry.changes["decided_by"] == [None, str(worker)]
    [moved] = entries(EnterpriseStatus, shop.pk)
    assert (moved.actor, moved.changes["state"]) == (worker, ["未复工", "已备案"])
