"""System checks of our own settings."""

from django.conf import settings
from django.core import checks

SHARED_CACHES = ("RedisCache", "MemcacheCache", "PyLibMCCache")


@checks.register(checks.Tags.caches, deploy=True)
def throttles_share_a_cache(app_configs, **kwargs):
    """Throttles count in the cache: a per-process cache lets each worker count alone."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(SHARED_CACHES):
        return []
    return [
        checks.Warning(
            f"The cache {backend} is per process: login and check-in throttles count per worker.",
            hint="Set REDIS_URL so that every worker and machine shares the throttles' counters.",
            id="fugong.W001",
        )
    ]
