"""The check-ins' background jobs (declared on CheckinsConfig.job_kinds, run by core.jobs)."""

import datetime as dt

from django.utils.translation import gettext as _

from .services import patterns_detect


def detect_patterns(job) -> dict:
    """Flag scripted-looking check-ins of ``params["day"]`` (YYYY-MM-DD); safe to run twice."""
    day = dt.date.fromisoformat(job.params["day"])
    count = patterns_detect(day=day)
    job.log(_("%(day)s：标记 %(count)d 条") % {"day": day.isoformat(), "count": count})
    return {"day": day.isoformat(), "count": count}
