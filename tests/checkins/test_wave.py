"""POST /api/v1/checkins: the morning wave's fast path (checkins/wave.py) answers exactly as the
django-ninja operation does, and hands every request it does not take to that operation."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.operation import Operation

from fugong.checkins import services
from fugong.checkins.models import Alert, Checkin

from .factories import post

pytestmark = pytest.mark.django_db

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def fresh_settings():
    services.settings_clear_cache()


@pytest.fixture
def ninja_calls(monkeypatch):
    """How many requests django-ninja parsed and validated (the fast path parses none)."""
    calls = []
    original = Operation._get_values

    def spy(self, request, *args, **kwargs):
        if request.path == "/api/v1/checkins":
            calls.append(request.path)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(Operation, "_get_values", spy)
    return calls


def test_the_common_check_in_is_answered_without_ninja_in_two_queries(world, bound, api_for, ninja_calls):
    api = api_for("employee_A")
    post(api, {"temperature": 36.6, "key": str(uuid.uuid4())})  # the token's first use stamps it
    Checkin.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        r = post(api, {"temperature": 36.6, "whereabouts": "公司", "key": str(uuid.uuid4())})
    assert r.status_code == 201, r.content
    assert ninja_calls == []
    # the token with its user and identity, then the INSERT (savepoints: the test's own transaction)
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 2 and sql[1].startswith('INSERT INTO "checkins_checkin"'), sql
    assert Checkin.objects.get().person_id == bound.pk


def test_both_paths_answer_the_same_check_in_alike(world, bound, api_for, ninja_calls):
    api = api_for("employee_A")
    fast = post(
        api, {"temperature": 36.6, "whereabouts": "公司", "risk_contact": False, "key": str(uuid.uuid4())}
    )
    assert ninja_calls == []
    Checkin.objects.all().delete()
    # "false" as text is pydantic's to judge: the slow path, which accepts it as false
    slow = post(
        api, {"temperature": 36.6, "whereabouts": "公司", "risk_contact": "false", "key": str(uuid.uuid4())}
    )
    assert ninja_calls == ["/api/v1/checkins"]
    assert (fast.status_code, slow.status_code) == (201, 201)
    assert fast["Content-Type"] == slow["Content-Type"]
    f, s = fast.json(), slow.json()
    assert f.keys() == s.keys()
    for name in (
        "person_id",
        "enterprise_id",
        "day",
        "slot",
        "temperature",
        "symptom",
        "risk_contact",
        "whereabouts",
        "abnormal",
        "proxy",
    ):
        assert f[name] == s[name], name
    assert ISO.match(f["submitted_at"]) and ISO.match(s["submitted_at"])
    assert f["submitted_at"][-1] == s["submitted_at"][-1]  # the same time-zone notation
    assert {type(v) for v in f.values()} == {type(v) for v in s.values()}


def test_a_retry_on_the_fast_path_gives_the_same_answer(world, bound, api_for):
    api = api_for("employee_A")
    key = str(uuid.uuid4())
    first = post(api, {"temperature": 36.6}, **{"Idempotency-Key": key})
    again = post(api, {"temperature": 36.6, "key": key})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and Checkin.objects.count() == 1


def test_a_fever_on_the_fast_path_raises_the_alert(world, bound, api_for, ninja_calls):
    r = post(api_for("employee_A"), {"temperature": "38.2", "symptom": "cough", "key": str(uuid.uuid4())})
    assert r.status_code == 201 and r.json()["abnormal"] is True and ninja_calls == []
    assert Alert.objects.get().reason == "发热 38.2 ℃、咳嗽"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"temperature": 45}, "temperature", "体温须在 35.0–42.0 ℃ 之间"),
        ({"temperature": 36.5, "symptom": "x"}, "symptom", "请选择症状"),
        ({"temperature": 36.5, "whereabouts": "路" * 61}, "whereabouts", "60 字以内"),
    ],
)
def test_the_services_refusals_keep_the_apis_shape(world, bound, api_for, ninja_calls, body, field, message):
    r = post(api_for("employee_A"), {**body, "key": str(uuid.uuid4())})
    assert r.status_code == 422 and ninja_calls == []
    assert r.json()["detail"] == "提交的数据有误" and message in r.json()["errors"][field][0]
    assert not Checkin.objects.exists()


@pytest.mark.parametrize(
    "who, body, status",
    [
        (None, {"temperature": 36.5}, 401),  # no token
        ("bad-token", {"temperature": 36.5}, 401),
        ("employee_B", {"temperature": 36.5}, 422),  # not identified yet
        ("ent_admin_A", {"temperature": 36.5}, 403),  # no right to submit
        ("employee_A", {"temperature": True}, 422),  # not a temperature
        ("employee_A", {"temperature": 36.5, "extra": 1}, 201),  # unknown fields: pydantic ignores them
        ("employee_A", {"temperature": 36.5, "person_id": 1}, 403),  # proxy: community workers only
        ("employee_A", [36.5], 422),  # not an object
    ],
)
def test_every_other_request_goes_to_the_operation(
    world, bound, api_for, client, ninja_calls, who, body, status
):
    if who is None:
        api = client
    elif who == "bad-token":
        api = type(client)(headers={"Authorization": "Bearer nope"})
    else:
        api = api_for(who)
    if isinstance(body, dict):
        body = {**body, "key": str(uuid.uuid4())}
    r = post(api, body)
    assert r.status_code == status, r.content
    if status == 401:  # refused by the operation's auth, before it reads the body
        assert r.json() == {"detail": "未登录，或令牌无效、已过期"} and ninja_calls == []
    else:
        assert ninja_calls == ["/api/v1/checkins"]


def test_a_session_check_in_still_needs_its_csrf_token(world, bound, client_for, ninja_calls):
    browser = client_for("employee_A")
    browser.handler.enforce_csrf_checks = True
    r = post(browser, {"temperature": 36.5, "key": str(uuid.uuid4())})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    assert not Checkin.objects.exists()
