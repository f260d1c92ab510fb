"""A credit code is a natural key: registering, editing or importing with one that is registered
outside the actor's sight gets one neutral answer — the same words for every other street, community
or sector — naming no other party anywhere (message, page, API body, row error), and nothing is saved
or bound. A duplicate the actor can see is named as one; the sysadmin sees the real duplicate."""

import pytest

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.enterprises.models import Enterprise
from tests.api.conftest import registry_state

from .helpers import enterprise_post, new_code, row, upload

NEUTRAL = "该统一社会信用代码无法在您的范围内登记，请联系街镇核实"
DUPLICATE = "该统一社会信用代码已登记，请勿重复录入"
CATEGORY = {"street_A": "commerce", "community_A": "individual", "dept": "above_scale"}
CATEGORY_LABEL = {"commerce": "商贸服务", "individual": "个体工商户", "above_scale": "规上工业"}

# (actor, an enterprise the actor cannot see, the community the actor registers in)
OUT_OF_SCOPE = [
    ("street_A", "B1_commerce", "A1"),  # another street
    ("street_A", "B1_above_scale", "A2"),  # another street, another category
    ("street_A", "B1_individual", "A1"),
    ("community_A", "A2_individual", "A1"),  # the same street, another community
    ("community_A", "B1_commerce", "A1"),
    ("dept", "A1_commerce", "A1"),  # another department's sector
]
IN_SCOPE = [("street_A", "A1_commerce", "A1"), ("street_A", "B1_commerce", "A1")]


def _ids(case):
    return "-".join(case)


def _secrets(enterprise: Enterprise, actor) -> list[str]:
    """What must never reach an actor who cannot see ``enterprise`` (its area's name only when the
    actor cannot see the area either: their own community's name is on their own form)."""
    secrets = [enterprise.name, enterprise.legal_rep_name, enterprise.contact_name, enterprise.address]
    if not Area.objects.visible_to(actor).filter(pk=enterprise.area_id).exists():
        secrets.append(enterprise.area.name)
    return secrets


def _assert_reveals_nothing(text: str, enterprise: Enterprise, actor) -> None:
    for secret in _secrets(enterprise, actor):
        assert secret not in text, secret


def _page_data(world, actor, area_key, seq, **overrides):
    category = overrides.pop("category", CATEGORY[actor])
    data = enterprise_post(world.areas[area_key], seq, category=category, **overrides)
    if category == "above_scale":
        data["industry"] = "C"
    return data


def _own(world, actor, area_key) -> Enterprise:
    """An enterprise the actor may change in that community (a community worker's own 个体工商户)."""
    user = world.users[actor]
    own = Enterprise.objects.visible_to(user, "change").filter(area=world.areas[area_key]).first()
    if own is None:
        own = Enterprise.objects.create(
            credit_code=new_code(90),
            name="本社区个体测试店",
            legal_rep_name="赵六",
            legal_rep_phone="13900001111",
            area=world.areas[area_key],
            address="本社区1号",
            category="individual",
            industry="F",
            headcount=3,
            local_headcount=3,
        )
    assert Enterprise.objects.visible_to(user, "change").filter(pk=own.pk).exists()
    return own


def _form_errors(response) -> dict:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def _api_body(world, actor, area_key, code):
    category = CATEGORY[actor]
    return {
        "credit_code": code,
        "name": "重庆抢注测试有限公司",
        "legal_rep_name": "王伟",
        "legal_rep_phone": "13812345678",
        "area_code": world.areas[area_key].code,
        "address": "天生路1号",
        "category": category,
        "industry": "C" if category == "above_scale" else "F",
        "headcount": 10,
        "local_headcount": 5,
    }


# --- the web form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", OUT_OF_SCOPE, ids=_ids)
def test_create_page_with_a_code_out_of_scope_gets_the_neutral_answer(world, client_for, case):
    actor, key, area_key = case
    other = world.enterprises[key]
    before = registry_state()

    response = client_for(actor).post(
        "/enterprises/new/", _page_data(world, actor, area_key, 11, credit_code=other.credit_code)
    )

    assert response.status_code == 200
    assert _form_errors(response) == {"credit_code": [NEUTRAL]}
    _assert_reveals_nothing(response.content.decode(), other, world.users[actor])
    assert registry_state() == before


@pytest.mark.parametrize("case", OUT_OF_SCOPE, ids=_ids)
def test_the_answer_out_of_scope_is_the_same_as_for_every_other_out_of_scope_code(world, client_for, case):
    # The same words, whichever other party holds the code (and a lower-case code is the same code).
    actor, key, area_key = case
    code = world.enterprises[key].credit_code.lower()
    response = client_for(actor).post(
        "/enterprises/new/", _page_data(world, actor, area_key, 12, credit_code=code)
    )
    answers = {str(e) for e in response.context["form"].errors["credit_code"]}
    assert answers == {NEUTRAL}


@pytest.mark.parametrize("case", OUT_OF_SCOPE, ids=_ids)
def test_edit_page_to_a_code_out_of_scope_gets_the_neutral_answer(world, client_for, case):
    actor, key, area_key = case
    other = world.enterprises[key]
    own = _own(world, actor, area_key)
    data = _page_data(world, actor, area_key, 13, credit_code=other.credit_code, category=own.category)
    data["industry"] = own.industry
    before = registry_state()

    response = client_for(actor).post(f"/enterprises/{own.pk}/edit/", data)

    assert response.status_code == 200
    assert _form_errors(response) == {"credit_code": [NEUTRAL]}
    _assert_reveals_nothing(response.content.decode(), other, world.users[actor])
    assert registry_state() == before


def test_in_scope_create_and_edit_still_work(world, client_for):
    # Positive control: a free code registers; keeping one's own code on edit is no conflict.
    client = client_for("street_A")
    response = client.post("/enterprises/new/", _page_data(world, "street_A", "A1", 14))
    created = Enterprise.objects.get(credit_code=new_code(14))
    assert response.status_code == 302
    data = _page_data(world, "street_A", "A1", 14, name="改名后的测试企业")
    assert client.post(f"/enterprises/{created.pk}/edit/", data).status_code == 302
    created.refresh_from_db()
    assert created.name == "改名后的测试企业"


def test_a_duplicate_the_actor_can_see_is_named_as_one(world, client_for):
    own = world.enterprises["A1_commerce"]
    response = client_for("street_A").post(
        "/enterprises/new/", _page_data(world, "street_A", "A1", 15, credit_code=own.credit_code)
    )
    assert _form_errors(response) == {"credit_code": [DUPLICATE]}


@pytest.mark.parametrize("key", ["A1_commerce", "B1_commerce", "B1_individual"])
def test_the_sysadmin_sees_the_real_duplicate(world, client_for, key):
    code = world.enterprises[key].credit_code
    response = client_for("sysadmin").post(
        "/enterprises/new/", _page_data(world, "street_A", "B1", 16, credit_code=code)
    )
    assert _form_errors(response) == {"credit_code": [DUPLICATE]}


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", OUT_OF_SCOPE, ids=_ids)
def test_api_create_and_patch_with_a_code_out_of_scope_get_the_neutral_answer(world, api_for, case):
    actor, key, area_key = case
    other = world.enterprises[key]
    client = api_for(actor)
    own = _own(world, actor, area_key)
    before = registry_state()

    created = client.post(
        "/api/v1/enterprises",
        _api_body(world, actor, area_key, other.credit_code),
        content_type="application/json",
    )
    patched = client.patch(
        f"/api/v1/enterprises/{own.pk}", {"credit_code": other.credit_code}, content_type="application/json"
    )

    for response in (created, patched):
        assert response.status_code == 422
        assert response.json()["errors"] == {"credit_code": [NEUTRAL]}
        _assert_reveals_nothing(response.content.decode(), other, world.users[actor])
    assert registry_state() == before


def test_api_positive_controls(world, api_for):
    street = api_for("street_A")
    free = street.post(
        "/api/v1/enterprises",
        _api_body(world, "street_A", "A1", new_code(17)),
        content_type="application/json",
    )
    assert free.status_code == 201
    seen = street.post(
        "/api/v1/enterprises",
        _api_body(world, "street_A", "A1", world.enterprises["A1_commerce"].credit_code),
        content_type="application/json",
    )
    assert seen.json()["errors"] == {"credit_code": [DUPLICATE]}
    admin = api_for("sysadmin").post(
        "/api/v1/enterprises",
        _api_body(world, "street_A", "A1", world.enterprises["B1_commerce"].credit_code),
        content_type="application/json",
    )
    assert admin.json()["errors"] == {"credit_code": [DUPLICATE]}


# --- the import -----------------------------------------------------------------------------------

IMPORTERS = [case for case in OUT_OF_SCOPE if case[0] != "community_A"]  # community workers do not import


def _import_row(world, actor, area_key, seq, code):
    category = CATEGORY[actor]
    return row(
        seq,
        world.areas[area_key].code,
        统一社会信用代码=code,
        企业名称="抢注企业",
        企业类别=CATEGORY_LABEL[category],
    )


@pytest.mark.parametrize("case", IMPORTERS, ids=_ids)
def test_import_row_with_a_code_out_of_scope_is_a_neutral_row_error(world, client_for, api_for, case):
    actor, key, area_key = case
    other = world.enterprises[key]
    before = registry_state()
    rows = [
        _import_row(world, actor, area_key, 18, new_code(18)),
        _import_row(world, actor, area_key, 19, other.credit_code),
    ]

    page = client_for(actor).post("/enterprises/import/", {"file": upload(rows)})
    api = api_for(actor).post("/api/v1/enterprises/import", {"file": upload(rows)})

    expected = f"第 3 行 「统一社会信用代码」：{NEUTRAL}"
    assert [str(e) for e in page.context["result"].errors] == [expected]
    assert api.status_code == 422
    assert [(e["row"], e["column"], e["message"]) for e in api.json()["errors"]] == [
        (3, "统一社会信用代码", NEUTRAL)
    ]
    for response in (page, api):
        _assert_reveals_nothing(response.content.decode(), other, world.users[actor])
    assert registry_state() == before

    # Only the valid rows: the free code saves, the other party's record is untouched.
    kept = client_for(actor).post("/enterprises/import/", {"file": upload(rows), "valid_only": "on"})
    assert kept.context["result"].created == 1
    other.refresh_from_db()
    assert other.name == world.enterprises[key].name


def test_import_of_a_visible_code_updates_and_the_sysadmin_sees_the_duplicate_as_an_update(world, client_for):
    # Positive control: a code in scope is the actor's own enterprise, updated in place.
    own = world.enterprises["A1_commerce"]
    response = client_for("street_A").post(
        "/enterprises/import/",
        {
            "file": upload(
                [row(20, world.areas["A1"].code, 统一社会信用代码=own.credit_code, 企业类别="商贸服务")]
            )
        },
    )
    assert response.context["result"].updated == 1
    other = world.enterprises["B1_commerce"]
    admin = client_for("sysadmin").post(
        "/enterprises/import/",
        {
            "file": upload(
                [row(21, world.areas["B1"].code, 统一社会信用代码=other.credit_code, 企业类别="商贸服务")]
            )
        },
    )
    assert admin.context["result"].updated == 1


def test_a_row_check_names_a_visible_code_it_may_not_change_and_not_an_invisible_one(world):
    # A community worker sees its community's 规上 enterprise but may not change it: that code may be
    # named as registered; a code of another community gets the neutral answer.
    from fugong.enterprises import imports

    visible, hidden = world.enterprises["A1_above_scale"], world.enterprises["A2_individual"]
    rows = [
        (2, {"credit_code": visible.credit_code, "area_code": world.areas["A1"].code}),
        (3, {"credit_code": hidden.credit_code, "area_code": world.areas["A1"].code}),
    ]
    plan = imports.check_rows(user=world.users["community_A"], rows=rows)
    code_errors = [(e.row, e.message) for e in plan.errors if e.column == "统一社会信用代码"]
    assert code_errors == [(2, "该统一社会信用代码已登记，且不在您可修改的范围内"), (3, NEUTRAL)]


# --- accounts bound by credit code ----------------------------------------------------------------


def _user_payload(role, code, username="bound_user"):
    password = "Xinmima!2020abc"
    return {
        "username": username,
        "full_name": "王小明",
        "phone": "13800138000",
        "role": role,
        "scope_code": code,
        "department": "",
        "password": password,
        "confirm_password": password,
    }


@pytest.mark.parametrize("role", ["enterprise_admin", "employee"])
@pytest.mark.parametrize("key", ["B1_commerce", "B1_above_scale", "B1_individual"])
def test_an_account_cannot_be_bound_to_an_enterprise_out_of_scope(world, client_for, api_for, role, key):
    other = world.enterprises[key]
    unknown = new_code(23)
    before = User.objects.count()
    answers = {}
    for label, code in (("other", other.credit_code), ("unknown", unknown)):
        page = client_for("street_A").post("/accounts/users/new/", _user_payload(role, code))
        assert page.status_code == 400
        api = api_for("street_A").post(
            "/api/v1/auth/users",
            {
                k: v
                for k, v in _user_payload(role, code).items()
                if k not in {"confirm_password", "department"}
            },
            content_type="application/json",
        )
        assert api.status_code == 422
        answers[label] = (
            [str(e).replace(code, "CODE") for e in page.context["form"].errors["scope_code"]],
            [m.replace(code, "CODE") for m in api.json()["errors"]["scope_code"]],
        )
        for response in (page, api):
            _assert_reveals_nothing(response.content.decode(), other, world.users["street_A"])
    assert answers["other"] == answers["unknown"]  # out of scope answers exactly as not registered
    assert User.objects.count() == before
    assert not User.objects.filter(scope_enterprise=other).exclude(pk__in=_world_user_pks(world)).exists()


def _world_user_pks(world):
    return [u.pk for u in world.users.values()]


@pytest.mark.parametrize("role", ["enterprise_admin", "employee"])
def test_an_account_in_scope_is_bound(world, client_for, role):
    own = world.enterprises["A1_commerce"]
    response = client_for("street_A").post("/accounts/users/new/", _user_payload(role, own.credit_code))
    assert response.status_code == 302
    assert User.objects.get(username="bound_user").scope_enterprise == own


def test_rebinding_an_account_to_an_enterprise_out_of_scope_is_refused(world, api_for):
    employee = world.users["employee_A"]
    other = world.enterprises["B1_above_scale"]
    response = api_for("street_A").patch(
        f"/api/v1/auth/users/{employee.pk}",
        {"scope_code": other.credit_code},
        content_type="application/json",
    )
    assert response.status_code in (403, 404, 422)
    _assert_reveals_nothing(response.content.decode(), other, world.users["street_A"])
    employee.refresh_from_db()
    assert employee.scope_enterprise == world.enterprises["A1_above_scale"]
