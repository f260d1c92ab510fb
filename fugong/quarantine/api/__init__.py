"""/api/v1/quarantine, one module per part; ``router`` gathers them for ``fugong/api.py``."""

from ninja import Router

from . import handovers, notices, orders, returnees, sites

router = Router(tags=["返区人员与隔离"])
router.add_router("", notices.router)  # release notices
router.add_router("", returnees.router)  # returnees, decisions, rule data
router.add_router("", handovers.router)
router.add_router("", orders.router)  # orders and follow-ups
router.add_router("", sites.router)

__all__ = ["router"]
