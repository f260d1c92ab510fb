import pytest
from django.db import transaction

from .helpers import clear_database, run_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Given an empty database, the small demo built once for the requesting module, and its output.

    It is built inside a transaction rolled back when the module ends; each test runs in a savepoint
    inside it (what Django's TestCase.setUpTestData does), so the suite's world comes back after.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            clear_database()
            yield run_demo("--scale", "small", "--seed", "7")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
