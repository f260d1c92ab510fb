import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.notices import services

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments land in a temporary MEDIA_ROOT, never in the project's."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name="防疫通知.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def publish(world):
    """Draft and publish a notice as a named user; returns the published notice."""

    def make(
        sender="street_A",
        *,
        area="A",
        categories=(),
        title="关于做好复工复产疫情防控的通知",
        uploads=(),
        **flags,
    ):
        actor = world.users[sender]
        draft = services.notice_save(
            actor=actor,
            title=title,
            body="第一条\n第二条",
            target_area=world.areas[area],
            categories=list(categories),
            uploads=list(uploads),
            **flags,
        )
        return services.notice_publish(actor=actor, notice_id=draft.pk)

    return make
