"""Forms of resumption, one module per part: filings, reports, command."""
