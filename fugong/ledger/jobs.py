"""The ledger's background jobs (declared on LedgerConfig.job_kinds, run by core.jobs)."""

from django.utils.translation import gettext as _

from .services import problems_escalate_overdue


def escalate_problems(job) -> dict:
    """Raise overdue problems to the level above (safe to run twice: an escalated one is not raised again)."""
    count = problems_escalate_overdue()
    job.log(_("已升级 %(count)d 件超期诉求") % {"count": count})
    return {"count": count}
