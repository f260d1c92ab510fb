"""The one input policy (fugong/core/text.py, the kit's forms and schemas, the request guard): every
class of bad input is a 4xx with a Chinese message naming the field, and nothing is saved; the
good variant of each really saves. Pages and /api/v1, on SQLite and PostgreSQL."""

import json

import pytest

from fugong.enterprises.models import Enterprise
from fugong.health.models import Person
from fugong.notices.models import Notice

from ..api.conftest import NEW_CODE
from ..health.helpers import id_no

PEOPLE = "/api/v1/persons"
A1 = "500109001001"

# Refused by the request guard before any view: NUL, other C0/C1 controls, direction marks, surrogates.
CONTROL = ["张\x00三", "张\x07三", "\x1b[31m张三", "张\x85三", "张\x9b三", "张\x7f三", "张\ud800三"]
DIRECTION = [
    "\u202e三张",
    "张\u202a三",
    "张\u2066三\u2069",
    "张\u2067三",
    "张\u200f三",
    "张\u200e三",
    "张\u061c三",
]
# Let through by the guard, refused by the fields' own policy: format characters, line separators.
FORMAT = ["张\u200b三", "\ufeff张三", "张\u2060三", "张\u00ad三", "张\u2028三", "张\n三", "张\t三"]
# Nothing visible: fillers, a lone combining mark, a lone joiner.
INVISIBLE = ["\u3164", "\u2800\u2800", "\u115f\u1160", "\u0301", "\u200d", "\u3000\u200d"]

ASCII_DIGITS = "0123456789"
OTHER_DIGITS = {
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "extended-arabic-indic": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "circled": "⓪①②③④⑤⑥⑦⑧⑨",
    "mathematical-bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
FULL_WIDTH = "０１２３４５６７８９"


@pytest.fixture
def new_enterprise(world) -> dict:
    """A valid create payload for street A's community A1 (as tests/api's)."""
    return {
        "credit_code": NEW_CODE,
        "name": "重庆缙云测试机械有限公司",
        "legal_rep_name": "王伟",
        "legal_rep_phone": "13812345678",
        "contact_name": "李娜",
        "contact_phone": "15987654321",
        "area_code": world.areas["A1"].code,
        "address": "天生路1号",
        "category": "above_scale",
        "industry": "C",
        "headcount": 120,
        "local_headcount": 80,
    }


def refused_page(response, *words: str) -> bool:
    """A form page that refused: its form again (200 on the plain pages, 400 on the kit's) with the
    message, or the request guard's 400 page."""
    body = response.content.decode()
    return response.status_code in (200, 400) and all(w in body for w in words)


def in_digits(value: str, digits: str, *, only_last: bool = False) -> str:
    table = str.maketrans(ASCII_DIGITS, digits)
    return value[:-1] + value[-1].translate(table) if only_last else value.translate(table)


def create_person(api, seq: int, **fields):
    payload = {"id_number": id_no(seq), "name": "张三", "area_code": A1, **fields}
    return api.post(PEOPLE, json.dumps(payload), content_type="application/json")


def post_person_page(client, world, seq: int, **fields):
    return client.post(
        "/people/new/", {"id_number": id_no(seq), "name": "张三", "area": world.areas["A1"].pk, **fields}
    )


def assert_refused_api(response, field: str, *words: str) -> None:
    assert response.status_code == 422, response.content
    messages = response.json()["errors"][field]
    assert any(f"「{field}」" in m or all(w in m for w in words) for m in messages), messages


# --- control characters, direction marks, format characters, invisible names -----------------------


@pytest.mark.parametrize("name", CONTROL + DIRECTION + FORMAT)
def test_api_refuses_control_direction_and_format_characters_in_a_name(world, api_for, name):
    response = create_person(api_for("community_A"), 500, name=name)

    assert_refused_api(response, "name")
    assert "字符" in response.json()["errors"]["name"][0]
    assert not Person.objects.filter(id_number=id_no(500)).exists()


# (A lone surrogate cannot even be encoded into a form body: only the API can receive one.)
@pytest.mark.parametrize("name", [n for n in CONTROL if "\ud800" not in n] + DIRECTION + FORMAT)
def test_page_refuses_control_direction_and_format_characters_in_a_name(world, client_for, name):
    response = post_person_page(client_for("community_A"), world, 501, name=name)

    assert response.status_code == 400
    body = response.content.decode()
    assert "「姓名」含有不可见或控制字符" in body or "「name」含有不允许的控制字符" in body
    assert not Person.objects.filter(id_number=id_no(501)).exists()


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_of_invisible_characters_only_is_refused(world, api_for, client_for, name):
    api = create_person(api_for("community_A"), 502, name=name)
    page = post_person_page(client_for("community_A"), world, 502, name=name)

    assert_refused_api(api, "name")
    assert page.status_code == 400 and "「姓名」" in page.content.decode()
    assert not Person.objects.filter(id_number=id_no(502)).exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("张三", "张三"),
        ("Ｚｈａｎｇ　Ｓａｎ", "Zhang　San"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("李（小）四，", "李（小）四，"),
        ("👩\u200d⚕️", "👩\u200d⚕️"),
    ],
)
def test_good_names_are_saved_normalised_on_the_api_and_the_page(world, api_for, client_for, typed, stored):
    api = create_person(api_for("community_A"), 503, name=typed)
    page = post_person_page(client_for("community_A"), world, 504, name=typed)

    assert api.status_code == 201, api.content
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Person.objects.get(id_number=id_no(503)).name == stored
    assert Person.objects.get(id_number=id_no(504)).name == stored


def test_multi_line_text_keeps_its_line_breaks_and_a_name_may_not(world, api_for):
    officer = api_for("street_A")
    note = officer.post(
        "/api/v1/notices",
        {"title": "通知", "body": "第一段\n第二段\r\n\t缩进", "target_area_code": "500109001"},
        content_type="application/json",
    )
    title = officer.post(
        "/api/v1/notices",
        {"title": "通\n知", "body": "正文", "target_area_code": "500109001"},
        content_type="application/json",
    )

    assert (
        note.status_code == 201
        and Notice.objects.get(pk=note.json()["id"]).body == "第一段\n第二段\r\n\t缩进"
    )
    assert_refused_api(title, "title")
    assert Notice.objects.count() == 1


# --- codes: only their ASCII alphabet -------------------------------------------------------------


@pytest.mark.parametrize("script", OTHER_DIGITS)
@pytest.mark.parametrize("only_last", [False, True])
def test_id_numbers_in_other_scripts_digits_are_refused(world, api_for, client_for, script, only_last):
    number = in_digits(id_no(505), OTHER_DIGITS[script], only_last=only_last and id_no(505)[-1] != "X")

    api = create_person(api_for("community_A"), 505, id_number=number)
    page = post_person_page(client_for("community_A"), world, 505, id_number=number)

    assert_refused_api(api, "id_number", "身份证号")
    assert "身份证号" in api.json()["errors"]["id_number"][0]
    assert page.status_code == 400 and "身份证号只能由数字0–9和X组成" in page.content.decode()
    assert not Person.objects.filter(id_number__in=[id_no(505), number]).exists()


@pytest.mark.parametrize("script", OTHER_DIGITS)
def test_phones_in_other_scripts_digits_are_refused(world, api_for, client_for, script):
    phone = "13" + in_digits("812345678", OTHER_DIGITS[script])  # a bare \d would take them

    api = create_person(api_for("community_A"), 506, phone=phone)
    page = post_person_page(client_for("community_A"), world, 506, phone=phone)

    assert_refused_api(api, "phone", "手机号")
    assert page.status_code == 400 and "手机号" in page.content.decode()
    assert not Person.objects.filter(id_number=id_no(506)).exists()


@pytest.mark.parametrize("seq", [507, 508, 509])
def test_full_width_digits_are_accepted_and_stored_in_ascii(world, api_for, client_for, seq):
    number = in_digits(id_no(seq), FULL_WIDTH).replace("X", "Ｘ")
    phone = in_digits("13812345678", FULL_WIDTH)

    api = create_person(api_for("community_A"), seq, id_number=number, phone=phone)
    page = post_person_page(
        client_for("community_A"),
        world,
        seq + 100,
        id_number=in_digits(id_no(seq + 100), FULL_WIDTH),
        phone=in_digits("13912345678", FULL_WIDTH),
    )

    assert api.status_code == 201, api.content
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Person.objects.get(id_number=id_no(seq)).phone == "13812345678"
    assert Person.objects.get(id_number=id_no(seq + 100)).phone == "13912345678"


@pytest.mark.parametrize("script", ["arabic-indic", "superscript", "devanagari"])
def test_credit_codes_in_other_scripts_digits_are_refused(world, api_for, new_enterprise, script):
    code = in_digits(NEW_CODE, OTHER_DIGITS[script])
    response = api_for("street_A").post(
        "/api/v1/enterprises", {**new_enterprise, "credit_code": code}, content_type="application/json"
    )

    assert_refused_api(response, "credit_code", "统一社会信用代码")
    assert not Enterprise.objects.filter(credit_code__in=[NEW_CODE, code]).exists()


def test_a_full_width_credit_code_is_accepted_in_ascii(world, api_for, new_enterprise):
    code = NEW_CODE.translate(str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}))
    response = api_for("street_A").post(
        "/api/v1/enterprises", {**new_enterprise, "credit_code": code}, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert Enterprise.objects.filter(credit_code=NEW_CODE).exists()


# --- numbers: within the column, finite -------------------------------------------------------------


@pytest.mark.parametrize("value", [2**31, 2**31 + 7, 2**63, 2**70, -(2**31) - 1, 10**30])
def test_integers_past_the_column_are_refused_on_the_api(world, api_for, new_enterprise, value):
    response = api_for("street_A").post(
        "/api/v1/enterprises",
        {**new_enterprise, "headcount": value, "local_headcount": 1},
        content_type="application/json",
    )

    assert response.status_code == 422, response.content
    assert "headcount" in response.json()["errors"]
    assert not Enterprise.objects.filter(credit_code=NEW_CODE).exists()


@pytest.mark.parametrize("value", [2**31, 2**63, 2**70, 10**30])
def test_integers_past_the_column_are_refused_on_the_page(world, client_for, new_enterprise, value):
    data = {**new_enterprise, "area": world.areas["A1"].pk, "headcount": value, "local_headcount": 1}

    response = client_for("street_A").post("/enterprises/new/", data)

    assert refused_page(response, "2147483647")
    assert not Enterprise.objects.filter(credit_code=NEW_CODE).exists()


def test_the_column_maximum_itself_is_saved(world, api_for, new_enterprise):
    response = api_for("street_A").post(
        "/api/v1/enterprises",
        {**new_enterprise, "headcount": 2**31 - 1, "local_headcount": 1},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(credit_code=NEW_CODE).headcount == 2**31 - 1


# --- lists and path ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "abc", "1e5", "9" * 400, "\u0661"])
@pytest.mark.parametrize("path", ["/people/", "/enterprises/", "/checkins/alerts/"])
def test_any_page_number_on_a_list_page_is_an_answer(world, client_for, page, path):
    response = client_for("street_A").get(path, {"page": page})

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "abc", str(2**31)])
@pytest.mark.parametrize("path", [PEOPLE, "/api/v1/enterprises", "/api/v1/notices"])
def test_any_page_number_in_the_api_is_an_answer_or_a_422(world, api_for, page, path):
    response = api_for("street_A").get(path, {"page": page})

    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert "page" in response.json()["errors"]


@pytest.mark.parametrize("pk", [str(2**63), str(2**70), "9" * 30])
@pytest.mark.parametrize("path", ["/people/{}/", "/enterprises/{}/", "/notices/{}/"])
def test_page_ids_past_64_bits_are_not_found(world, client_for, pk, path):
    assert client_for("street_A").get(path.format(pk)).status_code == 404


@pytest.mark.parametrize("pk", [str(2**63), str(2**70), "9" * 30])
@pytest.mark.parametrize(
    "path",
    [
        PEOPLE + "/{}",
        "/api/v1/enterprises/{}",
        "/api/v1/filings/{}/submit",
        "/api/v1/quarantine/orders/{}/notice",  # these two answered 500 (the fuzzer found them)
        "/api/v1/notices/inbox/{}",
    ],
)
def test_api_ids_past_64_bits_are_not_found(world, api_for, pk, path):
    api = api_for("street_A")
    response = (
        api.post(path.format(pk), {}, content_type="application/json")
        if "submit" in path
        else api.get(path.format(pk))
    )

    assert response.status_code == 404
    assert response.json()["detail"] == "未找到"


@pytest.mark.parametrize("pk", ["abc", "1.5", "-", "%00", "１"])
def test_api_ids_that_are_not_numbers_are_4xx(world, api_for, pk):
    api = api_for("street_A")

    assert api.get(f"{PEOPLE}/{pk}").status_code in (404, 422)
    assert api.post(f"/api/v1/filings/{pk}/submit", {}, content_type="application/json").status_code in (
        404,
        422,
    )


def test_a_visible_id_still_opens(world, api_for, client_for):
    enterprise = world.enterprises["A1_above_scale"]

    assert api_for("street_A").get(f"/api/v1/enterprises/{enterprise.pk}").status_code == 200
    assert client_for("street_A").get(f"/enterprises/{enterprise.pk}/").status_code == 200


# --- search parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["\x00", "张\x00", "\u202e", "\x1b", "a" * 100_001])
def test_search_parameters_with_nul_or_controls_are_refused(world, api_for, client_for, q):
    api = api_for("community_A").get(PEOPLE, {"q": q})
    page = client_for("community_A").get("/people/", {"q": q})

    assert api.status_code == 422 and "「q」" in api.json()["errors"]["q"][0]
    assert page.status_code == 400 and "「q」" in page.content.decode()


def test_a_plain_search_still_answers(world, api_for, client_for):
    assert api_for("community_A").get(PEOPLE, {"q": "张三"}).status_code == 200
    assert client_for("community_A").get("/people/", {"q": "张三"}).status_code == 200


# --- bodies: size, field count, a 10 MB notice ------------------------------------------------------


def test_a_body_over_the_limit_is_413_on_the_api_and_the_page(world, api_for, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    api = api_for("community_A").post(PEOPLE, json.dumps({"name": big}), content_type="application/json")
    page = client_for("community_A").post("/people/new/", {"name": big, "id_number": id_no(510)})

    assert api.status_code == 413 and "提交的内容过大" in api.json()["detail"]
    assert page.status_code == 413 and "提交的内容过大" in page.content.decode()
    assert not Person.objects.filter(id_number=id_no(510)).exists()


def test_too_many_fields_is_400_on_the_page(world, client_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"f{i}": "1" for i in range(20)} | {"id_number": id_no(511), "name": "张三"}

    response = client_for("community_A").post("/people/new/", data)

    assert response.status_code == 400 and "提交的字段或文件过多" in response.content.decode()
    assert not Person.objects.filter(id_number=id_no(511)).exists()


@pytest.mark.parametrize("size", [20_001, 100_001, 10 * 1024 * 1024])
def test_a_notice_body_past_its_limit_is_refused(world, api_for, client_for, size):
    body = "通" * size
    api = api_for("street_A").post(
        "/api/v1/notices",
        {"title": "长通知", "body": body, "target_area_code": "500109001"},
        content_type="application/json",
    )
    page = client_for("street_A").post(
        "/notices/new/", {"title": "长通知", "body": body, "target_area": world.areas["A"].pk}
    )

    if size > 3 * 1024 * 1024:  # 30 MB of UTF-8: over the body limit before any field is read
        assert api.status_code == page.status_code == 413
    else:
        assert_refused_api(api, "body")
        assert refused_page(page, "正文") or refused_page(page, "「body」")
    assert not Notice.objects.exists()


def test_a_notice_body_at_its_limit_is_saved(world, api_for):
    response = api_for("street_A").post(
        "/api/v1/notices",
        {"title": "长通知", "body": "通" * 20_000, "target_area_code": "500109001"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert len(Notice.objects.get().body) == 20_000
