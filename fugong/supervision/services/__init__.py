"""Writes of supervision. Each runs in one transaction, re-checks the actor's scope inside it and
records who did what and why. Callers use ``services.<name>``."""

from .config import checklist_item_add, checklist_item_end, window_update
from .inspections import inspection_record, photo_add
from .violations import (
    listing_approve,
    listing_propose,
    listing_request_removal,
    statement_add,
    violation_decide,
    violation_record,
)

__all__ = [
    "checklist_item_add",
    "checklist_item_end",
    "inspection_record",
    "listing_approve",
    "listing_propose",
    "listing_request_removal",
    "photo_add",
    "statement_add",
    "violation_decide",
    "violation_record",
    "window_update",
]
