"""Filings, daily reports, the command page and the evening summaries for the scope matrix
(tests/test_scope_matrix.py, tests/scope.py).

A filing or a report is seen wherever its enterprise is (its street and community, its commissioner,
its sector's department, its own admin); the street reviews filings; the street and the department
adjust an enterprise's status; summary runs belong to their area's subtree (departments see none)."""

from django.utils import timezone

from fugong.resumption.models import DailyReport, Filing, SummaryRun
from tests.scope import (
    COMMISSIONER,
    COMMUNITY,
    ENTERPRISE,
    SECTOR,
    STREET,
    Listing,
    Target,
    grant,
)


def enterprise(world, side):
    return world.enterprises[side.enterprise]


def filing(world, side) -> Filing:
    """A filing of the side's enterprise, submitted and waiting in its street's queue."""
    firm = enterprise(world, side)
    return Filing.objects.get_or_create(
        enterprise=firm,
        status="submitted",
        defaults={
            "area_path": firm.area_path,
            "category": firm.category,
            "mode": "review",
            "planned_date": timezone.localdate(),
            "holder_area": world.areas[side.street],
            "submitted_at": timezone.now(),
        },
    )[0]


def report(world, side) -> DailyReport:
    firm = enterprise(world, side)
    return DailyReport.objects.get_or_create(
        enterprise=firm,
        date=timezone.localdate(),
        defaults={
            "area_path": firm.area_path,
            "staff_on_duty": 1,
            "staff_total": 2,
            "output_pct": 50,
            "masks_stock": 10,
            "disinfectant_kg": 1,
            "created_by": world.users["sysadmin"],
            "updated_by": world.users["sysadmin"],
        },
    )[0]


def reporting(world, side):
    """The side's enterprise, approved to resume: it owes a daily report (none filed yet)."""
    from tests.resumption.conftest import make_reporting

    make_reporting(world, side.enterprise)
    return enterprise(world, side)


def resumed(world, side):
    """The side's enterprise, back at work (as counted by the command page)."""
    from fugong.resumption import services
    from fugong.resumption.choices import EnterpriseState
    from fugong.resumption.models import EnterpriseStatus

    firm = reporting(world, side)  # approved first: the flow goes 已批准 → 已复工
    if not EnterpriseStatus.objects.filter(enterprise=firm, state=EnterpriseState.RESUMED).exists():
        services.status_set(actor=world.users["sysadmin"], enterprise=firm, state=EnterpriseState.RESUMED)
    return firm


def run(world, side) -> SummaryRun:
    """Today's evening summary of the side's community."""
    area = world.areas[side.area]
    return SummaryRun.objects.get_or_create(
        date=timezone.localdate(),
        area=area,
        defaults={"area_path": area.path, "status": "done", "text": f"{area.name}汇总", "rows": []},
    )[0]


def condition(world, side):
    """A condition of the district's settings (no area: the grant is the boundary)."""
    from fugong.resumption.models import Condition

    return Condition.objects.get_or_create(
        code="scope_matrix",
        defaults={"title": "防控方案", "rule": "plan", "effective_from": timezone.localdate()},
    )[0]


def enterprise_name(row) -> str:
    return row.enterprise.name


SEEN = (STREET, COMMUNITY, COMMISSIONER, SECTOR, ENTERPRISE)
MONITORED = (STREET, COMMUNITY, COMMISSIONER, SECTOR)  # 日报 monitoring: the officials
ADJUSTED = (STREET, SECTOR)
RATES = (STREET, COMMUNITY)
DISTRICT = grant(
    "sysadmin", "street_A", "leader"
)  # the settings are the district's  # the rates and summaries: not the commissioner, not a department

TARGETS = {
    "resumption:filing_detail": Target(filing, *SEEN),
    "api-1.0.0:get_filing": Target(filing, *SEEN),
    "api-1.0.0:submit_filing": Target(filing, ENTERPRISE),
    "api-1.0.0:decide_filing": Target(
        filing,
        STREET,
        data=lambda f: {"decision": "return", "reason": "请补充员工名单", "version": f.version},
    ),
    "resumption:report_detail": Target(report, *SEEN),
    "api-1.0.0:get_report": Target(report, *SEEN),
    "resumption:enterprise_out_of_scope": Target(enterprise, *ADJUSTED),
    "resumption:enterprise_status": Target(enterprise, *ADJUSTED),
    "api-1.0.0:set_enterprise_out_of_scope": Target(
        enterprise, *ADJUSTED, data=lambda e: {"out_of_scope": True, "reason": "已停业"}
    ),
    "api-1.0.0:set_enterprise_status": Target(
        resumed, *ADJUSTED, data=lambda e: {"state": "suspended", "reason": "消毒记录缺失"}
    ),
    "api-1.0.0:end_condition": Target(
        condition, DISTRICT, data=lambda c: {"effective_to": str(timezone.localdate())}
    ),
    "api-1.0.0:update_policy": Target(
        lambda world, side: {"category": "commerce"},
        DISTRICT,
        data=lambda made: {"mode": "review", "review_working_days": 3},
    ),
    "resumption:summary_run_download": Target(run, *RATES),
    "api-1.0.0:summary_run_detail": Target(run, *RATES),
    "api-1.0.0:summary_run_xlsx": Target(run, *RATES),
}
LISTS = {
    "resumption:review_queue": Listing(filing, enterprise_name, STREET),
    "api-1.0.0:filing_queue": Listing(filing, enterprise_name, STREET),
    "api-1.0.0:list_filings": Listing(filing, enterprise_name, *SEEN),
    "resumption:report_list": Listing(report, enterprise_name, *MONITORED),
    "api-1.0.0:list_reports": Listing(report, enterprise_name, *SEEN),
    "resumption:reports_missing": Listing(reporting, lambda e: e.name, *MONITORED),
    "api-1.0.0:missing_reports": Listing(reporting, lambda e: e.name, *MONITORED),
    "resumption:reports_missing_export": Listing(reporting, lambda e: e.name, *MONITORED),
    "api-1.0.0:export_missing_reports": Listing(reporting, lambda e: e.name, *MONITORED),
    # The command page's list behind a figure (by default: the enterprises that resumed).
    "resumption:drilldown": Listing(resumed, lambda e: e.name, STREET, COMMUNITY, SECTOR),
    "api-1.0.0:summary_runs": Listing(run, lambda r: r.area.name, *RATES),
}
PAGES = {
    "resumption:filing_mine": "ent_admin_A",
    "resumption:filing_edit": "ent_admin_A",
    "resumption:filing_submit": "ent_admin_A",
    "resumption:roster_template": "ent_admin_A",
    "resumption:report_today": "ent_admin_A",
    "resumption:report_list_mine": "ent_admin_A",
    "api-1.0.0:save_filing": "ent_admin_A",
    "api-1.0.0:submit_report": "ent_admin_A",
    "resumption:bulk_filing": "community_A",
    "resumption:review_overdue": "leader",
    "resumption:command": "street_A",
    "resumption:summary": "street_A",
    "resumption:summary_xlsx": "street_A",
    "api-1.0.0:rates_figures": "street_A",
    "api-1.0.0:rates_children": "street_A",
    "api-1.0.0:rates_breakdown": "street_A",
    "api-1.0.0:rates_trend": "street_A",
    "api-1.0.0:summary": "street_A",
    "resumption:settings": "sysadmin",
    "api-1.0.0:resumption_settings": "sysadmin",
    "api-1.0.0:add_condition": "sysadmin",
    "api-1.0.0:publish_commitment": "sysadmin",
    "api-1.0.0:bulk_file": "community_A",
    "resumption:summary_run_start": "sysadmin",
    "api-1.0.0:summary_run_start": "sysadmin",
}
