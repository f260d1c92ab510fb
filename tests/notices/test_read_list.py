"""Reminders, the export and query counts of the read list and the lists."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core.models import AuditEntry
from fugong.notices import services
from fugong.notices.models import Notice, NoticeRecipient, NoticeReminder

from .conftest import pdf


def reminded(notice) -> set[str]:
    return set(
        NoticeReminder.objects.filter(recipient__notice=notice).values_list(
            "recipient__enterprise__name", flat=True
        )
    )


def test_a_reminder_goes_only_to_those_who_have_not_acknowledged(world, publish):
    notice = publish("street_A", area="A")  # A1_above_scale, A1_commerce, A2_individual
    acked = NoticeRecipient.objects.get(notice=notice, enterprise=world.enterprises["A1_above_scale"])
    services.notice_acknowledge(actor=world.users["ent_admin_A"], notice_id=notice.pk)
    NoticeRecipient.objects.filter(notice=notice, enterprise=world.enterprises["A1_commerce"]).update(
        viewed_at=dt.datetime(2020, 2, 20, tzinfo=dt.UTC)
    )

    count = services.notice_remind(actor=world.users["street_A"], notice_id=notice.pk)

    assert count == 2
    assert reminded(notice) == {
        world.enterprises["A1_commerce"].name,
        world.enterprises["A2_individual"].name,
    }
    assert NoticeReminder.objects.filter(sent_by=world.users["street_A"]).count() == 2
    acked.refresh_from_db()
    assert acked.reminder_count == 0
    assert AuditEntry.objects.filter(object_id=str(notice.pk), changes__reminded__1=2).exists()


def test_only_unread_and_the_hourly_limit(world, publish):
    notice = publish("street_A", area="A")
    NoticeRecipient.objects.filter(notice=notice, enterprise=world.enterprises["A1_commerce"]).update(
        viewed_at=dt.datetime(2020, 2, 20, tzinfo=dt.UTC)
    )
    actor = world.users["street_A"]

    assert services.notice_remind(actor=actor, notice_id=notice.pk, only_unread=True) == 2
    with pytest.raises(ValidationError, match="每条通知每小时最多提醒一次"):
        services.notice_remind(actor=actor, notice_id=notice.pk)
    assert NoticeReminder.objects.filter(recipient__notice=notice).count() == 2

    Notice.objects.filter(pk=notice.pk).update(last_reminded_at=timezone.now() - dt.timedelta(minutes=61))
    assert services.notice_remind(actor=actor, notice_id=notice.pk) == 3
    assert NoticeReminder.objects.filter(recipient__notice=notice).count() == 5


def test_the_reminder_shows_in_the_inbox_and_the_page_limits_it(world, publish, client_for):
    notice = publish("street_A", area="A", categories=["above_scale"])
    officer = client_for("street_A")
    first = officer.post(f"/notices/{notice.pk}/remind/", follow=True).content.decode()
    assert "已向 1 家企业发送提醒" in first
    second = officer.post(f"/notices/{notice.pk}/remind/", follow=True).content.decode()
    assert "每条通知每小时最多提醒一次" in second

    ent = client_for("ent_admin_A")
    assert "提醒" in ent.get("/notices/inbox/").content.decode()
    assert "提醒您查阅并确认本通知" in ent.get(f"/notices/inbox/{notice.pk}/").content.decode()


def test_others_cannot_remind(world, publish, client_for):
    notice = publish("street_A", area="A")
    assert client_for("street_B").post(f"/notices/{notice.pk}/remind/").status_code == 404
    assert client_for("ent_admin_A").post(f"/notices/{notice.pk}/remind/").status_code == 403
    assert not NoticeReminder.objects.exists()


def test_the_export_is_scoped_and_watermarked(world, publish, client_for):
    notice = publish("street_A", area="A")
    services.notice_acknowledge(actor=world.users["ent_admin_A"], notice_id=notice.pk)

    response = client_for("street_A").get(f"/notices/{notice.pk}/read-list.xlsx?state=acknowledged")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert "导出人：street_A" in rows[0][0] and "严禁外传" in rows[0][0]
    assert rows[1][:5] == ("企业名称", "统一社会信用代码", "所属区域", "企业类别", "阅读状态")
    assert [r[0] for r in rows[2:]] == [world.enterprises["A1_above_scale"].name]
    assert rows[2][4] == "已确认"

    assert client_for("street_B").get(f"/notices/{notice.pk}/read-list.xlsx").status_code == 404
    assert client_for("ent_admin_A").get(f"/notices/{notice.pk}/read-list.xlsx").status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_have_constant_query_counts(world, publish, client_for):
    publish("street_A", area="A", uploads=[pdf()])
    officer, ent = client_for("street_A"), client_for("ent_admin_A")
    first = {u: _queries(c, u) for c, u in ((officer, "/notices/"), (ent, "/notices/inbox/"))}
    notice = publish("street_A", area="A")
    first_detail = _queries(officer, f"/notices/{notice.pk}/")
    for i in range(5):
        publish("street_A", area="A", title=f"通知{i}", uploads=[pdf()])
    NoticeRecipient.objects.filter(notice=notice).update(viewed_at=dt.datetime(2020, 2, 20, tzinfo=dt.UTC))

    assert {u: _queries(c, u) for c, u in ((officer, "/notices/"), (ent, "/notices/inbox/"))} == first
    assert _queries(officer, f"/notices/{notice.pk}/") == first_detail
    assert first_detail <= 14


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="one INSERT per bulk_create on PostgreSQL")
def test_publishing_is_one_bulk_insert(world):
    from fugong.enterprises.models import Enterprise

    template = world.enterprises["A2_individual"]
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=f"91500109{i:010d}"[:18],
                name=f"个体户{i}",
                legal_rep_name="张三",
                legal_rep_phone=template.legal_rep_phone,
                area=template.area,
                area_path=template.area_path,
                address="地址",
                category="individual",
                industry="C",
                headcount=1,
                local_headcount=1,
            )
            for i in range(2000)
        ]
    )
    actor = world.users["street_A"]
    draft = services.notice_save(
        actor=actor, title="全街通知", body="正文", target_area=world.areas["A"], categories=[]
    )
    with CaptureQueriesContext(connection) as ctx:
        services.notice_publish(actor=actor, notice_id=draft.pk)
    inserts = [
        q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "notices_noticerecipient"')
    ]
    assert len(inserts) == 1
    assert NoticeRecipient.objects.filter(notice=draft).count() == 2003
