"""Pages of resumption, one module per part: filings, reviews, reports, command, summary, settings."""
