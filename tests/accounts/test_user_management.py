"""User management inside one's own scope: create, list, edit, deactivate, unlock, reset password."""

import pytest
from django.contrib.contenttypes.models import ContentType

from fugong.accounts.models import User
from fugong.core.models import AuditEntry
from tests.world import PASSWORD

NEW_PASSWORD = "Xinmima!2020abc"


def payload(**overrides) -> dict:
    data = {
        "username": "new_worker",
        "full_name": "王小明",
        "phone": "13800138000",
        "role": "community_worker",
        "scope_code": "500109001001",
        "department": "",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def audit_of(user: User):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )


# --- create -----------------------------------------------------------------------------------------


def test_street_officer_creates_a_community_worker_for_own_community(world, client_for):
    # Given street_A, when it creates a community worker for A1
    response = client_for("street_A").post("/accounts/users/new/", payload())

    # Then the account exists with that scope, and the creation is audited with street_A as actor
    user = User.objects.get(username="new_worker")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/users/{user.pk}/"
    assert (user.role, user.scope_area, user.scope_enterprise) == (
        "community_worker",
        world.areas["A1"],
        None,
    )
    assert user.scope_path == "/500109/500109001/500109001001/"
    assert user.full_name == "王小明" and user.phone == "13800138000"
    assert user.check_password(NEW_PASSWORD)
    entry = audit_of(user).get()
    assert (entry.action, entry.actor) == ("create", world.users["street_A"])
    assert entry.changes["phone"] == [None, "138****8000"]


def test_street_officer_cannot_create_a_community_worker_for_another_street(world, client_for):
    before = User.objects.count()

    response = client_for("street_A").post("/accounts/users/new/", payload(scope_code="500109002001"))

    assert response.status_code == 400
    assert response.context["form"].errors["scope_code"] == [
        "区划编码“500109002001”不存在或不在您的管辖范围内"
    ]
    assert User.objects.count() == before
    assert not User.objects.filter(username="new_worker").exists()


def test_street_officer_cannot_create_a_street_officer_for_the_district(world, client_for):
    before = User.objects.count()

    response = client_for("street_A").post(
        "/accounts/users/new/", payload(role="street_officer", scope_code="500109")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["scope_code"] == ["区划编码“500109”不存在或不在您的管辖范围内"]
    assert User.objects.count() == before


def test_street_officer_gets_a_level_error_for_a_role_at_the_wrong_level(world, client_for):
    # A street officer's scope is a street, not a community inside it
    response = client_for("street_A").post("/accounts/users/new/", payload(role="street_officer"))

    assert response.status_code == 400
    assert response.context["form"].errors["scope_code"] == ["街镇园区干部的管辖区域层级不正确（社区）"]
    assert not User.objects.filter(username="new_worker").exists()


def test_community_worker_creates_a_resident_of_own_community(world, client_for):
    response = client_for("community_A").post(
        "/accounts/users/new/", payload(role="resident", username="jumin1")
    )

    user = User.objects.get(username="jumin1")
    assert response.status_code == 302
    assert (user.role, user.scope_area) == ("resident", world.areas["A1"])


def test_community_worker_cannot_create_a_street_officer(world, client_for):
    before = User.objects.count()

    response = client_for("community_A").post(
        "/accounts/users/new/", payload(role="street_officer", scope_code="500109001")
    )

    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert User.objects.count() == before


def test_community_worker_role_choices_are_only_what_it_may_grant(world, client_for):
    response = client_for("community_A").get("/accounts/users/new/")

    choices = [value for value, _label in response.context["form"].fields["role"].choices]
    assert choices == ["", "checkpoint_guard", "resident"]


def test_enterprise_admin_creates_an_employee_of_own_enterprise(world, client_for):
    own = world.enterprises["A1_above_scale"]

    response = client_for("ent_admin_A").post(
        "/accounts/users/new/", payload(role="employee", username="yuangong1", scope_code=own.credit_code)
    )

    user = User.objects.get(username="yuangong1")
    assert response.status_code == 302
    assert (user.role, user.scope_area, user.scope_enterprise) == ("employee", None, own)


@pytest.mark.parametrize("key", ["A1_commerce", "B1_above_scale"])
def test_enterprise_admin_cannot_create_an_employee_of_another_enterprise(world, client_for, key):
    before = User.objects.count()
    code = world.enterprises[key].credit_code

    response = client_for("ent_admin_A").post(
        "/accounts/users/new/", payload(role="employee", username="yuangong1", scope_code=code)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["scope_code"] == [
        f"统一社会信用代码“{code}”对应的企业不存在或不在您的管辖范围内"
    ]
    assert User.objects.count() == before


def test_create_rejects_a_weak_password_and_a_taken_username(world, client_for):
    response = client_for("street_A").post(
        "/accounts/users/new/",
        payload(username="community_B", password="12345678", confirm_password="12345678"),
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["username"] == ["该用户名已被使用"]
    assert "这个密码太常见了。" in errors["password"]
    assert "密码只包含数字。" in errors["password"]


def test_department_officer_needs_a_department(world, client_for):
    response = client_for("sysadmin").post(
        "/accounts/users/new/", payload(role="department_officer", username="bumen1", scope_code="500109")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["department"] == ["部门人员必须选择所属部门"]

    response = client_for("sysadmin").post(
        "/accounts/users/new/",
        payload(
            role="department_officer",
            username="bumen1",
            scope_code="500109",
            department=str(world.departments["swj"].pk),
        ),
    )
    assert response.status_code == 302
    assert User.objects.get(username="bumen1").department == world.departments["swj"]


def test_sysadmin_takes_no_scope(world, client_for):
    response = client_for("sysadmin").post(
        "/accounts/users/new/", payload(role="sysadmin", username="admin2", scope_code="500109")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["scope_code"] == ["系统管理员不设管辖范围，请清空此项"]
    assert not User.objects.filter(username="admin2").exists()


# --- list and detail --------------------------------------------------------------------------------


def test_street_officer_lists_only_users_of_own_street(world, client_for):
    response = client_for("street_A").get("/accounts/users/")

    assert response.status_code == 200
    assert {u.username for u in response.context["page"]} == {
        "community_A",
        "community_A2",
        "commissioner_A",
        "commissioner_A_idle",
        "medic_A",
        "site_A",
        "site_A2",
        "guard_A",
        "resident_A",
        "ent_admin_A",
        "ent_admin_A_commerce",
        "employee_A",
    }
    assert "_B" not in response.content.decode()


def test_user_list_masks_phones_and_filters(world, client_for):
    phone = world.users["community_A"].phone

    response = client_for("street_A").get("/accounts/users/", {"q": "community", "role": "community_worker"})

    body = response.content.decode()
    assert [u.username for u in response.context["page"]] == ["community_A", "community_A2"]
    assert f"{phone[:3]}****{phone[-4:]}" in body
    assert phone not in body


def test_user_list_status_filter_and_tags(world, client_for):
    from django.utils import timezone

    User.objects.filter(username="guard_A").update(
        locked_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    User.objects.filter(username="resident_A").update(is_active=False)
    client = client_for("street_A")

    assert [u.username for u in client.get("/accounts/users/", {"status": "locked"}).context["page"]] == [
        "guard_A"
    ]
    assert [u.username for u in client.get("/accounts/users/", {"status": "inactive"}).context["page"]] == [
        "resident_A"
    ]
    body = client.get("/accounts/users/").content.decode()
    assert "锁定" in body and "停用" in body and "启用" in body


def test_user_list_query_count_does_not_grow_with_rows(world, client_for, django_assert_max_num_queries):
    client = client_for("sysadmin")
    with django_assert_max_num_queries(8):
        response = client.get("/accounts/users/")
    assert len(response.context["page"]) == User.objects.count()


def test_user_detail_shows_the_audit_history(world, client_for):
    client = client_for("street_A")
    client.post("/accounts/users/new/", payload())
    user = User.objects.get(username="new_worker")

    response = client.get(f"/accounts/users/{user.pk}/")

    assert response.status_code == 200
    [row] = response.context["history"]
    assert row.action == "新增"
    assert row.actor == "street_A（street_A）"
    assert ("管辖区域", None, "西南大学南社区") in row.changes


@pytest.mark.parametrize(
    "name", ["leader", "dept", "commissioner_A", "medic_A", "site_A", "guard_A", "resident_A", "employee_A"]
)
def test_roles_without_user_management_are_refused(world, client_for, name):
    client = client_for(name)
    target = world.users["community_A"]
    before = User.objects.count()

    for url in (
        "/accounts/users/",
        "/accounts/users/new/",
        f"/accounts/users/{target.pk}/",
        f"/accounts/users/{target.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/accounts/users/new/", payload()).status_code == 403
    assert client.post(f"/accounts/users/{target.pk}/active/").status_code == 403
    assert User.objects.count() == before
    assert User.objects.get(pk=target.pk).is_active


def test_anonymous_is_sent_to_login(db, client):
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/users/"


# --- another street's users look missing -----------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "edit/", "active/", "unlock/", "password/"])
def test_street_officer_gets_404_for_a_user_of_another_street(world, client_for, suffix):
    other = world.users["community_B"]
    url = f"/accounts/users/{other.pk}/{suffix}"
    client = client_for("street_A")

    assert client.get(url).status_code == 404
    post = {
        "full_name": "改名",
        "role": "community_worker",
        "scope_code": "500109001001",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    assert client.post(url, post).status_code == 404

    after = User.objects.get(pk=other.pk)
    assert (after.full_name, after.is_active, after.scope_area_id, after.password) == (
        other.full_name,
        True,
        other.scope_area_id,
        other.password,
    )


def test_enterprise_admin_gets_404_for_users_outside_own_enterprise(world, client_for):
    client = client_for("ent_admin_A")
    assert client.get(f"/accounts/users/{world.users['community_A'].pk}/").status_code == 404
    assert client.get(f"/accounts/users/{world.users['employee_B'].pk}/").status_code == 404
    assert client.get(f"/accounts/users/{world.users['employee_A'].pk}/").status_code == 200


# --- edit -------------------------------------------------------------------------------------------


def test_street_officer_edits_name_phone_and_scope_inside_own_street(world, client_for):
    target = world.users["community_A"]

    response = client_for("street_A").post(
        f"/accounts/users/{target.pk}/edit/",
        {
            "full_name": "李社区",
            "phone": "13912345678",
            "role": "community_worker",
            "scope_code": "500109001002",
        },
    )

    target.refresh_from_db()
    assert response.status_code == 302
    assert (target.full_name, target.phone, target.scope_area) == ("李社区", "13912345678", world.areas["A2"])
    assert target.scope_path == "/500109/500109001/500109001002/"
    entry = audit_of(target).get()
    assert entry.changes["full_name"] == ["community_A", "李社区"]
    assert entry.changes["scope_area"] == ["西南大学南社区", "天生桥社区"]


def test_street_officer_cannot_move_a_user_to_another_street(world, client_for):
    target = world.users["community_A"]

    response = client_for("street_A").post(
        f"/accounts/users/{target.pk}/edit/",
        {"full_name": "community_A", "role": "community_worker", "scope_code": "500109002001"},
    )

    target.refresh_from_db()
    assert response.status_code == 400
    assert target.scope_area == world.areas["A1"]
    assert not audit_of(target).exists()


def test_edit_form_is_prefilled(world, client_for):
    target = world.users["employee_A"]
    response = client_for("street_A").get(f"/accounts/users/{target.pk}/edit/")
    assert response.context["form"].initial["scope_code"] == world.enterprises["A1_above_scale"].credit_code


# --- deactivate, activate, unlock, reset password --------------------------------------------------


def test_deactivate_asks_for_confirmation_then_disables_and_audits(world, client_for):
    target = world.users["community_A"]
    client = client_for("street_A")

    confirm = client.get(f"/accounts/users/{target.pk}/active/")
    assert confirm.status_code == 200
    assert "确认停用" in confirm.content.decode()
    assert User.objects.get(pk=target.pk).is_active

    response = client.post(f"/accounts/users/{target.pk}/active/")

    assert response.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    assert audit_of(target).get().changes == {"is_active": [True, False]}
    assert (
        client.post("/accounts/login/", {"username": "community_A", "password": PASSWORD}).status_code == 200
    )

    client.post(f"/accounts/users/{target.pk}/active/")
    assert User.objects.get(pk=target.pk).is_active


def test_unlock_lifts_a_lockout(world, client_for):
    from django.utils import timezone

    target = world.users["guard_A"]
    User.objects.filter(pk=target.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=10))
    client = client_for("street_A")
    assert "解除锁定" in client.get(f"/accounts/users/{target.pk}/").content.decode()

    response = client.post(f"/accounts/users/{target.pk}/unlock/")

    target.refresh_from_db()
    assert response.status_code == 302
    assert target.locked_until is None and target.failed_login_count == 0


def test_reset_password_sets_a_new_password(world, client_for, client):
    target = world.users["resident_A"]

    response = client_for("community_A").post(
        f"/accounts/users/{target.pk}/password/", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    assert audit_of(target).get().changes == {"password": ["（原密码）", "（已重置）"]}


def test_reset_password_rejects_a_weak_password(world, client_for):
    target = world.users["resident_A"]

    response = client_for("community_A").post(
        f"/accounts/users/{target.pk}/password/", {"password": "1234", "confirm_password": "1234"}
    )

    assert response.status_code == 400
    assert "密码太短，至少需要 8 个字符。" in response.context["form"].errors["password"]
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)


def test_state_changes_need_post(world, client_for):
    target = world.users["community_A"]
    client = client_for("street_A")
    client.get(f"/accounts/users/{target.pk}/active/")
    client.get(f"/accounts/users/{target.pk}/unlock/")
    assert User.objects.get(pk=target.pk).is_active
    assert client.put(f"/accounts/users/{target.pk}/active/").status_code == 405
