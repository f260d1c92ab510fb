"""The command page: figure cards against counts done by hand, scope, filters, trend gaps, query count.

The scene (``scene`` fixture), counted by hand — every firm of the world has 100 staff, industry C:

    A1 规上  resumed, report 80/100 on duty, output 60 %
    A1 商贸  resumed, report 30/50 on duty, output 40 %
    A2 个体  out of scope (已停产)
    B1 规上  resumed, report 50/100 on duty, output 100 %
    B1 商贸  resumed, no report
    B1 个体  not resumed

Street A: 2 resumed of 3 − 1 = 2 due. District: 4 resumed of 6 − 1 = 5 due, 3 reports.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core import fake
from fugong.core.access import Role
from fugong.enterprises.models import Enterprise
from fugong.resumption import services, tallies
from fugong.resumption.choices import EnterpriseState

URL = "/resumption/command/"


def admin_of(world, key: str) -> User:
    """The enterprise admin of one of the world's firms (the world names only two of them)."""
    existing = {"A1_above_scale": "ent_admin_A", "B1_above_scale": "ent_admin_B"}
    if key in existing:
        return world.users[existing[key]]
    user = User(
        username=f"admin_{key}",
        full_name=key,
        role=Role.ENTERPRISE_ADMIN,
        scope_enterprise=world.enterprises[key],
    )
    user.set_password("Fugong!2020pw")
    user.save()
    return user


def resume(world, key: str) -> None:
    enterprise = world.enterprises[key]
    services.status_set(actor=world.users["sysadmin"], enterprise=enterprise, state=EnterpriseState.FILED)
    services.status_set(actor=world.users["sysadmin"], enterprise=enterprise, state=EnterpriseState.RESUMED)


def report(world, key: str, on_duty: int, total: int, output: int) -> None:
    services.daily_report_save(
        actor=admin_of(world, key),
        enterprise=world.enterprises[key],
        date=timezone.localdate(),
        staff_on_duty=on_duty,
        staff_total=total,
        output_pct=output,
        masks_stock=1000,
        disinfectant_kg=10,
        no_anomaly=True,
    )


def build_scene(world) -> None:
    for key in ("A1_above_scale", "A1_commerce", "B1_above_scale", "B1_commerce"):
        resume(world, key)
    report(world, "A1_above_scale", 80, 100, 60)
    report(world, "A1_commerce", 30, 50, 40)
    report(world, "B1_above_scale", 50, 100, 100)
    services.status_set_out_of_scope(
        actor=world.users["street_A"],
        enterprise=world.enterprises["A2_individual"],
        out_of_scope=True,
        reason="已停产",
    )


@pytest.fixture
def scene(world, setup):
    build_scene(world)
    return world


def card(html: str, key: str) -> str:
    match = re.search(rf'data-card="{key}">(.*?)<!-- /{key} -->', html, re.S)
    assert match, f"no card {key}"
    return re.sub(r"\s+", " ", match.group(1))


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:500]
    return response


# --- the figures ------------------------------------------------------------------------------------


def test_street_a_cards_show_the_hand_counted_figures(scene, client_for):
    # Given the scene, when street A's officer opens the command page with no parameters
    response = page(client_for("street_A"))
    html = response.content.decode()
    # then it is about street A today, and every card carries its parts
    assert response.context["scope"].area == scene.areas["A"]
    assert "已复工 2 / 应复工 2 家" in card(html, "resumption") and "100.0%" in card(html, "resumption")
    on_duty = card(html, "on_duty")
    assert "73.3%" in on_duty and "70.0%" in on_duty and "到岗 110 / 职工 150 人" in on_duty
    capacity = card(html, "capacity")
    assert "53.3%" in capacity and "50.0%" in capacity and "按 2 家企业日报" in capacity
    assert "已报送 2 / 应报 2 家" in card(html, "reporting")
    assert "1 家" in card(html, "out_of_scope") and "登记企业 3 家" in card(html, "out_of_scope")


def test_district_cards_for_the_leader(scene, client_for):
    html = page(client_for("leader")).content.decode()
    assert "已复工 4 / 应复工 5 家" in card(html, "resumption") and "80.0%" in card(html, "resumption")
    assert "未复工 1 家" in card(html, "resumption")
    on_duty = card(html, "on_duty")
    assert "64.0%" in on_duty and "63.3%" in on_duty and "到岗 160 / 职工 250 人" in on_duty
    assert "72.0%" in card(html, "capacity") and "66.7%" in card(html, "capacity")
    assert "已报送 3 / 应报 4 家" in card(html, "reporting") and "75.0%" in card(html, "reporting")


def test_sysadmin_defaults_to_the_district_root(scene, client_for):
    response = page(client_for("sysadmin"))
    assert response.context["scope"].area == scene.areas["district"]
    assert response.context["figures"].resumption.as_dict() == {"numerator": 4, "denominator": 5, "rate": 0.8}


def test_a_category_filter_counts_only_that_category(scene, client_for):
    response = page(client_for("leader"), category="above_scale")
    f = response.context["figures"]
    assert f.resumption.as_dict() == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert f.on_duty.as_dict() == {"numerator": 130, "denominator": 200, "rate": 0.65}
    assert "已复工 2 / 应复工 2 家" in card(response.content.decode(), "resumption")


def test_the_department_officer_counts_only_their_sector(scene, client_for):
    # 经信委 oversees 规上 and 规下 industry: the 规上 firms of A1 and B1, both resumed
    response = page(client_for("dept"))
    f = response.context["figures"]
    assert response.context["scope"].area == scene.areas["district"]
    assert f.registered == 2 and f.out_of_scope == 0
    assert f.resumption.as_dict() == {"numerator": 2, "denominator": 2, "rate": 1.0}
    assert f.on_duty.as_dict() == {"numerator": 130, "denominator": 200, "rate": 0.65}
    assert [r["label"] for r in response.context["by_category"]] == ["规上工业"]
    # and a category outside the sector is refused, falling back to the sector
    response = page(client_for("dept"), category="commerce")
    assert "category" in response.context["form"].errors
    assert response.context["figures"].resumption.as_dict() == {"numerator": 2, "denominator": 2, "rate": 1.0}


def test_children_are_ranked_and_link_to_their_own_page(scene, client_for):
    response = page(client_for("leader"))
    rows = response.context["children"]
    assert [r["label"] for r in rows] == ["天生街道", "朝阳街道"]  # 100 % before 66.7 %
    assert [r["resumption"] for r in rows] == ["100.0%", "66.7%"]
    assert rows[1]["url"].startswith(f"{URL}?area=500109002&")
    child = page(client_for("leader"), area="500109002")
    assert child.context["figures"].resumption.as_dict() == {"numerator": 2, "denominator": 3, "rate": 0.6667}
    assert [a.name for a in child.context["breadcrumb"]] == ["北碚区", "朝阳街道"]


def test_breakdown_by_category_and_industry(scene, client_for):
    response = page(client_for("leader"))
    by_category = {r["label"]: r["f"].resumption.as_dict() for r in response.context["by_category"]}
    assert by_category == {
        "规上工业": {"numerator": 2, "denominator": 2, "rate": 1.0},
        "商贸服务": {"numerator": 2, "denominator": 2, "rate": 1.0},
        "个体工商户": {"numerator": 0, "denominator": 1, "rate": 0.0},
    }
    assert [r["label"] for r in response.context["by_industry"]] == ["C 制造业"]


def test_an_industry_filter_also_narrows_the_breakdown(scene, client_for):
    response = page(client_for("leader"), industry="A")
    assert response.context["figures"].registered == 0
    assert response.context["by_category"] == []


def test_the_breadcrumb_shows_only_areas_the_user_can_see(scene, client_for):
    response = page(client_for("street_A"), area="500109001001")
    assert [a.name for a in response.context["breadcrumb"]] == ["天生街道", "西南大学南社区"]
    assert "北碚区" not in response.content.decode().split("<main")[1].split("fg-cards")[0]


def test_every_card_states_its_definition_and_links_to_its_list(scene, client_for):
    html = page(client_for("street_A")).content.decode()
    for key, metric in [
        ("resumption", "resumed"),
        ("on_duty", "reported"),
        ("capacity", "reported"),
        ("reporting", "reported"),
        ("out_of_scope", "out_of_scope"),
    ]:
        body = card(html, key)
        assert 'data-bs-toggle="popover"' in body and 'class="fg-def' in body
        links = re.findall(r'href="(/resumption/command/enterprises/[^"]*)"', body)
        assert any(f"metric={metric}" in link and "area=500109001&amp;date=" in link for link in links), links
    assert "复工率 = 已复工企业数 ÷（登记企业数 − 不纳入统计企业数）" in card(html, "resumption")


def test_large_numbers_use_wan(world, setup, client_for):
    resume(world, "A1_above_scale")
    report(world, "A1_above_scale", 12000, 15000, 50)
    html = page(client_for("street_A")).content.decode()
    assert "到岗 1.20万 / 职工 1.50万 人" in card(html, "on_duty")


# --- scope and rights -------------------------------------------------------------------------------


def test_another_streets_area_is_not_found(scene, client_for):
    assert client_for("street_A").get(URL, {"area": "500109002"}).status_code == 404
    assert client_for("street_A").get(URL, {"area": "500109"}).status_code == 404
    assert client_for("community_A").get(URL, {"area": "500109001002"}).status_code == 404
    assert client_for("street_A").get(URL, {"area": "nonexistent"}).status_code == 404


@pytest.mark.parametrize("name", ["commissioner_A", "resident_A", "ent_admin_A", "medic_A", "employee_A"])
def test_roles_without_rates_are_refused(scene, client_for, name):
    assert client_for(name).get(URL).status_code == 403


def test_the_community_worker_sees_their_community(scene, client_for):
    response = page(client_for("community_A"))
    assert response.context["scope"].area == scene.areas["A1"]
    assert response.context["figures"].resumption.as_dict() == {"numerator": 2, "denominator": 2, "rate": 1.0}


def test_a_bad_date_is_explained_in_chinese(scene, client_for):
    response = page(client_for("street_A"), date="2020-13-45")
    assert "日期格式不正确，应为 YYYY-MM-DD" in response.content.decode()
    assert response.context["scope"].day == timezone.localdate()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "日期不能晚于今天" in page(client_for("street_A"), date=tomorrow).content.decode()


# --- the trend --------------------------------------------------------------------------------------


def test_the_trend_leaves_gaps_for_days_without_a_snapshot(scene, client_for):
    today = timezone.localdate()
    tallies.snapshot_status(today - dt.timedelta(days=2))  # one evening snapshot, two days ago
    chart = page(client_for("street_A")).context["chart"]
    assert len(chart["dates"]) == 30
    assert chart["dates"][-1] == today.strftime("%m-%d")
    assert chart["resumption"][-5:] == [None, None, 100.0, None, 100.0]  # no snapshot yesterday: a gap
    assert chart["on_duty"][-3:] == [None, None, 73.3]  # reports only today
    assert chart["resumption"].count(None) == 28


def test_a_past_date_without_a_snapshot_says_so(scene, client_for):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = page(client_for("street_A"), date=yesterday.isoformat())
    assert response.context["figures"].resumption.numerator is None
    assert "当日无晚间快照" in card(response.content.decode(), "resumption")


def test_a_past_date_reads_its_snapshot(scene, client_for):
    day = timezone.localdate() - dt.timedelta(days=3)
    tallies.snapshot_status(day)
    resume(scene, "B1_individual")  # after the snapshot: not in that day's figures
    response = page(client_for("leader"), date=day.isoformat())
    assert response.context["figures"].resumption.as_dict() == {"numerator": 4, "denominator": 5, "rate": 0.8}
    assert page(client_for("leader")).context["figures"].resumption.numerator == 5


# --- performance ------------------------------------------------------------------------------------


def add_firms(world, n: int) -> None:
    areas = [world.areas["A1"], world.areas["A2"], world.areas["B1"]]
    for i in range(n):
        Enterprise.objects.create(
            credit_code=fake.credit_code(20000 + i),
            name=f"测试企业{i}号",
            legal_rep_name="张三",
            legal_rep_phone=fake.mobile(20000 + i),
            area=areas[i % 3],
            address="测试地址",
            category=["above_scale", "commerce", "construction"][i % 3],
            industry="CEF"[i % 3],
            headcount=10,
            local_headcount=5,
        )
    tallies.status_rebuild()


@pytest.mark.parametrize("name", ["leader", "street_A", "dept"])
def test_the_page_runs_a_constant_number_of_queries(scene, client_for, django_assert_max_num_queries, name):
    client = client_for(name)
    page(client)  # warm the session
    with CaptureQueriesContext(connection) as small:
        page(client)
    add_firms(scene, 60)
    with django_assert_max_num_queries(len(small)), CaptureQueriesContext(connection) as large:
        response = page(client)
    assert len(large) == len(small) <= 20
    assert not [
        q
        for q in large.captured_queries
        if "enterprises_enterprise" in q["sql"] and "resumption_" not in q["sql"]
    ], "the page must read the tallies, not enterprise rows"
    assert response.context["figures"].registered > 3
