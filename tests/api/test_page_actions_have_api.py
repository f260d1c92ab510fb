"""/api/v1 covers the actions of the pages: every page route that accepts POST names the API operation
that does the same through the same service — or is on one of two explicit, commented lists.

A new page with a form and no API operation fails here until it gets one (or a reason on a list).
"""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

from fugong.api import api

# page route → the operation that does its action ("METHOD /api/v1/…" as in the OpenAPI document).
API_FOR = {
    "accounts:login": "POST /api/v1/auth/token",
    "accounts:logout": "DELETE /api/v1/auth/token",
    "accounts:password_change": "POST /api/v1/auth/password",
    "accounts:user_create": "POST /api/v1/auth/users",
    "accounts:user_edit": "PATCH /api/v1/auth/users/{user_id}",
    "accounts:user_toggle_active": "POST /api/v1/auth/users/{user_id}/active",
    "accounts:user_unlock": "POST /api/v1/auth/users/{user_id}/unlock",
    "accounts:user_reset_password": "POST /api/v1/auth/users/{user_id}/password",
    "areas:group_create": "POST /api/v1/areas/groups",
    "areas:group_edit": "PATCH /api/v1/areas/groups/{group_id}",
    "areas:group_member_add": "POST /api/v1/areas/groups/{group_id}/members",
    "areas:group_member_remove": "DELETE /api/v1/areas/groups/{group_id}/members/{user_id}",
    "areas:import": "POST /api/v1/areas/import",
    "enterprises:create": "POST /api/v1/enterprises",
    "enterprises:edit": "PATCH /api/v1/enterprises/{enterprise_id}",
    "enterprises:reveal": "POST /api/v1/enterprises/{enterprise_id}/reveal",
    "enterprises:import": "POST /api/v1/enterprises/import",
    "resumption:filing_edit": "POST /api/v1/filings",
    "resumption:filing_submit": "POST /api/v1/filings/{id}/submit",
    "resumption:filing_detail": "POST /api/v1/filings/{id}/decide",
    "resumption:report_today": "POST /api/v1/reports",
    "resumption:summary_run_start": "POST /api/v1/summaries/runs",
    "resumption:bulk_filing": "POST /api/v1/filings/bulk",
    "resumption:settings": "POST /api/v1/filings/settings/conditions",  # and policies, end, commitments
    "resumption:enterprise_out_of_scope": "POST /api/v1/rates/enterprises/{id}/out-of-scope",
    "resumption:enterprise_status": "POST /api/v1/rates/enterprises/{id}/status",
    "supervision:inspection_new": "POST /api/v1/supervision/inspections",
    "supervision:inspection_followup": "POST /api/v1/supervision/inspections/{id}/followup",
    "supervision:inspection_violation_new": "POST /api/v1/supervision/inspections/{id}/violations",
    "supervision:violation_decide": "POST /api/v1/supervision/violations/{id}/confirm",
    "supervision:violation_listing_propose": "POST /api/v1/supervision/violations/{id}/listing",
    "supervision:violation_statement": "POST /api/v1/supervision/violations/{id}/statement",
    "supervision:listing_approve": "POST /api/v1/supervision/listings/{id}/approve",
    "supervision:listing_remove": "POST /api/v1/supervision/listings/{id}/remove",
    "supervision:settings": "PUT /api/v1/supervision/settings/window",  # and /settings/checklist
    "ledger:problem_new": "POST /api/v1/problems",
    "ledger:problem_detail": "POST /api/v1/problems/{id}/answer",
    "ledger:settings": "PUT /api/v1/problems/settings/due-days",  # and /settings/rules
    "ledger:routing_rule_delete": "DELETE /api/v1/problems/settings/rules/{rule_id}",
    "notices:create": "POST /api/v1/notices",
    "notices:edit": "PATCH /api/v1/notices/{pk}",
    "notices:attachment_remove": "DELETE /api/v1/notices/attachments/{pk}",
    "notices:publish": "POST /api/v1/notices/{pk}/publish",
    "notices:remind": "POST /api/v1/notices/{pk}/remind",
    "notices:inbox_detail": "POST /api/v1/notices/inbox/{pk}/acknowledge",
    "health:person_new": "POST /api/v1/persons",
    "health:person_edit": "PUT /api/v1/persons/{pk}",
    "health:person_merge": "POST /api/v1/persons/{pk}/merge",
    "health:person_import": "POST /api/v1/persons/import",
    "health:person_reveal": "POST /api/v1/persons/{pk}/reveal",
    "health:discrepancy_detail": "POST /api/v1/persons/discrepancies/{pk}/resolve",
    "checkins:checkin": "POST /api/v1/checkins",
    "checkins:alert_ack": "POST /api/v1/checkins/alerts/{pk}/ack",
    "checkins:flag_check": "POST /api/v1/checkins/flags/{pk}/check",
    "quarantine:returnee_new": "POST /api/v1/quarantine/returnees",
    "quarantine:returnee_accept": "POST /api/v1/quarantine/returnees/{id}/accept",
    "quarantine:returnee_return": "POST /api/v1/quarantine/returnees/{id}/return",
    "quarantine:returnee_decide": "POST /api/v1/quarantine/returnees/{id}/decision",
    "quarantine:returnee_order": "POST /api/v1/quarantine/returnees/{id}/orders",
    "quarantine:order_followup": "POST /api/v1/quarantine/orders/{id}/followups",
    "quarantine:order_change": "POST /api/v1/quarantine/orders/{id}/change",
    "quarantine:order_transfer": "POST /api/v1/quarantine/orders/{id}/transfer",
    "quarantine:order_release": "POST /api/v1/quarantine/orders/{id}/release",
    "quarantine:notice_bulk_issue": "POST /api/v1/quarantine/notices/issue",
    "quarantine:notice_bulk_print": "POST /api/v1/quarantine/notices/print",
    "quarantine:notice_deliver": "POST /api/v1/quarantine/orders/{id}/notice/delivery",
    "quarantine:notice_revoke": "POST /api/v1/quarantine/orders/{id}/notice/revoke",
    "quarantine:site_list": "POST /api/v1/quarantine/sites",
    "quarantine:site_setup": "POST /api/v1/quarantine/sites/{id}/rooms",  # staff: POST …/sites/{id}/staff
    "quarantine:site_check_in": "POST /api/v1/quarantine/sites/{id}/check-in",
    "quarantine:stay_check_out": "POST /api/v1/quarantine/stays/{id}/check-out",
    "quarantine:rules": "POST /api/v1/quarantine/risk-areas",  # rule sets: POST …/rule-sets
    "quarantine:riskarea_end": "POST /api/v1/quarantine/risk-areas/{id}/end",
    "sensors:alert_ack": "POST /api/v1/sensors/alerts/{pk}/ack",
    "sensors:alert_close": "POST /api/v1/sensors/alerts/{pk}/close",
    "sensors:device_list": "POST /api/v1/sensors/devices",
    "sensors:device_rotate": "POST /api/v1/sensors/devices/{pk}/rotate-secret",
    "sensors:device_unbind": "POST /api/v1/sensors/devices/{pk}/unbind",
    "sensors:device_active": "POST /api/v1/sensors/devices/{pk}/active",
    "sensors:bind": "POST /api/v1/sensors/devices/{pk}/bind",
}

# Pages whose POST is not a business action: nothing for an API client to do.
NAVIGATION_ONLY = {
    "None:set_language",  # the browser's language choice, kept in a cookie
    "quarantine:release_verify",  # the public page a notice's QR code opens; it checks, it changes nothing
}

# Actions of the pages that have no API operation yet (issue 9, item 8: still to build). This list
# only shrinks: an action that gets its operation moves to API_FOR.
KNOWN_GAPS: set[str] = set()  # none left


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}:{p.name}", p.callback


POSTS = re.compile(
    r'require_POST|require_http_methods\(\[[^\]]*"POST"|request\.method\s*==\s*"POST"|request\.POST'
)


def accepts_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    while hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    return bool(POSTS.search(inspect.getsource(callback)))


def page_actions() -> set[str]:
    return {
        name
        for route, name, callback in walk(get_resolver().url_patterns)
        if not route.startswith("api/") and accepts_post(callback)
    }


def operations() -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
    }


def test_every_page_action_has_an_api_operation_or_a_reason():
    unlisted = page_actions() - set(API_FOR) - NAVIGATION_ONLY - KNOWN_GAPS
    assert unlisted == set(), f"page actions with no API operation: {sorted(unlisted)}"


def test_every_named_operation_exists():
    missing = {page: op for page, op in API_FOR.items() if op not in operations()}
    assert missing == {}


def test_the_lists_name_only_real_page_actions():
    """A route that was removed or no longer posts leaves the lists (so they cannot go stale)."""
    stale = (set(API_FOR) | NAVIGATION_ONLY | KNOWN_GAPS) - page_actions()
    assert stale == set()
    assert not (set(API_FOR) & KNOWN_GAPS)


def test_the_detector_sees_function_and_class_views():
    from django.views.i18n import set_language

    from fugong.areas import views as area_views
    from fugong.core import views as core_views

    # The pages are classes now (issue 9); a function view is still read from its source.
    assert accepts_post(set_language)  # request.method == "POST"
    assert not accepts_post(core_views.error_404)
    assert accepts_post(area_views.AreaImportView.as_view())
    assert accepts_post(area_views.GroupCreateView.as_view())
    assert not accepts_post(core_views.HomeView.as_view())
    assert not accepts_post(area_views.AreaImportTemplateView.as_view())
