"""The lists behind the figures, and the two adjustments made from them (out of scope, status).

Uses the scene of test_command_page: street A has A1 规上 and A1 商贸 resumed and reporting, A2 个体
out of scope; street B has B1 规上 resumed and reporting, B1 商贸 resumed without a report, B1 个体
not resumed.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fugong.resumption.choices import EnterpriseState
from fugong.resumption.models import EnterpriseStatus, StatusChange

from .test_command_page import add_firms, build_scene, card, page, resume

LIST = "/resumption/command/enterprises/"


@pytest.fixture
def scene(world, setup):
    build_scene(world)
    return world


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content[:400]
    return sorted(e.name for e in response.context["page"].object_list)


def names(world, *keys) -> list[str]:
    return sorted(world.enterprises[k].name for k in keys)


# --- the lists equal the cards ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "area", "expected"),
    [
        (
            "street_A",
            None,
            {
                "resumed": ["A1_above_scale", "A1_commerce"],
                "not_resumed": [],
                "out_of_scope": ["A2_individual"],
                "reported": ["A1_above_scale", "A1_commerce"],
                "not_reported": [],
            },
        ),
        (
            "leader",
            None,
            {
                "resumed": ["A1_above_scale", "A1_commerce", "B1_above_scale", "B1_commerce"],
                "not_resumed": ["B1_individual"],
                "out_of_scope": ["A2_individual"],
                "reported": ["A1_above_scale", "A1_commerce", "B1_above_scale"],
                "not_reported": ["B1_commerce"],
            },
        ),
        (
            "leader",
            "500109002",
            {
                "resumed": ["B1_above_scale", "B1_commerce"],
                "not_resumed": ["B1_individual"],
                "out_of_scope": [],
                "reported": ["B1_above_scale"],
                "not_reported": ["B1_commerce"],
            },
        ),
        (
            "dept",
            None,
            {
                "resumed": ["A1_above_scale", "B1_above_scale"],
                "not_resumed": [],
                "out_of_scope": [],
                "reported": ["A1_above_scale", "B1_above_scale"],
                "not_reported": [],
            },
        ),
    ],
)
def test_each_list_holds_exactly_the_firms_its_figure_counts(scene, client_for, user, area, expected):
    client = client_for(user)
    params = {"area": area} if area else {}
    f = page(client, **params).context["figures"]
    for metric, keys in expected.items():
        assert listed(client, metric=metric, **params) == names(scene, *keys), metric
    # and the counts agree with the cards
    assert len(expected["resumed"]) == f.resumption.numerator
    assert len(expected["resumed"]) + len(expected["not_resumed"]) == f.resumption.denominator
    assert len(expected["out_of_scope"]) == f.out_of_scope
    assert len(expected["reported"]) == f.reporting.numerator
    assert len(expected["not_reported"]) == f.reporting.denominator - f.reporting.numerator


def test_the_filters_of_the_card_apply_to_its_list(scene, client_for):
    client = client_for("leader")
    assert listed(client, metric="resumed", category="commerce") == names(scene, "A1_commerce", "B1_commerce")
    assert listed(client, metric="resumed", industry="F") == []
    assert listed(client, metric="reported", area="500109001001") == names(
        scene, "A1_above_scale", "A1_commerce"
    )


def test_rows_show_state_report_and_link_to_the_enterprise(scene, client_for):
    response = client_for("street_A").get(LIST, {"metric": "resumed"})
    html = response.content.decode()
    assert "共 2 家" in html
    assert f'href="/enterprises/{scene.enterprises["A1_above_scale"].pk}/"' in html
    assert "已复工" in html and "80 / 100 · 60%" in html
    html = client_for("street_A").get(LIST, {"metric": "out_of_scope"}).content.decode()
    assert "不纳入统计" in html and "已停产" in html and "恢复纳入统计" in html


def test_a_card_links_to_a_list_of_the_same_count(scene, client_for):
    client = client_for("leader")
    html = page(client).content.decode()
    resumed_card = card(html, "resumption")
    link = resumed_card.split('href="')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(link)
    assert response.context["metric"] == "resumed"
    assert response.context["page"].paginator.count == 4


def test_another_streets_list_is_not_found(scene, client_for):
    assert client_for("street_A").get(LIST, {"metric": "resumed", "area": "500109002"}).status_code == 404


@pytest.mark.parametrize("name", ["commissioner_A", "resident_A", "ent_admin_A"])
def test_roles_without_rates_cannot_list(scene, client_for, name):
    assert client_for(name).get(LIST, {"metric": "resumed"}).status_code == 403


def test_an_unknown_metric_is_explained_and_the_default_shown(scene, client_for):
    response = client_for("street_A").get(LIST, {"metric": "everything"})
    assert response.status_code == 200
    assert "不是有效的指标" in response.content.decode()
    assert response.context["metric"] == "resumed"


def test_a_past_day_lists_that_days_reports(scene, client_for):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client_for("street_A").get(LIST, {"metric": "reported", "date": yesterday})
    assert response.context["page"].paginator.count == 0


def test_the_list_runs_one_count_and_one_page_query(scene, client_for):
    add_firms(scene, 120)
    client = client_for("leader")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {"metric": "not_resumed"})
    assert response.context["page"].paginator.count == 1 + 120
    assert len(response.context["page"].object_list) == 50
    registry = [q["sql"] for q in ctx.captured_queries if '"enterprises_enterprise"' in q["sql"]]
    assert len(registry) == 2, registry  # COUNT(*) and the page
    assert len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]) <= 8


# --- out of scope -------------------------------------------------------------------------------------


def scope_url(world, key="A1_commerce") -> str:
    return f"/resumption/command/enterprises/{world.enterprises[key].pk}/scope/"


def test_marking_out_of_scope_asks_to_confirm_then_changes_the_denominator(scene, client_for):
    client = client_for("street_A")
    assert "已复工 2 / 应复工 2 家" in card(page(client).content.decode(), "resumption")
    # the row's button only opens the confirmation, asking for the reason
    response = client.post(scope_url(scene), {"out_of_scope": "1", "next": LIST + "?metric=resumed"})
    assert response.status_code == 200 and "理由" in response.content.decode()
    assert not EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_commerce"]).out_of_scope
    # confirming without a reason is refused in Chinese, nothing changes
    response = client.post(scope_url(scene), {"out_of_scope": "1", "confirm": "1", "reason": " "})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    assert "已复工 2 / 应复工 2 家" in card(page(client).content.decode(), "resumption")
    # confirming with a reason takes it out of the denominator
    response = client.post(
        scope_url(scene),
        {"out_of_scope": "1", "confirm": "1", "reason": "长期停产", "next": LIST + "?metric=resumed"},
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?metric=resumed"
    status = EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_commerce"])
    assert status.out_of_scope and status.out_of_scope_reason == "长期停产"
    html = page(client).content.decode()
    assert "已复工 1 / 应复工 1 家" in card(html, "resumption") and "2 家" in card(html, "out_of_scope")
    assert listed(client, metric="out_of_scope") == names(scene, "A1_commerce", "A2_individual")


def test_taking_a_firm_back_into_scope(scene, client_for):
    client = client_for("street_A")
    response = client.post(
        scope_url(scene, "A2_individual"), {"out_of_scope": "0", "confirm": "1", "reason": "已恢复经营"}
    )
    assert response.status_code == 302
    f = page(client).context["figures"]
    assert f.out_of_scope == 0 and f.resumption.as_dict() == {
        "numerator": 2,
        "denominator": 3,
        "rate": 0.6667,
    }


def test_out_of_scope_for_another_streets_firm_is_not_found(scene, client_for):
    response = client_for("street_A").post(
        scope_url(scene, "B1_commerce"), {"out_of_scope": "1", "confirm": "1", "reason": "越权"}
    )
    assert response.status_code == 404
    assert not EnterpriseStatus.objects.get(enterprise=scene.enterprises["B1_commerce"]).out_of_scope


def test_the_department_officer_adjusts_only_their_sector(scene, client_for):
    client = client_for("dept")
    response = client.post(
        scope_url(scene, "A1_commerce"), {"out_of_scope": "1", "confirm": "1", "reason": "停产"}
    )
    assert response.status_code == 404
    response = client.post(
        scope_url(scene, "A1_above_scale"), {"out_of_scope": "1", "confirm": "1", "reason": "停产"}
    )
    assert response.status_code == 302
    assert EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_above_scale"]).out_of_scope


@pytest.mark.parametrize("name", ["leader", "community_A", "commissioner_A", "resident_A", "ent_admin_A"])
def test_roles_without_the_right_cannot_adjust(scene, client_for, name):
    response = client_for(name).post(
        scope_url(scene, "A1_above_scale"), {"out_of_scope": "1", "confirm": "1", "reason": "停产"}
    )
    assert response.status_code == 403
    assert not EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_above_scale"]).out_of_scope


def test_the_actions_show_only_for_those_who_may_use_them(scene, client_for):
    assert "/scope/" in client_for("street_A").get(LIST, {"metric": "resumed"}).content.decode()
    assert "/scope/" not in client_for("leader").get(LIST, {"metric": "resumed"}).content.decode()


def test_a_get_is_not_allowed(scene, client_for):
    assert client_for("street_A").get(scope_url(scene)).status_code == 405


# --- status -------------------------------------------------------------------------------------------


def status_url(world, key) -> str:
    return f"/resumption/command/enterprises/{world.enterprises[key].pk}/status/"


def test_suspending_needs_a_reason_and_moves_the_figure(scene, client_for):
    client = client_for("street_A")
    url = status_url(scene, "A1_commerce")
    response = client.post(url, {"state": "suspended", "confirm": "1", "reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    assert EnterpriseStatus.objects.get(enterprise=scene.enterprises["A1_commerce"]).state == "resumed"
    response = client.post(url, {"state": "suspended", "confirm": "1", "reason": "消毒记录缺失"})
    assert response.status_code == 302
    change = StatusChange.objects.filter(enterprise=scene.enterprises["A1_commerce"]).last()
    assert (change.to_state, change.reason, change.actor) == (
        "suspended",
        "消毒记录缺失",
        scene.users["street_A"],
    )
    assert "已复工 1 / 应复工 2 家" in card(page(client).content.decode(), "resumption")
    response = client.post(url, {"state": "resumed_again", "confirm": "1", "reason": "整改完成"})
    assert response.status_code == 302
    assert "已复工 2 / 应复工 2 家" in card(page(client).content.decode(), "resumption")


def test_the_services_refusal_is_shown_in_chinese(scene, client_for):
    resume(scene, "B1_individual")
    response = client_for("street_B").post(
        status_url(scene, "B1_commerce"), {"state": "resumed_again", "confirm": "1", "reason": "整改完成"}
    )
    assert response.status_code == 400
    assert "企业当前状态为“已复工”，不能变更为“整改后复工”" in response.content.decode()
    assert (
        EnterpriseStatus.objects.get(enterprise=scene.enterprises["B1_commerce"]).state
        == EnterpriseState.RESUMED
    )


def test_only_suspension_and_resumption_after_it_are_offered(scene, client_for):
    response = client_for("street_A").post(
        status_url(scene, "A1_commerce"), {"state": "not_resumed", "confirm": "1", "reason": "试一试"}
    )
    assert response.status_code == 400
    assert "只能变更为“停工整改”或“整改后复工”" in response.content.decode()


def test_status_of_another_streets_firm_is_not_found(scene, client_for):
    response = client_for("street_A").post(
        status_url(scene, "B1_commerce"), {"state": "suspended", "confirm": "1", "reason": "越权"}
    )
    assert response.status_code == 404
    assert EnterpriseStatus.objects.get(enterprise=scene.enterprises["B1_commerce"]).state == "resumed"


def test_next_cannot_leave_the_command_pages(scene, client_for):
    response = client_for("street_A").post(
        status_url(scene, "A1_commerce"),
        {"state": "suspended", "confirm": "1", "reason": "整改", "next": "https://evil.example/"},
    )
    assert response["Location"] == LIST
