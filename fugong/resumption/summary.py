"""The daily summary (日报) to the level above: one row per sub-area and a total, as a table and as
a Chinese text in the style of the district's own reports ("截至3月17日，全区上报企业6481家，……").

Every figure is read through ``rates.figures_for`` (the tallies), never from raw rows: a summary
for any number of nodes costs one query for their children and two for the figures.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fugong.areas.models import Area
from fugong.core.access import RATES_VIEW, Role
from fugong.core.scoping import get_visible_or_404
from fugong.core.xlsx import export_response, export_watermark
from fugong.enterprises.choices import Category

from . import rates

COLUMNS = [
    ("name", "辖区"),
    ("registered", "登记企业（家）"),
    ("out_of_scope", "不纳入统计（家）"),
    ("in_scope", "应复工（家）"),
    ("resumed", "已复工（家）"),
    ("resumption_rate", "复工率（%）"),
    ("reports", "报送日报企业（家）"),
    ("staff_on_duty", "到岗人数"),
    ("staff_total", "职工总数"),
    ("on_duty_rate", "到岗率·比率（%）"),
    ("on_duty_average", "到岗率·平均（%）"),
    ("capacity_rate", "产能恢复率·比率（%）"),
    ("capacity_average", "产能恢复率·平均（%）"),
]
RATE_FIELDS = {"resumption_rate", "on_duty_rate", "on_duty_average", "capacity_rate", "capacity_average"}
TOTAL_NAME = "合计"
DIRECT_NAME = "本级直属"


def _ratio(numerator, denominator) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass
class Row:
    """One line of the table; rates are fractions (0.952), None when there is nothing to divide."""

    code: str
    name: str
    registered: int | None
    out_of_scope: int | None
    in_scope: int | None
    resumed: int | None
    reports: int
    staff_on_duty: int
    staff_total: int
    on_duty_average: float | None
    capacity_average: float | None
    capacity_weighted: float = 0.0  # Σ output share × staff total, for the pooled capacity rate

    @classmethod
    def from_figures(cls, f: rates.Figures, name: str | None = None) -> "Row":
        known = f.registered is not None
        return cls(
            code=f.area_code,
            name=name or f.area_name,
            registered=f.registered,
            out_of_scope=f.out_of_scope,
            in_scope=f.registered - f.out_of_scope if known else None,
            resumed=int(f.resumption.numerator or 0) if known else None,
            reports=int(f.reporting.numerator or 0),
            staff_on_duty=int(f.on_duty.numerator or 0),
            staff_total=int(f.on_duty.denominator or 0),
            on_duty_average=f.on_duty_average,
            capacity_average=f.capacity_average,
            capacity_weighted=float(f.capacity.numerator or 0),
        )

    @property
    def resumption_rate(self) -> float | None:
        return _ratio(self.resumed, self.in_scope)

    @property
    def on_duty_rate(self) -> float | None:
        return _ratio(self.staff_on_duty, self.staff_total)

    @property
    def capacity_rate(self) -> float | None:
        return _ratio(self.capacity_weighted, self.staff_total)

    def as_dict(self, *, precise: bool = False) -> dict:
        """Plain values; rates rounded to 4 decimals as the rates API gives them, unless ``precise``."""
        data = asdict(self)
        data.pop("capacity_weighted")
        for name in ("resumption_rate", "on_duty_rate", "capacity_rate"):
            data[name] = getattr(self, name)
        if not precise:
            for name in RATE_FIELDS:
                data[name] = round(data[name], 4) if data[name] is not None else None
        return data

    def display(self) -> list[str]:
        """The cells as shown on the page: counts as digits, rates as percentages, "—" when unknown."""
        data = self.as_dict(precise=True)
        return [
            percent(data[key]) if key in RATE_FIELDS else ("—" if data[key] is None else str(data[key]))
            for key, _ in COLUMNS[1:]
        ]

    def cells(self) -> list:
        return stored_cells(self.as_dict(precise=True))


def _minus(total: Row, parts: list[Row]) -> Row | None:
    """What the node holds directly (enterprises registered on the node itself, not on a child)."""

    def left(name):
        value = getattr(total, name)
        if value is None or any(getattr(p, name) is None for p in parts):
            return None
        return value - sum(getattr(p, name) for p in parts)

    row = Row(
        code=total.code,
        name=DIRECT_NAME,
        registered=left("registered"),
        out_of_scope=left("out_of_scope"),
        in_scope=left("in_scope"),
        resumed=left("resumed"),
        reports=left("reports"),
        staff_on_duty=left("staff_on_duty"),
        staff_total=left("staff_total"),
        on_duty_average=None,
        capacity_average=None,
        capacity_weighted=left("capacity_weighted") or 0.0,
    )
    return row if (row.registered or row.reports) else None


@dataclass
class Summary:
    area_code: str
    area_name: str
    scope_name: str  # 全区 for the district, the node's own name otherwise
    date: dt.date
    categories: list[str] = field(default_factory=list)  # empty: every category
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    text: str = ""

    @property
    def status_available(self) -> bool:
        return self.total is not None and self.total.registered is not None

    @property
    def title(self) -> str:
        return f"{self.area_name}复工复产日报（{self.date.isoformat()}）"

    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories]

    def as_dict(self) -> dict:
        return {
            "area": self.area_code,
            "area_name": self.area_name,
            "date": self.date.isoformat(),
            "categories": self.categories,
            "text": self.text,
            "status_available": self.status_available,
            "rows": [r.as_dict() for r in self.rows],
            "total": self.total.as_dict() if self.total else None,
            "definitions": rates.definitions(),
        }


# --- building -----------------------------------------------------------------------------------


def _children(areas: list[Area]) -> dict[int, list[Area]]:
    children: dict[int, list[Area]] = defaultdict(list)
    for child in Area.objects.filter(parent__in=[a.pk for a in areas]).order_by("sort_order", "path"):
        children[child.parent_id].append(child)
    return children


def scope_name(area: Area) -> str:
    return "全区" if area.parent_id is None else area.name


def build_summaries(areas: list[Area], *, day: dt.date, categories=None) -> list[Summary]:
    """The summaries of several nodes at once: three queries whatever their number."""
    children = _children(areas)
    nodes = list({a.pk: a for a in [*areas, *(c for a in areas for c in children[a.pk])]}.values())
    figures = {f.area_code: f for f in rates.figures_for(nodes, day=day, categories=categories or None)}
    result = []
    for area in areas:
        rows = [Row.from_figures(figures[c.code]) for c in children[area.pk]]
        total = Row.from_figures(figures[area.code], name=TOTAL_NAME)
        direct = _minus(total, rows)
        summary = Summary(
            area_code=area.code,
            area_name=area.name,
            scope_name=scope_name(area),
            date=day,
            categories=sorted(categories or []),
            rows=rows + ([direct] if direct else []),
            total=total,
        )
        summary.text = summary_text(summary)
        result.append(summary)
    return result


def build_summary(*, area: Area, day: dt.date, categories=None) -> Summary:
    return build_summaries([area], day=day, categories=categories)[0]


# --- the text -----------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    """0.9523 → "95.2%", 1.0 → "100%"; None → "—"."""
    if value is None:
        return "—"
    return f"{_tenths(value)}".removesuffix(".0") + "%"


def _tenths(value: float) -> Decimal:
    """Percent to one decimal, rounded half up as officials round (56.25 → 56.3)."""
    return Decimal(repr(round(value * 100, 9))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_number(value: float | None) -> float | None:
    return float(_tenths(value)) if value is not None else None


def _status_phrase(row: Row, *, lead: str) -> str:
    if row.registered is None:
        return f"{lead}企业复工数据暂缺（当日未留存晚间快照）"
    if not row.registered:
        return f"{lead}暂无登记企业"
    excluded = f"（不纳入统计{row.out_of_scope}家）" if row.out_of_scope else ""
    return (
        f"{lead}登记企业{row.registered}家{excluded}，复工复产{row.resumed}家，"
        f"复工复产率{percent(row.resumption_rate)}"
    )


def _report_phrase(row: Row) -> str:
    if not row.reports:
        return "当日无企业报送日报"
    return (
        f"报送日报企业{row.reports}家，到岗员工{row.staff_on_duty}人，到岗率{percent(row.on_duty_rate)}"
        f"（各企业平均{percent(row.on_duty_average)}），产能恢复率{percent(row.capacity_rate)}"
        f"（各企业平均{percent(row.capacity_average)}）"
    )


def _row_phrase(row: Row) -> str:
    text = _status_phrase(row, lead=row.name)
    if row.registered is None or row.registered:
        text += f"，到岗率{percent(row.on_duty_rate)}" if row.reports else "，当日无日报"
    return text


def summary_text(summary: Summary) -> str:
    day = summary.date
    lead = summary.scope_name
    if summary.categories:
        lead += "（" + "、".join(summary.category_labels()) + "）"
    text = f"截至{day.month}月{day.day}日，{_status_phrase(summary.total, lead=lead)}；{_report_phrase(summary.total)}。"
    if summary.rows:
        text += "其中，" + "；".join(_row_phrase(r) for r in summary.rows) + "。"
    return text


# --- for a user ---------------------------------------------------------------------------------


def user_categories(user) -> list[str]:
    """The categories a user's figures are limited to (a department officer's sectors); [] = all."""
    if user.role != Role.DEPARTMENT_OFFICER:
        return []
    sectors = list(user.department.sector_categories) if user.department_id else []
    if not sectors:
        raise PermissionDenied("您所在部门未设置主管企业类别，无法查看汇总数据")
    return sectors


def default_area(user) -> Area | None:
    if user.scope_area_id and not user.is_sysadmin:
        return user.scope_area
    return Area.objects.visible_to(user).filter(parent__isnull=True).order_by("sort_order", "path").first()


def parse_day(value: str | None) -> dt.date:
    today = timezone.localdate()
    if not value:
        return today
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({"date": "日期格式不正确，应为 YYYY-MM-DD"}) from None
    if day > today:
        raise ValidationError({"date": "日期不能晚于今天"})
    return day


def summary_area(*, user, code: str | None) -> Area:
    """The node asked for, or the user's own; out of scope or missing is a 404 (after the 403 check)."""
    if not user.can(RATES_VIEW):
        raise PermissionDenied("您无权查看复工复产汇总")
    if code:
        return get_visible_or_404(Area, user, code=code.strip())
    area = default_area(user)
    if area is None:
        raise PermissionDenied("您没有可查看的辖区")
    return area


def summary_for(*, user, code: str | None, day: dt.date) -> Summary:
    area = summary_area(user=user, code=code)
    return build_summary(area=area, day=day, categories=user_categories(user))


# --- xlsx ---------------------------------------------------------------------------------------


def summary_xlsx(summary: Summary, user, *, note: str = ""):
    """The table as a watermarked xlsx: one row per sub-area, then the total."""
    rows = [r.cells() for r in summary.rows] + ([summary.total.cells()] if summary.total else [])
    return rows_xlsx(
        rows, title=summary.title, filename=_filename(summary.area_name, summary.date), user=user, note=note
    )


def rows_xlsx(rows: list[list], *, title: str, filename: str, user, note: str = ""):
    watermark = export_watermark(user) + (f"  {note}" if note else "")
    return export_response(
        [label for _, label in COLUMNS], rows, filename=filename, title=title, watermark=watermark
    )


def _filename(area_name: str, day: dt.date) -> str:
    return f"复工复产日报_{area_name}_{day.isoformat()}.xlsx"


def stored_cells(row: dict) -> list:
    """A stored row (``Row.as_dict``) as the cells of the xlsx."""
    return [percent_number(row.get(key)) if key in RATE_FIELDS else row.get(key) for key, _ in COLUMNS]


def run_xlsx(run, user):
    """An evening run's stored table, watermarked with who downloads it (the figures stay as produced)."""
    finished = timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else ""
    return rows_xlsx(
        [stored_cells(r) for r in run.rows],
        title=f"{run.area.name}复工复产日报（{run.date.isoformat()}）",
        filename=_filename(run.area.name, run.date),
        user=user,
        note=f"晚间日报，生成于 {finished}",
    )
