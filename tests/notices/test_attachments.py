"""Attachments are checked by type, size and content; a refused file saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.notices import services
from fugong.notices.models import Notice, NoticeAttachment

from .conftest import PNG, pdf

BAD = [
    (lambda: SimpleUploadedFile("病毒.exe", b"MZ\x90\x00"), "文件类型不允许"),
    (lambda: SimpleUploadedFile("改名.pdf", b"MZ\x90\x00" * 8), "文件内容与扩展名 .pdf 不符"),
    (lambda: SimpleUploadedFile("大图.png", PNG), "文件过大"),
]


@pytest.fixture
def small_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 32


@pytest.mark.parametrize(("make", "message"), BAD)
def test_the_page_refuses_bad_files_and_saves_nothing(world, client_for, small_limit, make, message):
    before = (Notice.objects.count(), NoticeAttachment.objects.count())
    response = client_for("street_A").post(
        "/notices/new/",
        {
            "title": "带附件的通知",
            "body": "正文",
            "target_area": world.areas["A"].pk,
            "attachments": [make()],
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Notice.objects.count(), NoticeAttachment.objects.count()) == before


@pytest.mark.parametrize(("make", "message"), BAD)
def test_the_api_refuses_bad_files_in_chinese(world, api_for, small_limit, make, message):
    draft = services.notice_save(
        actor=world.users["street_A"], title="草稿", body="正文", target_area=world.areas["A"], categories=[]
    )
    response = api_for("street_A").post(f"/api/v1/notices/{draft.pk}/attachments", {"file": make()})
    assert response.status_code == 422
    assert message in str(response.json()["errors"])
    assert not NoticeAttachment.objects.filter(notice=draft).exists()


def test_several_good_files_are_kept_with_their_names(world, client_for, media):
    client_for("street_A").post(
        "/notices/new/",
        {
            "title": "多个附件",
            "body": "正文",
            "target_area": world.areas["A"].pk,
            "attachments": [pdf("方案.pdf"), SimpleUploadedFile("现场.png", PNG)],
        },
    )
    notice = Notice.objects.get(title="多个附件")
    files = list(notice.attachments.order_by("pk"))
    assert [a.name for a in files] == ["方案.pdf", "现场.png"]
    assert all(a.file.name.startswith("notices/") and "方案" not in a.file.name for a in files)
    assert (media / files[0].file.name).read_bytes().startswith(b"%PDF-")


def test_published_notices_take_no_more_attachments(world, publish, api_for):
    notice = publish("street_A")
    response = api_for("street_A").post(f"/api/v1/notices/{notice.pk}/attachments", {"file": pdf()})
    assert response.status_code == 422
    assert "已发布" in str(response.json())


def test_a_missing_file_is_refused(world, api_for):
    draft = services.notice_save(
        actor=world.users["street_A"], title="草稿", body="正文", target_area=world.areas["A"], categories=[]
    )
    response = api_for("street_A").post(f"/api/v1/notices/{draft.pk}/attachments")
    assert response.status_code == 422
    assert "请选择文件" in str(response.json())
