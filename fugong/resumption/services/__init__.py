"""Writes of the resumption process, one module per part. Each runs in one transaction, keeps the
tallies current and records who did what and why. Callers use ``services.<name>``."""

from .config import (
    commitment_in_force,
    commitment_publish,
    condition_add,
    condition_end,
    policy_update,
)
from .filings import (
    DECISIONS,
    FILING_FIELDS,
    filing_decide,
    filing_fill,
    filing_save,
    filing_submit,
    individual_bulk_file,
    policy_for,
    reviewing_area,
)
from .reports import REPORT_FIELDS, daily_report_save, daily_report_submit
from .status import (
    MANUAL_STATES,
    REVIEWER_ROLES,
    STATE_FLOW,
    on_registry_changed,
    status_change,
    status_set,
    status_set_out_of_scope,
)

__all__ = [
    "DECISIONS",
    "FILING_FIELDS",
    "MANUAL_STATES",
    "REPORT_FIELDS",
    "REVIEWER_ROLES",
    "STATE_FLOW",
    "commitment_in_force",
    "commitment_publish",
    "condition_add",
    "condition_end",
    "daily_report_save",
    "daily_report_submit",
    "filing_decide",
    "filing_fill",
    "filing_save",
    "filing_submit",
    "individual_bulk_file",
    "on_registry_changed",
    "policy_for",
    "policy_update",
    "reviewing_area",
    "status_change",
    "status_set",
    "status_set_out_of_scope",
]
