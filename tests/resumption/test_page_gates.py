"""The gates of the resumption pages that had no refusal test of their own: the roster template, a
filing's page for roles without business, the status change from the drill-down, starting the
evening run by hand and downloading a run. Each refusal changes nothing; each has its positive
control (the allowed user really gets in)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.core.models import Job
from fugong.resumption.models import EnterpriseStatus, StatusChange, SummaryRun
from fugong.resumption.tasks import summary_run

from .test_command_page import scene  # noqa: F401  (the fixture)
from .test_filing_pages import submitted_filing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the roster template ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["street_A", "leader", "community_A", "resident_A", "sysadmin"])
def test_the_roster_template_is_for_enterprise_admins_only(world, client_for, name):
    assert client_for(name).get(reverse("resumption:roster_template")).status_code == 403


@pytest.mark.parametrize("name", ["ent_admin_A", "ent_admin_B"])
def test_an_enterprise_admin_downloads_the_roster_template(world, client_for, name):
    response = client_for(name).get(reverse("resumption:roster_template"))
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    assert "attachment" in response["Content-Disposition"]


def test_the_roster_template_answers_only_get(world, client_for):
    assert client_for("ent_admin_A").post(reverse("resumption:roster_template")).status_code == 405


# --- a filing's page --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["resident_A", "medic_A", "employee_A", "guard_A"])
def test_a_filing_is_not_opened_by_roles_without_business(world, setup, client_for, name):
    filing = submitted_filing(world, setup)
    url = reverse("resumption:filing_detail", args=[filing.pk])
    client = client_for(name)
    assert client.get(url).status_code == 403
    response = client.post(url, {"decision": "approve", "reason": "通过", "version": filing.version})
    assert response.status_code == 403
    filing.refresh_from_db()
    assert filing.status == "submitted"


@pytest.mark.parametrize(
    ("name", "decides"), [("ent_admin_A", False), ("community_A", False), ("street_A", True)]
)
def test_a_filing_opens_for_its_enterprise_its_community_and_its_reviewer(
    world, setup, client_for, name, decides
):
    filing = submitted_filing(world, setup)
    response = client_for(name).get(reverse("resumption:filing_detail", args=[filing.pk]))
    assert response.status_code == 200
    assert response.context["filing"] == filing
    assert response.context["can_decide"] is decides
    assert ('name="decision"' in response.content.decode()) is decides


# --- a status change from the drill-down ------------------------------------------------------------


def status_url(world, key: str) -> str:
    return reverse("resumption:enterprise_status", args=[world.enterprises[key].pk])


SUSPEND = {"state": "suspended", "confirm": "1", "reason": "消毒记录缺失"}


@pytest.mark.parametrize("name", ["leader", "community_A", "commissioner_A", "resident_A", "ent_admin_A"])
def test_roles_without_the_right_cannot_change_a_status(scene, client_for, name):  # noqa: F811
    firm = scene.enterprises["A1_commerce"]
    response = client_for(name).post(status_url(scene, "A1_commerce"), SUSPEND)
    assert response.status_code == 403
    assert EnterpriseStatus.objects.get(enterprise=firm).state == "resumed"
    assert not StatusChange.objects.filter(enterprise=firm, to_state="suspended").exists()


def test_another_streets_officer_does_not_find_the_enterprise(scene, client_for):  # noqa: F811
    firm = scene.enterprises["A1_commerce"]
    assert client_for("street_B").post(status_url(scene, "A1_commerce"), SUSPEND).status_code == 404
    assert EnterpriseStatus.objects.get(enterprise=firm).state == "resumed"


def test_the_street_officer_confirms_then_changes_the_status(scene, client_for):  # noqa: F811
    firm = scene.enterprises["A1_commerce"]
    client = client_for("street_A")
    first = client.post(status_url(scene, "A1_commerce"), {**SUSPEND, "confirm": ""})
    assert first.status_code == 200 and first.context["kind"] == "status"
    assert EnterpriseStatus.objects.get(enterprise=firm).state == "resumed"
    response = client.post(status_url(scene, "A1_commerce"), SUSPEND)
    assert (response.status_code, response["Location"]) == (302, reverse("resumption:drilldown"))
    assert EnterpriseStatus.objects.get(enterprise=firm).state == "suspended"


def test_a_status_change_is_not_a_get(scene, client_for):  # noqa: F811
    assert client_for("street_A").get(status_url(scene, "A1_commerce")).status_code == 405


# --- the evening run, started by hand and downloaded --------------------------------------------------

START = reverse("resumption:summary_run_start")


@pytest.mark.parametrize("name", ["leader", "street_A", "community_A", "ent_admin_A", "resident_A"])
def test_only_the_system_administrator_starts_the_run_from_the_page(world, setup, client_for, name):
    assert client_for(name).post(START).status_code == 403
    assert not SummaryRun.objects.exists()
    assert not Job.objects.exists()


def test_the_system_administrator_starts_the_run_from_the_page(world, setup, client_for):
    client = client_for("sysadmin")
    assert client.get(START).status_code == 405
    response = client.post(START)
    assert (response.status_code, response["Location"]) == (302, reverse("resumption:summary"))
    assert SummaryRun.objects.filter(date=timezone.localdate(), status="queued").count() == 3
    assert Job.objects.count() == 1


@pytest.mark.parametrize("name", ["commissioner_A", "ent_admin_A", "resident_A"])
def test_roles_without_the_rates_cannot_download_a_run(world, setup, client_for, name):
    summary_run(day=timezone.localdate())
    run = SummaryRun.objects.get(area=world.areas["A"])
    url = reverse("resumption:summary_run_download", args=[run.pk])
    assert client_for(name).get(url).status_code == 403


def test_a_run_is_downloaded_in_scope_and_one_not_done_goes_back_with_the_reason(world, setup, client_for):
    summary_run(day=timezone.localdate())
    run = SummaryRun.objects.get(area=world.areas["A"])
    url = reverse("resumption:summary_run_download", args=[run.pk])
    response = client_for("street_A").get(url)
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    SummaryRun.objects.filter(pk=run.pk).update(status="queued")
    response = client_for("street_A").get(url, follow=True)
    assert response.redirect_chain == [(reverse("resumption:summary"), 302)]
    assert "该晚间日报尚未生成完成，暂无文件可下载" in response.content.decode()
