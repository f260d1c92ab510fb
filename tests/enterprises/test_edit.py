"""Create and edit pages: the form's validation in Chinese, scope, and nothing saved when refused."""

import pytest

from fugong.core.models import AuditEntry
from fugong.enterprises.models import Enterprise

from .helpers import enterprise_post, new_code


def form_errors(response) -> dict:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def test_create_saves_audits_and_redirects_with_message(world, client_for):
    client = client_for("street_A")
    response = client.post("/enterprises/new/", enterprise_post(world.areas["A2"], 1), follow=True)
    enterprise = Enterprise.objects.get(credit_code=new_code(1))
    assert response.redirect_chain == [(f"/enterprises/{enterprise.pk}/", 302)]
    assert "已登记企业「重庆测试新增企业1号有限公司」" in response.content.decode()
    assert (enterprise.area, enterprise.area_path, enterprise.created_by) == (
        world.areas["A2"],
        world.areas["A2"].path,
        world.users["street_A"],
    )
    assert AuditEntry.objects.filter(object_id=str(enterprise.pk), action="create").count() == 1


def test_create_form_page_has_sections(world, client_for):
    body = client_for("street_A").get("/enterprises/new/").content.decode()
    for section in ("基本信息", "法定代表人与联系人", "规模与标识", "包保责任"):
        assert section in body
    assert 'class="form-select"' in body


def test_bad_credit_code_is_refused_in_chinese_and_nothing_saved(world, client_for):
    before = Enterprise.objects.count()
    bad = new_code(2)[:-1] + ("0" if new_code(2)[-1] != "0" else "1")
    response = client_for("street_A").post(
        "/enterprises/new/", enterprise_post(world.areas["A1"], 2, credit_code=bad)
    )
    assert response.status_code == 200
    assert form_errors(response)["credit_code"] == ["统一社会信用代码校验位不正确，请核对后重新输入"]
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_refused(world, client_for):
    # A duplicate the user can see is named as one; out of scope see tests/enterprises/test_natural_keys.py.
    existing = world.enterprises["A1_commerce"].credit_code
    response = client_for("street_A").post(
        "/enterprises/new/", enterprise_post(world.areas["A1"], 3, credit_code=existing)
    )
    assert form_errors(response)["credit_code"] == ["该统一社会信用代码已登记，请勿重复录入"]


def test_bad_phone_and_local_above_total_are_refused(world, client_for):
    before = Enterprise.objects.count()
    data = enterprise_post(world.areas["A1"], 4, legal_rep_phone="12345", headcount=10, local_headcount=11)
    response = client_for("street_A").post("/enterprises/new/", data)
    errors = form_errors(response)
    assert errors["legal_rep_phone"] == ["请输入11位手机号码（1开头）"]
    assert errors["local_headcount"] == ["本地职工数不能超过职工总数"]
    assert Enterprise.objects.count() == before


def test_create_in_another_streets_area_is_refused(world, client_for):
    before = Enterprise.objects.count()
    response = client_for("street_A").post("/enterprises/new/", enterprise_post(world.areas["B1"], 5))
    assert response.status_code == 200
    assert "area" in form_errors(response)
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(credit_code=new_code(5)).exists()


def test_community_worker_limited_to_small_categories(world, client_for):
    client = client_for("community_A")
    choices = [
        value for value, _ in client.get("/enterprises/new/").context["form"].fields["category"].choices
    ]
    assert choices == ["individual", "small_venue"]
    refused = client.post("/enterprises/new/", enterprise_post(world.areas["A1"], 6, category="above_scale"))
    assert "category" in form_errors(refused)
    assert not Enterprise.objects.filter(credit_code=new_code(6)).exists()
    ok = client.post("/enterprises/new/", enterprise_post(world.areas["A1"], 7, category="individual"))
    assert ok.status_code == 302
    assert Enterprise.objects.get(credit_code=new_code(7)).category == "individual"


def test_department_officer_outside_sector_gets_403_and_nothing_saved(world, client_for):
    # Given the economy commission (industry only) registering a shop: the service refuses
    response = client_for("dept").post(
        "/enterprises/new/", enterprise_post(world.areas["A1"], 8, category="commerce")
    )
    assert response.status_code == 403
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Enterprise.objects.filter(credit_code=new_code(8)).exists()


@pytest.mark.parametrize("user", ["leader", "commissioner_A", "ent_admin_A", "resident_A"])
def test_create_refused_without_capability(world, client_for, user):
    client = client_for(user)
    assert client.get("/enterprises/new/").status_code == 403
    assert client.post("/enterprises/new/", enterprise_post(world.areas["A1"], 9)).status_code == 403
    assert not Enterprise.objects.filter(credit_code=new_code(9)).exists()


def test_enterprise_admin_edits_only_own_limited_fields(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    client = client_for("ent_admin_A")
    page = client.get(f"/enterprises/{enterprise.pk}/edit/")
    assert sorted(page.context["form"].fields) == sorted(
        [
            "legal_rep_name",
            "legal_rep_phone",
            "contact_name",
            "contact_phone",
            "address",
            "headcount",
            "local_headcount",
        ]
    )
    data = {
        "legal_rep_name": "新法人",
        "legal_rep_phone": "13912345678",
        "contact_name": "新联系人",
        "contact_phone": "",
        "address": "新地址1号",
        "headcount": 120,
        "local_headcount": 70,
        "name": "改名企业",
        "category": "commerce",
        "area": world.areas["A2"].pk,
    }
    response = client.post(f"/enterprises/{enterprise.pk}/edit/", data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.legal_rep_name, enterprise.headcount, enterprise.address) == (
        "新法人",
        120,
        "新地址1号",
    )
    # the fields outside their reach are untouched
    assert (enterprise.name, enterprise.category, enterprise.area) == (
        world.enterprises["A1_above_scale"].name,
        "above_scale",
        world.areas["A1"],
    )


def test_enterprise_admin_cannot_open_another_enterprise(world, client_for):
    other = world.enterprises["B1_above_scale"]
    client = client_for("ent_admin_A")
    assert client.get(f"/enterprises/{other.pk}/").status_code == 404
    assert client.get(f"/enterprises/{other.pk}/edit/").status_code == 404
    assert client.post(f"/enterprises/{other.pk}/edit/", {"address": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.address == world.enterprises["B1_above_scale"].address


def test_street_officer_cannot_edit_other_street_or_move_out_of_scope(world, client_for):
    client = client_for("street_A")
    b = world.enterprises["B1_commerce"]
    assert client.get(f"/enterprises/{b.pk}/edit/").status_code == 404
    # moving A's enterprise into B's area is refused by the form (B1 is not a choice for A)
    a = world.enterprises["A1_commerce"]
    form = client.get(f"/enterprises/{a.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["area"] = world.areas["B1"].pk
    response = client.post(f"/enterprises/{a.pk}/edit/", data)
    assert "area" in form_errors(response)
    a.refresh_from_db()
    assert a.area == world.areas["A1"]


def test_viewer_without_change_capability_gets_403(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    assert client_for("leader").get(f"/enterprises/{enterprise.pk}/edit/").status_code == 403


def test_empty_post_shows_required_errors(world, client_for):
    before = Enterprise.objects.count()
    response = client_for("street_A").post("/enterprises/new/", {})
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["credit_code"] == ["这个字段是必填项。"]
    assert {"name", "legal_rep_name", "legal_rep_phone", "area", "category", "headcount"} <= errors.keys()
    assert Enterprise.objects.count() == before
