"""Writes of notices: drafts and their attachments, publishing, reminders (the sender's side) and
opening and acknowledging (the enterprise's side). Each runs in one transaction and re-checks scope
inside it. Callers use ``services.<name>``."""

from .receiving import notice_acknowledge, notice_open
from .sending import (
    MAX_ATTACHMENTS,
    REMIND_INTERVAL,
    notice_attachment_add,
    notice_attachment_remove,
    notice_publish,
    notice_remind,
    notice_save,
)

__all__ = [
    "MAX_ATTACHMENTS",
    "REMIND_INTERVAL",
    "notice_acknowledge",
    "notice_attachment_add",
    "notice_attachment_remove",
    "notice_open",
    "notice_publish",
    "notice_remind",
    "notice_save",
]
