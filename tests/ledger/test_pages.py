"""The ledger's pages: scope of list, detail, export and actions; the lifecycle through the pages;
the overdue page of the level above; the stats by hand; query counts."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from fugong.ledger import services
from fugong.ledger.models import Problem, RoutingRule

from .conftest import report


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def two(world, rules):
    a = report(world, category="epidemic_supplies", title="天生口罩短缺")
    b = report(world, who="ent_admin_B", key="B1_above_scale", category="labour", title="朝阳缺焊工")
    return a, b


def test_street_a_cannot_see_list_export_or_act_on_street_bs_problem(world, two, client_for):
    a, b = two
    client = client_for("street_A")
    listing = client.get("/ledger/").content.decode()
    assert "天生口罩短缺" in listing and "朝阳缺焊工" not in listing
    assert client.get(f"/ledger/problems/{b.pk}/").status_code == 404
    rows = xlsx_rows(client.get("/ledger/export.xlsx"))
    titles = [r[4] for r in rows[2:]]
    assert titles == ["天生口罩短缺"] and "导出人" in rows[0][0]
    response = client.post(
        f"/ledger/problems/{b.pk}/", {"action": "answer", "version": b.version, "answer": "越权"}
    )
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.status == "open" and b.answer == ""
    assert client.get("/ledger/?q=朝阳").content.decode().count("朝阳缺焊工") == 0


def test_enterprise_b_cannot_see_enterprise_as_problem(world, two, client_for):
    a, b = two
    client = client_for("ent_admin_B")
    assert client.get(f"/ledger/problems/{a.pk}/").status_code == 404
    text = client.get("/ledger/").content.decode()
    assert "朝阳缺焊工" in text and "天生口罩短缺" not in text
    assert client_for("resident_A").get("/ledger/").status_code == 403
    assert client_for("community_A").get("/ledger/new/").status_code == 403


def test_lifecycle_through_the_pages(world, rules, client_for):
    ent = client_for("ent_admin_A")
    response = ent.post(
        "/ledger/new/",
        {"category": "epidemic_supplies", "title": "急需额温枪", "description": "额温枪不足10支"},
    )
    problem = Problem.objects.get(title="急需额温枪")
    assert response.status_code == 302 and response["Location"] == f"/ledger/problems/{problem.pk}/"
    assert problem.enterprise == world.enterprises["A1_above_scale"] and problem.channel == "self"
    dept = client_for("dept")
    page = dept.get(f"/ledger/problems/{problem.pk}/").content.decode()
    assert 'id="action-answer"' in page and 'id="action-confirm"' not in page
    dept.post(f"/ledger/problems/{problem.pk}/", {"action": "start", "version": 0, "note": ""})
    dept.post(
        f"/ledger/problems/{problem.pk}/", {"action": "answer", "version": 1, "answer": "已调拨额温枪20支"}
    )
    problem.refresh_from_db()
    assert problem.status == "answered"
    assert 'id="action-confirm"' in ent.get(f"/ledger/problems/{problem.pk}/").content.decode()
    ent.post(
        f"/ledger/problems/{problem.pk}/", {"action": "confirm", "version": 2, "rating": "4", "comment": "好"}
    )
    problem.refresh_from_db()
    assert (problem.status, problem.rating) == ("confirmed", 4)


def test_a_rating_posted_by_the_department_is_refused(world, rules, client_for):
    problem = report(world, category="epidemic_supplies")
    problem = services.problem_answer(
        actor=world.users["dept"], problem_id=problem.pk, version=problem.version, answer="已办"
    )
    response = client_for("dept").post(
        f"/ledger/problems/{problem.pk}/", {"action": "confirm", "version": problem.version, "rating": "5"}
    )
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.status == "answered" and problem.rating is None


def test_the_second_officer_gets_the_chinese_message(world, rules, client_for):
    problem = report(world, category="labour")
    client = client_for("street_A")
    client.post(f"/ledger/problems/{problem.pk}/", {"action": "answer", "version": 0, "answer": "第一位"})
    response = client.post(
        f"/ledger/problems/{problem.pk}/", {"action": "answer", "version": 0, "answer": "第二位"}, follow=True
    )
    assert "该问题已被他人处理，请刷新" in response.content.decode()
    problem.refresh_from_db()
    assert problem.answer == "第一位" and problem.events.filter(kind="answered").count() == 1


def test_escalated_problems_appear_on_the_level_aboves_page(world, rules, client_for):
    report(
        world,
        category="epidemic_supplies",
        now=timezone.now() - dt.timedelta(days=30),
        title="逾期未办的口罩诉求",
    )
    report(world, category="finance", title="贷款诉求")
    call_command("escalate_problems", verbosity=0)
    text = client_for("leader").get("/ledger/overdue/").content.decode()
    assert "逾期未办的口罩诉求" in text and "贷款诉求" not in text and "已升级" in text
    assert "逾期未办的口罩诉求" not in client_for("street_B").get("/ledger/overdue/").content.decode()
    assert client_for("dept").get("/ledger/overdue/").status_code == 403


def test_stats_by_hand(world, rules, client_for):
    from fugong.ledger import selectors

    p1 = report(world, category="labour", title="一")
    p2 = report(world, category="labour", title="二")
    report(world, category="finance", now=timezone.now() - dt.timedelta(days=90), title="三")  # overdue
    report(world, who="ent_admin_B", key="B1_above_scale", category="labour", title="四")
    street = world.users["street_A"]
    for p, rating in ((p1, 5), (p2, 2)):
        p = services.problem_answer(actor=street, problem_id=p.pk, version=p.version, answer="已办")
        services.problem_confirm(
            actor=world.users["ent_admin_A"], problem_id=p.pk, version=p.version, rating=rating
        )
    Problem.objects.filter(pk=p1.pk).update(close_seconds=3600)
    Problem.objects.filter(pk=p2.pk).update(close_seconds=7200)
    s = selectors.stats(user=world.users["leader"])
    t = s["totals"]
    assert (t["total"], t["closed"], t["open"], t["overdue"]) == (4, 2, 2, 1)
    assert t["rating_avg"] == 3.5 and t["close_median"] == 5400 and t["close_avg"] == 5400
    cats = {r["category"]: (r["total"], r["closed"]) for r in s["by_category"]}
    assert cats == {"labour": (3, 2), "finance": (1, 0)}
    areas = {r["area"].name: (r["total"], r["overdue"]) for r in s["by_area"]}
    assert areas == {"天生街道": (3, 1), "朝阳街道": (1, 0)}
    mine = selectors.stats(user=street)
    assert mine["totals"]["total"] == 3
    assert {r["area"].name: r["total"] for r in mine["by_area"]} == {"西南大学南社区": 3, "天生桥社区": 0}
    page = client_for("street_A").get("/ledger/stats/").content.decode()
    assert "朝阳" not in page and "西南大学南社区" in page


def test_list_query_count_does_not_grow_with_rows(world, rules, client_for):
    client = client_for("leader")
    for i in range(3):
        report(world, category="labour", title=f"诉求{i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/ledger/").status_code == 200
    for i in range(30):
        report(world, who="ent_admin_B", key="B1_above_scale", category="raw_materials", title=f"更多{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/ledger/").status_code == 200
    assert len(many) == len(few) <= 12  # session, user, base page, count, page, filter choices


def test_settings_need_the_configure_capability(world, rules, client_for):
    assert client_for("street_A").get("/ledger/settings/").status_code == 403
    admin = client_for("sysadmin")
    assert admin.get("/ledger/settings/").status_code == 200
    response = admin.post(
        "/ledger/settings/",
        {
            "form": "rule",
            "category": "labour",
            "area": world.areas["B"].pk,
            "department": world.departments["swj"].pk,
        },
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(category="labour")
    assert (
        report(world, who="ent_admin_B", key="B1_above_scale", category="labour").department
        == rule.department
    )
    admin.post(f"/ledger/settings/rules/{rule.pk}/delete/")
    assert not RoutingRule.objects.filter(category="labour").exists()
    admin.post("/ledger/settings/", {"form": "due_days", "category": "labour", "days": "5"})
    assert report(world, category="labour").due_days == 5


@pytest.mark.parametrize("outsider", ["resident_A", "employee_A", "guard_A", "medic_A", "site_A"])
def test_the_viewers_pages_refuse_roles_without_ledger_work(world, two, client_for, outsider):
    client = client_for(outsider)
    for url in ("/ledger/", "/ledger/export.xlsx", "/ledger/stats/", f"/ledger/problems/{two[0].pk}/"):
        assert client.get(url).status_code == 403, url
    # The positive control: the street that handles it.
    for url in ("/ledger/", "/ledger/export.xlsx", "/ledger/stats/", f"/ledger/problems/{two[0].pk}/"):
        assert client_for("street_A").get(url).status_code == 200, url


def test_only_the_configuring_role_deletes_a_routing_rule(world, rules, client_for):
    rule = RoutingRule.objects.first()
    for official in ("street_A", "dept", "leader"):
        assert client_for(official).post(f"/ledger/settings/rules/{rule.pk}/delete/").status_code == 403
    assert RoutingRule.objects.filter(pk=rule.pk).exists()
    # The positive control: the system administrator deletes it.
    assert client_for("sysadmin").post(f"/ledger/settings/rules/{rule.pk}/delete/").status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
