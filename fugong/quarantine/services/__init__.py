"""Writes of quarantine, one module per part. Each is keyword-only, runs in one transaction, re-reads
its object in the actor's scope (under a row lock where two people may act at once), refuses in
Chinese and writes the audit trail. Callers use ``services.<name>``; the release notices are
``services.notices``."""

from . import notices
from .handovers import handover_accept, handover_return
from .orders import followup_record, order_change_end, order_issue, order_release, order_transfer
from .returnees import decision_change, returnee_register, risk_area_add, risk_area_end, rule_set_create
from .sites import room_add, site_create, staff_bind, stay_check_in, stay_check_out

__all__ = [
    "decision_change",
    "followup_record",
    "handover_accept",
    "handover_return",
    "notices",
    "order_change_end",
    "order_issue",
    "order_release",
    "order_transfer",
    "returnee_register",
    "risk_area_add",
    "risk_area_end",
    "room_add",
    "rule_set_create",
    "site_create",
    "staff_bind",
    "stay_check_in",
    "stay_check_out",
]
