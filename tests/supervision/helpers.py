"""Building blocks for the supervision tests: a complete inspection, a violation."""

import datetime as dt

from django.utils import timezone

from fugong.supervision import rules, services


def items_all(result: str = "pass", on: dt.date | None = None) -> list[dict]:
    return [
        {"item_id": i.pk, "result": result, "note": ""}
        for i in rules.checklist_in_force(on or timezone.localdate())
    ]


def inspect(user, enterprise, *, on: dt.date | None = None, findings: list[dict] | None = None, **kwargs):
    on = on or timezone.localdate()
    items = items_all(on=on)
    if findings:
        items[0]["result"] = "fail"
    return services.inspection_record(
        actor=user, enterprise_id=enterprise.pk, date=on, items=items, findings=findings or [], **kwargs
    )


def violate(user, enterprise, *, on: dt.date | None = None, description: str = "未按要求测温"):
    inspection = inspect(
        user,
        enterprise,
        on=on,
        findings=[{"description": description, "deadline": on or timezone.localdate()}],
    )
    return services.violation_record(actor=user, inspection_id=inspection.pk, description=description)
