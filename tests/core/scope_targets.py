"""The home page, the menu's badges and the log of unmasked views, for the scope matrix
(tests/test_scope_matrix.py, tests/scope.py)."""

PAGES = {
    "core:home": "resident_A",
    "core:nav_badges": "street_A",
    "core:access_log": "sysadmin",
}
