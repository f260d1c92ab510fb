"""Keeping the rate aggregates current.

Every change to an input of a rate is applied as a delta to the rows of each ancestor of the
enterprise's area (district, street, community, grid), so a figure for any node is a read of a few
rows, never a scan of raw rows. ``status_rebuild`` and ``daily_rebuild`` recompute them from
scratch (after bulk loads, and as a nightly consistency check).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from fugong.areas.models import PATH_SEP, Area

from .choices import EXPECTED_STATES, RESUMED_STATES
from .models import DailyTally, StatusTally

STATUS_FIELDS = ("registered", "out_of_scope", "resumed", "expected")
DAILY_FIELDS = (
    "reports",
    "staff_on_duty",
    "staff_total",
    "duty_ratio_sum",
    "output_pct_sum",
    "output_weighted",
)


@dataclass(frozen=True)
class Key:
    area_path: str
    category: str
    industry: str


def area_ids(paths: Iterable[str]) -> dict[str, list[int]]:
    """For each area path, the ids of the node and all its ancestors (one query for all paths)."""
    paths = set(paths)
    codes = {code for path in paths for code in path.split(PATH_SEP) if code}
    by_code = dict(Area.objects.filter(code__in=codes).values_list("code", "id"))
    return {path: [by_code[c] for c in path.split(PATH_SEP) if c in by_code] for path in paths}


def status_contribution(*, state: str | None, out_of_scope: bool) -> dict[str, int]:
    return {
        "registered": 1,
        "out_of_scope": 1 if out_of_scope else 0,
        "resumed": 1 if (not out_of_scope and state in RESUMED_STATES) else 0,
        "expected": 1 if (not out_of_scope and state in EXPECTED_STATES) else 0,
    }


def report_contribution(*, staff_on_duty: int, staff_total: int, output_pct: int) -> dict[str, float]:
    return {
        "reports": 1,
        "staff_on_duty": staff_on_duty,
        "staff_total": staff_total,
        "duty_ratio_sum": staff_on_duty / staff_total if staff_total else 0.0,
        "output_pct_sum": output_pct,
        "output_weighted": output_pct * staff_total,
    }


def _add(model, lookup: dict, delta: dict) -> None:
    """Increment one aggregate row, creating it when missing (safe under concurrent writers)."""
    delta = {k: v for k, v in delta.items() if v}
    if not delta:
        return
    increments = {k: F(k) + v for k, v in delta.items()}
    if model.objects.filter(**lookup).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **delta)
    except IntegrityError:  # another writer created it first: increment theirs
        model.objects.filter(**lookup).update(**increments)


def apply_status(changes: Iterable[tuple[Key, dict]]) -> None:
    """Apply (key, delta) pairs to StatusTally for the key's node and every ancestor."""
    totals: Counter = Counter()
    changes = list(changes)
    ids = area_ids(key.area_path for key, _ in changes)
    for key, delta in changes:
        for area_id in ids[key.area_path]:
            for field, value in delta.items():
                totals[(area_id, key.category, key.industry, field)] += value
    _flush(StatusTally, totals, {})


def apply_daily(date, changes: Iterable[tuple[Key, dict]]) -> None:
    totals: Counter = Counter()
    changes = list(changes)
    ids = area_ids(key.area_path for key, _ in changes)
    for key, delta in changes:
        for area_id in ids[key.area_path]:
            for field, value in delta.items():
                totals[(area_id, key.category, key.industry, field)] += value
    _flush(DailyTally, totals, {"date": date})


SMALL_FLUSH = 4  # up to this many rows (one enterprise: its node and ancestors), atomic F() increments; above, one locked bulk read-modify-write


def _flush(model, totals: Counter, extra: dict) -> None:
    rows: dict[tuple, dict] = {}
    for (area_id, category, industry, field), value in totals.items():
        if value:
            rows.setdefault((area_id, category, industry), {})[field] = value
    if len(rows) <= SMALL_FLUSH:
        for (area_id, category, industry), delta in sorted(rows.items()):
            _add(model, {"area_id": area_id, "category": category, "industry": industry, **extra}, delta)
        return
    _bulk_add(model, rows, extra)


@transaction.atomic
def _bulk_add(model, rows: dict[tuple, dict], extra: dict) -> None:
    """Many rows at once (a bulk import): make sure they exist, lock them, add, write back."""
    model.objects.bulk_create(
        [model(area_id=a, category=c, industry=i, **extra) for a, c, i in rows],
        ignore_conflicts=True,
        batch_size=2000,
    )
    area_ids_ = sorted({a for a, _, _ in rows})
    locked = model.objects.select_for_update().filter(area_id__in=area_ids_, **extra).order_by("pk")
    fields: set[str] = set()
    changed = []
    for obj in locked:
        delta = rows.get((obj.area_id, obj.category, obj.industry))
        if not delta:
            continue
        for field, value in delta.items():
            setattr(obj, field, (getattr(obj, field) or 0) + value)
            fields.add(field)
        changed.append(obj)
    model.objects.bulk_update(changed, sorted(fields), batch_size=1000)


def negate(delta: dict) -> dict:
    return {k: -v for k, v in delta.items()}


@transaction.atomic
def status_rebuild() -> int:
    """Recompute StatusTally from the registry and the statuses; returns the number of rows."""
    from fugong.enterprises.models import Enterprise

    rows = Enterprise.objects.values_list(
        "area_path", "category", "industry", "status__state", "status__out_of_scope"
    ).iterator(chunk_size=5000)
    totals: Counter = Counter()
    per_key: Counter = Counter()
    for path, category, industry, state, out in rows:
        for field, value in status_contribution(state=state, out_of_scope=bool(out)).items():
            per_key[(path, category, industry, field)] += value
    ids = area_ids(path for path, *_ in per_key)
    for (path, category, industry, field), value in per_key.items():
        for area_id in ids[path]:
            totals[(area_id, category, industry, field)] += value
    StatusTally.objects.all().delete()
    objs: dict[tuple, StatusTally] = {}
    for (area_id, category, industry, field), value in totals.items():
        obj = objs.setdefault(
            (area_id, category, industry), StatusTally(area_id=area_id, category=category, industry=industry)
        )
        setattr(obj, field, value)
    StatusTally.objects.bulk_create(objs.values(), batch_size=2000)
    return len(objs)


@transaction.atomic
def daily_rebuild(date) -> int:
    """Recompute the report columns of DailyTally for ``date`` from that day's reports."""
    from .models import DailyReport

    reports = DailyReport.objects.filter(date=date).values_list(
        "area_path",
        "enterprise__category",
        "enterprise__industry",
        "staff_on_duty",
        "staff_total",
        "output_pct",
    )
    changes = [
        (Key(p, c, i), report_contribution(staff_on_duty=d, staff_total=t, output_pct=o))
        for p, c, i, d, t, o in reports
    ]
    DailyTally.objects.filter(date=date).update(**dict.fromkeys(DAILY_FIELDS, 0))
    apply_daily(date, changes)
    return len(changes)


@transaction.atomic
def snapshot_status(date) -> int:
    """Copy today's StatusTally counts into DailyTally for ``date`` (the evening job), for the trend."""
    current = {(t.area_id, t.category, t.industry): t for t in StatusTally.objects.all()}
    existing = {(d.area_id, d.category, d.industry): d for d in DailyTally.objects.filter(date=date)}
    new, changed = [], []
    for key, tally in current.items():
        row = existing.get(key) or DailyTally(date=date, area_id=key[0], category=key[1], industry=key[2])
        for name in STATUS_FIELDS:
            setattr(row, name, getattr(tally, name))
        (changed if row.pk else new).append(row)
    DailyTally.objects.bulk_create(new, batch_size=2000)
    DailyTally.objects.bulk_update(changed, list(STATUS_FIELDS), batch_size=2000)
    return len(current)
