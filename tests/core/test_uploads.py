import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.core.uploads import DOCUMENT_KINDS, PHOTO_KINDS, check_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_real_photo_passes_and_keeps_its_name_for_display():
    checked = check_upload(SimpleUploadedFile("现场照片.png", PNG), kinds=PHOTO_KINDS)
    assert (checked.name, checked.extension, checked.content_type, checked.size) == (
        "现场照片.png",
        "png",
        "image/png",
        len(PNG),
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "文件类型不允许"),
        ("改名.pdf", b"MZ\x90\x00" * 4, "文件内容与扩展名 .pdf 不符"),
        ("空.png", b"", "文件是空的"),
    ],
)
def test_wrong_files_are_refused_in_chinese(name, content, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(SimpleUploadedFile(name, content), kinds=DOCUMENT_KINDS)


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 32
    with pytest.raises(ValidationError, match="文件过大"):
        check_upload(SimpleUploadedFile("大.png", PNG), kinds=PHOTO_KINDS)
