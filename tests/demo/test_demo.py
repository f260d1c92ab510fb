"""The demo district: it builds, every role can log in, every identifier is valid, --if-empty skips."""

import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client

from fugong.accounts.models import ApiToken, User
from fugong.accounts.roles import Role
from fugong.areas.models import Area, Department, WorkingGroup, WorkingGroupMember
from fugong.core import fake
from fugong.core.validators import validate_credit_code, validate_mobile
from fugong.demo import registry
from fugong.demo.builder import DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES
from fugong.enterprises.models import Enterprise
from fugong.health.models import Person
from fugong.resumption.models import Filing, SummaryRun

SMALL_ENTERPRISES = sum(p.small for p in registry.PROFILES.values())


def clear_database() -> None:
    """Remove every area-tree row (the suite's world also sits on 500109), leaves first."""
    WorkingGroupMember.objects.all().delete()
    ApiToken.objects.all().delete()
    User.objects.filter(scope_enterprise__isnull=False).delete()
    Filing.objects.all().delete()  # filings protect enterprises; roster entries protect persons
    SummaryRun.objects.all().delete()
    Person.objects.all().delete()
    Enterprise.objects.all().delete()
    User.objects.all().delete()
    WorkingGroup.objects.all().delete()
    Department.objects.all().delete()
    for depth in sorted(set(Area.objects.values_list("depth", flat=True)), reverse=True):
        Area.objects.filter(depth=depth).delete()


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    """Given an empty database, when the small demo is built, then its output."""
    clear_database()
    return run_demo("--scale", "small", "--seed", "7")


def test_small_scale_builds_the_tree(demo):
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
    assert "演示数据生成完毕" in demo


def test_small_scale_builds_enterprises_with_stored_paths(demo):
    assert Enterprise.objects.count() == SMALL_ENTERPRISES == 300
    assert Counter(Enterprise.objects.values_list("category", flat=True)) == {
        c: p.small for c, p in registry.PROFILES.items()
    }
    for e in Enterprise.objects.select_related("area"):
        assert e.area_path == e.area.path
    for user in User.objects.select_related("scope_area", "scope_enterprise"):
        assert user.scope_path == user.compute_scope_path()


def test_rate_tallies_count_the_demo_enterprises(demo):
    # bulk_create sends no signals; the demo announces its enterprises like the registry's import.
    if not apps.is_installed("fugong.resumption"):
        pytest.skip("resumption app not installed")
    tally = apps.get_model("resumption", "StatusTally")
    district, street = Area.objects.get(code="500109"), Area.objects.get(code="500109001")
    assert tally.objects.filter(area=district).aggregate(n=Sum("registered"))["n"] == SMALL_ENTERPRISES
    assert tally.objects.filter(area=street).aggregate(n=Sum("registered"))["n"] == (
        Enterprise.objects.filter(area_path__startswith=street.path).count()
    )


def test_every_role_has_a_demo_account_that_logs_in(demo):
    assert {a.role for a in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        validate_password(DEMO_PASSWORD, user)
        assert Client().login(username=account.username, password=DEMO_PASSWORD), account.username
        assert account.username in demo
    assert User.objects.get(username="sysadmin").is_superuser


def test_identifiers_are_valid_and_headcounts_plausible(demo):
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


def test_demo_accounts_see_their_own_scope(demo):
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


def test_same_seed_same_district(db):
    clear_database()
    run_demo("--scale", "small", "--seed", "3")
    first = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", "name", "area__code"))
    clear_database()
    run_demo("--scale", "small", "--seed", "3")
    second = list(Enterprise.objects.order_by("credit_code").values_list("credit_code", "name", "area__code"))
    assert first == second


def test_if_empty_skips_when_areas_exist(world):
    before = (Area.objects.count(), Enterprise.objects.count(), User.objects.count())
    out = run_demo("--scale", "small", "--if-empty")
    assert "跳过" in out
    assert (Area.objects.count(), Enterprise.objects.count(), User.objects.count()) == before


def test_refuses_to_build_over_existing_data(world):
    before = Enterprise.objects.count()
    with pytest.raises(CommandError, match="已有区划数据"):
        run_demo("--scale", "small")
    assert Enterprise.objects.count() == before


def test_district_scale_follows_the_design_numbers():
    assert sum(p.district for p in registry.PROFILES.values()) == 10_000
    assert len(SCALES["district"].streets) == 18
    for category, profile in registry.PROFILES.items():
        assert len(profile.industries) == len(fake.COMPANY_SUFFIX[category])
    # The demo's credit-code range stays clear of the tests' (9000+) and the benchmark's (1,000,000+).
    assert registry.CREDIT_SEQ_START > 10_000 and registry.CREDIT_SEQ_START + 10_000 < 1_000_000
