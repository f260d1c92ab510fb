"""The small demo district: the tree, enterprises, tallies, an account for every role, valid identifiers."""

from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.db.models import Sum
from django.test import Client

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core.access import Role
from fugong.core.validators import validate_credit_code, validate_mobile
from fugong.demo import registry
from fugong.demo.builder import DEMO_ACCOUNTS, DEMO_PASSWORD
from fugong.enterprises.models import Enterprise
from fugong.resumption.models import DailyReport

from .helpers import SMALL_ENTERPRISES


@pytest.fixture
def built(demo, db) -> str:
    return demo


def test_small_scale_builds_the_tree(built):
    kinds = Counter(Area.objects.values_list("kind", flat=True))
    assert kinds["district"] == 1
    assert kinds["street"] + kinds["town"] + kinds["park"] == 3
    assert kinds["community"] + kinds["village"] == 12
    assert kinds["grid"] == 36
    assert Area.objects.get(code="500109").name == "北碚区"
    assert Area.objects.get(code="500109001").name == "天生街道"
    for area in Area.objects.select_related("parent"):
        assert area.path == area.build_path()
        assert area.depth == area.path.count("/") - 2
        assert area.code.startswith(area.parent.code if area.parent else "500109")
    assert "演示数据生成完毕" in built


def test_small_scale_builds_enterprises_with_stored_paths(built):
    assert Enterprise.objects.count() == SMALL_ENTERPRISES == 300
    assert Counter(Enterprise.objects.values_list("category", flat=True)) == {
        c: p.small for c, p in registry.PROFILES.items()
    }
    for e in Enterprise.objects.select_related("area"):
        assert e.area_path == e.area.path
    for user in User.objects.select_related("scope_area", "scope_enterprise"):
        assert user.scope_path == user.compute_scope_path()


def test_rate_tallies_count_the_demo_enterprises(built):
    # bulk_create sends no signals; the demo announces its enterprises like the registry's import.
    if not apps.is_installed("fugong.resumption"):
        pytest.skip("resumption app not installed")
    tally = apps.get_model("resumption", "StatusTally")
    district, street = Area.objects.get(code="500109"), Area.objects.get(code="500109001")
    assert tally.objects.filter(area=district).aggregate(n=Sum("registered"))["n"] == SMALL_ENTERPRISES
    assert tally.objects.filter(area=street).aggregate(n=Sum("registered"))["n"] == (
        Enterprise.objects.filter(area_path__startswith=street.path).count()
    )


def test_every_role_has_a_demo_account_that_logs_in(built):
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        validate_password(DEMO_PASSWORD, user)
        assert Client().login(username=account.username, password=DEMO_PASSWORD), account.username
        assert account.username in built
    assert User.objects.get(username="sysadmin").is_superuser


def test_identifiers_are_valid_and_headcounts_plausible(built):
    rows = list(
        Enterprise.objects.values_list(
            "credit_code",
            "legal_rep_phone",
            "contact_phone",
            "headcount",
            "local_headcount",
            "category",
            "industry",
        )
    )
    assert len({r[0] for r in rows}) == len(rows)
    for code, phone, contact, total, local, category, industry in rows:
        validate_credit_code(code)
        validate_mobile(phone)
        validate_mobile(contact)
        assert 0 <= local <= total
        assert industry in set(registry.PROFILES[category].industries)
    for phone in User.objects.values_list("phone", flat=True):
        validate_mobile(phone)
    above = Enterprise.objects.filter(category="above_scale")
    assert min(above.values_list("headcount", flat=True)) >= 60
    assert all(e.commissioner_id and e.medic_id for e in above)


def test_demo_accounts_see_their_own_scope(built):
    tiansheng = User.objects.get(username="tiansheng")
    visible = Enterprise.objects.visible_to(tiansheng)
    assert visible.exists()
    assert not visible.exclude(area_path__startswith="/500109/500109001/").exists()
    assert (
        not Enterprise.objects.visible_to(User.objects.get(username="chaoyang"))
        .filter(area_path__startswith="/500109/500109001/")
        .exists()
    )
    jxw = Enterprise.objects.visible_to(User.objects.get(username="jxw"))
    assert set(jxw.values_list("category", flat=True)) == {"above_scale", "below_scale"}
    assert 1 <= Enterprise.objects.visible_to(User.objects.get(username="commissioner")).count() <= 5
    ent_admin = User.objects.get(username="ent_admin")
    assert list(Enterprise.objects.visible_to(ent_admin)) == [ent_admin.scope_enterprise]
    assert 2 <= Enterprise.objects.filter(paired_leader__username="leader").count() <= 3


def test_reports_name_their_submitter_and_some_have_none(built):
    reports = DailyReport.objects.select_related("enterprise")
    admins = dict(User.objects.filter(role=Role.ENTERPRISE_ADMIN).values_list("scope_enterprise_id", "pk"))
    with_admin = reports.filter(enterprise_id__in=admins)
    assert with_admin.exists()
    for report in with_admin:
        assert report.created_by_id == report.updated_by_id == admins[report.enterprise_id]
    # Firms without an account on the platform: their reports have no submitter, as in real data.
    assert reports.exclude(enterprise_id__in=admins).filter(updated_by__isnull=True).exists()


def test_the_menus_lists_have_work_to_open(built):
    """Given the small demo, when its accounts open their menus, then every list has rows: work
    done through the services in 天生街道 (and one listing proposal in 朝阳街道)."""
    from fugong.checkins.models import Alert, Checkin
    from fugong.core.models import PersonalDataAccess
    from fugong.ledger.models import Problem
    from fugong.notices.models import Notice, NoticeRecipient
    from fugong.quarantine.models import FollowUp, Returnee, Stay
    from fugong.resumption.models import Filing, SummaryRun
    from fugong.supervision.models import Inspection, Listing, Violation

    admin = User.objects.get(username="ent_admin")
    assert Inspection.objects.count() == 9 and Inspection.objects.filter(follows__isnull=False).count() == 1
    assert Inspection.objects.filter(photos__isnull=False).count() == 1
    assert sorted(Violation.objects.values_list("status", flat=True)) == ["confirmed"] * 6 + ["pending"]
    assert sorted(Listing.objects.values_list("status", flat=True)) == ["active", "proposed"]
    problems = Problem.objects.all()
    assert problems.count() == 3
    assert problems.get(enterprise=admin.scope_enterprise).status == "answered"
    assert problems.filter(escalation_level=1).count() == 1
    published = Notice.objects.get(status="published")
    assert published.attachments.count() == 1 and Notice.objects.filter(status="draft").count() == 1
    assert NoticeRecipient.objects.get(notice=published, enterprise=admin.scope_enterprise).viewed_at
    assert SummaryRun.objects.filter(status="done").exists()
    assert PersonalDataAccess.objects.count() == 1
    assert Checkin.objects.count() == 5 and Alert.objects.count() == 1
    assert FollowUp.objects.count() == 1 and Stay.objects.filter(checked_out_at__isnull=True).count() == 1
    assert Returnee.objects.filter(handover="pending").count() == 1
    # The visitor still walks ent_admin's filing flow from the start.
    assert not Filing.objects.filter(enterprise=admin.scope_enterprise).exists()
