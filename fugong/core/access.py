"""Roles, the kind of scope each takes, and what each may do (the ground floor: every app reads it).

Capabilities are coarse ("may create enterprises"); *which* rows a user reaches is decided by the
scope filters of each model (core.scoping). Both must allow an action.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_LEADER = "district_leader", _("区级领导")
    DEPARTMENT_OFFICER = "department_officer", _("部门人员")
    STREET_OFFICER = "street_officer", _("街镇园区干部")
    COMMUNITY_WORKER = "community_worker", _("社区网格员")
    COMMISSIONER = "commissioner", _("驻企服务专员")
    MEDIC = "medic", _("包企医护人员")
    SITE_STAFF = "site_staff", _("隔离点工作人员")
    ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
    EMPLOYEE = "employee", _("员工")
    CHECKPOINT_GUARD = "checkpoint_guard", _("卡口值守")
    RESIDENT = "resident", _("居民")
    SYSADMIN = "sysadmin", _("系统管理员")


class ScopeKind(models.TextChoices):
    NONE = "none", _("全局")
    AREA = "area", _("区划")
    ENTERPRISE = "enterprise", _("企业")


ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.EMPLOYEE})
AREA_ROLES = frozenset(set(Role) - ENTERPRISE_ROLES - {Role.SYSADMIN})

# The level of the tree at which each area role's scope may sit (0 district … 3 grid).
ROLE_LEVELS = {
    Role.DISTRICT_LEADER: {0},
    Role.DEPARTMENT_OFFICER: {0},
    Role.STREET_OFFICER: {1},
    Role.COMMUNITY_WORKER: {2, 3},
    Role.COMMISSIONER: {0, 1},
    Role.MEDIC: {0, 1, 2},
    Role.SITE_STAFF: {0, 1, 2},
    Role.CHECKPOINT_GUARD: {2, 3},
    Role.RESIDENT: {2, 3},
}


def scope_kind(role: str) -> str:
    if role == Role.SYSADMIN:
        return ScopeKind.NONE
    if role in ENTERPRISE_ROLES:
        return ScopeKind.ENTERPRISE
    return ScopeKind.AREA


# Coarse capabilities per role.
ENTERPRISE_VIEW = "enterprise.view"
ENTERPRISE_CREATE = "enterprise.create"
ENTERPRISE_CHANGE = "enterprise.change"
ENTERPRISE_IMPORT = "enterprise.import"
ENTERPRISE_EXPORT = "enterprise.export"
ENTERPRISE_ASSIGN = "enterprise.assign"
PERSONAL_UNMASK = "personal.unmask"
USER_MANAGE = "user.manage"
AREA_VIEW = "area.view"
AREA_IMPORT = "area.import"
GROUP_MANAGE = "group.manage"
FILING_SUBMIT = "filing.submit"  # fill and submit one's own enterprise's filing and daily reports
FILING_REVIEW = "filing.review"  # review filings of one's street, town or park
REPORT_MONITOR = "report.monitor"  # follow filings and daily reports (missing reports, queues)
RATES_VIEW = "rates.view"  # the command page and the daily summary
RESUMPTION_CONFIGURE = "resumption.configure"  # conditions, modes, commitment text (district level)
FILING_BULK = "filing.bulk"  # file individual businesses in bulk for one's community or street
FILING_OVERSEE = "filing.oversee"  # see overdue filings across the streets (the level above)
COVERAGE_VIEW = "supervision.coverage"  # who covers which enterprise, and which have no one
INSPECT = "supervision.inspect"  # inspect enterprises in one's scope, record findings and violations
VIOLATION_DECIDE = "supervision.decide"  # confirm the step proposed for a violation; propose listing
DISHONESTY_APPROVE = "supervision.approve"  # the confirming officer for listing on / removal from 不诚信名单
SUPERVISION_CONFIGURE = "supervision.configure"  # the checklist, the escalation window, routing, due days
PROBLEM_REPORT = "ledger.report"  # record an enterprise's problem (enterprise, commissioner, hotline)
PROBLEM_HANDLE = "ledger.handle"  # work on problems routed to one's department or area, answer them
PROBLEM_OVERSEE = "ledger.oversee"  # the level above: escalated problems, approving extensions
NOTICE_PUBLISH = "notices.publish"  # publish notices to enterprises in one's scope
NOTICE_RECEIVE = "notices.receive"  # an enterprise's inbox of notices
PERSON_VIEW = "health.person_view"  # the person registry and files of people in one's scope
PERSON_MANAGE = "health.person_manage"  # register, correct and merge persons in one's scope
CHECKIN_SUBMIT = "health.checkin"  # one's own daily health check-in (and proxies for family)
CHECKIN_MONITOR = "health.checkin_monitor"  # check-ins, alerts and missed lists of enterprises in scope
RETURNEE_REGISTER = "quarantine.register"  # register returnees (community, employer)
QUARANTINE_MANAGE = "quarantine.manage"  # decide measures, quarantine orders and follow-ups in one's area
SITE_OPERATE = "quarantine.site"  # run one centralized quarantine site: check-in, rooms, check-out
QUARANTINE_CONFIGURE = "quarantine.configure"  # risk areas and rule sets (district level)

_OFFICIAL = {ENTERPRISE_VIEW, ENTERPRISE_EXPORT, AREA_VIEW, REPORT_MONITOR}
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset(
        {
            ENTERPRISE_VIEW,
            ENTERPRISE_CREATE,
            ENTERPRISE_CHANGE,
            ENTERPRISE_IMPORT,
            ENTERPRISE_EXPORT,
            ENTERPRISE_ASSIGN,
            PERSONAL_UNMASK,
            USER_MANAGE,
            AREA_VIEW,
            AREA_IMPORT,
            GROUP_MANAGE,
            FILING_REVIEW,
            REPORT_MONITOR,
            RATES_VIEW,
            RESUMPTION_CONFIGURE,
            FILING_BULK,
            FILING_OVERSEE,
            COVERAGE_VIEW,
            INSPECT,
            VIOLATION_DECIDE,
            DISHONESTY_APPROVE,
            SUPERVISION_CONFIGURE,
            PROBLEM_REPORT,
            PROBLEM_HANDLE,
            PROBLEM_OVERSEE,
            NOTICE_PUBLISH,
            PERSON_VIEW,
            PERSON_MANAGE,
            CHECKIN_MONITOR,
            RETURNEE_REGISTER,
            QUARANTINE_MANAGE,
            SITE_OPERATE,
            QUARANTINE_CONFIGURE,
        }
    ),
    # Read-only, but the district leader is the confirming officer for the dishonesty list and the
    # level above for escalated problems.
    Role.DISTRICT_LEADER: frozenset(
        _OFFICIAL
        | {RATES_VIEW, FILING_OVERSEE, COVERAGE_VIEW, DISHONESTY_APPROVE, PROBLEM_OVERSEE, PERSON_VIEW}
    ),
    Role.DEPARTMENT_OFFICER: frozenset(
        _OFFICIAL
        | {
            ENTERPRISE_CREATE,
            ENTERPRISE_CHANGE,
            ENTERPRISE_IMPORT,
            PERSONAL_UNMASK,
            RATES_VIEW,
            COVERAGE_VIEW,
            INSPECT,
            VIOLATION_DECIDE,
            PROBLEM_REPORT,
            PROBLEM_HANDLE,
            NOTICE_PUBLISH,
        }
    ),
    Role.STREET_OFFICER: frozenset(
        _OFFICIAL
        | {
            ENTERPRISE_CREATE,
            ENTERPRISE_CHANGE,
            ENTERPRISE_IMPORT,
            ENTERPRISE_ASSIGN,
            PERSONAL_UNMASK,
            USER_MANAGE,
            GROUP_MANAGE,
            FILING_REVIEW,
            RATES_VIEW,
            FILING_BULK,
            COVERAGE_VIEW,
            INSPECT,
            VIOLATION_DECIDE,
            PROBLEM_REPORT,
            PROBLEM_HANDLE,
            PROBLEM_OVERSEE,
            NOTICE_PUBLISH,
            PERSON_VIEW,
            PERSON_MANAGE,
            CHECKIN_MONITOR,
            RETURNEE_REGISTER,
            QUARANTINE_MANAGE,
        }
    ),
    Role.COMMUNITY_WORKER: frozenset(
        _OFFICIAL
        | {
            ENTERPRISE_CREATE,
            ENTERPRISE_CHANGE,
            PERSONAL_UNMASK,
            USER_MANAGE,
            RATES_VIEW,
            FILING_BULK,
            INSPECT,
            PERSON_VIEW,
            PERSON_MANAGE,
            RETURNEE_REGISTER,
            QUARANTINE_MANAGE,
            CHECKIN_SUBMIT,
        }
    ),
    # PERSON_VIEW for the employer's side: the staff view of its own active staff (health.policies).
    Role.COMMISSIONER: frozenset(
        _OFFICIAL | {PERSONAL_UNMASK, INSPECT, PROBLEM_REPORT, PROBLEM_HANDLE, CHECKIN_MONITOR, PERSON_VIEW}
    ),
    Role.MEDIC: frozenset({ENTERPRISE_VIEW, AREA_VIEW, PERSON_VIEW, CHECKIN_MONITOR, QUARANTINE_MANAGE}),
    Role.SITE_STAFF: frozenset({SITE_OPERATE}),
    Role.ENTERPRISE_ADMIN: frozenset(
        {
            ENTERPRISE_VIEW,
            ENTERPRISE_CHANGE,
            PERSONAL_UNMASK,
            USER_MANAGE,
            FILING_SUBMIT,
            PROBLEM_REPORT,
            NOTICE_RECEIVE,
            CHECKIN_MONITOR,
            RETURNEE_REGISTER,
            PERSON_VIEW,  # its own active staff, as staff (health.policies)
        }
    ),
    Role.EMPLOYEE: frozenset({CHECKIN_SUBMIT}),
    Role.CHECKPOINT_GUARD: frozenset(),
    Role.RESIDENT: frozenset({CHECKIN_SUBMIT}),
}

# Which roles each role may create or manage (always inside its own scope).
GRANTABLE: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset(Role),
    Role.STREET_OFFICER: frozenset(
        {
            Role.STREET_OFFICER,
            Role.COMMUNITY_WORKER,
            Role.COMMISSIONER,
            Role.MEDIC,
            Role.SITE_STAFF,
            Role.ENTERPRISE_ADMIN,
            Role.EMPLOYEE,
            Role.CHECKPOINT_GUARD,
            Role.RESIDENT,
        }
    ),
    Role.COMMUNITY_WORKER: frozenset({Role.CHECKPOINT_GUARD, Role.RESIDENT}),
    Role.ENTERPRISE_ADMIN: frozenset({Role.EMPLOYEE}),
}

# Categories a community worker registers and edits: the small entities filed by the community.
COMMUNITY_CATEGORIES = frozenset({"individual", "small_venue"})


def has_capability(user, capability: str) -> bool:
    return bool(user and user.is_authenticated and capability in CAPABILITIES.get(user.role, frozenset()))
