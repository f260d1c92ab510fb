"""The supervision pages: coverage counts, the inspection form, lists with bounded queries, the
enterprise's own view and its statement."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fugong.areas.models import WorkingGroup
from fugong.core import audit
from fugong.core.models import AuditAction
from fugong.supervision import rules, services
from fugong.supervision.models import Inspection, Statement, Violation

from .helpers import inspect, violate


def test_coverage_counts_and_unassigned_list_for_street_a(world, client_for):
    client = client_for("street_A")
    response = client.get(reverse("supervision:coverage"))
    assert response.status_code == 200
    result = response.context["result"]
    # A2's individual business is covered by A2's community worker; A1's commerce one by no one.
    assert (result.total, result.covered) == (3, 2)
    assert result.by_type == {"point": 1, "line": 1, "face": 0, "community": 1}
    assert result.by_tier == {
        "key": {"total": 1, "covered": 1},
        "sector": {"total": 1, "covered": 0},
        "small": {"total": 1, "covered": 1},
    }
    e = world.enterprises
    assert response.context["rows"] == [e["A1_commerce"]]
    assert e["B1_commerce"].name not in response.content.decode()

    WorkingGroup.objects.create(name="天生桥社区网格小组", kind="grid", area=world.areas["A2"])
    response = client.get(reverse("supervision:coverage"))
    assert response.context["rows"] == [e["A1_commerce"]]
    assert response.context["result"].by_type == {"point": 1, "line": 1, "face": 1, "community": 1}
    gaps = client.get(reverse("supervision:coverage"), {"which": "gap"}).context["rows"]
    assert gaps == [e["A1_commerce"]]


def test_coverage_export_is_the_unassigned_list(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("street_A").get(reverse("supervision:coverage_export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "导出人" in rows[0][0]
    assert [r[0] for r in rows[2:]] == [world.enterprises["A1_commerce"].name]


def test_coverage_needs_the_right(world, client_for):
    assert client_for("medic_A").get(reverse("supervision:coverage")).status_code == 403
    assert client_for("ent_admin_A").get(reverse("supervision:coverage")).status_code == 403


def _post_inspection(client, enterprise, **extra):
    data = {"date": timezone.localdate().isoformat(), "note": ""}
    for item in rules.checklist_in_force(timezone.localdate()):
        data[f"item_{item.pk}"] = "pass"
    data.update(extra)
    return client.post(reverse("supervision:inspection_new", args=[enterprise.pk]), data)


def test_inspection_form_saves_a_clear_inspection(world, client_for):
    client = client_for("street_A")
    page = client.get(reverse("supervision:inspection_new", args=[world.enterprises["A1_commerce"].pk]))
    assert "员工佩戴口罩" in page.content.decode() and "不适用" in page.content.decode()
    response = _post_inspection(client, world.enterprises["A1_commerce"])
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and not inspection.findings.exists()
    assert (
        "无异常"
        in client.get(reverse("supervision:inspection_detail", args=[inspection.pk])).content.decode()
    )


def test_inspection_form_refuses_deadline_before_the_date(world, client_for):
    client = client_for("street_A")
    item = rules.checklist_in_force(timezone.localdate())[0]
    response = _post_inspection(
        client,
        world.enterprises["A1_commerce"],
        **{
            f"item_{item.pk}": "fail",
            "finding_0": "未测温",
            "deadline_0": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "整改期限不能早于检查日期" in response.content.decode()
    assert not Inspection.objects.exists()


def test_inspection_of_another_street_is_refused(world, client_for):
    assert _post_inspection(client_for("street_A"), world.enterprises["B1_commerce"]).status_code == 404
    assert _post_inspection(client_for("ent_admin_A"), world.enterprises["A1_above_scale"]).status_code == 403
    assert not Inspection.objects.exists()


def test_record_violation_and_confirm_on_the_pages(world, client_for):
    client = client_for("street_A")
    inspection = inspect(world.users["street_A"], world.enterprises["A1_commerce"])
    response = client.post(
        reverse("supervision:inspection_violation_new", args=[inspection.pk]), {"description": "多人未戴口罩"}
    )
    violation = Violation.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("supervision:violation_detail", args=[violation.pk])).content.decode()
    assert "约谈法人代表" in page and "系统建议" in page
    response = client.post(
        reverse("supervision:violation_decide", args=[violation.pk]),
        {"step": "legal_rep", "reason": "", "version": 0},
    )
    assert response.status_code == 302
    again = client.post(
        reverse("supervision:violation_decide", args=[violation.pk]),
        {"step": "legal_rep", "reason": "", "version": 0},
        follow=True,
    )
    assert "已被他人处理" in again.content.decode()


@pytest.mark.parametrize(
    "url_name", ["supervision:inspections", "supervision:violations", "supervision:listings"]
)
def test_list_queries_do_not_grow_with_rows(world, client_for, url_name):
    client = client_for("street_A")
    officer = world.users["street_A"]
    violate(officer, world.enterprises["A1_commerce"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    for key in ("A1_commerce", "A1_above_scale", "A2_individual") * 3:
        violate(officer, world.enterprises[key])
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many) == len(few) and len(many) <= 12


def test_coverage_queries_are_constant(world, client_for):
    client = client_for("street_A")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("supervision:coverage"))
    assert len(queries) <= 15


def test_enterprise_admin_sees_its_own_and_states_its_case(world, client_for):
    officer = world.users["street_A"]
    own = violate(officer, world.enterprises["A1_above_scale"], description="本企业违规")
    other = violate(officer, world.enterprises["A1_commerce"], description="他企业违规")
    client = client_for("ent_admin_A")
    listing = client.get(reverse("supervision:violations")).content.decode()
    assert (
        world.enterprises["A1_above_scale"].name in listing
        and world.enterprises["A1_commerce"].name not in listing
    )
    assert client.get(reverse("supervision:violation_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("supervision:inspection_detail", args=[other.inspection_id])).status_code == 404
    response = client.post(
        reverse("supervision:violation_statement", args=[own.pk]), {"text": "测温枪故障，已更换"}
    )
    assert response.status_code == 302
    assert Statement.objects.get().text == "测温枪故障，已更换"
    assert (
        client_for("ent_admin_B").get(reverse("supervision:violation_detail", args=[own.pk])).status_code
        == 404
    )
    assert (
        client_for("street_A").get(reverse("supervision:violation_statement", args=[own.pk])).status_code
        == 403
    )


def test_a_proposal_waiting_for_its_confirming_officer_shows_on_the_list(world, client_for):
    # Every listing starts as a proposal with no confirming officer; the list looked up
    # ``approved_by.username`` on None and answered 500.
    officer, enterprise = world.users["street_A"], world.enterprises["A1_commerce"]
    for _ in range(3):
        violation = violate(officer, enterprise)
        violation = services.violation_decide(actor=officer, violation_id=violation.pk, version=0)
    services.listing_propose(actor=officer, violation_id=violation.pk, reason="期限内第3次违规")

    response = client_for("street_A").get(reverse("supervision:listings"))

    assert response.status_code == 200
    row = response.content.decode().split(enterprise.name, 1)[1].split("</tr>", 1)[0]
    assert "待确认" in row and "—" in row


def test_a_system_entry_in_the_timeline_shows_a_dash(world, client_for):
    violation = violate(world.users["street_A"], world.enterprises["A1_commerce"])
    audit.record(actor=None, obj=violation, action=AuditAction.UPDATE, before={"x": 1}, after={"x": 2})

    response = client_for("street_A").get(reverse("supervision:violation_detail", args=[violation.pk]))

    assert response.status_code == 200


def test_settings_page_changes_the_window(world, client_for):
    assert client_for("street_A").get(reverse("supervision:settings")).status_code == 403
    client = client_for("sysadmin")
    assert (
        client.post(reverse("supervision:settings"), {"action": "window", "window_days": 60}).status_code
        == 302
    )
    assert rules.window_days() == 60


@pytest.mark.parametrize("outsider", ["resident_A", "employee_A", "guard_A", "medic_A", "site_A"])
def test_the_pages_refuse_roles_that_do_not_read_supervision(world, client_for, outsider):
    violation = violate(world.users["street_A"], world.enterprises["A1_above_scale"])
    pages = [
        reverse("supervision:inspections"),
        reverse("supervision:violations"),
        reverse("supervision:listings"),
        reverse("supervision:inspection_detail", args=[violation.inspection_id]),
        reverse("supervision:violation_detail", args=[violation.pk]),
    ]
    client = client_for(outsider)
    for url in pages:
        assert client.get(url).status_code == 403, url
    # The positive controls: the street that recorded it, and the enterprise's own admin.
    for reader in ("street_A", "ent_admin_A"):
        for url in pages:
            assert client_for(reader).get(url).status_code == 200, (reader, url)
