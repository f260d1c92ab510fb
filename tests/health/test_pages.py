"""Registry pages: scope, exact search, masking, duplicates on entry and import, the file, merge."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from fugong.core import audit
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.models import AuditAction, PersonalDataAccess
from fugong.health.models import Person

from .helpers import id_no, on_roster, person, staff, wrong_check


def test_community_worker_sees_a1_residents_and_visible_staff_only(world, client_for):
    mine, other = person(world, "A1", 1), person(world, "A2", 2)
    b_resident, a_staff = person(world, "B1", 3), staff(world, "A1_above_scale", 4)
    page = client_for("community_A").get("/people/").content.decode()
    assert mine.name in page and a_staff.name in page
    assert other.name not in page and b_resident.name not in page
    page_b = client_for("street_B").get("/people/").content.decode()
    assert mine.name not in page_b and a_staff.name not in page_b and b_resident.name in page_b
    assert client_for("street_B").get(f"/people/{mine.pk}/").status_code == 404


def test_list_masks_and_searches_exact_numbers_only(world, client_for):
    p = person(world, "A1", 5, name="钱七", phone="13912345678")
    client = client_for("street_A")
    page = client.get("/people/").content.decode()
    assert p.id_number not in page and p.phone not in page
    assert mask_id_number(p.id_number) in page and mask_phone(p.phone) in page
    assert "钱七" in client.get("/people/", {"q": p.id_number}).content.decode()
    assert "钱七" in client.get("/people/", {"q": "13912345678"}).content.decode()
    assert "钱七" not in client.get("/people/", {"q": p.id_number[:10]}).content.decode()
    assert "钱七" not in client.get("/people/", {"q": "1391234"}).content.decode()
    assert "钱七" in client.get("/people/", {"q": "钱"}).content.decode()
    assert "钱七" not in client.get("/people/", {"area": "500109001002"}).content.decode()


def test_list_query_count_does_not_grow_with_rows(world, client_for):
    client = client_for("street_A")
    for i in range(3):
        person(world, "A1", 100 + i)
    client.get("/people/")
    with CaptureQueriesContext(connection) as few:
        client.get("/people/")
    for i in range(20):
        person(world, "A1", 200 + i)
    with CaptureQueriesContext(connection) as many:
        client.get("/people/")
    assert len(many) == len(few) <= 12


def test_register_duplicate_links_to_the_visible_person(world, client_for):
    existing = person(world, "A1", 6)
    data = {"id_number": id_no(6), "name": "新人", "area": world.areas["A1"].pk}
    response = client_for("community_A").post("/people/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "该身份证号已登记" in body and f"/people/{existing.pk}/" in body
    # Out of scope it answers as a new registration (tests/health/test_natural_keys.py) and links.
    hidden = client_for("community_B").post("/people/new/", {**data, "area": world.areas["B1"].pk})
    assert hidden.status_code == 302 and hidden["Location"] == "/people/"
    assert Person.objects.filter(id_number=id_no(6)).count() == 1


def test_register_wrong_check_digit_and_same_name_phone_warning(world, client_for):
    client = client_for("community_A")
    bad = client.post(
        "/people/new/", {"id_number": wrong_check(7), "name": "孙八", "area": world.areas["A1"].pk}
    )
    assert "身份证号校验位不正确" in bad.content.decode() and not Person.objects.filter(name="孙八").exists()
    person(world, "A1", 8, name="周九", phone="13700001111")
    data = {"id_number": id_no(9), "name": "周九", "phone": "13700001111", "area": world.areas["A1"].pk}
    warned = client.post("/people/new/", data)
    assert "已有同名且手机号相同" in warned.content.decode()
    assert not Person.objects.filter(id_number=id_no(9)).exists()
    saved = client.post("/people/new/", {**data, "confirm_duplicate": "on"})
    assert saved.status_code == 302 and Person.objects.filter(id_number=id_no(9)).exists()


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名*", "身份证号*", "手机号", "居住社区编码*", "居住地址"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "persons.xlsx"
    return buf


def test_import_page_refuses_duplicates_and_saves_nothing(world, client_for):
    person(world, "A1", 10)
    upload = xlsx([["甲", id_no(11), "", "500109001001", ""], ["乙", id_no(10), "", "500109001001", ""]])
    response = client_for("community_A").post("/people/import/", {"file": upload})
    assert response.status_code == 400
    assert "第 3 行 「身份证号」：该身份证号已登记" in response.content.decode().replace(
        '</td><td class="text-nowrap">', " "
    ).replace("</td><td>", "：")
    assert not Person.objects.filter(id_number=id_no(11)).exists()
    ok = client_for("community_A").post(
        "/people/import/", {"file": xlsx([["甲", id_no(11), "", "500109001001", ""]])}
    )
    assert ok.status_code == 200 and Person.objects.filter(id_number=id_no(11)).exists()
    assert client_for("community_A").get("/people/import/template/").status_code == 200


def test_file_shows_employers_rosters_history_and_unmask_is_logged(world, client_for):
    p = staff(world, "A1_above_scale", 12)
    on_roster(world, "A1_above_scale", p)
    client = client_for("street_A")
    page = client.get(f"/people/{p.pk}/").content.decode()
    assert world.enterprises["A1_above_scale"].name in page and "近14天所在地" in page
    assert p.id_number not in page and p.phone not in page and "显示完整信息" in page
    assert client_for("medic_A").post(f"/people/{p.pk}/reveal/").status_code == 403
    revealed = client.post(f"/people/{p.pk}/reveal/").content.decode()
    assert p.id_number in revealed and p.phone in revealed
    log = PersonalDataAccess.objects.get(object_id=str(p.pk))
    assert (log.user, log.fields) == (world.user("street_A"), "id_number,phone")


def test_a_change_made_by_the_system_shows_in_the_history_with_a_dash(world, client_for):
    # A history entry without an actor (a system change) made the file answer 500.
    p = person(world, "A1", 77)
    audit.record(actor=None, obj=p, action=AuditAction.UPDATE, before={"name": "甲"}, after={"name": "乙"})

    response = client_for("street_A").get(f"/people/{p.pk}/")

    assert response.status_code == 200
    assert '<td class="small">—</td>' in response.content.decode()


def test_edit_keeps_id_number_and_is_scoped(world, client_for):
    p = person(world, "A1", 13)
    data = {
        "name": "改后",
        "phone": "",
        "area": world.areas["A1"].pk,
        "address": "新址",
        "id_number": id_no(14),
    }
    assert client_for("community_A").post(f"/people/{p.pk}/edit/", data).status_code == 302
    p.refresh_from_db()
    assert (p.name, p.id_number) == ("改后", id_no(13))
    assert client_for("community_B").post(f"/people/{p.pk}/edit/", {**data, "name": "x"}).status_code == 404
    assert Person.objects.get(pk=p.pk).name == "改后"


def test_merge_page_confirms_then_merges(world, client_for):
    survivor, duplicate = staff(world, "A1_above_scale", 15), staff(world, "A1_commerce", 16)
    entry = on_roster(world, "A1_commerce", duplicate)
    client = client_for("street_A")
    data = {"survivor_id_number": survivor.id_number, "reason": "身份证号录错"}
    step = client.post(f"/people/{duplicate.pk}/merge/", data)
    assert step.status_code == 200 and "确认合并" in step.content.decode()
    assert client.post(f"/people/{duplicate.pk}/merge/", {**data, "confirm": "1"}).status_code == 302
    duplicate.refresh_from_db()
    entry.refresh_from_db()
    assert duplicate.merged_into == survivor and entry.person == survivor
    listing = client.get("/people/").content.decode()
    assert f"/people/{duplicate.pk}/" not in listing and f"/people/{survivor.pk}/" in listing
    tomb = client.get(f"/people/{duplicate.pk}/").content.decode()
    assert "此记录已于" in tomb and "身份证号录错" in tomb


def test_merge_outside_scope_refused_and_nothing_changed(world, client_for):
    a, b = person(world, "A1", 17), person(world, "B1", 18)
    data = {"survivor_id_number": b.id_number, "reason": "r", "confirm": "1"}
    response = client_for("street_A").post(f"/people/{a.pk}/merge/", data)
    assert response.status_code == 400 and "未找到" in response.content.decode()
    assert client_for("street_A").post(f"/people/{b.pk}/merge/", data).status_code == 404
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_file_query_count_is_bounded(world, client_for):
    p = staff(world, "A1_above_scale", 19)
    client = client_for("street_A")
    client.get(f"/people/{p.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/people/{p.pk}/")
    for i in range(5):
        on_roster(world, "A1_commerce" if i == 0 else "A1_above_scale", staff(world, "A1_commerce", 300 + i))
    from fugong.health.models import Employment

    Employment.objects.create(person=p, enterprise=world.enterprises["A1_commerce"])
    on_roster(world, "A1_above_scale", p)
    with CaptureQueriesContext(connection) as more:
        client.get(f"/people/{p.pk}/")
    assert len(more) == len(few) <= 20


def _sheet(response):
    from openpyxl import load_workbook

    body = b"".join(response.streaming_content)
    return [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]


def test_export_is_masked_by_default_and_full_export_logged(world, client_for):
    p = person(world, "A1", 20)
    b = person(world, "B1", 21)
    client = client_for("community_A")
    rows = _sheet(client.get("/people/export/"))
    assert rows[1][:3] == ["姓名", "身份证号", "手机号"]
    assert [r[1] for r in rows[2:]] == [mask_id_number(p.id_number)] and b.name not in str(rows)
    assert not PersonalDataAccess.objects.exists()
    full = _sheet(client.get("/people/export/", {"full": "1"}))
    assert [r[1] for r in full[2:]] == [p.id_number]
    log = PersonalDataAccess.objects.get()
    assert (log.purpose, log.row_count) == ("export", 1)
    assert client_for("medic_A").get("/people/export/").status_code == 403


def test_file_shows_checkins_and_merge_moves_them(world, client_for):
    import uuid

    from fugong.checkins.models import Checkin
    from fugong.checkins.services import checkin_record

    survivor, duplicate = staff(world, "A1_above_scale", 22), staff(world, "A1_above_scale", 23)
    enterprise = world.enterprises["A1_above_scale"]
    checkin_record(
        person_id=duplicate.pk,
        enterprise_id=enterprise.pk,
        key=uuid.uuid4(),
        temperature="36.6",
        whereabouts="天生路菜市场",
    )
    client = client_for("street_A")
    assert "天生路菜市场" in client.get(f"/people/{duplicate.pk}/").content.decode()
    data = {"survivor_id_number": survivor.id_number, "reason": "重复登记", "confirm": "1"}
    assert client.post(f"/people/{duplicate.pk}/merge/", data).status_code == 302
    assert Checkin.objects.get(whereabouts="天生路菜市场").person_id == survivor.pk
    assert "天生路菜市场" in client.get(f"/people/{survivor.pk}/").content.decode()
