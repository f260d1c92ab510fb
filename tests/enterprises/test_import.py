"""Excel import: template, happy path, per-row errors (第 N 行 「列」：原因), all-or-nothing, valid-only,
file-level problems as 400, and the user's scope re-checked on every row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.accounts.models import User
from fugong.core.models import AuditAction, AuditEntry
from fugong.enterprises import imports, services
from fugong.enterprises.models import Enterprise

from .helpers import HEADERS, new_code, read_xlsx, row, upload

URL = "/enterprises/import/"


def post(client, rows=None, *, file=None, valid_only=False):
    data = {"file": file if file is not None else upload(rows)}
    if valid_only:
        data["valid_only"] = "on"
    return client.post(URL, data)


def error_texts(response) -> list[str]:
    return [str(e) for e in response.context["result"].errors]


def test_import_page_and_template(world, client_for):
    client = client_for("street_A")
    page = client.get(URL)
    assert page.status_code == 200
    assert "仅导入无误的行" in page.content.decode()
    template = client.get("/enterprises/import/template.xlsx")
    assert template.status_code == 200
    rows = read_xlsx(b"".join(template.streaming_content))
    assert [h.rstrip("*") for h in rows[0]] == HEADERS
    assert rows[0][0] == "统一社会信用代码*" and rows[0][4] == "联系人"


@pytest.mark.parametrize("user", ["community_A", "leader", "commissioner_A", "ent_admin_A"])
def test_import_refused_without_capability(world, client_for, user):
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.get("/enterprises/import/template.xlsx").status_code == 403
    assert post(client, [row(1, world.areas["A1"].code)]).status_code == 403
    assert not Enterprise.objects.filter(credit_code=new_code(1)).exists()


def test_happy_path_creates_and_updates_with_audit(world, client_for):
    # Given two new enterprises and a correction to an existing one of street A
    existing = world.enterprises["A1_commerce"]
    rows = [
        row(1, world.areas["A1"].code),
        row(
            2,
            world.areas["A2"].code,
            企业类别="个体工商户",
            行业门类="批发和零售业",
            应急保供="是",
            重点产业=None,
        ),
        row(
            3,
            world.areas["A1"].code,
            统一社会信用代码=existing.credit_code,
            企业名称=existing.name,
            企业类别="商贸服务",
            行业门类="F",
            职工总数=130,
            本地职工数=100,
        ),
    ]
    # When street A's officer imports them
    response = post(client_for("street_A"), rows)
    # Then 2 are created, 1 updated, with the summary and one audit entry each
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 1, 0, [])
    assert "新增 2 家，更新 1 家，错误 0 行" in response.content.decode()
    first = Enterprise.objects.get(credit_code=new_code(1))
    assert (
        first.name,
        first.area,
        first.area_path,
        first.category,
        first.industry,
        first.headcount,
        first.local_headcount,
        first.is_emergency_supply,
        first.is_key_industry,
        first.created_by,
    ) == (
        "重庆测试导入企业1号有限公司",
        world.areas["A1"],
        world.areas["A1"].path,
        "above_scale",
        "C",
        100,
        80,
        False,
        True,
        world.users["street_A"],
    )
    second = Enterprise.objects.get(credit_code=new_code(2))
    assert (second.category, second.industry, second.is_emergency_supply, second.is_key_industry) == (
        "individual",
        "F",
        True,
        False,
    )
    existing.refresh_from_db()
    assert (existing.headcount, existing.local_headcount, existing.updated_by) == (
        130,
        100,
        world.users["street_A"],
    )
    assert existing.commissioner is None  # assignments are not touched by an import
    update = AuditEntry.objects.get(object_id=str(existing.pk), action=AuditAction.IMPORT)
    assert update.changes["headcount"] == [100, 130]
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 3


def test_reimporting_the_same_file_changes_nothing(world, client_for):
    client = client_for("street_A")
    rows = [row(1, world.areas["A1"].code)]
    post(client, rows)
    again = post(client, rows).context["result"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_template_example_row_is_skipped(world, client_for):
    example = {c.label: c.example for c in imports.COLUMNS}
    response = post(client_for("street_A"), [example, row(1, world.areas["A1"].code)])
    assert response.context["result"].created == 1
    assert not Enterprise.objects.filter(credit_code=imports.EXAMPLE_CODE).exists()


def test_bad_rows_are_reported_by_row_and_column_and_nothing_saved(world, client_for):
    before = Enterprise.objects.count()
    bad_code = new_code(2)[:-1] + ("0" if new_code(2)[-1] != "0" else "1")
    rows = [
        row(1, world.areas["A1"].code),  # row 2: fine
        row(2, world.areas["A1"].code, 统一社会信用代码=bad_code),  # row 3
        row(3, world.areas["A1"].code, 法定代表人电话="1234", 职工总数=10, 本地职工数=20),  # row 4
        row(4, "999999", 企业类别="大型企业", 行业门类="Z"),  # row 5
        row(5, world.areas["A1"].code, 企业名称="", 职工总数=-3, 应急保供="也许"),  # row 6
        row(1, world.areas["A2"].code),  # row 7: duplicate of row 2
    ]
    response = post(client_for("street_A"), rows)
    assert response.status_code == 400
    assert error_texts(response) == [
        "第 3 行 「统一社会信用代码」：统一社会信用代码校验位不正确，请核对后重新输入",
        "第 4 行 「法定代表人电话」：请输入11位手机号码（1开头）",
        "第 4 行 「本地职工数」：本地职工数不能超过职工总数",
        "第 5 行 「企业类别」：「大型企业」不是有效的企业类别，应为：规上工业、规下工业、商贸服务、建筑工地、金融网点、个体工商户、九小场所",
        "第 5 行 「行业门类」：「Z」不是有效的行业门类，请填写门类字母（如 C）或名称（如 制造业）",
        "第 5 行 「区域编码」：区域编码「999999」不存在或不在您的管辖范围内",
        "第 6 行 「企业名称」：必填，不能为空",
        "第 6 行 「职工总数」：应为不小于 0 的整数",
        "第 6 行 「应急保供」：请填写“是”或“否”",
        "第 7 行 「统一社会信用代码」：与第 2 行的统一社会信用代码重复",
    ]
    body = response.content.decode()
    assert "未导入任何数据" in body and "第 4 行" in body and "「本地职工数」" in body
    assert Enterprise.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()


def test_valid_only_imports_the_good_rows_and_reports_the_others(world, client_for):
    rows = [
        row(1, world.areas["A1"].code),
        row(2, world.areas["A1"].code, 职工总数="很多"),
        row(3, world.areas["A2"].code),
    ]
    response = post(client_for("street_A"), rows, valid_only=True)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.error_rows) == (2, 0, 1)
    assert error_texts(response) == ["第 3 行 「职工总数」：应为不小于 0 的整数"]
    assert "新增 2 家，更新 0 家，错误 1 行" in response.content.decode()
    assert set(
        Enterprise.objects.filter(credit_code__in=[new_code(i) for i in (1, 2, 3)]).values_list(
            "credit_code", flat=True
        )
    ) == {new_code(1), new_code(3)}


def test_out_of_scope_area_and_existing_code_are_row_errors(world, client_for):
    b_existing = world.enterprises["B1_commerce"]
    rows = [
        row(1, world.areas["B1"].code),
        row(2, world.areas["A1"].code, 统一社会信用代码=b_existing.credit_code, 企业名称="抢注企业"),
    ]
    response = post(client_for("street_A"), rows)
    assert error_texts(response) == [
        f"第 2 行 「区域编码」：区域编码「{world.areas['B1'].code}」不存在或不在您的管辖范围内",
        "第 3 行 「统一社会信用代码」：该统一社会信用代码无法在您的范围内登记，请联系街镇核实",
    ]
    b_existing.refresh_from_db()
    assert b_existing.name == world.enterprises["B1_commerce"].name
    assert not Enterprise.objects.filter(credit_code=new_code(1)).exists()


def test_department_officer_is_limited_to_their_sector(world, client_for):
    rows = [row(1, world.areas["B1"].code), row(2, world.areas["A1"].code, 企业类别="商贸服务")]
    response = post(client_for("dept"), rows, valid_only=True)
    assert error_texts(response) == [
        "第 3 行 「企业类别」：您只能登记或修改以下类别的企业：规上工业、规下工业"
    ]
    assert response.context["result"].created == 1


def test_community_worker_rule_matches_the_model_scope(world):
    # The import's scope check evaluates the model's own filter; it must agree with the database.
    community = world.users["community_A"]
    rule = imports.ScopeRule(community)
    a1, b1 = world.areas["A1"], world.areas["B1"]
    assert rule.allows(area=a1, category="individual", existing=None)
    assert rule.allows(area=a1, category="small_venue", existing=None)
    assert not rule.allows(area=a1, category="above_scale", existing=None)
    assert not rule.allows(area=b1, category="individual", existing=None)
    assert rule.allowed_categories(a1) == ["个体工商户", "九小场所"]
    for enterprise in Enterprise.objects.all():
        in_db = Enterprise.objects.visible_to(community, "change").filter(pk=enterprise.pk).exists()
        assert rule.allows(area=enterprise.area, category=enterprise.category, existing=enterprise) is in_db


@pytest.mark.parametrize("name", ["street_A", "street_B", "dept", "sysadmin", "community_B", "leader"])
def test_scope_rule_agrees_with_database_for_every_existing_row(world, name):
    user = world.users[name]
    rule = imports.ScopeRule(user)
    for enterprise in Enterprise.objects.select_related("area"):
        in_db = Enterprise.objects.visible_to(user, "change").filter(pk=enterprise.pk).exists()
        assert rule.allows(area=enterprise.area, category=enterprise.category, existing=enterprise) is in_db


def test_non_xlsx_upload_is_400_in_chinese(world, client_for):
    client = client_for("street_A")
    csv = SimpleUploadedFile("企业.csv", "统一社会信用代码,企业名称\n".encode(), content_type="text/csv")
    response = post(client, file=csv)
    assert response.status_code == 400
    assert "请上传 Excel 的 .xlsx 文件" in response.content.decode()
    renamed = SimpleUploadedFile("企业.xlsx", b"just some text, not a workbook", content_type="text/plain")
    response = post(client, file=renamed)
    assert response.status_code == 400
    assert "改了扩展名" in response.content.decode()


def test_damaged_zip_named_xlsx_is_400(world, client_for):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    response = post(client_for("street_A"), file=SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "无法读取该 xlsx 文件" in response.content.decode()


def test_missing_file_is_400(world, client_for):
    response = client_for("street_A").post(URL, {})
    assert response.status_code == 400
    assert "请选择要导入的 xlsx 文件" in response.content.decode()


def test_wrong_headers_is_400(world, client_for):
    headers = ["名称", "代码"]
    response = post(client_for("street_A"), file=upload([{"名称": "x", "代码": "y"}], headers=headers))
    assert response.status_code == 400
    body = response.content.decode()
    assert "表头不正确，缺少列：统一社会信用代码、企业名称" in body
    assert Enterprise.objects.count() == 6


def test_header_only_file_is_400(world, client_for):
    response = post(client_for("street_A"), [])
    assert response.status_code == 400
    assert "没有数据行" in response.content.decode()


def test_too_many_rows_is_400_and_nothing_saved(world, client_for, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(i, world.areas["A1"].code) for i in range(1, 5)]
    response = post(client_for("street_A"), rows)
    assert response.status_code == 400
    assert "超过单次导入上限 3 行" in response.content.decode()
    assert not Enterprise.objects.filter(credit_code__in=[new_code(i) for i in range(1, 5)]).exists()


def test_too_large_file_is_400(world, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = post(client_for("street_A"), [row(i, world.areas["A1"].code) for i in range(1, 30)])
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_service_rolls_back_when_a_written_row_escapes_scope(world, monkeypatch):
    # If the row check ever let an out-of-scope row through, the re-check after the write undoes all.
    street_a = world.users["street_A"]
    monkeypatch.setattr(imports.ScopeRule, "allows", lambda self, **kw: True)
    monkeypatch.setattr(imports.ScopeRule, "area_visible", lambda self, area: True)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.enterprise_import(
            actor=street_a,
            upload=upload([row(1, world.areas["A1"].code), row(2, world.areas["B1"].code)]),
            valid_only=False,
        )
    assert not Enterprise.objects.filter(credit_code__in=[new_code(1), new_code(2)]).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()


def test_import_scales_without_a_query_per_row(world, django_assert_max_num_queries):
    street_a = world.users["street_A"]
    file = upload([row(i, world.areas["A1"].code) for i in range(1, 301)])
    # 25 for the import itself; up to 15 more keep the resumption rate tallies (a few per tally row,
    # constant as the number of imported rows grows).
    with django_assert_max_num_queries(40):
        result = services.enterprise_import(actor=street_a, upload=file, valid_only=False)
    assert result.created == 300
    assert User.objects.filter(pk=street_a.pk).exists()
