"""manage.py sweep_uploads: a release notice drawn by a release that rolled back leaves its PDF; the
sweep deletes such files once they are old enough, and never a file a row refers to."""

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from fugong.quarantine.models.notices import ReleaseNotice

from ..quarantine.notice_helpers import released

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def age(root, hours: float) -> None:
    past = time.time() - hours * 3600
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def sweep(*args) -> str:
    out = io.StringIO()
    call_command("sweep_uploads", *args, stdout=out)
    return out.getvalue()


class Refused(Exception):
    pass


def test_the_pdf_of_a_rolled_back_release_is_swept_and_a_real_notice_kept(world, media):
    kept = released(world, name="李四").notice
    with pytest.raises(Refused), transaction.atomic():
        released(world, name="王五")  # the notice and its PDF are written …
        raise Refused  # … and the release is undone
    assert ReleaseNotice.objects.count() == 1
    left = files(media)
    assert len(left) == 2 and kept.file.name in left

    age(media, 2)
    out = sweep("--dry-run")
    assert "将删除无引用的文件 1 个" in out and files(media) == left
    assert "已删除无引用的文件 1 个" in sweep()
    assert files(media) == {kept.file.name}
    assert kept.file.open("rb").read(5) == b"%PDF-"


def test_a_file_younger_than_the_limit_is_left_alone(world, media):
    with pytest.raises(Refused), transaction.atomic():
        released(world, name="赵六")
        raise Refused
    age(media, 0)  # written now on the suite's clock: the filesystem stamps files with the real one
    assert "已删除无引用的文件 0 个" in sweep()
    assert len(files(media)) == 1  # its row may still be on its way
    age(media, 0.5)
    assert "已删除无引用的文件 0 个" in sweep()
    assert "已删除无引用的文件 1 个" in sweep("--older-than", "600")


def test_an_empty_or_missing_media_folder_is_no_error(media):
    os.rmdir(media)
    assert "已删除无引用的文件 0 个" in sweep()


def test_a_limit_under_a_minute_is_refused(media):
    with pytest.raises(CommandError, match="不得小于 60 秒"):
        sweep("--older-than", "5")
