"""The filing pages end to end with the test client: an enterprise fills, uploads its roster and
submits; the street reviews from its queue; refused cases change nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from fugong.core import fake
from fugong.health.models import Employment, Person
from fugong.resumption import services
from fugong.resumption.choices import EnterpriseState, FilingStatus
from fugong.resumption.models import EnterpriseStatus, Filing, FilingTransition

from .conftest import good_filing_fields, roster_rows

HEADER = ["姓名", "身份证号", "手机号", "近14天所在地", "健康状况", "本地员工"]


def person_row(seq: int, *, local: bool = True, health: str = "健康") -> list:
    return [
        f"职工{seq}",
        fake.id_number(700 + seq, dt.date(1990, 3, 1 + seq)),
        fake.mobile(700 + seq),
        "重庆市北碚区" if local else "湖北省武汉市",
        health,
        "是" if local else "否",
    ]


def roster_xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("复工名单.xlsx", buffer.getvalue())


def edit_post(planned: dt.date, **changes) -> dict:
    data = {
        "planned_date": planned.isoformat(),
        "prevention_plan": "进厂测温，每日两次消毒，分时段就餐。",
        "masks_stock": "3000",
        "masks_days": "14",
        "disinfectant_kg": "40",
        "disinfectant_days": "14",
        "thermometers": "3",
        "ventilation": "good",
        "has_isolation_room": "on",
        "canteen_measures": "错峰分餐",
        "dormitory_measures": "",
        "staff-TOTAL_FORMS": "0",
        "staff-INITIAL_FORMS": "0",
        "new-TOTAL_FORMS": "0",
        "new-INITIAL_FORMS": "0",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def submit_post(client, version="2020-1"):
    return client.post(
        "/resumption/filing/submit/",
        {"signatory_name": "王建国", "accept": "on", "commitment_version": version},
    )


def test_enterprise_files_with_an_uploaded_roster_and_the_street_approves(world, setup, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    admin = client_for("ent_admin_A")
    today = timezone.localdate()

    # Given an enterprise with no filing: the page explains the steps.
    page = admin.get("/resumption/filing/")
    assert page.status_code == 200
    assert "本企业还没有复工备案" in page.content.decode()
    form = admin.get("/resumption/filing/edit/")
    assert "企业名录登记职工 100 人，其中本地 60 人" in form.content.decode()

    # When it fills the form and uploads a roster of three (two local).
    upload = roster_xlsx([person_row(1), person_row(2), person_row(3, local=False)])
    response = admin.post("/resumption/filing/edit/", edit_post(today, roster_file=upload))

    # Then the draft is saved with the roster, which is also the staff list now.
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/resumption/filing/submit/"
    filing = Filing.objects.get(enterprise=enterprise)
    assert filing.status == FilingStatus.DRAFT
    assert filing.roster.count() == 3
    assert sorted(filing.roster.values_list("is_local", flat=True)) == [False, True, True]
    assert Employment.objects.filter(enterprise=enterprise).count() == 3

    # The edit page now starts from that roster, ID numbers masked.
    again = admin.get("/resumption/filing/edit/").content.decode()
    id1 = person_row(1)[1]
    assert id1 not in again and f"{id1[:4]}**********{id1[-4:]}" in again

    # When it reads the commitment and submits.
    confirm = admin.get("/resumption/filing/submit/").content.decode()
    assert "本企业郑重承诺" in confirm and "各项复工条件均已满足" in confirm
    response = submit_post(admin)
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert (filing.signatory_name, filing.commitment.version) == ("王建国", "2020-1")

    # Then street A's queue shows it with the parts of its score and the deadline.
    street = client_for("street_A")
    queue = street.get("/resumption/reviews/").content.decode()
    assert enterprise.name in queue
    for part in ("本地员工占比 26.7/40", "规模 15.0/25", "通风 20.0/20", "物资 15.0/15"):
        assert part in queue
    assert timezone.localtime(filing.deadline_at).strftime("%Y-%m-%d %H:%M") in queue

    # When street A approves from the detail page.
    detail = street.get(f"/resumption/filings/{filing.pk}/").content.decode()
    assert 'name="version"' in detail
    response = street.post(
        f"/resumption/filings/{filing.pk}/",
        {"decision": "approve", "reason": "材料齐全，同意复工", "version": filing.version},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert EnterpriseStatus.objects.get(enterprise=enterprise).state == EnterpriseState.APPROVED
    assert list(FilingTransition.objects.filter(filing=filing).values_list("to_status", "reason")) == [
        ("submitted", ""),
        ("approved", "材料齐全，同意复工"),
    ]
    mine = admin.get("/resumption/filing/").content.decode()
    assert "审核通过" in mine and "材料齐全，同意复工" in mine and "已批准" in mine


def test_typed_rows_and_the_staff_list_prefill(world, setup, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    admin = client_for("ent_admin_A")
    known = roster_rows(2, local=2, seq=40)
    for row in known:
        Employment.objects.create(person=row["person"], enterprise=enterprise, is_local=True)
    # Given two staff already on the list, the form lists them; one is removed, one person is added by hand.
    page = admin.get("/resumption/filing/edit/").content.decode()
    assert "员工40" in page and "员工41" in page
    staff = {
        f"staff-{i}-{k}": v
        for i, row in enumerate(known)
        for k, v in {
            "person_id": row["person"].pk,
            "last14_location": "重庆市北碚区",
            "health_state": "healthy",
            "is_local": "on",
        }.items()
    }
    staff["staff-1-remove"] = "on"
    new = {
        "new-0-name": "赵新",
        "new-0-id_number": fake.id_number(901, dt.date(1992, 5, 6)),
        "new-0-phone": "13912345678",
        "new-0-last14_location": "四川省成都市",
        "new-0-health_state": "healthy",
    }
    data = edit_post(timezone.localdate(), **{"staff-TOTAL_FORMS": "2", "new-TOTAL_FORMS": "1"}) | staff | new
    response = admin.post("/resumption/filing/edit/", data)
    assert response.status_code == 302
    filing = Filing.objects.get(enterprise=enterprise)
    assert sorted(filing.roster.values_list("person__name", "is_local")) == [
        ("员工40", True),
        ("赵新", False),
    ]


def test_a_wrong_id_check_digit_in_the_upload_saves_nothing(world, setup, client_for):
    admin = client_for("ent_admin_A")
    bad = person_row(3)
    bad[1] = bad[1][:17] + ("0" if bad[1][17] != "0" else "1")
    persons_before = Person.objects.count()
    response = admin.post(
        "/resumption/filing/edit/",
        edit_post(timezone.localdate(), roster_file=roster_xlsx([person_row(1), person_row(2), bad])),
    )
    assert response.status_code == 400
    assert "第 4 行 「身份证号」：身份证号校验位不正确，请核对后重新输入" in response.content.decode()
    assert not Filing.objects.exists()
    assert Person.objects.count() == persons_before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_date": "2020-01-01"}, "计划复工日期不能早于今天"),
        (
            {"planned_date": (timezone.localdate() + dt.timedelta(days=400)).isoformat()},
            "计划复工日期不能晚于半年之后",
        ),
        ({"masks_stock": "-5"}, "不能为负数"),
        (
            {
                "new-TOTAL_FORMS": "1",
                "new-0-name": "钱多",
                "new-0-id_number": "500109199001011234",
                "new-0-phone": "12345",
                "new-0-last14_location": "北碚",
            },
            "请输入11位手机号码",
        ),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(world, setup, client_for, changes, message):
    response = client_for("ent_admin_A").post(
        "/resumption/filing/edit/", edit_post(timezone.localdate(), **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Filing.objects.exists()


def test_unmet_conditions_are_shown_before_submission_and_block_approval(world, setup, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    admin = client_for("ent_admin_A")
    upload = roster_xlsx([person_row(1), person_row(2, health="有发热或症状")])
    response = admin.post(
        "/resumption/filing/edit/",
        edit_post(timezone.localdate(), masks_days="3", has_isolation_room=None, roster_file=upload),
    )
    assert response.status_code == 302

    # Before submitting, the enterprise sees what is unmet.
    confirm = admin.get("/resumption/filing/submit/").content.decode()
    assert "尚有 3 项条件未满足" in confirm
    for title in ("口罩储备天数不少于", "设有临时隔离室", "返岗人员均无发热或症状"):
        assert title in confirm
    assert "提交后将显示以上未满足的条件" in confirm
    assert submit_post(admin).status_code == 302
    filing = Filing.objects.get(enterprise=enterprise)
    assert [u["code"] for u in filing.unmet_conditions] == ["masks", "isolation", "healthy"]

    # The reviewer cannot approve it: the service's message, nothing changed.
    street = client_for("street_A")
    response = street.post(
        f"/resumption/filings/{filing.pk}/",
        {"decision": "approve", "reason": "同意", "version": filing.version},
    )
    assert response.status_code == 400
    assert (
        "不符合条件的一律不准复工：尚未满足 口罩储备天数不少于、设有临时隔离室、返岗人员均无发热或症状"
        in (response.content.decode())
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert FilingTransition.objects.filter(filing=filing).count() == 1
    assert not EnterpriseStatus.objects.filter(enterprise=enterprise).exclude(state="not_resumed").exists()


def submitted_filing(world, setup, key="A1_above_scale", admin="ent_admin_A", seq=0) -> Filing:
    filing = services.filing_save(
        actor=world.users[admin],
        enterprise=world.enterprises[key],
        roster=roster_rows(4, local=3, seq=seq),
        **good_filing_fields(timezone.localdate()),
    )
    return services.filing_submit(
        actor=world.users[admin], filing=filing, signatory_name="王建国", commitment=setup
    )


def test_street_b_neither_sees_nor_decides_a_filing_of_street_a(world, setup, client_for):
    filing = submitted_filing(world, setup)
    name = filing.enterprise.name
    other = client_for("street_B")
    assert name not in other.get("/resumption/reviews/").content.decode()
    assert other.get(f"/resumption/filings/{filing.pk}/").status_code == 404
    response = other.post(
        f"/resumption/filings/{filing.pk}/",
        {"decision": "approve", "reason": "同意", "version": filing.version},
    )
    assert response.status_code == 404
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.decided_by is None
    assert FilingTransition.objects.filter(filing=filing).count() == 1
    # The other street's enterprise admin cannot open it either.
    assert client_for("ent_admin_B").get(f"/resumption/filings/{filing.pk}/").status_code == 404


def test_enterprise_admin_sees_own_filing_read_only(world, setup, client_for):
    filing = submitted_filing(world, setup)
    admin = client_for("ent_admin_A")
    page = admin.get(f"/resumption/filings/{filing.pk}/").content.decode()
    assert "返岗人员名单" in page and 'name="decision"' not in page
    assert (
        admin.post(
            f"/resumption/filings/{filing.pk}/",
            {"decision": "approve", "reason": "自己批", "version": filing.version},
        ).status_code
        == 403
    )
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_a_stale_version_is_refused_and_changes_nothing(world, setup, client_for):
    filing = submitted_filing(world, setup)
    seen = filing.version
    services.filing_decide(
        actor=world.users["sysadmin"],
        filing_id=filing.pk,
        decision="return",
        reason="请补充名单",
        version=seen,
    )
    response = client_for("street_A").post(
        f"/resumption/filings/{filing.pk}/", {"decision": "approve", "reason": "同意", "version": seen}
    )
    assert response.status_code == 400
    assert "该备案已被他人处理或已更新，请刷新后查看" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert FilingTransition.objects.filter(filing=filing).count() == 2


def test_a_stale_version_while_still_in_review_names_the_conflict(world, setup, client_for):
    filing = submitted_filing(world, setup)
    Filing.objects.filter(pk=filing.pk).update(version=filing.version + 1)  # someone resubmitted meanwhile
    response = client_for("street_A").post(
        f"/resumption/filings/{filing.pk}/",
        {"decision": "approve", "reason": "同意", "version": filing.version},
    )
    assert response.status_code == 400
    assert "该备案已被他人处理或已更新，请刷新后查看" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_overdue_filings_are_visible_to_the_level_above(world, setup, client_for):
    filing = submitted_filing(world, setup)
    Filing.objects.filter(pk=filing.pk).update(deadline_at=timezone.now() - dt.timedelta(hours=5))
    page = client_for("leader").get("/resumption/reviews/overdue/").content.decode()
    assert "天生街道" in page and filing.enterprise.name in page
    queue = client_for("street_A").get("/resumption/reviews/?overdue=1").content.decode()
    assert filing.enterprise.name in queue and "超时" in queue
    assert client_for("street_A").get("/resumption/reviews/overdue/").status_code == 403
    assert (
        client_for("street_B")
        .get("/resumption/reviews/?overdue=1")
        .content.decode()
        .count(filing.enterprise.name)
        == 0
    )


def make_enterprise(world, seq: int, area="A1", category="above_scale", headcount=100):
    from fugong.enterprises.models import Enterprise

    return Enterprise.objects.create(
        credit_code=fake.credit_code(8000 + seq),
        name=f"测试企业{seq}",
        legal_rep_name="李四",
        legal_rep_phone=fake.mobile(8000 + seq),
        area=world.areas[area],
        address="天生路",
        category=category,
        industry="C",
        headcount=headcount,
        local_headcount=0,
    )


def queue_filings(world, n: int, offset: int = 0):
    for i in range(n):
        e = make_enterprise(world, offset + i)
        Filing.objects.create(
            enterprise=e,
            area_path=e.area_path,
            category=e.category,
            mode="review",
            status=FilingStatus.SUBMITTED,
            planned_date=timezone.localdate(),
            submitted_at=timezone.now(),
            deadline_at=timezone.now() + dt.timedelta(days=2),
            holder_area=world.areas["A"],
            priority_score=50 + i,
            priority_parts={"local_share": 10, "small_scale": 15, "ventilation": 20, "supplies": 5 + i},
            unmet_conditions=[{"code": "masks", "title": "口罩"}],
        )


def test_the_queue_is_ordered_by_priority_and_reads_in_constant_queries(world, setup, client_for):
    street = client_for("street_A")
    queue_filings(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert street.get("/resumption/reviews/").status_code == 200
    queue_filings(world, 10, offset=2)
    with CaptureQueriesContext(connection) as many:
        page = street.get("/resumption/reviews/").content.decode()
    # session, user, count, page of filings with enterprise and holder joined, the layout's scope, session save
    assert len(many) == len(few) <= 10
    assert page.index("测试企业11") < page.index("测试企业10") < page.index("测试企业0")
