"""/api/v1 assembled: the API object of ``fugong.core.api`` with every app's router, and nothing else."""

from fugong.accounts.api import router as accounts_router
from fugong.areas.api import router as areas_router
from fugong.checkins.api import router as checkins_router
from fugong.core.api import api
from fugong.core.jobs.api import router as jobs_router
from fugong.enterprises.api import router as enterprises_router
from fugong.health.api import router as persons_router
from fugong.ledger.api import router as ledger_router
from fugong.notices.api import router as notices_router
from fugong.quarantine.api import router as quarantine_router
from fugong.resumption.api import filings_router, rates_router, reports_router, summary_router
from fugong.sensors.api import router as sensors_router
from fugong.supervision.api import router as supervision_router

# The device-facing paths first: URLs are matched in order, and these take the morning wave of
# check-ins and the door sensors' events (resolving past ~200 patterns cost ~5% of a check-in).
ROUTERS = [
    ("/checkins", checkins_router),
    ("/sensors", sensors_router),
    ("/auth", accounts_router),
    ("/areas", areas_router),
    ("/enterprises", enterprises_router),
    ("/filings", filings_router),
    ("/reports", reports_router),
    ("/rates", rates_router),
    ("/summaries", summary_router),
    ("/supervision", supervision_router),
    ("/problems", ledger_router),
    ("/notices", notices_router),
    ("/persons", persons_router),
    ("/quarantine", quarantine_router),
    ("/jobs", jobs_router),
]
for prefix, router in ROUTERS:
    api.add_router(prefix, router)

__all__ = ["api"]
