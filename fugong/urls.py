from django.urls import include, path

from fugong.api import api
from fugong.core import views as core_views

handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500

urlpatterns = [
    path("healthz", core_views.HealthzView.as_view(), name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("fugong.accounts.urls")),
    path("areas/", include("fugong.areas.urls")),
    path("enterprises/", include("fugong.enterprises.urls")),
    path("resumption/", include("fugong.resumption.urls")),
    path("supervision/", include("fugong.supervision.urls")),
    path("ledger/", include("fugong.ledger.urls")),
    path("notices/", include("fugong.notices.urls")),
    path("people/", include("fugong.health.urls")),
    path("checkins/", include("fugong.checkins.urls")),
    path("quarantine/", include("fugong.quarantine.urls")),
    path("sensors/", include("fugong.sensors.urls")),
    path("", include("fugong.core.urls")),
]
