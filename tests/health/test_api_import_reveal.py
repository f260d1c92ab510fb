"""/api/v1/persons/import and /reveal: the page's import and reveal through the same code."""

import io

from openpyxl import Workbook

from fugong.core.models import AuditEntry, PersonalDataAccess
from fugong.health.models import Person

from .helpers import id_no, person, wrong_check

URL = "/api/v1/persons"
AREA = "500109001001"  # community A1


def xlsx(rows, name="persons.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名*", "身份证号*", "手机号", "居住社区编码*", "居住地址"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return buf


def registry() -> tuple:
    return tuple(
        Person.objects.order_by("pk").values_list("pk", "id_number", "name")
    ), AuditEntry.objects.count()


def test_import_registers_every_row_with_its_audit_entry(world, api_for):
    upload = xlsx([["甲", id_no(41), "", AREA, ""], ["乙", id_no(42), "13800001111", AREA, "天生路1号"]])

    response = api_for("community_A").post(f"{URL}/import", {"file": upload})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["saved"], body["total"], body["created"], body["skipped"], body["errors"]) == (
        True,
        2,
        2,
        0,
        [],
    )
    assert body["detail"] == "新增 2 人，未导入 0 行。"
    assert Person.objects.filter(id_number__in=[id_no(41), id_no(42)]).count() == 2
    assert AuditEntry.objects.filter(action="import").count() == 2


def test_import_with_a_bad_row_saves_nothing_and_names_row_and_column(world, api_for):
    person(world, "A1", 43)
    before = registry()
    upload = xlsx(
        [
            ["甲", id_no(44), "", AREA, ""],
            ["乙", id_no(43), "", AREA, ""],
            ["丙", wrong_check(45), "", AREA, ""],
        ]
    )

    response = api_for("community_A").post(f"{URL}/import", {"file": upload})

    assert response.status_code == 422
    body = response.json()
    assert body["saved"] is False and body["created"] == 0
    assert {"row": 3, "column": "身份证号", "message": "该身份证号已登记"} in body["errors"]
    assert [e["row"] for e in body["errors"]] == [3, 4]
    assert body["detail"] == "文件共 3 行，发现 2 处错误，本次没有保存任何数据。"
    assert registry() == before


def test_import_valid_only_keeps_the_good_rows(world, api_for):
    person(world, "A1", 46)
    upload = xlsx([["甲", id_no(47), "", AREA, ""], ["乙", id_no(46), "", AREA, ""]])

    response = api_for("community_A").post(f"{URL}/import", {"file": upload, "valid_only": "true"})

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["skipped"]) == (1, 1)
    assert Person.objects.filter(id_number=id_no(47)).exists()


def test_import_refuses_an_area_out_of_scope_row_by_row(world, api_for):
    before = registry()
    upload = xlsx([["甲", id_no(48), "", world.areas["B1"].code, ""]])

    response = api_for("community_A").post(f"{URL}/import", {"file": upload})

    assert response.status_code == 422 and response.json()["errors"][0]["row"] == 2
    assert registry() == before


def test_import_of_an_unreadable_file_is_400_and_a_role_without_the_right_403(world, api_for):
    before = registry()
    not_xlsx = api_for("community_A").post(f"{URL}/import", {"file": xlsx([], name="persons.csv")})
    missing = api_for("community_A").post(f"{URL}/import", {})
    refused = api_for("medic_A").post(f"{URL}/import", {"file": xlsx([["甲", id_no(49), "", AREA, ""]])})

    assert not_xlsx.status_code == 400 and "xlsx" in not_xlsx.json()["detail"]
    assert missing.status_code == 400 and missing.json()["detail"] == "请选择要导入的 xlsx 文件"
    assert refused.status_code == 403 and refused.json()["detail"] == "您无权登记人员"
    assert registry() == before


def test_reveal_returns_the_full_numbers_and_is_logged(world, api_for):
    p = person(world, "A1", 50)

    response = api_for("community_A").post(f"{URL}/{p.pk}/reveal")

    assert response.status_code == 200
    assert response.json() == {"id_number": p.id_number, "phone": p.phone}
    logged = PersonalDataAccess.objects.get(object_id=str(p.pk))
    assert logged.user == world.user("community_A")


def test_reveal_out_of_scope_is_404_and_without_the_right_403_and_nothing_logged(world, api_for):
    p = person(world, "A1", 51)

    across = api_for("community_B").post(f"{URL}/{p.pk}/reveal")
    missing = api_for("community_B").post(f"{URL}/999999/reveal")
    medic = api_for("medic_A").post(f"{URL}/{p.pk}/reveal")

    assert across.status_code == missing.status_code == 404 and across.json() == missing.json()
    assert medic.status_code in (403, 404) and p.id_number not in medic.content.decode()
    assert not PersonalDataAccess.objects.filter(object_id=str(p.pk)).exists()
