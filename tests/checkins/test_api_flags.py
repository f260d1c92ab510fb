"""/api/v1/checkins/flags/{pk}/check: the page's spot check through the same service."""

import pytest

from fugong.checkins.models import Flag
from fugong.core.models import AuditEntry
from tests.scope import A, B

from .scope_targets import flag

pytestmark = pytest.mark.django_db


def url(f: Flag) -> str:
    return f"/api/v1/checkins/flags/{f.pk}/check"


def state(f: Flag) -> tuple:
    f.refresh_from_db()
    return f.result, f.note, f.checked_by_id, AuditEntry.objects.count()


def test_commissioner_records_the_result_with_an_audit_entry(world, api_for):
    f = flag(world, A)
    audited = AuditEntry.objects.count()

    response = api_for("commissioner_A").post(
        url(f), {"result": "scripted", "note": "电话核实"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["result"], response.json()["note"]) == ("scripted", "电话核实")
    f.refresh_from_db()
    assert (f.result, f.checked_by) == ("scripted", world.users["commissioner_A"])
    assert AuditEntry.objects.count() == audited + 1


def test_flag_out_of_scope_is_404_and_unchanged(world, api_for):
    f = flag(world, B)
    before = state(f)

    across = api_for("commissioner_A").post(url(f), {"result": "genuine"}, content_type="application/json")
    missing = api_for("commissioner_A").post(
        "/api/v1/checkins/flags/999999/check", {"result": "genuine"}, content_type="application/json"
    )

    assert across.status_code == missing.status_code == 404 and across.json() == missing.json()
    assert state(f) == before


def test_a_role_that_does_not_spot_check_is_403_and_unchanged(world, api_for):
    f = flag(world, A)
    before = state(f)

    street = api_for("street_A").post(url(f), {"result": "genuine"}, content_type="application/json")
    worker = api_for("community_A").post(url(f), {"result": "genuine"}, content_type="application/json")

    assert street.status_code == 403
    assert street.json()["detail"] == "只有防疫专员或驻企指导员可以记录抽查结果"
    assert worker.status_code in (403, 404)
    assert state(f) == before


def test_missing_or_unknown_result_is_422_in_chinese(world, api_for):
    f = flag(world, A)
    before = state(f)
    api = api_for("commissioner_A")

    empty = api.post(url(f), {}, content_type="application/json")
    unknown = api.post(url(f), {"result": "maybe"}, content_type="application/json")

    assert empty.status_code == unknown.status_code == 422
    assert empty.json()["errors"]["result"] == ["请选择抽查结果"]
    assert state(f) == before
