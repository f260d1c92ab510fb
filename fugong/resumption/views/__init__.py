"""Pages of resumption, one module per part: filings, reports, command, summary, settings."""
