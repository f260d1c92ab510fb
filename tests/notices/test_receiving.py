"""The enterprise's inbox: opening marks 已查看, acknowledging marks 已确认; nobody else sees it."""

from fugong.notices import selectors
from fugong.notices.models import NoticeAttachment, NoticeRecipient

from .conftest import pdf


def counts(notice):
    c = selectors.read_counts(notice=notice)
    return c.acknowledged, c.viewed, c.unread


def test_open_then_acknowledge_moves_the_read_list(world, publish, client_for):
    notice = publish("street_A", area="A", uploads=[pdf()])
    ent = client_for("ent_admin_A")
    assert counts(notice) == (0, 0, 3)

    inbox = ent.get("/notices/inbox/").content.decode()
    assert notice.title in inbox and "未读" in inbox
    assert selectors.inbox_badge(user=world.users["ent_admin_A"]) == 1

    page = ent.get(f"/notices/inbox/{notice.pk}/").content.decode()
    assert "确认已读" in page and "第一条\n第二条" in page
    receipt = NoticeRecipient.objects.get(notice=notice, enterprise=world.enterprises["A1_above_scale"])
    assert (
        receipt.viewed_at
        and receipt.viewed_by == world.users["ent_admin_A"]
        and receipt.acknowledged_at is None
    )
    assert counts(notice) == (0, 1, 2)
    first_view = receipt.viewed_at

    assert ent.post(f"/notices/inbox/{notice.pk}/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at and receipt.acknowledged_by == world.users["ent_admin_A"]
    assert receipt.viewed_at == first_view  # both times kept
    assert counts(notice) == (1, 0, 2)
    assert selectors.inbox_badge(user=world.users["ent_admin_A"]) == 0

    ent.post(f"/notices/inbox/{notice.pk}/")  # a second acknowledgement changes nothing
    acknowledged_at = receipt.acknowledged_at
    receipt.refresh_from_db()
    assert receipt.acknowledged_at == acknowledged_at

    detail = client_for("street_A").get(f"/notices/{notice.pk}/?state=acknowledged").content.decode()
    assert world.enterprises["A1_above_scale"].name in detail
    assert world.enterprises["A1_commerce"].name not in detail


def test_unread_come_first_in_the_inbox(world, publish):
    older = publish("street_A", title="旧通知")
    newer = publish("street_A", title="新通知")
    admin = world.users["ent_admin_A"]
    from fugong.notices import services

    services.notice_acknowledge(actor=admin, notice_id=newer.pk)
    assert [r.notice_id for r in selectors.inbox(user=admin)] == [older.pk, newer.pk]


def test_ent_admin_b_never_sees_it(world, publish, client_for, api_for):
    notice = publish("street_A", area="A", uploads=[pdf()])
    attachment = NoticeAttachment.objects.get(notice=notice)
    ent_b = client_for("ent_admin_B")

    assert notice.title not in ent_b.get("/notices/inbox/").content.decode()
    assert ent_b.get(f"/notices/inbox/{notice.pk}/").status_code == 404
    assert ent_b.post(f"/notices/inbox/{notice.pk}/").status_code == 404
    assert ent_b.get(f"/notices/attachments/{attachment.pk}/download/").status_code == 404
    api = api_for("ent_admin_B")
    assert api.get("/api/v1/notices/inbox").json()["count"] == 0
    assert api.get(f"/api/v1/notices/inbox/{notice.pk}").status_code == 404
    assert api.post(f"/api/v1/notices/inbox/{notice.pk}/acknowledge").status_code == 404
    assert api.get(f"/api/v1/notices/attachments/{attachment.pk}").status_code == 404
    assert not NoticeRecipient.objects.filter(notice=notice, viewed_at__isnull=False).exists()


def test_attachments_reach_the_recipient_and_the_sender_side_only(world, publish, client_for):
    notice = publish("street_A", area="A", categories=["above_scale"], uploads=[pdf()])
    url = f"/notices/attachments/{NoticeAttachment.objects.get(notice=notice).pk}/download/"

    for name in ("ent_admin_A", "street_A", "sysadmin"):
        response = client_for(name).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["X-Content-Type-Options"] == "nosniff"
    for name in ("street_B", "community_A", "employee_A", "resident_A", "dept", "leader"):
        assert client_for(name).get(url).status_code in {403, 404}, name


def test_an_enterprise_outside_the_categories_does_not_receive_it(world, publish, client_for):
    notice = publish("street_A", area="A", categories=["commerce"])
    assert client_for("ent_admin_A").get(f"/notices/inbox/{notice.pk}/").status_code == 404


def test_drafts_are_invisible_to_recipients(world, client_for, api_for):
    from fugong.notices import services

    draft = services.notice_save(
        actor=world.users["street_A"],
        title="尚未发布的草稿",
        body="正文",
        target_area=world.areas["A"],
        categories=[],
        uploads=[pdf()],
    )
    attachment = NoticeAttachment.objects.get(notice=draft)
    ent = client_for("ent_admin_A")
    assert draft.title not in ent.get("/notices/inbox/").content.decode()
    assert ent.get(f"/notices/inbox/{draft.pk}/").status_code == 404
    assert ent.get(f"/notices/attachments/{attachment.pk}/download/").status_code == 404
    assert api_for("ent_admin_A").get("/api/v1/notices/inbox").json()["count"] == 0


def test_the_inbox_is_for_enterprise_admins(world, client_for):
    for name in ("street_A", "employee_A", "resident_A"):
        assert client_for(name).get("/notices/inbox/").status_code == 403


def test_only_an_enterprise_opens_the_inbox_page_and_only_a_sender_drafts(world, publish, client_for):
    notice = publish("street_A", area="A")
    url = f"/notices/inbox/{notice.pk}/"
    for official in ("street_A", "community_A", "dept"):
        client = client_for(official)
        assert client.get(url).status_code == 403, official
        assert client.post(url).status_code == 403, official
    assert client_for("ent_admin_A").get("/notices/new/").status_code == 403
    assert client_for("employee_A").get("/notices/inbox/").status_code == 403
    assert not NoticeRecipient.objects.filter(notice=notice).exclude(viewed_at=None).exists()
    # The positive controls: the enterprise opens its notice, the street drafts one.
    assert client_for("ent_admin_A").get(url).status_code == 200
    assert NoticeRecipient.objects.filter(notice=notice).exclude(viewed_at=None).count() == 1
    assert client_for("street_A").get("/notices/new/").status_code == 200
