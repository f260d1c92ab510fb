"""The enterprise page: sections, masked phones, the logged reveal and the change history."""

import pytest

from fugong.core.masking import mask_phone
from fugong.core.models import AuditAction, AuditEntry, PersonalDataAccess


def test_detail_shows_sections_masked_phones_and_assignments(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    response = client_for("street_A").get(f"/enterprises/{enterprise.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    for section in ("基本信息", "法定代表人与联系人", "规模与标识", "包保责任", "变更记录"):
        assert section in body
    assert enterprise.credit_code in body
    assert "北碚区 · 天生街道 · 西南大学南社区" in body
    assert mask_phone(enterprise.legal_rep_phone) in body
    assert enterprise.legal_rep_phone not in body and enterprise.contact_phone not in body
    assert "commissioner_A" in body and "medic_A" in body
    assert "显示完整号码" in body and f"/enterprises/{enterprise.pk}/edit/" in body


def test_detail_out_of_scope_is_404_like_missing(world, client_for):
    client = client_for("street_A")
    assert client.get(f"/enterprises/{world.enterprises['B1_commerce'].pk}/").status_code == 404
    assert client.get("/enterprises/999999/").status_code == 404


def test_viewer_without_change_sees_no_edit_button(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    body = client_for("commissioner_A").get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert f"/enterprises/{enterprise.pk}/edit/" not in body
    assert "显示完整号码" in body  # a commissioner may see full numbers of their enterprise
    leader = client_for("leader").get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "显示完整号码" not in leader


def test_reveal_returns_full_numbers_and_logs_the_access(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    response = client_for("street_A").post(
        f"/enterprises/{enterprise.pk}/reveal/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert enterprise.legal_rep_phone in body and enterprise.contact_phone in body
    assert "<html" not in body  # a fragment for HTMX
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.purpose, log.object_id, log.fields, log.row_count) == (
        world.users["street_A"],
        "view",
        str(enterprise.pk),
        "legal_rep_phone,contact_phone",
        1,
    )


def test_reveal_without_javascript_renders_the_page(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    response = client_for("street_A").post(f"/enterprises/{enterprise.pk}/reveal/")
    assert response.status_code == 200
    assert enterprise.legal_rep_phone in response.content.decode()
    assert PersonalDataAccess.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "key", "status"),
    [
        ("leader", "A1_above_scale", 403),  # sees everything, but has no PERSONAL_UNMASK
        ("medic_A", "A1_above_scale", 403),
        ("street_B", "A1_above_scale", 404),  # may unmask, but not this enterprise
        ("commissioner_A", "A1_commerce", 404),  # not assigned to them
        ("ent_admin_A", "B1_above_scale", 404),
    ],
)
def test_reveal_refused_and_nothing_logged(world, client_for, user, key, status):
    enterprise = world.enterprises[key]
    response = client_for(user).post(f"/enterprises/{enterprise.pk}/reveal/")
    assert response.status_code == status
    assert enterprise.legal_rep_phone not in response.content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_reveal_needs_post(world, client_for):
    enterprise = world.enterprises["A1_above_scale"]
    assert client_for("street_A").get(f"/enterprises/{enterprise.pk}/reveal/").status_code == 405


def test_history_after_an_edit_shows_who_what_and_request_id(world, client_for):
    # Given street A's officer raises the headcount of an enterprise through the edit page
    enterprise = world.enterprises["A1_commerce"]
    client = client_for("street_A")
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(headcount=150, local_headcount=90, is_emergency_supply="on")
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", data, headers={"X-Request-ID": "req-edit-0001"}
    )
    assert response.status_code == 302
    # Then the page lists that change, field by field, with the request id
    entry = AuditEntry.objects.get(object_id=str(enterprise.pk), action=AuditAction.UPDATE)
    assert entry.changes == {
        "headcount": [100, 150],
        "local_headcount": [60, 90],
        "is_emergency_supply": [False, True],
    }
    history = client.get(f"/enterprises/{enterprise.pk}/").context["history"]
    assert history[0]["actor"] == world.users["street_A"]
    assert history[0]["action"] == "修改"
    assert history[0]["request_id"] == "req-edit-0001"
    assert {"field": "职工总数", "before": "100", "after": "150"} in history[0]["changes"]
    assert {"field": "应急保供企业", "before": "否", "after": "是"} in history[0]["changes"]
    body = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "100 → <strong>150</strong>" in body and "req-edit-0001" in body
