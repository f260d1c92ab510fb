"""/api/v1 routers of resumption, one module per part; ``fugong/api.py`` mounts them."""

from .filings import router as filings_router
from .rates import router as rates_router
from .reports import router as reports_router
from .summary import router as summary_router

__all__ = ["filings_router", "rates_router", "reports_router", "summary_router"]
