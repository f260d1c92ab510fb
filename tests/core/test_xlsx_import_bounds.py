"""Every xlsx import (areas, enterprises, people; page and API) is bounded before anything is parsed:
a small upload that would inflate to a gigabyte, parts adding up past the limit, a part that lies
about its size, encrypted or oddly compressed parts, entity expansion and too many rows are a 400
with a clear Chinese message within a second, memory flat; a normal file still imports."""

import time
import tracemalloc
from dataclasses import dataclass

import pytest

from fugong.areas.models import Area
from fugong.core import fake
from fugong.enterprises.models import Enterprise
from fugong.health.models import Person
from tests import xlsx_bombs as bombs
from tests.enterprises.helpers import HEADERS as ENTERPRISE_HEADERS
from tests.enterprises.helpers import new_code
from tests.enterprises.helpers import row as enterprise_row
from tests.health.helpers import id_no

TOO_BIG = "文件解压后过大"
UNREADABLE = "无法读取该 xlsx 文件"
NOT_XLSX = "文件内容不是有效的 xlsx"


@dataclass(frozen=True)
class Endpoint:
    user: str
    url: str
    api: bool
    header: list
    rows: list  # two good rows
    saved: object  # () -> how many of the good rows are stored

    def __str__(self):
        return self.url


def _enterprise_rows():
    return [[r[h] for h in ENTERPRISE_HEADERS] for r in (enterprise_row(i, "500109001001") for i in (1, 2))]


AREA_ROWS = [
    ["500109001003", "新建社区", "社区", "500109001"],
    ["500109001004", "另一新社区", "社区", "500109001"],
]
PERSON_ROWS = [["甲", id_no(801), "", "500109001001", ""], ["乙", id_no(802), "", "500109001001", ""]]


def _areas_saved():
    return Area.objects.filter(code__in=["500109001003", "500109001004"]).count()


def _enterprises_saved():
    return Enterprise.objects.filter(credit_code__in=[new_code(1), new_code(2)]).count()


def _people_saved():
    return Person.objects.filter(id_number__in=[id_no(801), id_no(802)]).count()


AREA_HEADER = ["区划编码", "名称", "类型", "上级编码"]
PERSON_HEADER = ["姓名*", "身份证号*", "手机号", "居住社区编码*", "居住地址"]
ENDPOINTS = [
    Endpoint("sysadmin", "/areas/import/", False, AREA_HEADER, AREA_ROWS, _areas_saved),
    Endpoint("sysadmin", "/api/v1/areas/import", True, AREA_HEADER, AREA_ROWS, _areas_saved),
    Endpoint(
        "street_A", "/enterprises/import/", False, ENTERPRISE_HEADERS, "enterprises", _enterprises_saved
    ),
    Endpoint(
        "street_A", "/api/v1/enterprises/import", True, ENTERPRISE_HEADERS, "enterprises", _enterprises_saved
    ),
    Endpoint("community_A", "/people/import/", False, PERSON_HEADER, PERSON_ROWS, _people_saved),
    Endpoint("community_A", "/api/v1/persons/import", True, PERSON_HEADER, PERSON_ROWS, _people_saved),
]


def good_rows(endpoint: Endpoint) -> list:
    return _enterprise_rows() if endpoint.rows == "enterprises" else endpoint.rows


@pytest.fixture(params=ENDPOINTS, ids=str)
def endpoint(request):
    return request.param


@pytest.fixture
def send(endpoint, client_for, api_for):
    client = (api_for if endpoint.api else client_for)(endpoint.user)
    client.get(endpoint.url)  # the process's first request imports every view: not what is timed

    def post(content: bytes):
        return client.post(endpoint.url, {"file": bombs.upload(content)})

    return post


def answer(response) -> str:
    return (
        response.json()["detail"]
        if response.has_header("Content-Type") and "json" in response["Content-Type"]
        else response.content.decode()
    )


def measured(send, content: bytes):
    """The response, its seconds and the peak of Python memory allocated while it was made."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = send(content)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, elapsed, peak


def parts(endpoint, rows=None):
    return bombs.workbook_parts(endpoint.header, good_rows(endpoint) if rows is None else rows)


# --- positive control ---------------------------------------------------------------------------


def test_a_normal_file_still_imports(world, endpoint, send):
    response = send(bombs.archive(parts(endpoint)))
    assert response.status_code in (200, 302), answer(response)
    assert endpoint.saved() == 2


# --- inflation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", ["sheet", "shared strings"])
def test_a_megabyte_that_inflates_to_a_gigabyte_is_refused_fast_with_flat_memory(world, endpoint, send, bomb):
    base = parts(endpoint)
    hostile = (
        bombs.replaced(base, bombs.sheet_bomb())
        if bomb == "sheet"
        else bombs.with_strings(base, bombs.strings_bomb())
    )
    content = bombs.archive(hostile)
    assert len(content) < 1.1 * bombs.MB

    response, elapsed, peak = measured(send, content)

    assert response.status_code == 400
    assert TOO_BIG in answer(response)
    assert elapsed < 1.0
    assert peak < 50 * bombs.MB, peak
    assert endpoint.saved() == 0


def test_parts_adding_up_past_the_total_are_refused(world, endpoint, send, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6  # only the total is under test here
    base = parts(endpoint)
    hostile = bombs.with_strings(
        bombs.replaced(base, bombs.sheet_bomb(32 * bombs.MB)), bombs.strings_bomb(32 * bombs.MB)
    )
    response, elapsed, peak = measured(send, bombs.archive(hostile))
    assert response.status_code == 400 and TOO_BIG in answer(response)
    assert elapsed < 1.0 and peak < 50 * bombs.MB


def test_a_part_above_the_limit_or_the_ratio_is_refused(world, endpoint, send, settings):
    base = parts(endpoint)
    # 8 MB of one byte compresses a thousandfold: under the total, over the ratio.
    ratio = send(bombs.archive(bombs.replaced(base, bombs.sheet_bomb(8 * bombs.MB))))
    assert ratio.status_code == 400 and TOO_BIG in answer(ratio)
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4 * bombs.MB
    single = send(bombs.archive(bombs.replaced(base, bombs.sheet_bomb(8 * bombs.MB))))
    assert single.status_code == 400 and TOO_BIG in answer(single)
    assert endpoint.saved() == 0


def test_a_part_that_declares_less_than_it_inflates_to_is_cut_at_its_declaration(world, endpoint, send):
    bomb = bombs.sheet_bomb()
    liar = bombs.Part(bomb.name, bomb.data, bomb.crc, 4096)
    response, elapsed, peak = measured(send, bombs.archive(bombs.replaced(parts(endpoint), liar)))
    assert response.status_code == 400 and UNREADABLE in answer(response)
    assert elapsed < 1.0 and peak < 50 * bombs.MB
    assert endpoint.saved() == 0


# --- odd archives -------------------------------------------------------------------------------


def test_encrypted_odd_or_too_many_parts_are_refused(world, endpoint, send, settings):
    base = parts(endpoint)
    sheet = next(p for p in base if p.name == bombs.SHEET)
    encrypted = bombs.Part(sheet.name, sheet.data, sheet.crc, sheet.size, flags=0x1)
    response = send(bombs.archive(bombs.replaced(base, encrypted)))
    assert response.status_code == 400 and "文件已加密" in answer(response)

    for method in (zipfile_bzip2 := 12, 14, 99):
        odd = bombs.Part(sheet.name, sheet.data, sheet.crc, sheet.size, method=method)
        response = send(bombs.archive(bombs.replaced(base, odd)))
        assert response.status_code == 400 and NOT_XLSX in answer(response), method
    assert zipfile_bzip2 == 12

    for name in ("../evil.xml", "/abs.xml", "xl\\\\win.xml"):
        response = send(bombs.archive([*base, bombs.deflated(name, b"<a/>")]))
        assert response.status_code == 400 and NOT_XLSX in answer(response), name

    settings.IMPORT_MAX_ZIP_MEMBERS = 20
    padding = [bombs.deflated(f"customXml/item{i}.xml", b"<a/>") for i in range(20)]
    response = send(bombs.archive(base + padding))
    assert response.status_code == 400 and NOT_XLSX in answer(response)
    assert endpoint.saved() == 0


@pytest.mark.parametrize("where", ["sheet", "shared strings"])
def test_entity_expansion_is_refused(world, endpoint, send, where):
    base = parts(endpoint)
    hostile = (
        bombs.replaced(base, bombs.laughs_sheet())
        if where == "sheet"
        else bombs.with_strings(base, bombs.laughs_strings())
    )
    response, elapsed, peak = measured(send, bombs.archive(hostile))
    assert response.status_code == 400 and UNREADABLE in answer(response)
    assert elapsed < 1.0 and peak < 50 * bombs.MB
    assert endpoint.saved() == 0


# --- rows ---------------------------------------------------------------------------------------


def test_too_many_rows_are_refused_before_any_row_is_read(world, endpoint, send, settings, monkeypatch):
    from fugong.core import xlsx

    settings.IMPORT_MAX_ROWS = 1
    converted = []
    real = xlsx._cell_text
    monkeypatch.setattr(xlsx, "_cell_text", lambda value: converted.append(value) or real(value))
    response = send(bombs.archive(parts(endpoint)))
    assert response.status_code == 400 and "超过单次导入上限 1 行" in answer(response)
    assert converted == []  # not even the header was read: the count came first
    assert endpoint.saved() == 0


def test_a_dimension_that_understates_the_rows_does_not_fool_the_count(world, endpoint, send, settings):
    import zlib

    settings.IMPORT_MAX_ROWS = 1
    base = parts(endpoint)
    sheet = next(p for p in base if p.name == bombs.SHEET)
    xml = zlib.decompress(sheet.data, -15)
    start = xml.index(b"<dimension ref=")
    xml = xml[:start] + b'<dimension ref="A1:A1"/>' + xml[xml.index(b"/>", start) + 2 :]
    response = send(bombs.archive(bombs.replaced(base, bombs.deflated(bombs.SHEET, xml))))
    assert response.status_code == 400 and "超过单次导入上限 1 行" in answer(response)


def test_styled_empty_rows_do_not_count(world, endpoint, send, settings):
    # Positive control of the count: rows Excel keeps only for their format are not data.
    settings.IMPORT_MAX_ROWS = 2
    empty = [[None] * len(endpoint.header)] * 50
    import io
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append(endpoint.header)
    for row in good_rows(endpoint):
        sheet.append(row)
    for r in range(4, 60):
        sheet.cell(r, 1).font = Font(bold=True)
    assert empty  # the styled cells carry no value
    buffer = io.BytesIO()
    book.save(buffer)
    assert b"<row" in zipfile.ZipFile(buffer).read(bombs.SHEET)
    response = send(buffer.getvalue())
    assert response.status_code in (200, 302), answer(response)
    assert endpoint.saved() == 2


def test_fake_ids_of_the_world_are_untouched(world):
    # The people rows use ids the world does not hold.
    assert not Person.objects.filter(id_number__in=[id_no(801), id_no(802)]).exists()
    assert fake.credit_code(50001) == new_code(1)
