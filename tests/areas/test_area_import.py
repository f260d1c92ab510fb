"""Import of the area tree from xlsx: all or nothing, errors per row, sysadmin only, fast."""

import io
import time

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fugong.areas.models import Area
from fugong.core.models import AuditEntry

HEADER = ["区划编码", "名称", "类型", "上级编码"]


def xlsx(rows, header=HEADER, name="区划.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def post(client, upload):
    return client.post("/areas/import/", {"file": upload})


def tree_snapshot():
    return list(
        Area.objects.order_by("code").values_list("code", "name", "kind", "parent_id", "path", "depth")
    )


def test_sysadmin_imports_a_new_street_with_parents_after_children(world, client_for):
    # Given a file listing the grid before its community and the community before its street
    upload = xlsx(
        [
            ("500109003001001", "歇马社区第一网格", "网格", "500109003001"),
            ("500109003001", "歇马社区", "社区", "500109003"),
            ("500109003", "歇马街道", "街道", "500109"),
            ("500109003002", "龙凤村", "村", "500109003"),
            ("500109001", "天生街道（新）", "街道", "500109"),
            ("500109002", "朝阳街道", "街道", "500109"),
        ]
    )

    response = post(client_for("sysadmin"), upload)

    # Then the nodes exist with path and depth as Area.save() would compute them
    assert response.status_code == 302
    assert response["Location"] == "/areas/"
    street = Area.objects.get(code="500109003")
    grid = Area.objects.get(code="500109003001001")
    assert (street.name, street.kind, street.parent, street.path, street.depth) == (
        "歇马街道",
        "street",
        world.areas["district"],
        "/500109/500109003/",
        1,
    )
    assert (grid.kind, grid.parent.code, grid.path, grid.depth) == (
        "grid",
        "500109003001",
        "/500109/500109003/500109003001/500109003001001/",
        3,
    )
    assert Area.objects.get(code="500109003002").kind == "village"
    assert grid.path == grid.build_path()
    # and an existing code had its name updated, in place
    assert Area.objects.get(code="500109001").name == "天生街道（新）"
    assert Area.objects.get(code="500109001").path == "/500109/500109001/"
    # and every change is audited
    area_type = ContentType.objects.get_for_model(Area)
    entries = AuditEntry.objects.filter(content_type=area_type)
    assert sorted(entries.values_list("action", flat=True)) == ["import"] * 4 + ["update"]
    assert entries.get(action="update").changes == {"name": ["天生街道", "天生街道（新）"]}


def test_imported_nodes_are_visible_in_the_tree(world, client_for):
    post(client_for("sysadmin"), xlsx([("500109003", "歇马街道", "街道", "500109")]))
    codes = [r.node.code for r in client_for("sysadmin").get("/areas/").context["rows"]]
    assert "500109003" in codes


def test_bad_rows_are_reported_per_row_and_nothing_is_saved(world, client_for):
    before = tree_snapshot()
    upload = xlsx(
        [
            ("500109003", "歇马街道", "街道", "500109"),  # row 2: fine on its own
            ("500109003001", "歇马社区", "社区", "500109777"),  # row 3: unknown parent
            ("500109004", "网格直属", "网格", "500109"),  # row 4: a grid directly under the district
            ("500109003", "歇马街道重复", "街道", "500109"),  # row 5: duplicate code
            ("5001X9", "坏编码", "街道", "500109"),  # row 6: code not digits
            ("500109005", "", "小区", "500109"),  # row 7: empty name and unknown kind
            ("500109006", "无上级社区", "社区", ""),  # row 8: no parent for a community
            ("500109001001", "西南大学南社区", "社区", "500109002"),  # row 9: moving an existing node
            ("500109002", "朝阳镇", "镇", "500109"),  # row 10: fine (street to town, same level)
        ]
    )

    response = post(client_for("sysadmin"), upload)

    assert response.status_code == 400
    assert [str(e) for e in response.context["row_errors"]] == [
        "第 3 行 「上级编码」：上级 500109777 不存在（本文件和系统中都没有）",
        "第 4 行 「类型」：区县下不能设置网格",
        "第 5 行 「区划编码」：500109003 与第 2 行重复",
        "第 6 行 「区划编码」：应为不超过32位的数字，当前为“5001X9”",
        "第 7 行 「名称」：不能为空",
        "第 7 行 「类型」：“小区”无效，应为：区县、街道、镇、园区、社区、村、网格",
        "第 8 行 「上级编码」：社区必须填写上级编码（只有区县可以留空）",
        "第 9 行 「上级编码」：不允许修改已有区划的上级（系统中为“500109001”）",
    ]
    assert "第 3 行 「上级编码」：上级 500109777 不存在（本文件和系统中都没有）" in response.content.decode()
    assert tree_snapshot() == before
    assert not AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Area)).exists()


def test_changing_level_of_an_existing_node_is_refused(world, client_for):
    before = tree_snapshot()
    response = post(client_for("sysadmin"), xlsx([("500109001001", "西南大学南社区", "网格", "500109001")]))
    assert [str(e) for e in response.context["row_errors"]] == ["第 2 行 「类型」：街道下不能设置网格"]
    assert tree_snapshot() == before


def test_a_kind_change_within_the_level_is_checked_against_children(world, client_for):
    client = client_for("sysadmin")
    # A street may become a town or a park (same level); a park may hold grids directly
    assert post(client, xlsx([("500109001", "天生镇", "镇", "500109")])).status_code == 302
    assert Area.objects.get(code="500109001").kind == "town"
    assert (
        post(
            client,
            xlsx(
                [
                    ("500109002", "朝阳园区", "园区", "500109"),
                    ("500109002900", "园区直属网格", "网格", "500109002"),
                ]
            ),
        ).status_code
        == 302
    )
    before = tree_snapshot()

    # But the park cannot turn back into a street while a grid hangs directly under it,
    # and a community under the park cannot become a grid (another level)
    back = post(client, xlsx([("500109002", "朝阳街道", "街道", "500109")]))
    regrade = post(client, xlsx([("500109002001", "朝阳社区", "网格", "500109002")]))

    assert [str(e) for e in back.context["row_errors"]] == ["第 2 行 「类型」：其下已有网格，不能改为街道"]
    assert [str(e) for e in regrade.context["row_errors"]] == [
        "第 2 行 「类型」：不允许改变已有区划的层级（系统中为社区）"
    ]
    assert tree_snapshot() == before


def test_a_parent_cycle_inside_the_file_is_an_error(world, client_for):
    before = tree_snapshot()
    response = post(
        client_for("sysadmin"),
        xlsx(
            [
                ("500109008001", "甲社区", "社区", "500109008002"),
                ("500109008002", "乙社区", "社区", "500109008001"),
            ]
        ),
    )
    assert [str(e) for e in response.context["row_errors"]] == [
        "第 2 行 「类型」：社区下不能设置社区",
        "第 3 行 「类型」：社区下不能设置社区",
    ]
    assert tree_snapshot() == before


def test_a_file_that_is_not_xlsx_gets_a_400_with_a_chinese_message(world, client_for):
    before = tree_snapshot()
    client = client_for("sysadmin")

    text = client.post("/areas/import/", {"file": SimpleUploadedFile("区划.csv", "区划编码,名称\n".encode())})
    renamed = client.post("/areas/import/", {"file": SimpleUploadedFile("区划.xlsx", b"not a zip at all")})
    missing = client.post("/areas/import/", {})

    assert text.status_code == renamed.status_code == missing.status_code == 400
    assert text.context["sheet_error"] == "文件格式不正确：请上传 Excel 的 .xlsx 文件（可先下载导入模板）"
    assert renamed.context["sheet_error"] == (
        "文件内容不是有效的 xlsx（可能是改了扩展名的其他文件），请用 Excel 另存为 .xlsx 后再导入"
    )
    assert missing.context["sheet_error"] == "请选择要导入的 xlsx 文件"
    assert tree_snapshot() == before


def test_wrong_headers_are_refused(world, client_for):
    response = post(client_for("sysadmin"), xlsx([("500109003", "歇马街道")], header=["编码", "名称"]))
    assert response.status_code == 400
    assert response.context["sheet_error"] == "表头不正确，缺少列：区划编码、类型。请使用导入模板"


def test_only_the_sysadmin_may_import(world, client_for):
    before = tree_snapshot()
    for name in ("street_A", "leader", "dept", "community_A"):
        client = client_for(name)
        assert client.get("/areas/import/").status_code == 403
        assert client.get("/areas/import/template.xlsx").status_code == 403
        assert post(client, xlsx([("500109003", "歇马街道", "街道", "500109")])).status_code == 403
    assert tree_snapshot() == before


def test_the_template_has_the_headers_and_an_example(world, client_for):
    response = client_for("sysadmin").get("/areas/import/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["区划编码*", "名称*", "类型*", "上级编码"]
    assert [c.value for c in sheet[2]] == ["500109001", "天生街道", "街道", "500109"]


def test_the_template_imports_as_is(world, client_for):
    client = client_for("sysadmin")
    content = b"".join(client.get("/areas/import/template.xlsx").streaming_content)
    response = post(client, SimpleUploadedFile("模板.xlsx", content))
    assert response.status_code == 302


def test_a_thousand_areas_import_in_well_under_two_seconds(world, client_for):
    rows = []
    for s in range(10):
        street = f"5001098{s:02d}"
        rows.append((street, f"测试街道{s}", "街道", "500109"))
        for c in range(9):
            community = f"{street}{c:03d}"
            rows.append((community, f"测试社区{s}-{c}", "社区", street))
            rows.extend((f"{community}{g:03d}", f"网格{s}-{c}-{g}", "网格", community) for g in range(10))
    rows.reverse()  # children before parents: the importer must order by depth itself
    upload = xlsx(rows)
    client = client_for("sysadmin")

    started = time.perf_counter()
    response = post(client, upload)
    elapsed = time.perf_counter() - started

    assert response.status_code == 302
    assert len(rows) == 1000
    assert Area.objects.filter(code__startswith="5001098").count() == 1000
    assert elapsed < 2.0, f"import took {elapsed:.2f}s"
    assert all(a.path == a.build_path() for a in Area.objects.filter(code__startswith="5001098"))

    started = time.perf_counter()
    tree = client.get("/areas/")
    assert tree.context["shown"] == 1008
    assert time.perf_counter() - started < 1.0


# --- the same import over /api/v1/areas/import --------------------------------------------------


API_IMPORT = "/api/v1/areas/import"


def test_the_api_imports_through_the_same_service(world, api_for):
    upload = xlsx(
        [("500109003", "歇马街道", "街道", "500109"), ("500109001", "天生街道（新）", "街道", "500109")]
    )

    response = api_for("sysadmin").post(API_IMPORT, {"file": upload})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["saved"], body["created"], body["updated"], body["errors"]) == (True, 1, 1, [])
    assert body["detail"] == "导入完成：新增 1 个区划，更新 1 个，未变 0 个"
    assert Area.objects.get(code="500109003").path == "/500109/500109003/"
    assert AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Area)).count() == 2


def test_the_api_lists_row_errors_and_saves_nothing(world, api_for):
    before = tree_snapshot()
    upload = xlsx(
        [
            ("500109003", "歇马街道", "街道", "500109"),
            ("500109003001", "歇马社区", "社区", "500109777"),
            ("500109005", "", "小区", "500109"),
        ]
    )

    response = api_for("sysadmin").post(API_IMPORT, {"file": upload})

    assert response.status_code == 422
    body = response.json()
    assert body["saved"] is False and body["detail"] == "有 2 行数据有误，未导入任何数据；改正后重新上传"
    assert body["errors"] == [
        {"row": 3, "column": "上级编码", "message": "上级 500109777 不存在（本文件和系统中都没有）"},
        {"row": 4, "column": "名称", "message": "不能为空"},
        {"row": 4, "column": "类型", "message": "“小区”无效，应为：区县、街道、镇、园区、社区、村、网格"},
    ]
    assert tree_snapshot() == before


def test_the_api_refuses_an_unreadable_file_in_chinese(world, api_for):
    before = tree_snapshot()
    client = api_for("sysadmin")
    renamed = client.post(API_IMPORT, {"file": SimpleUploadedFile("区划.xlsx", b"not a zip at all")})
    missing = client.post(API_IMPORT, {})
    assert renamed.status_code == missing.status_code == 400
    assert renamed.json()["detail"].startswith("文件内容不是有效的 xlsx")
    assert missing.json()["detail"] == "请选择要导入的 xlsx 文件"
    assert tree_snapshot() == before


def test_only_the_sysadmin_may_import_over_the_api(world, api_for):
    before = tree_snapshot()
    for name in ("street_A", "leader", "dept", "community_A", "ent_admin_A"):
        upload = xlsx([("500109003", "歇马街道", "街道", "500109")])
        assert api_for(name).post(API_IMPORT, {"file": upload}).status_code == 403
    assert tree_snapshot() == before
