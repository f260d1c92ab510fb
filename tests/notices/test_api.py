"""/api/v1/notices: the whole round trip, scoped exactly like the pages."""

from fugong.notices.models import Notice, NoticeRecipient

from .conftest import pdf


def test_draft_attach_publish_read_ack_remind(world, api_for):
    officer = api_for("street_A")
    created = officer.post(
        "/api/v1/notices",
        {"title": "API 通知", "body": "正文", "target_area_code": "500109001", "categories": ["above_scale"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["preview_count"] == 1

    attached = officer.post(f"/api/v1/notices/{pk}/attachments", {"file": pdf()})
    assert attached.status_code == 201 and attached.json()["name"] == "防疫通知.pdf"

    stale = officer.post(
        f"/api/v1/notices/{pk}/publish", {"expected_count": 5}, content_type="application/json"
    )
    assert stale.status_code == 422 and "请重新确认" in str(stale.json())
    published = officer.post(
        f"/api/v1/notices/{pk}/publish", {"expected_count": 1}, content_type="application/json"
    )
    assert published.status_code == 200 and published.json()["recipient_count"] == 1

    ent = api_for("ent_admin_A")
    inbox = ent.get("/api/v1/notices/inbox").json()
    assert inbox["count"] == 1 and inbox["unacknowledged"] == 1 and inbox["items"][0]["viewed_at"] is None
    opened = ent.get(f"/api/v1/notices/inbox/{pk}").json()
    assert opened["viewed_at"] and opened["acknowledged_at"] is None and len(opened["attachments"]) == 1
    assert ent.get(opened["attachments"][0]["download_url"]).status_code == 200

    reads = officer.get(f"/api/v1/notices/{pk}/recipients").json()
    assert (reads["acknowledged"], reads["viewed"], reads["unread"]) == (0, 1, 0)
    assert reads["items"][0]["state"] == "viewed"

    assert ent.post(f"/api/v1/notices/inbox/{pk}/acknowledge").json()["acknowledged_at"]
    reads = officer.get(f"/api/v1/notices/{pk}/recipients?state=acknowledged").json()
    assert (reads["acknowledged"], reads["count"]) == (1, 1)

    nothing = officer.post(f"/api/v1/notices/{pk}/remind", {}, content_type="application/json")
    assert nothing.status_code == 422 and "均已确认" in str(nothing.json())


def test_the_api_is_scoped(world, api_for, publish):
    notice = publish("street_B", area="B")
    street_a = api_for("street_A")
    assert street_a.get(f"/api/v1/notices/{notice.pk}").status_code == 404
    assert street_a.get(f"/api/v1/notices/{notice.pk}/recipients").status_code == 404
    assert (
        street_a.post(f"/api/v1/notices/{notice.pk}/remind", {}, content_type="application/json").status_code
        == 404
    )
    assert street_a.get("/api/v1/notices").json()["count"] == 0
    assert api_for("ent_admin_A").get("/api/v1/notices").status_code == 403
    assert api_for("street_A").get("/api/v1/notices/inbox").status_code == 403
    assert not NoticeRecipient.objects.filter(notice=notice, reminder_count__gt=0).exists()


def test_bad_input_is_refused_in_chinese(world, api_for):
    before = Notice.objects.count()
    response = api_for("street_A").post(
        "/api/v1/notices",
        {"title": "", "body": "", "target_area_code": "500109001"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["请填写标题"], "body": ["请填写正文"]}
    assert Notice.objects.count() == before


def _draft(api, **fields):
    body = {"title": "草稿", "body": "正文", "target_area_code": "500109001", "categories": ["above_scale"]}
    created = api.post("/api/v1/notices", {**body, **fields}, content_type="application/json")
    assert created.status_code == 201, created.content
    return created.json()["id"]


def test_a_draft_is_edited_and_its_attachment_removed(world, api_for):
    officer = api_for("street_A")
    pk = _draft(officer)
    attachment = officer.post(f"/api/v1/notices/{pk}/attachments", {"file": pdf()}).json()

    edited = officer.patch(
        f"/api/v1/notices/{pk}", {"title": "改过的标题", "categories": []}, content_type="application/json"
    )
    assert edited.status_code == 200, edited.content
    notice = Notice.objects.get(pk=pk)
    assert (notice.title, notice.body, notice.target_categories) == ("改过的标题", "正文", [])
    assert edited.json()["target_area_code"] == "500109001"

    removed = officer.delete(f"/api/v1/notices/attachments/{attachment['id']}")
    assert removed.status_code == 204
    assert not notice.attachments.exists()
    assert officer.delete(f"/api/v1/notices/attachments/{attachment['id']}").status_code == 404


def test_edits_out_of_scope_or_after_publishing_change_nothing(world, api_for, publish):
    theirs = publish("street_B", area="B")
    officer = api_for("street_A")
    patch = {"title": "越权修改"}
    assert (
        officer.patch(f"/api/v1/notices/{theirs.pk}", patch, content_type="application/json").status_code
        == 404
    )
    mine = _draft(officer)
    far = officer.patch(
        f"/api/v1/notices/{mine}", {"target_area_code": "500109002"}, content_type="application/json"
    )
    assert far.status_code == 403 and "不在您的管辖范围内" in far.json()["detail"]
    attachment = officer.post(f"/api/v1/notices/{mine}/attachments", {"file": pdf()}).json()
    assert api_for("street_B").delete(f"/api/v1/notices/attachments/{attachment['id']}").status_code == 404
    assert api_for("ent_admin_A").delete(f"/api/v1/notices/attachments/{attachment['id']}").status_code == 403
    officer.post(f"/api/v1/notices/{mine}/publish", {}, content_type="application/json")
    late = officer.patch(f"/api/v1/notices/{mine}", patch, content_type="application/json")
    assert late.status_code == 422 and late.json()["errors"] == {"__all__": ["通知已发布，不能再修改"]}
    gone = officer.delete(f"/api/v1/notices/attachments/{attachment['id']}")
    assert gone.status_code == 422 and gone.json()["errors"] == {"__all__": ["通知已发布，不能再删除附件"]}
    theirs.refresh_from_db()
    assert theirs.title != "越权修改"
    assert Notice.objects.get(pk=mine).title == "草稿"
    assert Notice.objects.get(pk=mine).attachments.count() == 1


def test_a_bad_edit_is_refused_in_chinese(world, api_for):
    officer = api_for("street_A")
    pk = _draft(officer)
    response = officer.patch(
        f"/api/v1/notices/{pk}", {"title": "  ", "body": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["请填写标题"], "body": ["请填写正文"]}
    assert Notice.objects.get(pk=pk).title == "草稿"
