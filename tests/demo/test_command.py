"""The demo command around the build: --if-empty, refusing to build over data, determinism, sizes."""

import pytest
from django.core.management import CommandError

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core import fake
from fugong.demo import registry
from fugong.demo.builder import SCALES, build_demo
from fugong.enterprises.models import Enterprise

from .helpers import clear_database, run_demo


def test_same_seed_same_district(db):
    def registry_snapshot():
        clear_database()
        build_demo(scale="small", seed=3)
        return list(
            Enterprise.objects.order_by("credit_code").values_list(
                "credit_code", "name", "area__code", "headcount", "commissioner__username"
            )
        )

    assert registry_snapshot() == registry_snapshot()


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
