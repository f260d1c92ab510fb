"""A notice reaches exactly its target, resolved once from the target ∩ the sender's enterprises."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fugong.core.models import AuditEntry
from fugong.notices import selectors, services
from fugong.notices.models import Notice, NoticeRecipient

from .conftest import pdf


def recipients(notice) -> set[str]:
    return set(
        NoticeRecipient.objects.filter(notice=notice).values_list("enterprise__credit_code", flat=True)
    )


def codes(world, *keys) -> set[str]:
    return {world.enterprises[k].credit_code for k in keys}


def test_a_notice_to_street_a_above_scale_reaches_exactly_those(world, publish):
    notice = publish("street_A", area="A", categories=["above_scale"], uploads=[pdf()])

    assert recipients(notice) == codes(world, "A1_above_scale")
    assert notice.recipient_count == 1 and notice.status == "published" and notice.published_at
    assert notice.sender_unit == "天生街道"
    assert (
        AuditEntry.objects.filter(object_id=str(notice.pk), changes__status=["草稿", "已发布"]).count() == 1
    )


def test_without_categories_the_whole_street_is_reached_and_none_of_b(world, publish):
    notice = publish("street_A", area="A")
    assert recipients(notice) == codes(world, "A1_above_scale", "A1_commerce", "A2_individual")


def test_flags_narrow_the_target(world, publish):
    e = world.enterprises["A1_commerce"]
    e.is_emergency_supply = True
    e.save()
    notice = publish("street_A", area="A", target_emergency=True)
    assert recipients(notice) == codes(world, "A1_commerce")


def test_a_department_officer_reaches_only_their_sector(world, publish):
    notice = publish("dept", area="district")

    assert recipients(notice) == codes(world, "A1_above_scale", "B1_above_scale")
    assert notice.sender_unit == "区经济信息委"


def test_a_department_officer_cannot_target_another_sector(world):
    before = Notice.objects.count()
    with pytest.raises(PermissionDenied, match="商贸服务.*不在您的主管范围内"):
        services.notice_save(
            actor=world.users["dept"],
            title="商贸通知",
            body="正文",
            target_area=world.areas["district"],
            categories=["commerce"],
        )
    assert Notice.objects.count() == before


def test_street_a_cannot_publish_to_street_b_and_nothing_is_created(world):
    before = (Notice.objects.count(), NoticeRecipient.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.notice_save(
            actor=world.users["street_A"],
            title="越权",
            body="越权",
            target_area=world.areas["B"],
            categories=[],
        )
    assert (Notice.objects.count(), NoticeRecipient.objects.count(), AuditEntry.objects.count()) == before


def test_a_draft_moved_out_of_scope_is_refused_at_publishing(world):
    draft = services.notice_save(
        actor=world.users["street_A"], title="草稿", body="正文", target_area=world.areas["A"], categories=[]
    )
    Notice.objects.filter(pk=draft.pk).update(target_area=world.areas["B"])  # forged behind the form's back

    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.notice_publish(actor=world.users["street_A"], notice_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == "draft" and not NoticeRecipient.objects.filter(notice=draft).exists()


def test_the_page_refuses_street_b_in_chinese(world, client_for):
    before = Notice.objects.count()
    response = client_for("street_A").post(
        "/notices/new/", {"title": "越权", "body": "越权", "target_area": world.areas["B"].pk}
    )
    assert response.status_code == 200
    assert "发送范围不在您的管辖范围内" in response.content.decode()
    assert Notice.objects.count() == before


def test_the_api_refuses_street_b_in_chinese(world, api_for):
    before = Notice.objects.count()
    response = api_for("street_A").post(
        "/api/v1/notices",
        {"title": "越权", "body": "越权", "target_area_code": world.areas["B"].code},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "不在您的管辖范围内" in response.json()["detail"]
    assert Notice.objects.count() == before


def test_the_recipient_list_is_fixed_at_publishing(world, publish):
    notice = publish("street_A", area="A", categories=["above_scale"])
    moved = world.enterprises["A1_commerce"]
    moved.category = "above_scale"
    moved.save()

    assert recipients(notice) == codes(world, "A1_above_scale")
    assert selectors.read_counts(notice=notice).total == 1


def test_publishing_twice_and_a_changed_count_are_refused(world):
    actor = world.users["street_A"]
    draft = services.notice_save(
        actor=actor, title="通知", body="正文", target_area=world.areas["A"], categories=[]
    )
    with pytest.raises(ValidationError, match="收件企业已变为 3 家"):
        services.notice_publish(actor=actor, notice_id=draft.pk, expected_count=2)
    services.notice_publish(actor=actor, notice_id=draft.pk, expected_count=3)
    with pytest.raises(ValidationError, match="不能重复发布"):
        services.notice_publish(actor=actor, notice_id=draft.pk)
    assert NoticeRecipient.objects.filter(notice=draft).count() == 3


def test_an_empty_target_is_refused(world):
    actor = world.users["street_A"]
    draft = services.notice_save(
        actor=actor, title="通知", body="正文", target_area=world.areas["A"], categories=["finance"]
    )
    with pytest.raises(ValidationError, match="发送范围内没有企业"):
        services.notice_publish(actor=actor, notice_id=draft.pk)


def test_the_confirmation_page_shows_the_count_then_publishes(world, client_for):
    client = client_for("street_A")
    response = client.post(
        "/notices/new/",
        {
            "title": "复工通知",
            "body": "请<b>注意</b>\n第二行",
            "target_area": world.areas["A"].pk,
            "categories": ["above_scale"],
        },
    )
    notice = Notice.objects.get(title="复工通知")
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.pk}/publish/"
    page = client.get(f"/notices/{notice.pk}/publish/").content.decode()
    assert "将发送给 <strong>1</strong> 家企业" in page
    assert "&lt;b&gt;注意&lt;/b&gt;" in page and "<b>注意</b>" not in page  # plain text, never HTML

    refused = client.post(f"/notices/{notice.pk}/publish/", {"expected_count": 1})
    assert "请勾选确认后再发布" in refused.content.decode()
    notice.refresh_from_db()
    assert notice.status == "draft"

    done = client.post(f"/notices/{notice.pk}/publish/", {"expected_count": 1, "confirm": "on"})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "published" and recipients(notice) == codes(world, "A1_above_scale")


def test_published_notices_cannot_be_edited(world, publish, client_for):
    notice = publish("street_A")
    response = client_for("street_A").post(
        f"/notices/{notice.pk}/edit/", {"title": "改", "body": "改", "target_area": world.areas["A"].pk}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "关于做好复工复产疫情防控的通知"


def test_the_sender_list_shows_own_and_in_scope_senders_only(world, publish, client_for):
    mine = publish("street_A", title="天生街道的通知")
    theirs = publish("street_B", area="B", title="朝阳街道的通知")
    dept = publish("dept", area="district", title="经信委的通知")

    page = client_for("street_A").get("/notices/").content.decode()
    assert mine.title in page and theirs.title not in page and dept.title not in page
    assert client_for("street_A").get(f"/notices/{theirs.pk}/").status_code == 404
    assert client_for("street_A").get(f"/notices/{dept.pk}/").status_code == 404
    assert client_for("dept").get(f"/notices/{dept.pk}/").status_code == 200
    assert client_for("ent_admin_A").get("/notices/").status_code == 403
