"""Helpers of the demo tests: an empty database (the suite's world also sits on 500109) and a run."""

import io

from django.core.management import call_command

from fugong.accounts.models import ApiToken, User
from fugong.areas.models import Area, Department, WorkingGroup, WorkingGroupMember
from fugong.demo import registry
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
