"""An enterprise moves from street A to street B: everything hanging on it goes with it.

Filings, daily reports, inspections and findings, violations, problems and their extensions, notice
receipts, check-ins and alerts — A's officer no longer finds any of them (lists, details, the API),
B's officer finds them all, holds the open filing in B's review queue and may decide it.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.checkins.models import Alert
from fugong.core.models import AuditEntry
from fugong.enterprises import services as enterprise_services
from fugong.enterprises.models import Enterprise
from fugong.ledger import services as ledger_services
from fugong.ledger.models import Extension, Problem
from fugong.notices import services as notice_services
from fugong.notices.models import NoticeRecipient
from fugong.resumption import services as resumption_services
from fugong.resumption.choices import EnterpriseState, FilingStatus, Mode
from fugong.resumption.models import CategoryPolicy, CommitmentText, DailyReport, Filing
from fugong.supervision.models import Finding, Inspection, Violation
from tests.checkins.factories import checkin, staff
from tests.enterprises.helpers import row, upload
from tests.resumption.conftest import good_filing_fields, roster_rows
from tests.supervision.helpers import inspect, violate

KEY = "A1_above_scale"
FOLLOWERS = {
    "resumption_filing": Filing,
    "resumption_dailyreport": DailyReport,
    "supervision_inspection": Inspection,
    "supervision_finding": Finding,
    "supervision_violation": Violation,
    "ledger_problem": Problem,
    "ledger_extension": Extension,
    "notices_noticerecipient": NoticeRecipient,
}


@pytest.fixture
def rows(world):
    """Street A's 规上 enterprise with something of every kind: a submitted filing waiting in the
    queue, today's report, three inspections with a finding each and a violation, a problem held by
    the street with a pending extension, a district notice, and a feverish check-in."""
    enterprise, admin, officer = world.enterprises[KEY], world.users["ent_admin_A"], world.users["street_A"]
    CategoryPolicy.objects.update_or_create(
        category="above_scale", defaults={"mode": Mode.REVIEW, "review_working_days": 2}
    )
    commitment = CommitmentText.objects.get(version="2020-1")
    today = timezone.localdate()
    resumption_services.status_set(
        actor=world.users["sysadmin"], enterprise=enterprise, state=EnterpriseState.APPROVED
    )
    report = resumption_services.daily_report_save(
        actor=admin,
        enterprise=enterprise,
        date=today,
        staff_on_duty=80,
        staff_total=100,
        output_pct=60,
        masks_stock=3000,
        disinfectant_kg=40,
        no_anomaly=True,
    )
    filing = resumption_services.filing_save(
        actor=admin,
        enterprise=enterprise,
        roster=roster_rows(3, local=3, seq=700),
        **good_filing_fields(today + dt.timedelta(days=3)),
    )
    filing = resumption_services.filing_submit(
        actor=admin, filing=filing, signatory_name="张总", commitment=commitment
    )
    first = inspect(officer, enterprise, findings=[{"description": "未设测温点", "deadline": today}])
    inspect(officer, enterprise, findings=[{"description": "消毒记录缺失", "deadline": today}])
    violation = violate(officer, enterprise)
    problem = ledger_services.problem_create(
        actor=admin,
        enterprise_id=enterprise.pk,
        category="labour",
        title="缺少熟练工",
        description="需要招聘二十名熟练工",
    )
    ledger_services.extension_request(
        actor=officer, problem_id=problem.pk, version=problem.version, days=3, reason="招聘会下周举行"
    )
    draft = notice_services.notice_save(
        actor=world.users["sysadmin"],
        title="关于做好复工复产疫情防控的通知",
        body="第一条",
        target_area=world.areas["district"],
        categories=["above_scale"],
    )
    notice = notice_services.notice_publish(actor=world.users["sysadmin"], notice_id=draft.pk)
    person = staff(enterprise, 7100, name="发热员工")
    fever = checkin(person, enterprise, temperature="38.5")
    return {
        "enterprise": enterprise,
        "filing": Filing.objects.get(pk=filing.pk),
        "report": report,
        "inspection": first,
        "violation": violation,
        "problem": Problem.objects.get(pk=problem.pk),
        "notice": notice,
        "checkin": fever,
        "alert": Alert.objects.get(checkin=fever),
    }


def _paths(model, enterprise) -> set[str]:
    rows = model.objects.filter(**{"problem__enterprise" if model is Extension else "enterprise": enterprise})
    return set(rows.values_list("area_path", flat=True))


def _move_by_page(world, client_for, enterprise):
    client = client_for("sysadmin")
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["area"] = world.areas["B1"].pk
    response = client.post(f"/enterprises/{enterprise.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()


def _move_by_api(world, api_for, enterprise):
    response = api_for("sysadmin").patch(
        f"/api/v1/enterprises/{enterprise.pk}",
        {"area_code": world.areas["B1"].code},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _sees(world, api_for, client_for, name: str, rows) -> dict[str, bool]:
    """What one officer finds of the enterprise's rows, through each list and detail, page and API."""
    api, page = api_for(name), client_for(name)
    r = rows
    today = timezone.localdate().isoformat()
    label = r["enterprise"].name
    return {
        "filing list": r["filing"].pk in _ids(api.get("/api/v1/filings")),
        "filing queue": r["filing"].pk in _ids(api.get("/api/v1/filings/queue")),
        "filing detail": api.get(f"/api/v1/filings/{r['filing'].pk}").status_code == 200,
        "filing page": page.get(f"/resumption/filings/{r['filing'].pk}/").status_code == 200,
        "review queue page": label in page.get("/resumption/reviews/").content.decode(),
        "report list": r["report"].pk in _ids(api.get(f"/api/v1/reports?date={today}")),
        "report detail": api.get(f"/api/v1/reports/{r['report'].pk}").status_code == 200,
        "report page": label in page.get(f"/resumption/reports/?date={today}").content.decode(),
        "inspection list": r["inspection"].pk in _ids(api.get("/api/v1/supervision/inspections")),
        "inspection detail": api.get(f"/api/v1/supervision/inspections/{r['inspection'].pk}").status_code
        == 200,
        "inspection page": page.get(f"/supervision/inspections/{r['inspection'].pk}/").status_code == 200,
        "violation list": r["violation"].pk in _ids(api.get("/api/v1/supervision/violations")),
        "violation page": page.get(f"/supervision/violations/{r['violation'].pk}/").status_code == 200,
        "problem list": r["problem"].pk in _ids(api.get("/api/v1/problems")),
        "problem detail": api.get(f"/api/v1/problems/{r['problem'].pk}").status_code == 200,
        "problem page": page.get(f"/ledger/problems/{r['problem'].pk}/").status_code == 200,
        "problem list page": r["problem"].title in page.get("/ledger/").content.decode(),
        "check-ins": r["checkin"].pk in _ids(api.get("/api/v1/checkins")),
        "alerts": r["alert"].pk in _ids(api.get("/api/v1/checkins/alerts")),
        "alerts page": label in page.get("/checkins/alerts/").content.decode(),
    }


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_moved_enterprise_takes_its_rows_to_the_new_street(world, rows, api_for, client_for, how):
    enterprise = rows["enterprise"]
    assert all(_sees(world, api_for, client_for, "street_A", rows).values())
    assert not any(_sees(world, api_for, client_for, "street_B", rows).values())

    if how == "page":
        _move_by_page(world, client_for, enterprise)
    else:
        _move_by_api(world, api_for, enterprise)

    seen_by_a = _sees(world, api_for, client_for, "street_A", rows)
    assert [what for what, seen in seen_by_a.items() if seen] == []
    seen_by_b = _sees(world, api_for, client_for, "street_B", rows)
    assert [what for what, seen in seen_by_b.items() if not seen] == []
    new_path = world.areas["B1"].path
    assert {label: _paths(model, enterprise) for label, model in FOLLOWERS.items()} == dict.fromkeys(
        FOLLOWERS, {new_path}
    )
    filing = Filing.objects.get(pk=rows["filing"].pk)
    problem = Problem.objects.get(pk=rows["problem"].pk)
    assert (filing.holder_area, problem.street) == (world.areas["B"], world.areas["B"])


def test_only_the_new_street_decides_the_open_filing(world, rows, api_for):
    _move_by_api(world, api_for, rows["enterprise"])
    filing = rows["filing"]
    body = {"decision": "return", "reason": "请补充宿舍措施", "version": filing.version}
    refused = api_for("street_A").post(
        f"/api/v1/filings/{filing.pk}/decide", body, content_type="application/json"
    )
    assert refused.status_code == 404
    assert Filing.objects.get(pk=filing.pk).status == FilingStatus.SUBMITTED
    decided = api_for("street_B").post(
        f"/api/v1/filings/{filing.pk}/decide", body, content_type="application/json"
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["holder_area"]) == ("returned", world.areas["B"].name)


def test_the_old_street_no_longer_handles_the_problem_and_the_new_one_does(world, rows, api_for):
    _move_by_api(world, api_for, rows["enterprise"])
    problem = rows["problem"]
    body = {"version": problem.version, "answer": "已对接区人力社保局招聘会"}
    refused = api_for("street_A").post(
        f"/api/v1/problems/{problem.pk}/answer", body, content_type="application/json"
    )
    assert refused.status_code == 404
    assert Problem.objects.get(pk=problem.pk).status == problem.status
    answered = api_for("street_B").post(
        f"/api/v1/problems/{problem.pk}/answer", body, content_type="application/json"
    )
    assert answered.status_code == 200, answered.content


def test_the_notice_receipt_is_read_under_the_new_area(world, rows, api_for):
    _move_by_api(world, api_for, rows["enterprise"])
    api, enterprise = api_for("sysadmin"), rows["enterprise"]
    url = f"/api/v1/notices/{rows['notice'].pk}/recipients"

    def listed(area: str) -> bool:
        response = api.get(f"{url}?area={world.areas[area].code}")
        assert response.status_code == 200, response.content
        return enterprise.pk in {item["enterprise_id"] for item in response.json()["items"]}

    assert (listed("B1"), listed("A")) == (True, False)


def test_a_move_is_one_update_per_kind_of_record_and_is_audited(world, rows):
    enterprise = Enterprise.objects.get(pk=rows["enterprise"].pk)
    with CaptureQueriesContext(connection) as queries:
        enterprise_services.enterprise_update(
            actor=world.users["sysadmin"], enterprise=enterprise, area=world.areas["B1"]
        )
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    per_table = {table: sum(f'UPDATE "{table}"' in sql for sql in updates) for table in FOLLOWERS}
    assert per_table == dict.fromkeys(FOLLOWERS, 1)
    entry = AuditEntry.objects.filter(object_id=str(enterprise.pk), action="update").first()
    assert entry.actor == world.users["sysadmin"]
    assert entry.changes["area"] == [world.areas["A1"].name, world.areas["B1"].name]
    assert entry.changes["moved_with_area"] == [
        None,
        {
            "复工备案": 1,
            "企业日报": 1,
            "检查": 3,
            "检查发现的问题": 3,
            "违规记录": 1,
            "企业诉求": 1,
            "延期申请": 1,
            "通知收件企业": 1,
        },
    ]


def test_a_move_that_is_refused_moves_nothing(world, rows, client_for):
    """Street A may not put its enterprise into street B: the form refuses and every row stays."""
    enterprise = rows["enterprise"]
    client = client_for("street_A")
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["area"] = world.areas["B1"].pk
    assert client.post(f"/enterprises/{enterprise.pk}/edit/", data).status_code == 200
    assert set(Filing.objects.filter(enterprise=enterprise).values_list("area_path", flat=True)) == {
        world.areas["A1"].path
    }


def test_an_import_that_moves_two_enterprises_to_two_places_moves_each_ones_rows(world, rows):
    """The bulk path: one UPDATE per kind of record for all moved enterprises, each row to its own
    enterprise's new area, each enterprise's audit entry counting its own rows."""
    other = world.enterprises["A1_commerce"]
    inspect(world.users["street_A"], other)
    moved = {KEY: "B1", "A1_commerce": "A2"}
    sheet = [
        row(
            i,
            world.areas[area].code,
            **{
                "统一社会信用代码": world.enterprises[key].credit_code,
                "企业名称": world.enterprises[key].name,
                "企业类别": "规上工业" if key == KEY else "商贸服务",
            },
        )
        for i, (key, area) in enumerate(moved.items())
    ]
    with CaptureQueriesContext(connection) as queries:
        result = enterprise_services.enterprise_import(
            actor=world.users["sysadmin"], upload=upload(sheet), valid_only=False
        )
    assert (result.saved, result.updated) == (True, 2)
    inspection_updates = [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "supervision_inspection"')
    ]
    assert len(inspection_updates) == 1
    for key, area in moved.items():
        assert _paths(Inspection, world.enterprises[key]) == {world.areas[area].path}
    assert _paths(Problem, world.enterprises[KEY]) == {world.areas["B1"].path}
    assert Problem.objects.get(pk=rows["problem"].pk).street == world.areas["B"]
    assert Filing.objects.get(pk=rows["filing"].pk).holder_area == world.areas["B"]
    entries = {
        e.object_id: e.changes["moved_with_area"][1]
        for e in AuditEntry.objects.filter(
            action="import", object_id__in=[str(world.enterprises[k].pk) for k in moved]
        )
    }
    assert entries[str(other.pk)] == {"检查": 1}
    assert entries[str(rows["enterprise"].pk)]["检查"] == 3
