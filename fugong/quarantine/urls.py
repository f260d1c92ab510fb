from django.urls import path

from .views import handovers, notices, orders, returnees, sites

app_name = "quarantine"
urlpatterns = [
    path("", returnees.ReturneeListView.as_view(), name="returnee_list"),
    path("returnees/new/", returnees.ReturneeNewView.as_view(), name="returnee_new"),
    path("returnees/<int:pk>/", returnees.ReturneeDetailView.as_view(), name="returnee_detail"),
    path("returnees/<int:pk>/accept/", handovers.ReturneeAcceptView.as_view(), name="returnee_accept"),
    path("returnees/<int:pk>/return/", handovers.ReturneeReturnView.as_view(), name="returnee_return"),
    path("returnees/<int:pk>/decide/", returnees.ReturneeDecideView.as_view(), name="returnee_decide"),
    path("returnees/<int:pk>/order/", returnees.ReturneeOrderView.as_view(), name="returnee_order"),
    path("handovers/", handovers.HandoversView.as_view(), name="handovers"),
    path("orders/due/", orders.FollowupsDueView.as_view(), name="followups_due"),
    path("orders/<int:pk>/", orders.OrderDetailView.as_view(), name="order_detail"),
    path("orders/<int:pk>/followup/", orders.OrderFollowupView.as_view(), name="order_followup"),
    path("orders/<int:pk>/change/", orders.OrderChangeView.as_view(), name="order_change"),
    path("orders/<int:pk>/transfer/", orders.OrderTransferView.as_view(), name="order_transfer"),
    path("orders/<int:pk>/release/", orders.OrderReleaseView.as_view(), name="order_release"),
    path("notices/", notices.NoticeListView.as_view(), name="notice_list"),
    path("notices/issue/", notices.NoticeBulkIssueView.as_view(), name="notice_bulk_issue"),
    path("notices/print/", notices.NoticeBulkPrintView.as_view(), name="notice_bulk_print"),
    # One notice per order, reached by the order's id.
    path("orders/<int:pk>/notice.pdf", notices.NoticePdfView.as_view(), name="notice_pdf"),
    path("orders/<int:pk>/notice/deliver/", notices.NoticeDeliverView.as_view(), name="notice_deliver"),
    path("orders/<int:pk>/notice/revoke/", notices.NoticeRevokeView.as_view(), name="notice_revoke"),
    # The QR code's link: public, no login.
    path("verify/<str:number>/<str:code>/", notices.ReleaseVerifyView.as_view(), name="release_verify"),
    path("sites/", sites.SiteListView.as_view(), name="site_list"),
    path("sites/<int:pk>/", sites.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/check-in/", sites.SiteCheckInView.as_view(), name="site_check_in"),
    path("sites/<int:pk>/setup/", sites.SiteSetupView.as_view(), name="site_setup"),
    path("stays/<int:pk>/check-out/", sites.StayCheckOutView.as_view(), name="stay_check_out"),
    path("settings/", returnees.RulesSettingsView.as_view(), name="rules"),
    path("settings/risk-areas/<int:pk>/end/", returnees.RiskAreaEndView.as_view(), name="riskarea_end"),
]
