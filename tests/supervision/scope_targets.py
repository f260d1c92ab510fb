"""Street B's supervision objects for the scope matrix (tests/test_scope_matrix.py); more specific
words first."""

from django.utils import timezone

from fugong.supervision.models import (
    Finding,
    Inspection,
    InspectionPhoto,
    Listing,
    Violation,
)


def b_inspection(world) -> Inspection:
    enterprise = world.enterprises["B1_above_scale"]
    inspection, _ = Inspection.objects.get_or_create(
        enterprise=enterprise,
        note="朝阳街道检查",
        defaults={
            "area_path": enterprise.area_path,
            "date": timezone.localdate(),
            "inspector": world.users["street_B"],
        },
    )
    return inspection


def b_finding(world) -> Finding:
    inspection = b_inspection(world)
    finding, _ = Finding.objects.get_or_create(
        inspection=inspection,
        enterprise=inspection.enterprise,
        defaults={
            "area_path": inspection.area_path,
            "description": "未测温",
            "deadline": timezone.localdate(),
        },
    )
    return finding


def b_photo(world) -> InspectionPhoto:
    inspection = b_inspection(world)
    photo, _ = InspectionPhoto.objects.get_or_create(
        inspection=inspection,
        defaults={
            "file": "supervision/none.jpg",
            "name": "现场.jpg",
            "content_type": "image/jpeg",
            "size": 10,
        },
    )
    return photo


def b_violation(world) -> Violation:
    inspection = b_inspection(world)
    violation, _ = Violation.objects.get_or_create(
        inspection=inspection,
        defaults={
            "enterprise": inspection.enterprise,
            "area_path": inspection.area_path,
            "description": "未测温",
            "occurred_on": inspection.date,
            "window_days": 90,
            "sequence": 3,
            "proposed_step": "officer",
            "recorded_by": world.users["street_B"],
        },
    )
    return violation


def b_listing(world) -> Listing:
    violation = b_violation(world)
    listing, _ = Listing.objects.get_or_create(
        enterprise=violation.enterprise,
        defaults={
            "area_path": violation.area_path,
            "violation": violation,
            "reason": "屡次违规",
            "proposed_by": world.users["street_B"],
        },
    )
    return listing


TARGETS = {
    "photo": b_photo,
    "finding": b_finding,
    "inspection": b_inspection,
    "violation": b_violation,
    "statement": b_violation,
    "listing": b_listing,
}
