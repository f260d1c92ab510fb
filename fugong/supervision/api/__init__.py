"""/api/v1/supervision, one module per part; ``router`` gathers them for ``fugong/api.py``.

Scoped like the pages (out of scope is a 404), errors in Chinese (fugong.api)."""

from ninja import Router

from . import coverage, inspections, listings, settings, violations

router = Router(tags=["督查检查"])
router.add_router("", coverage.router)
router.add_router("", inspections.router)
router.add_router("", violations.router)
router.add_router("", listings.router)
router.add_router("", settings.router)

__all__ = ["router"]
