"""Helpers for the API tests: JSON requests and a snapshot of the registry to prove nothing changed."""

import pytest

from fugong.core import fake
from fugong.core.models import AuditEntry
from fugong.enterprises.models import Enterprise

NEW_CODE = fake.credit_code(777001)


def send(client, method: str, url: str, data=None):
    """A JSON request; a dict is encoded, a str is sent as it is (to test broken JSON)."""
    return getattr(client, method)(url, "" if data is None else data, content_type="application/json")


def registry_state() -> tuple:
    """Everything a refused write might have touched: every enterprise row and the audit trail."""
    rows = tuple(
        Enterprise.objects.order_by("pk").values_list(
            "pk",
            "credit_code",
            "name",
            "legal_rep_phone",
            "contact_phone",
            "area_id",
            "category",
            "headcount",
            "local_headcount",
            "commissioner_id",
            "medic_id",
            "updated_at",
        )
    )
    return rows, AuditEntry.objects.count()


@pytest.fixture
def unchanged(world):
    """Call at the end of a refused write: asserts the registry is exactly as before the test acted."""
    before = registry_state()

    def check() -> None:
        assert registry_state() == before

    return check


@pytest.fixture
def new_enterprise(world) -> dict:
    """A valid create payload for street A's community A1."""
    return {
        "credit_code": NEW_CODE,
        "name": "重庆缙云测试机械有限公司",
        "legal_rep_name": "王伟",
        "legal_rep_phone": "13812345678",
        "contact_name": "李娜",
        "contact_phone": "15987654321",
        "area_code": world.areas["A1"].code,
        "address": "天生路1号",
        "category": "above_scale",
        "industry": "C",
        "headcount": 120,
        "local_headcount": 80,
        "is_emergency_supply": True,
    }
