"""The supervision services: escalation, the dishonesty list, inspections and their bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from fugong.supervision import selectors, services
from fugong.supervision.models import Finding, Inspection, Listing, Violation
from tests.clock import travel_to

from .helpers import inspect, items_all, violate

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# The checklist is in force from 2020-02-01: tests that inspect 200 days back travel to where those days
# have one, rather than relying on the session's instant.
with_200_days_of_checklist = travel_to(2020, 10, 15)  # a Thursday morning


@with_200_days_of_checklist
def test_escalation_walks_three_steps_within_the_window(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    first = violate(officer, enterprise, on=days_ago(40))
    second = violate(officer, enterprise, on=days_ago(20))
    third = violate(officer, enterprise, on=days_ago(1))
    fourth = violate(officer, enterprise)
    assert [(v.sequence, v.proposed_step) for v in (first, second, third, fourth)] == [
        (1, "legal_rep"),
        (2, "leader"),
        (3, "officer"),
        (4, "officer"),
    ]
    assert first.get_proposed_step_display() == "约谈法人代表"


@with_200_days_of_checklist
def test_a_violation_outside_the_window_counts_as_first_again(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    violate(officer, enterprise, on=days_ago(200))
    later = violate(officer, enterprise, on=days_ago(10))
    assert (later.sequence, later.proposed_step, later.window_days) == (1, "legal_rep", 90)


@with_200_days_of_checklist
def test_window_is_district_data(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    services.window_update(actor=world.users["sysadmin"], window_days=300)
    violate(officer, enterprise, on=days_ago(200))
    assert violate(officer, enterprise, on=days_ago(10)).sequence == 2
    with pytest.raises(PermissionDenied):
        services.window_update(actor=officer, window_days=30)


def test_officer_confirms_or_decides_otherwise_with_a_reason(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    violation = violate(officer, enterprise)
    with pytest.raises(ValidationError, match="须填写理由"):
        services.violation_decide(actor=officer, violation_id=violation.pk, version=0, step="leader")
    with pytest.raises(PermissionDenied):
        services.violation_decide(actor=world.users["commissioner_A"], violation_id=violation.pk, version=0)
    decided = services.violation_decide(actor=officer, violation_id=violation.pk, version=0)
    assert (decided.status, decided.decided_step, decided.decided_by) == ("confirmed", "legal_rep", officer)
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.violation_decide(actor=world.users["sysadmin"], violation_id=violation.pk, version=0)


def test_stale_version_is_refused_and_nothing_changes(world):
    officer = world.users["street_A"]
    violation = violate(officer, world.enterprises["A1_commerce"])
    Violation.objects.filter(pk=violation.pk).update(version=1)
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.violation_decide(actor=officer, violation_id=violation.pk, version=0)
    assert Violation.objects.get(pk=violation.pk).status == "pending"


def _third_decided(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    for n in (30, 20):
        violate(officer, enterprise, on=days_ago(n))
    third = violate(officer, enterprise, on=days_ago(10))
    services.violation_decide(actor=officer, violation_id=third.pk, version=0)
    return third


def test_listing_needs_a_decided_third_violation(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    first = violate(officer, enterprise)
    services.violation_decide(actor=officer, violation_id=first.pk, version=0)
    with pytest.raises(ValidationError, match="第 3 次及以上"):
        services.listing_propose(actor=officer, violation_id=first.pk, reason="屡教不改")
    violate(officer, enterprise)
    pending = violate(officer, enterprise)
    with pytest.raises(ValidationError, match="须先由干部确认"):
        services.listing_propose(actor=officer, violation_id=pending.pk, reason="屡教不改")
    assert not Listing.objects.exists()


def test_listing_takes_effect_only_with_a_different_approver(world):
    third = _third_decided(world)
    enterprise = third.enterprise
    listing = services.listing_propose(
        actor=world.users["sysadmin"], violation_id=third.pk, reason="三次违规，情节严重"
    )
    assert not selectors.is_listed(enterprise)
    with pytest.raises(ValidationError, match="提议人不能自己确认"):
        services.listing_approve(actor=world.users["sysadmin"], listing_id=listing.pk, version=0)
    with pytest.raises(PermissionDenied):
        services.listing_approve(actor=world.users["commissioner_A"], listing_id=listing.pk, version=0)
    with pytest.raises(PermissionDenied):
        services.listing_approve(actor=world.users["street_A"], listing_id=listing.pk, version=0)
    assert Listing.objects.get(pk=listing.pk).status == "proposed"
    assert not selectors.ineligible_for_support(enterprise)

    services.listing_approve(actor=world.users["leader"], listing_id=listing.pk, version=0)
    assert selectors.is_listed(enterprise) and selectors.ineligible_for_support(enterprise)
    with pytest.raises(ValidationError, match="已在不诚信企业名单"):
        services.listing_propose(actor=world.users["street_A"], violation_id=third.pk, reason="再次")

    with pytest.raises(ValidationError, match="移出理由"):
        services.listing_request_removal(
            actor=world.users["street_A"], listing_id=listing.pk, version=1, reason=""
        )
    services.listing_request_removal(
        actor=world.users["street_A"], listing_id=listing.pk, version=1, reason="已整改到位，复查合格"
    )
    assert selectors.ineligible_for_support(enterprise)  # until the removal is confirmed
    services.listing_approve(actor=world.users["leader"], listing_id=listing.pk, version=2)
    assert not selectors.is_listed(enterprise) and not selectors.ineligible_for_support(enterprise)
    listing.refresh_from_db()
    assert (listing.status, listing.removed_by, listing.removal_reason) == (
        "removed",
        world.users["leader"],
        "已整改到位，复查合格",
    )


def test_second_approval_of_the_same_listing_is_taken(world):
    third = _third_decided(world)
    listing = services.listing_propose(
        actor=world.users["street_A"], violation_id=third.pk, reason="情节严重"
    )
    services.listing_approve(actor=world.users["leader"], listing_id=listing.pk, version=0)
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.listing_approve(actor=world.users["sysadmin"], listing_id=listing.pk, version=0)


def test_inspecting_another_streets_enterprise_is_refused_and_saves_nothing(world):
    with pytest.raises(Http404):
        inspect(world.users["street_A"], world.enterprises["B1_commerce"])
    with pytest.raises(PermissionDenied):
        inspect(world.users["medic_A"], world.enterprises["A1_above_scale"])
    assert not Inspection.objects.exists()


def test_deadline_before_the_inspection_is_refused(world):
    with pytest.raises(ValidationError, match="整改期限不能早于检查日期"):
        inspect(
            world.users["street_A"],
            world.enterprises["A1_commerce"],
            on=days_ago(2),
            findings=[{"description": "未测温", "deadline": days_ago(3)}],
        )
    assert not Inspection.objects.exists() and not Finding.objects.exists()


def test_failed_item_needs_a_finding_and_every_item_needs_an_answer(world):
    officer, enterprise, today = (
        world.users["street_A"],
        world.enterprises["A1_commerce"],
        timezone.localdate(),
    )
    items = items_all()
    items[0]["result"] = "fail"
    with pytest.raises(ValidationError, match="不符合"):
        services.inspection_record(
            actor=officer, enterprise_id=enterprise.pk, date=today, items=items, findings=[]
        )
    with pytest.raises(ValidationError, match="尚未填写"):
        services.inspection_record(
            actor=officer, enterprise_id=enterprise.pk, date=today, items=items[1:], findings=[]
        )
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("现场.gif", b"GIF89a" + b"0" * 10, "文件类型不允许"),
        ("现场.jpg", b"MZ" + b"0" * 100, "文件内容与扩展名"),
        ("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "文件过大"),
    ],
)
def test_bad_photo_is_refused_in_chinese(world, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError, match=message):
        inspect(
            world.users["street_A"],
            world.enterprises["A1_commerce"],
            photos=[SimpleUploadedFile(name, content)],
        )
    assert not Inspection.objects.exists() and not list(tmp_path.iterdir())


def test_photos_are_stored_under_a_random_name(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = inspect(
        world.users["street_A"],
        world.enterprises["A1_commerce"],
        photos=[SimpleUploadedFile("门岗.jpg", JPEG), SimpleUploadedFile("a.png", PNG)],
    )
    photos = list(inspection.photos.all())
    assert [p.name for p in photos] == ["门岗.jpg", "a.png"]
    assert all(p.file.name.startswith("supervision/") and "门岗" not in p.file.name for p in photos)


def test_clear_inspection_counts_and_followup_closes_findings(world):
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    clear = inspect(officer, enterprise, on=days_ago(5))
    first = inspect(
        officer,
        enterprise,
        on=days_ago(3),
        findings=[
            {"description": "未测温", "deadline": days_ago(1)},
            {"description": "无消毒记录", "deadline": days_ago(0)},
        ],
    )
    a, b = first.findings.order_by("pk")
    assert a.is_overdue(timezone.localdate()) and not b.is_overdue(timezone.localdate())
    listed = selectors.inspection_list(user=officer, f=selectors.InspectionFilter(outcome="clear"))
    assert list(listed) == [clear]
    overdue = selectors.inspection_list(user=officer, f=selectors.InspectionFilter(overdue=True))
    assert list(overdue) == [first]
    follow = inspect(officer, enterprise, follows_id=first.pk, rectified=[a.pk])
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.status, a.closed_by, b.status) == ("rectified", follow, "open")
    assert list(selectors.inspection_list(user=officer, f=selectors.InspectionFilter(overdue=True))) == []


def test_enterprise_admin_states_its_case_on_its_own_violation_only(world):
    violation = violate(world.users["street_A"], world.enterprises["A1_above_scale"])
    admin = world.users["ent_admin_A"]
    statement = services.statement_add(actor=admin, violation_id=violation.pk, text="当日测温枪故障，已更换")
    assert statement.author == admin and statement.created_at
    with pytest.raises(PermissionDenied):
        services.statement_add(actor=world.users["street_A"], violation_id=violation.pk, text="代写")
    with pytest.raises(Http404):
        services.statement_add(actor=world.users["ent_admin_B"], violation_id=violation.pk, text="越权")
    other = violate(world.users["street_A"], world.enterprises["A1_commerce"])
    with pytest.raises(Http404):
        services.statement_add(actor=admin, violation_id=other.pk, text="越权")
    assert list(selectors.violation_list(user=admin)) == [violation]
    assert list(selectors.violation_list(user=world.users["ent_admin_B"])) == []


def test_everything_is_audited(world):
    third = _third_decided(world)
    listing = services.listing_propose(
        actor=world.users["street_A"], violation_id=third.pk, reason="情节严重"
    )
    services.listing_approve(actor=world.users["leader"], listing_id=listing.pk, version=0)
    events = selectors.timeline(violation=third)
    assert [(e["object"], e["actor"].username) for e in events] == [
        ("违规记录", "street_A"),
        ("违规记录", "street_A"),
        ("不诚信企业名单", "street_A"),
        ("不诚信企业名单", "leader"),
    ]
