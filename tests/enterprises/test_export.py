"""Excel export: exactly the filtered, scoped list; masked unless asked by a role that may unmask."""

import pytest

from fugong.core.masking import mask_phone
from fugong.core.models import PersonalDataAccess

from .helpers import read_xlsx

URL = "/enterprises/export.xlsx"


def export(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    rows = read_xlsx(b"".join(response.streaming_content))
    return response, rows[0][0], rows[1], rows[2:]


def test_export_of_street_a_is_masked_watermarked_and_has_no_b_rows(world, client_for):
    response, watermark, headers, rows = export(client_for("street_A"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert watermark.startswith("导出人：street_A（street_A）") and "严禁外传" in watermark
    assert headers[:7] == [
        "统一社会信用代码",
        "企业名称",
        "法定代表人",
        "法定代表人电话",
        "联系人",
        "联系人电话",
        "区域编码",
    ]
    codes = {r[0] for r in rows}
    assert codes == {
        world.enterprises[k].credit_code for k in ("A1_above_scale", "A1_commerce", "A2_individual")
    }
    first = next(r for r in rows if r[0] == world.enterprises["A1_above_scale"].credit_code)
    enterprise = world.enterprises["A1_above_scale"]
    assert first[3] == mask_phone(enterprise.legal_rep_phone)
    assert first[5] == mask_phone(enterprise.contact_phone)
    assert first[6:16] == [
        world.areas["A1"].code,
        "西南大学南社区",
        enterprise.address,
        "规上工业",
        "C 制造业",
        100,
        60,
        "否",
        "否",
        "commissioner_A",
    ]
    assert PersonalDataAccess.objects.count() == 0


def test_export_respects_filters(world, client_for):
    _, _, _, rows = export(client_for("street_A"), category="commerce")
    assert [r[0] for r in rows] == [world.enterprises["A1_commerce"].credit_code]
    _, _, _, rows = export(client_for("street_A"), area=world.areas["A2"].code)
    assert [r[0] for r in rows] == [world.enterprises["A2_individual"].credit_code]
    _, _, _, rows = export(client_for("street_A"), q="不存在")
    assert rows == []


def test_export_ordered_like_the_list(world, client_for):
    _, _, _, rows = export(client_for("leader"), sort="-credit_code")
    assert [r[0] for r in rows] == sorted((e.credit_code for e in world.enterprises.values()), reverse=True)


def test_full_export_logs_one_access_with_row_count(world, client_for):
    _, _, _, rows = export(client_for("street_A"), full="1", category="above_scale")
    enterprise = world.enterprises["A1_above_scale"]
    assert [(r[0], r[3], r[5]) for r in rows] == [
        (enterprise.credit_code, enterprise.legal_rep_phone, enterprise.contact_phone)
    ]
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.purpose, log.row_count, log.object_id, log.object_repr, log.fields) == (
        world.users["street_A"],
        "export",
        1,
        "",
        "企业名录导出",
        "contact_phone,legal_rep_phone",
    )


def test_full_export_without_unmask_capability_stays_masked(world, client_for):
    _, _, _, rows = export(client_for("leader"), full="1")
    assert len(rows) == 6
    assert all("****" in r[3] for r in rows)
    assert PersonalDataAccess.objects.count() == 0


@pytest.mark.parametrize("user", ["ent_admin_A", "medic_A", "resident_A", "employee_A"])
def test_export_refused_without_capability(world, client_for, user):
    assert client_for(user).get(URL).status_code == 403


def test_export_by_street_b_of_a_filter_is_empty(world, client_for):
    _, _, _, rows = export(client_for("street_B"), area=world.areas["A1"].code)
    assert rows == []


def test_anonymous_export_redirects_to_login(client, world):
    assert client.get(URL).status_code == 302
