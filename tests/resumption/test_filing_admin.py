"""Bulk filing of individual businesses by their community, and the district's settings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fugong.core.models import AuditEntry
from fugong.enterprises.services import enterprise_create
from fugong.resumption import rules, services
from fugong.resumption.choices import ConditionRule, EnterpriseState, FilingStatus, Mode
from fugong.resumption.models import CategoryPolicy, CommitmentText, Condition, EnterpriseStatus, Filing

# --- bulk filing -----------------------------------------------------------------------------------


def individual_in_a1(world):
    """An individual business in community A1, registered by its community worker."""
    from fugong.core import fake

    return enterprise_create(
        actor=world.users["community_A"],
        credit_code=fake.credit_code(7001),
        name="天生面馆",
        legal_rep_name="周小龙",
        legal_rep_phone=fake.mobile(7001),
        contact_name="",
        contact_phone="",
        area=world.areas["A1"],
        address="天生路8号",
        category="individual",
        industry="H",
        headcount=3,
        local_headcount=3,
        is_emergency_supply=False,
        is_key_industry=False,
    )


def test_the_community_files_its_individual_businesses_in_bulk(world, setup, client_for):
    shop = individual_in_a1(world)
    worker = client_for("community_A")
    page = worker.get("/resumption/bulk-filing/").content.decode()
    assert "天生面馆" in page
    assert world.enterprises["A2_individual"].name not in page  # another community of the same street
    assert world.enterprises["B1_individual"].name not in page

    response = worker.post(
        "/resumption/bulk-filing/", {"enterprises": [shop.pk], "note": "已上门核实", "confirm": "on"}
    )
    assert response.status_code == 302
    filing = Filing.objects.get(enterprise=shop)
    assert (filing.status, filing.mode, filing.signatory_name, filing.created_by) == (
        FilingStatus.FILED,
        Mode.FILING,
        "community_A",
        world.users["community_A"],
    )
    assert list(filing.transitions.values_list("to_status", "reason")) == [
        ("filed", "社区代为备案：已上门核实")
    ]
    assert EnterpriseStatus.objects.get(enterprise=shop).state == EnterpriseState.FILED
    # Filed once: it leaves the list.
    assert "天生面馆" not in worker.get("/resumption/bulk-filing/").content.decode()


def test_the_street_files_individual_businesses_of_its_communities(world, setup):
    a2 = world.enterprises["A2_individual"]
    filings = services.individual_bulk_file(actor=world.users["street_A"], enterprises=[a2], note="")
    assert [f.enterprise for f in filings] == [a2]
    assert EnterpriseStatus.objects.get(enterprise=a2).state == EnterpriseState.FILED


@pytest.mark.parametrize("key", ["A2_individual", "B1_individual", "A1_commerce"])
def test_a_business_outside_the_worker_reach_refuses_the_whole_batch(world, setup, key):
    shop = individual_in_a1(world)
    with pytest.raises(PermissionDenied, match="不在您管辖范围内"):
        services.individual_bulk_file(
            actor=world.users["community_A"], enterprises=[shop, world.enterprises[key]]
        )
    assert not Filing.objects.exists()
    assert not EnterpriseStatus.objects.exclude(state="not_resumed").exists()


def test_a_b_business_posted_to_the_page_is_refused_and_nothing_changes(world, setup, client_for):
    shop = individual_in_a1(world)
    b = world.enterprises["B1_individual"]
    response = client_for("community_A").post(
        "/resumption/bulk-filing/", {"enterprises": [shop.pk, b.pk], "confirm": "on"}
    )
    assert response.status_code == 400
    assert "所选商户不在可代为备案的范围内" in response.content.decode()
    assert not Filing.objects.exists()


def test_a_business_already_filed_is_not_filed_twice(world, setup):
    a2 = world.enterprises["A2_individual"]
    services.individual_bulk_file(actor=world.users["street_A"], enterprises=[a2])
    with pytest.raises(ValidationError, match="已有备案或已复工"):
        services.individual_bulk_file(actor=world.users["street_A"], enterprises=[a2])
    assert Filing.objects.filter(enterprise=a2).count() == 1


def test_bulk_filing_is_for_community_and_street_staff_only(world, setup, client_for):
    for name in ("ent_admin_A", "leader", "commissioner_A", "resident_A"):
        assert client_for(name).get("/resumption/bulk-filing/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.individual_bulk_file(
            actor=world.users["leader"], enterprises=[world.enterprises["A2_individual"]]
        )
    assert not Filing.objects.exists()


# --- settings -------------------------------------------------------------------------------------------


def test_settings_are_for_the_sysadmin_only(world, setup, client_for):
    policies = list(CategoryPolicy.objects.order_by("category").values_list("category", "mode"))
    conditions = Condition.objects.count()
    for name in ("street_A", "leader", "ent_admin_A"):
        client = client_for(name)
        assert client.get("/resumption/settings/").status_code == 403
        assert (
            client.post(
                "/resumption/settings/",
                {"action": "policy", "above_scale-mode": "filing", "above_scale-review_working_days": "5"},
            ).status_code
            == 403
        )
    assert list(CategoryPolicy.objects.order_by("category").values_list("category", "mode")) == policies
    assert Condition.objects.count() == conditions
    page = client_for("sysadmin").get("/resumption/settings/").content.decode()
    assert "各类别的复工方式" in page and "口罩储备天数不少于" in page


def test_a_new_condition_version_takes_effect_from_its_date(world, setup, client_for):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    admin = client_for("sysadmin")
    response = admin.post(
        "/resumption/settings/",
        {
            "action": "condition_add",
            "code": "masks",
            "title": "口罩储备满足14天使用",
            "rule": ConditionRule.MASK_DAYS,
            "threshold": "14",
            "legal_basis": "区指挥部第5号通知",
            "effective_from": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 302

    def masks_on(day):
        return [
            (c.title, c.threshold)
            for c in rules.conditions_in_force(category="above_scale", on=day)
            if c.code == "masks"
        ]

    assert masks_on(today) == [("口罩储备天数不少于", 7)]
    assert masks_on(tomorrow) == [("口罩储备满足14天使用", 14)]
    old = Condition.objects.get(code="masks", effective_from=dt.date(2020, 2, 1))
    assert old.effective_to == today  # kept, ended the day before the new version
    assert AuditEntry.objects.filter(object_repr="口罩储备满足14天使用", action="create").count() == 1
    assert AuditEntry.objects.filter(object_id=str(old.pk), action="update").count() == 1


def test_condition_versions_cannot_be_backdated(world, setup):
    with pytest.raises(ValidationError, match="生效日期不能早于今天"):
        services.condition_add(
            actor=world.users["sysadmin"],
            code="masks",
            title="口罩",
            rule=ConditionRule.MASK_DAYS,
            threshold=3,
            effective_from=timezone.localdate() - dt.timedelta(days=1),
        )
    assert Condition.objects.filter(code="masks").count() == 1


def test_ending_a_condition_keeps_it_for_the_record(world, setup, client_for):
    isolation = Condition.objects.get(code="isolation")
    today = timezone.localdate()
    response = client_for("sysadmin").post(
        "/resumption/settings/",
        {"action": "condition_end", "condition_id": isolation.pk, "effective_to": today.isoformat()},
    )
    assert response.status_code == 302
    isolation.refresh_from_db()
    assert isolation.effective_to == today
    codes_tomorrow = [
        c.code for c in rules.conditions_in_force(category="above_scale", on=today + dt.timedelta(days=1))
    ]
    assert "isolation" not in codes_tomorrow
    assert "isolation" in [c.code for c in rules.conditions_in_force(category="above_scale", on=today)]


def test_policy_and_commitment_changes_are_audited(world, setup, client_for):
    admin = client_for("sysadmin")
    data = {"action": "policy"}
    for policy in (
        services.policy_for(c)
        for c in (
            "above_scale",
            "below_scale",
            "commerce",
            "construction",
            "finance",
            "individual",
            "small_venue",
        )
    ):
        data[f"{policy.category}-mode"] = policy.mode
        data[f"{policy.category}-review_working_days"] = str(policy.review_working_days)
    data["construction-mode"], data["construction-review_working_days"] = "filing", "3"
    assert admin.post("/resumption/settings/", data).status_code == 302
    policy = CategoryPolicy.objects.get(category="construction")
    assert (policy.mode, policy.review_working_days, policy.updated_by) == (
        "filing",
        3,
        world.users["sysadmin"],
    )
    entry = AuditEntry.objects.get(object_id=str(policy.pk), content_type__model="categorypolicy")
    assert entry.changes == {"mode": ["审核后复工", "备案即复工"], "review_working_days": [2, 3]}

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = admin.post(
        "/resumption/settings/",
        {
            "action": "commitment",
            "version": "2020-2",
            "text": "本企业承诺（第二版）",
            "effective_from": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 302
    assert services.commitment_in_force(timezone.localdate()).version == "2020-1"
    assert services.commitment_in_force(tomorrow).version == "2020-2"
    assert AuditEntry.objects.filter(content_type__model="commitmenttext", action="create").count() == 1
    duplicate = admin.post(
        "/resumption/settings/",
        {"action": "commitment", "version": "2020-2", "text": "x", "effective_from": tomorrow.isoformat()},
    )
    assert duplicate.status_code == 400 and "该版本号已存在" in duplicate.content.decode()
    assert CommitmentText.objects.count() == 2
