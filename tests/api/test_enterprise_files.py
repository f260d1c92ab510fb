"""Phone reveal, xlsx export, import template and xlsx import through the API."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from fugong.core import fake
from fugong.core.models import AuditEntry, PersonalDataAccess
from fugong.enterprises.imports import COLUMNS
from fugong.enterprises.models import Enterprise

URL = "/api/v1/enterprises"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_upload(rows: list[list], name: str = "企业.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.label for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def row(seq: int, area_code: str, **overrides) -> list:
    values = {
        "credit_code": fake.credit_code(seq),
        "name": f"导入测试企业{seq}",
        "legal_rep_name": "张三",
        "legal_rep_phone": "13800000000",
        "contact_name": "",
        "contact_phone": "",
        "area_code": area_code,
        "address": "天生路1号",
        "category": "商贸服务",
        "industry": "F",
        "headcount": 10,
        "local_headcount": 5,
        "is_emergency_supply": "否",
        "is_key_industry": "否",
        **overrides,
    }
    return [values[c.key] for c in COLUMNS]


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))


# --- reveal ----------------------------------------------------------------------------------------


def test_reveal_gives_full_phones_and_logs_the_view(world, api_for):
    e = world.enterprises["A1_commerce"]

    response = api_for("street_A").post(f"{URL}/{e.pk}/reveal")

    assert response.status_code == 200
    assert response.json() == {"legal_rep_phone": e.legal_rep_phone, "contact_phone": e.contact_phone}
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.object_id, log.purpose) == (world.users["street_A"], str(e.pk), "view")


def test_reveal_refused_without_the_right_and_outside_the_scope(world, api_for):
    e = world.enterprises["A1_above_scale"]

    medic = api_for("medic_A").post(f"{URL}/{e.pk}/reveal")
    other_street = api_for("street_B").post(f"{URL}/{e.pk}/reveal")

    assert (medic.status_code, medic.json()) == (403, {"detail": "您无权查看完整号码"})
    assert (other_street.status_code, other_street.json()) == (404, {"detail": "未找到"})
    assert not PersonalDataAccess.objects.exists()


# --- export ----------------------------------------------------------------------------------------


def test_export_is_the_filtered_scoped_list_masked(world, api_for):
    response = api_for("street_A").get(f"{URL}/export.xlsx", {"category": "commerce"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    rows = sheet_rows(response)
    e = world.enterprises["A1_commerce"]
    data = [r for r in rows if r and r[0] == e.credit_code]
    assert len(data) == 1
    assert f"{e.legal_rep_phone[:3]}****{e.legal_rep_phone[-4:]}" in data[0]
    assert not any(world.enterprises["B1_commerce"].credit_code in str(r) for r in rows)
    assert not PersonalDataAccess.objects.exists()


def test_full_export_for_a_role_that_may_see_phones_is_logged(world, api_for):
    response = api_for("street_A").get(f"{URL}/export.xlsx", {"full": "1", "area": world.areas["A2"].code})

    rows = sheet_rows(response)
    e = world.enterprises["A2_individual"]
    assert any(e.legal_rep_phone in r for r in rows if r)
    log = PersonalDataAccess.objects.get()
    assert (log.purpose, log.row_count) == ("export", 1)


def test_export_refused_for_an_enterprise_admin(world, api_for):
    response = api_for("ent_admin_A").get(f"{URL}/export.xlsx")

    assert (response.status_code, response.json()) == (403, {"detail": "您无权导出企业名录"})


# --- import ----------------------------------------------------------------------------------------


def test_template_download(world, api_for):
    response = api_for("street_A").get(f"{URL}/import/template.xlsx")

    assert response.status_code == 200
    header = [str(h).rstrip("*") for h in sheet_rows(response)[0]]
    assert header[:3] == ["统一社会信用代码", "企业名称", "法定代表人"]


def test_import_creates_rows_with_audit_entries(world, api_for):
    area = world.areas["A1"].code
    upload = xlsx_upload([row(800001, area), row(800002, area)])

    response = api_for("street_A").post(f"{URL}/import", {"file": upload})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["saved"], body["total"], body["created"], body["errors"]) == (True, 2, 2, [])
    assert body["detail"] == "导入完成：新增 2 家，更新 0 家，未变 0 家"
    created = Enterprise.objects.filter(credit_code__in=[fake.credit_code(800001), fake.credit_code(800002)])
    assert created.count() == 2
    assert AuditEntry.objects.filter(action="import").count() == 2


def test_import_with_a_bad_row_saves_nothing_and_names_row_and_column(world, api_for, unchanged):
    area = world.areas["A1"].code
    upload = xlsx_upload([row(800001, area), row(800002, world.areas["B1"].code, legal_rep_phone="123")])

    response = api_for("street_A").post(f"{URL}/import", {"file": upload})

    assert response.status_code == 422
    body = response.json()
    assert body["saved"] is False
    assert body["error_rows"] == 1
    assert {(e["row"], e["column"]) for e in body["errors"]} >= {(3, "法定代表人电话"), (3, "区域编码")}
    assert body["detail"].startswith("有 1 行数据有误，未导入任何数据")
    unchanged()


def test_import_valid_only_keeps_the_good_rows(world, api_for):
    area = world.areas["A1"].code
    upload = xlsx_upload([row(800001, area), row(800002, area, headcount=1, local_headcount=5)])

    response = api_for("street_A").post(f"{URL}/import", {"file": upload, "valid_only": "true"})

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["error_rows"]) == (1, 1)
    assert Enterprise.objects.filter(credit_code=fake.credit_code(800001)).exists()
    assert not Enterprise.objects.filter(credit_code=fake.credit_code(800002)).exists()


def test_import_of_a_file_that_is_not_xlsx_is_400(world, api_for, unchanged):
    upload = SimpleUploadedFile("名单.xlsx", b"name,phone\n", content_type=XLSX)

    response = api_for("street_A").post(f"{URL}/import", {"file": upload})
    missing = api_for("street_A").post(f"{URL}/import", {})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("文件内容不是有效的 xlsx")
    assert (missing.status_code, missing.json()) == (400, {"detail": "请选择要导入的 xlsx 文件"})
    unchanged()


def test_import_refused_for_a_commissioner(world, api_for, unchanged):
    upload = xlsx_upload([row(800001, world.areas["A1"].code)])

    response = api_for("commissioner_A").post(f"{URL}/import", {"file": upload})

    assert (response.status_code, response.json()) == (403, {"detail": "您无权批量导入企业"})
    unchanged()


def test_session_import_needs_the_csrf_token(world, unchanged):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["street_A"])

    response = client.post(f"{URL}/import", {"file": xlsx_upload([row(800001, world.areas["A1"].code)])})

    assert response.status_code == 403
    unchanged()
