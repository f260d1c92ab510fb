from django.urls import path

from . import notice_views, views

app_name = "quarantine"
urlpatterns = [
    path("", views.returnee_list, name="returnee_list"),
    path("returnees/new/", views.returnee_new, name="returnee_new"),
    path("returnees/<int:pk>/", views.returnee_detail, name="returnee_detail"),
    path("returnees/<int:pk>/accept/", views.returnee_accept, name="returnee_accept"),
    path("returnees/<int:pk>/return/", views.returnee_return, name="returnee_return"),
    path("returnees/<int:pk>/decide/", views.returnee_decide, name="returnee_decide"),
    path("returnees/<int:pk>/order/", views.returnee_order, name="returnee_order"),
    path("handovers/", views.handovers, name="handovers"),
    path("orders/due/", views.followups_due, name="followups_due"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/followup/", views.order_followup, name="order_followup"),
    path("orders/<int:pk>/change/", views.order_change, name="order_change"),
    path("orders/<int:pk>/transfer/", views.order_transfer, name="order_transfer"),
    path("orders/<int:pk>/release/", views.order_release, name="order_release"),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/issue/", notice_views.notice_bulk_issue, name="notice_bulk_issue"),
    path("notices/print/", notice_views.notice_bulk_print, name="notice_bulk_print"),
    # One notice per order, reached by the order's id.
    path("orders/<int:pk>/notice.pdf", notice_views.notice_pdf, name="notice_pdf"),
    path("orders/<int:pk>/notice/deliver/", notice_views.notice_deliver, name="notice_deliver"),
    path("orders/<int:pk>/notice/revoke/", notice_views.notice_revoke, name="notice_revoke"),
    # The QR code's link: public, no login.
    path("verify/<str:number>/<str:code>/", notice_views.release_verify, name="release_verify"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/check-in/", views.site_check_in, name="site_check_in"),
    path("sites/<int:pk>/setup/", views.site_setup, name="site_setup"),
    path("stays/<int:pk>/check-out/", views.stay_check_out, name="stay_check_out"),
    path("settings/", views.rules_settings, name="rules"),
    path("settings/risk-areas/<int:pk>/end/", views.riskarea_end, name="riskarea_end"),
]
