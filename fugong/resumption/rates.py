"""The rates (统计口径), read from the tallies: numerator, denominator and definition for each.

- 复工率 = enterprises resumed (已复工 / 整改后复工) ÷ enterprises registered in scope, excluding
  those marked out of scope (stopped anyway).
- 到岗率 = staff on duty ÷ staff total, over the day's reports; pooled (Σ÷Σ) and the average of the
  reporting firms' own rates side by side.
- 产能恢复率 = output as % of normal, as reported by each firm; pooled weighted by staff total, and the
  plain average of firms.

Today's enterprise counts come from StatusTally (current); a past date's from the evening snapshot
in DailyTally (None when no snapshot was taken that day). Report figures always come from DailyTally.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area

from .models import DailyTally, StatusTally

DEFINITIONS = {  # lazy: read them through definitions() in the language of the request
    "resumption": _(
        "复工率 = 已复工企业数 ÷（登记企业数 − 不纳入统计企业数）。已复工含“已复工”和“整改后复工”；"
        "停产、注销等经核实不纳入统计的企业从分母中扣除。"
    ),
    "on_duty": _(
        "到岗率 = 当日到岗人数 ÷ 职工总数，按当日已报送日报的企业合计（比率）；"
        "“平均”为各企业到岗率的算术平均。"
    ),
    "capacity": _(
        "产能恢复率 = 企业自报的当日产出占正常产出的百分比；“比率”按职工总数加权，"
        "“平均”为各企业产能恢复率的算术平均。"
    ),
    "reporting": _(
        "日报报送率 = 当日已报送日报的企业数 ÷ 应报企业数。应报企业为已备案、已批准复工和已复工且纳入统计的企业；"
        "只有应报企业可以报送日报。"
    ),
}


def definitions() -> dict[str, str]:
    """The definitions as plain text in the active language (for JSON, templates and exports)."""
    return {key: str(text) for key, text in DEFINITIONS.items()}


@dataclass
class Ratio:
    numerator: float | None
    denominator: float | None

    @property
    def rate(self) -> float | None:
        if self.numerator is None or not self.denominator:
            return None
        return round(self.numerator / self.denominator, 4)

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "rate": self.rate}


@dataclass
class Figures:
    area_code: str
    area_name: str
    date: dt.date
    registered: int | None = None
    out_of_scope: int | None = None
    expected: int | None = None
    resumption: Ratio = field(default_factory=lambda: Ratio(None, None))
    on_duty: Ratio = field(default_factory=lambda: Ratio(None, None))
    on_duty_average: float | None = None
    capacity: Ratio = field(default_factory=lambda: Ratio(None, None))
    capacity_average: float | None = None
    reporting: Ratio = field(default_factory=lambda: Ratio(None, None))

    def as_dict(self) -> dict:
        data = asdict(self)
        for name in ("resumption", "on_duty", "capacity", "reporting"):
            data[name] = getattr(self, name).as_dict()
        data["date"] = self.date.isoformat()
        return data


def _filters(categories, industry) -> dict:
    filters = {}
    if categories:
        filters["category__in"] = list(categories)
    if industry:
        filters["industry"] = industry
    return filters


STATUS_SUMS = {name: Sum(name) for name in ("registered", "out_of_scope", "resumed", "expected")}
REPORT_SUMS = {
    name: Sum(name)
    for name in (
        "reports",
        "staff_on_duty",
        "staff_total",
        "duty_ratio_sum",
        "output_pct_sum",
        "output_weighted",
    )
}


def _status_counts(areas: list[Area], day: dt.date, filters: dict) -> dict[int, dict]:
    ids = [a.pk for a in areas]
    if day >= timezone.localdate():
        rows = (
            StatusTally.objects.filter(area_id__in=ids, **filters).values("area_id").annotate(**STATUS_SUMS)
        )
    else:
        rows = (
            DailyTally.objects.filter(area_id__in=ids, date=day, registered__isnull=False, **filters)
            .values("area_id")
            .annotate(**STATUS_SUMS)
        )
    return {row["area_id"]: row for row in rows}


def _report_sums(areas: list[Area], day: dt.date, filters: dict) -> dict[int, dict]:
    rows = (
        DailyTally.objects.filter(area_id__in=[a.pk for a in areas], date=day, **filters)
        .values("area_id")
        .annotate(**REPORT_SUMS)
    )
    return {row["area_id"]: row for row in rows}


def _figures(area: Area, day: dt.date, status: dict | None, reports: dict | None) -> Figures:
    f = Figures(area_code=area.code, area_name=area.name, date=day)
    if status is not None or day >= timezone.localdate():
        status = status or {"registered": 0, "out_of_scope": 0, "resumed": 0, "expected": 0}
        f.registered, f.out_of_scope = status["registered"] or 0, status["out_of_scope"] or 0
        f.expected = status.get("expected") or 0
        f.resumption = Ratio(status["resumed"] or 0, f.registered - f.out_of_scope)
    r = reports or {}
    count = r.get("reports") or 0
    f.on_duty = Ratio(r.get("staff_on_duty") or 0, r.get("staff_total") or 0)
    f.on_duty_average = round(r["duty_ratio_sum"] / count, 4) if count else None
    # Output is stored in percent: the pooled rate divides Σ(% × staff) by Σ staff × 100.
    f.capacity = Ratio((r.get("output_weighted") or 0) / 100, r.get("staff_total") or 0)
    f.capacity_average = round(r["output_pct_sum"] / count / 100, 4) if count else None
    f.reporting = Ratio(count, f.expected)
    return f


def figures_for(
    areas: list[Area], *, day: dt.date | None = None, categories=None, industry=None
) -> list[Figures]:
    """Figures for several nodes at once (a node and its children, for ranking): two queries."""
    day = day or timezone.localdate()
    filters = _filters(categories, industry)
    status = _status_counts(areas, day, filters)
    reports = _report_sums(areas, day, filters)
    return [_figures(a, day, status.get(a.pk), reports.get(a.pk)) for a in areas]


def figures(area: Area, *, day: dt.date | None = None, categories=None, industry=None) -> Figures:
    return figures_for([area], day=day, categories=categories, industry=industry)[0]


def breakdown(area: Area, *, by: str, day: dt.date | None = None, categories=None) -> list[dict]:
    """The node's figures split by ``category`` or ``industry``: one row per value present."""
    day = day or timezone.localdate()
    filters = _filters(categories, None)
    if day >= timezone.localdate():
        status_rows = StatusTally.objects.filter(area=area, **filters).values(by).annotate(**STATUS_SUMS)
    else:
        status_rows = (
            DailyTally.objects.filter(area=area, date=day, registered__isnull=False, **filters)
            .values(by)
            .annotate(**STATUS_SUMS)
        )
    report_rows = DailyTally.objects.filter(area=area, date=day, **filters).values(by).annotate(**REPORT_SUMS)
    status = {row[by]: row for row in status_rows}
    reports = {row[by]: row for row in report_rows}
    result = []
    for value in sorted(set(status) | set(reports)):
        f = _figures(area, day, status.get(value), reports.get(value))
        result.append({by: value, "figures": f})
    return result


def trend(
    area: Area, *, days: int = 30, end: dt.date | None = None, categories=None, industry=None
) -> list[Figures]:
    """One Figures per day over ``days`` days ending ``end`` (today's counts from the live tally)."""
    end = end or timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    filters = _filters(categories, industry)
    status_rows = (
        DailyTally.objects.filter(area=area, date__range=(start, end), registered__isnull=False, **filters)
        .values("date")
        .annotate(**STATUS_SUMS)
    )
    report_rows = (
        DailyTally.objects.filter(area=area, date__range=(start, end), **filters)
        .values("date")
        .annotate(**REPORT_SUMS)
    )
    status = {row["date"]: row for row in status_rows}
    reports = {row["date"]: row for row in report_rows}
    if end >= timezone.localdate():
        status[end] = _status_counts([area], end, filters).get(area.pk) or status.get(end)
    return [
        _figures(
            area,
            start + dt.timedelta(days=i),
            status.get(start + dt.timedelta(days=i)),
            reports.get(start + dt.timedelta(days=i)),
        )
        for i in range(days)
    ]


def breakdown_filtered(
    area: Area, *, by: str, day: dt.date | None = None, categories=None, industry=None
) -> list[dict]:
    """As ``breakdown``, and also limited to one industry (the command page's industry filter)."""
    day = day or timezone.localdate()
    filters = _filters(categories, industry)
    if day >= timezone.localdate():
        status_rows = StatusTally.objects.filter(area=area, **filters).values(by).annotate(**STATUS_SUMS)
    else:
        status_rows = (
            DailyTally.objects.filter(area=area, date=day, registered__isnull=False, **filters)
            .values(by)
            .annotate(**STATUS_SUMS)
        )
    report_rows = DailyTally.objects.filter(area=area, date=day, **filters).values(by).annotate(**REPORT_SUMS)
    status = {row[by]: row for row in status_rows}
    reports = {row[by]: row for row in report_rows}
    return [
        {by: value, "figures": _figures(area, day, status.get(value), reports.get(value))}
        for value in sorted(set(status) | set(reports))
    ]
