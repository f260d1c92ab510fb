"""The targets of issue 2, item 10, and the sizes the benchmark uses."""

IMPORT_ROWS = 10_000
IMPORT_TARGET_S = 10  # import of 10,000 enterprises from xlsx
LIST_TARGET_MS = 150  # p95 server time of the enterprise list page
EXPORT_TARGET_S = 5  # export of 10,000 rows
MEMORY_SIZES = (2_500, 5_000, 10_000)  # and 20,000 once the import has doubled the registry
FLAT_FROM = 5_000  # "memory flat as rows grow": from here on the peak may vary by at most FLAT_TOLERANCE
FLAT_TOLERANCE = 1.10
