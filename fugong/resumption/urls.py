"""Resumption pages, one URL module per part (filings, daily reports, command page, summaries)."""

from . import command_urls, filing_urls, report_urls, summary_urls

app_name = "resumption"
urlpatterns = (
    filing_urls.urlpatterns + report_urls.urlpatterns + command_urls.urlpatterns + summary_urls.urlpatterns
)
