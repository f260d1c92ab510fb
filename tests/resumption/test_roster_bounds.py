"""The filing's roster upload is bounded like every import: a megabyte that would inflate to a
gigabyte, entity expansion and too many rows are refused on the form, fast, nothing saved; a normal
roster still uploads (the filing pages' own tests)."""

import time
import tracemalloc

import openpyxl
import pytest
from django.utils import timezone

from fugong.health.models import Person
from fugong.resumption.models import Filing
from tests import xlsx_bombs as bombs

from .test_filing_pages import HEADER, edit_post, person_row


def post(client, content: bytes):
    upload = bombs.upload(content, name="复工名单.xlsx")
    return client.post("/resumption/filing/edit/", edit_post(timezone.localdate(), roster_file=upload))


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("bomb", ["sheet", "shared strings", "laughs"])
def test_a_hostile_roster_is_refused_fast_and_nothing_saved(world, setup, client_for, bomb):
    base = bombs.workbook_parts(HEADER, [person_row(1)])
    hostile = {
        "sheet": lambda: bombs.replaced(base, bombs.sheet_bomb()),
        "shared strings": lambda: bombs.with_strings(base, bombs.strings_bomb()),
        "laughs": lambda: bombs.replaced(base, bombs.laughs_sheet()),
    }[bomb]()
    admin, persons = client_for("ent_admin_A"), Person.objects.count()
    admin.get("/resumption/filing/edit/")  # the process's first request imports every view: not timed
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = post(admin, bombs.archive(hostile))
        elapsed, (_now, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    expected = "无法读取该 xlsx 文件" if bomb == "laughs" else "文件解压后过大"
    assert expected in response.content.decode()
    assert elapsed < 1.0 and peak < 50 * bombs.MB
    assert not Filing.objects.exists() and Person.objects.count() == persons


def test_too_many_roster_rows_are_refused(world, setup, client_for, settings):
    settings.IMPORT_MAX_ROWS = 2
    content = bombs.archive(bombs.workbook_parts(HEADER, [person_row(i) for i in range(1, 4)]))
    response = post(client_for("ent_admin_A"), content)
    assert response.status_code == 400
    assert "超过单次导入上限 2 行" in response.content.decode()
    assert not Filing.objects.exists()


def test_a_roster_within_the_limit_uploads(world, setup, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    content = bombs.archive(bombs.workbook_parts(HEADER, [person_row(i) for i in range(1, 4)]))
    response = post(client_for("ent_admin_A"), content)
    assert response.status_code == 302, response.content.decode()[:300]
    assert Filing.objects.get().roster.count() == 3
