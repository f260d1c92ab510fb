"""Pages of supervision, one module per part: coverage, inspections, violations, listings, settings."""
