"""Who may do what to one problem, beyond seeing it (``Problem.objects.visible_to``).

Used by the services (which enforce them inside the transaction) and by the pages and the API
(which only offer the actions a viewer may take).
"""

from fugong.core.access import PROBLEM_HANDLE, PROBLEM_OVERSEE, PROBLEM_REPORT, Role

from .choices import ACTIVE, Channel, ProblemStatus


def channel_of(user) -> str:
    """Where a problem comes from, decided by who records it."""
    if user.role == Role.ENTERPRISE_ADMIN:
        return Channel.SELF
    if user.role == Role.COMMISSIONER:
        return Channel.COMMISSIONER
    return Channel.HOTLINE


def can_report(user) -> bool:
    return user.can(PROBLEM_REPORT)


def can_handle(user, problem) -> bool:
    """The responsible unit: the person it was routed to, the department, or (unrouted) the street."""
    if not user.can(PROBLEM_HANDLE):
        return False
    if user.is_sysadmin or (problem.assignee_id and problem.assignee_id == user.pk):
        return True
    if user.role == Role.DEPARTMENT_OFFICER:
        return bool(problem.department_id and problem.department_id == user.department_id)
    if user.role == Role.STREET_OFFICER:
        return problem.department_id is None and problem.area_path.startswith(user.scope_path)
    return False


def can_confirm(user, problem) -> bool:
    """The enterprise's own admin; for problems recorded on its behalf, also whoever recorded it."""
    if user.role == Role.ENTERPRISE_ADMIN and user.scope_enterprise_id == problem.enterprise_id:
        return True
    return problem.channel != Channel.SELF and problem.reported_by_id == user.pk


def is_level_above(user, problem) -> bool:
    """Department-held problems answer to the district; street-held ones to the street's leadership
    or the district."""
    if not user.can(PROBLEM_OVERSEE):
        return False
    if user.is_sysadmin or user.role == Role.DISTRICT_LEADER:
        return True
    return (
        user.role == Role.STREET_OFFICER
        and problem.department_id is None
        and problem.area_path.startswith(user.scope_path)
    )


def can_approve(user, problem, extension) -> bool:
    return extension is not None and extension.requested_by_id != user.pk and is_level_above(user, problem)


def actions_for(user, problem, pending_extension) -> dict[str, bool]:
    handle = can_handle(user, problem)
    return {
        "start": handle and problem.status in (ProblemStatus.OPEN, ProblemStatus.REOPENED),
        "answer": handle and problem.status in ACTIVE,
        "extend": handle and problem.status in ACTIVE and pending_extension is None,
        "approve": problem.status in ACTIVE and can_approve(user, problem, pending_extension),
        "confirm": problem.status == ProblemStatus.ANSWERED and can_confirm(user, problem),
        "reopen": problem.status == ProblemStatus.ANSWERED and can_confirm(user, problem),
    }
