"""Inspections, violations and the dishonesty list for the scope matrix (tests/test_scope_matrix.py,
tests/scope.py).

Each record is read by whoever sees its enterprise (its street and community, its commissioner,
its sector's department, its own admin); officers who may inspect it inspect it; the street and the
department decide on violations; the district leader confirms listings."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from fugong.supervision.models import (
    ChecklistItem,
    Finding,
    Inspection,
    InspectionPhoto,
    Listing,
    Violation,
)
from tests.scope import (
    COMMISSIONER,
    COMMUNITY,
    COMMUNITY_A2,
    ENTERPRISE,
    SECTOR,
    STREET,
    Target,
    grant,
)
from tests.scope import Listing as Listed

JPEG = b"\xff\xd8\xff\xe0 scope matrix \xff\xd9"


def checklist_item(world, side) -> ChecklistItem:
    """An item of the district's checklist (the settings are district-wide: no sides)."""
    return ChecklistItem.objects.get_or_create(
        code="scope-matrix",
        defaults={"title": "范围测试检查项", "effective_from": timezone.localdate() - dt.timedelta(days=10)},
    )[0]


def enterprise(world, side):
    return world.enterprises[side.enterprise]


def unassigned(world, side):
    """An enterprise of the side's community that no commissioner or medic covers."""
    return next(
        e
        for e in world.enterprises.values()
        if e.area_id == world.areas[side.area].pk and e.commissioner_id is None and e.medic_id is None
    )


def inspection(world, side) -> Inspection:
    firm = enterprise(world, side)
    return Inspection.objects.get_or_create(
        enterprise=firm,
        note=f"{firm.name}现场检查",
        defaults={
            "area_path": firm.area_path,
            "date": timezone.localdate(),
            "inspector": world.users[f"street_{side.street}"],
        },
    )[0]


def finding(world, side) -> Finding:
    checked = inspection(world, side)
    return Finding.objects.get_or_create(
        inspection=checked,
        enterprise=checked.enterprise,
        defaults={"area_path": checked.area_path, "description": "未测温", "deadline": timezone.localdate()},
    )[0]


def photo(world, side) -> InspectionPhoto:
    checked = inspection(world, side)
    found = InspectionPhoto.objects.filter(inspection=checked).first()
    if found is None:
        found = InspectionPhoto(
            inspection=checked, name="现场.jpg", content_type="image/jpeg", size=len(JPEG)
        )
        found.file.save(f"supervision/scope-matrix-{checked.pk}.jpg", ContentFile(JPEG), save=False)
        found.save()
    return found


def violation(world, side) -> Violation:
    checked = inspection(world, side)
    return Violation.objects.get_or_create(
        inspection=checked,
        defaults={
            "enterprise": checked.enterprise,
            "area_path": checked.area_path,
            "description": "未测温",
            "occurred_on": checked.date,
            "window_days": 90,
            "sequence": 3,
            "proposed_step": "officer",
            "recorded_by": world.users[f"street_{side.street}"],
        },
    )[0]


def listing(world, side) -> Listing:
    violated = violation(world, side)
    return Listing.objects.get_or_create(
        enterprise=violated.enterprise,
        defaults={
            "area_path": violated.area_path,
            "violation": violated,
            "reason": "屡次违规",
            "proposed_by": world.users[f"street_{side.street}"],
        },
    )[0]


def enterprise_name(row) -> str:
    return row.enterprise.name


READ = (STREET, COMMUNITY, COMMISSIONER, SECTOR, ENTERPRISE)
# A community worker inspects only its community's small businesses (supervision/policies.py): A2's shop.
INSPECTED = (STREET, COMMUNITY_A2, COMMISSIONER, SECTOR)
DECIDED = (STREET, SECTOR)
CONFIRMED = grant("leader", "street_A", "dept")  # 不诚信名单: the district leader confirms

TARGETS = {
    # The checklist is the district's: the administrator against officials without the right.
    "api-1.0.0:end_checklist_item": Target(
        checklist_item, grant("sysadmin", "street_A", "leader"), data=lambda item: {}
    ),
    "supervision:inspection_new": Target(enterprise, *INSPECTED),
    "api-1.0.0:enterprise_standing": Target(enterprise, *READ),
    "supervision:inspection_detail": Target(inspection, *READ),
    "api-1.0.0:inspection_detail": Target(inspection, *READ),
    "supervision:inspection_photo": Target(photo, *READ),
    "supervision:inspection_followup": Target(inspection, *INSPECTED),
    "api-1.0.0:inspection_followup": Target(inspection, *INSPECTED),
    "supervision:inspection_violation_new": Target(inspection, *INSPECTED),
    "api-1.0.0:record_violation": Target(inspection, *INSPECTED),
    "supervision:violation_detail": Target(violation, *READ),
    "api-1.0.0:violation_detail": Target(violation, *READ),
    "supervision:violation_decide": Target(violation, *DECIDED),
    "api-1.0.0:confirm_violation": Target(violation, *DECIDED, data=lambda v: {"version": v.version}),
    "supervision:violation_listing_propose": Target(violation, *DECIDED),
    "api-1.0.0:propose_listing": Target(violation, *DECIDED),
    "supervision:violation_statement": Target(violation, ENTERPRISE),
    "api-1.0.0:violation_statement": Target(violation, ENTERPRISE, data=lambda v: {"text": "已整改完毕"}),
    "supervision:listing_detail": Target(listing, *READ),
    "api-1.0.0:listing_detail": Target(listing, *READ),
    "supervision:listing_approve": Target(listing, CONFIRMED),
    "api-1.0.0:approve_listing": Target(
        listing, CONFIRMED, data=lambda x: {"approve": True, "reason": "", "version": x.version}
    ),
    "supervision:listing_remove": Target(listing, *DECIDED),
    "api-1.0.0:remove_listing": Target(listing, *DECIDED),
}
LISTS = {
    "supervision:inspections": Listed(inspection, enterprise_name, *READ),
    "api-1.0.0:list_inspections": Listed(inspection, enterprise_name, *READ),
    "supervision:violations": Listed(violation, enterprise_name, *READ),
    "api-1.0.0:list_violations": Listed(violation, enterprise_name, *READ),
    "supervision:listings": Listed(listing, enterprise_name, *READ),
    "api-1.0.0:list_listings": Listed(listing, enterprise_name, *READ),
    # Coverage lists the enterprises no one covers (officials with the coverage right).
    "supervision:coverage": Listed(unassigned, lambda e: e.name, STREET),
    "supervision:coverage_export": Listed(unassigned, lambda e: e.name, STREET),
    "api-1.0.0:coverage_unassigned": Listed(unassigned, lambda e: e.name, STREET),
}
PAGES = {
    "supervision:settings": "sysadmin",
    "api-1.0.0:get_settings": "sysadmin",
    "api-1.0.0:update_window": "sysadmin",
    "api-1.0.0:add_checklist_item": "sysadmin",
    "api-1.0.0:create_inspection": "street_A",
    "api-1.0.0:coverage_summary": "street_A",
}
