"""Non-finite and odd input on the check-in, the busiest form of all: the API (fast path and
pydantic path) and the phone page refuse NaN and Infinity with the field named, and save nothing."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from fugong.checkins import services
from fugong.checkins.models import Checkin

from .factories import staff

pytestmark = pytest.mark.django_db

NON_FINITE_JSON = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    '"NaN"',
    '"nan"',
    '"Infinity"',
    '"-inf"',
    '"sNaN"',
]
NON_FINITE_FORM = ["NaN", "nan", "Infinity", "-Infinity", "inf", "1e400", "sNaN"]


@pytest.fixture(autouse=True)
def fresh_settings():
    services.settings_clear_cache()


def post_raw(client, body: str):
    return client.post("/api/v1/checkins", body, content_type="application/json")


@pytest.mark.parametrize("temperature", NON_FINITE_JSON)
def test_api_refuses_a_non_finite_temperature(world, bound, api_for, temperature):
    body = f'{{"temperature": {temperature}, "key": "{uuid.uuid4()}"}}'

    response = post_raw(api_for("employee_A"), body)

    assert response.status_code == 422, response.content
    assert response.json()["errors"]["temperature"]
    assert not Checkin.objects.exists()


@pytest.mark.parametrize("whereabouts", ["公司\u200b", "\u202e司公", "公\x00司", "ｇｏｎｇｓｉ"])
def test_api_whereabouts_by_the_text_policy_on_the_fast_path_too(world, bound, api_for, whereabouts):
    body = json.dumps({"temperature": 36.6, "key": str(uuid.uuid4()), "whereabouts": whereabouts})

    response = post_raw(api_for("employee_A"), body)

    if whereabouts.startswith("ｇ"):  # full-width letters: saved, in ASCII
        assert response.status_code == 201 and Checkin.objects.get().whereabouts == "gongsi"
    else:
        assert response.status_code == 422 and "whereabouts" in response.json()["errors"]
        assert not Checkin.objects.exists()


def test_api_a_finite_temperature_is_saved(world, bound, api_for):
    response = post_raw(api_for("employee_A"), json.dumps({"temperature": 36.6, "key": str(uuid.uuid4())}))

    assert response.status_code == 201 and str(Checkin.objects.get().temperature) == "36.6"


@pytest.fixture
def phone(world):
    """The phone of an employee identified on A1's check-in page, and the page's URL."""
    a1 = world.enterprises["A1_above_scale"]
    person = staff(a1, 201, "页面员工")
    url = reverse("checkins:checkin", args=[services.link_for(enterprise=a1).token])
    client = Client()
    client.post(url, {"action": "identify", "name": person.name, "id_number": person.id_number})
    return client, url


def answers(**kw) -> dict:
    data = {"action": "checkin", "key": str(uuid.uuid4()), "temperature": "36.6", "symptom": "none"}
    return data | {"risk_contact": "0", "whereabouts": "公司"} | kw


@pytest.mark.parametrize("temperature", NON_FINITE_FORM)
def test_page_refuses_a_non_finite_temperature(phone, temperature):
    client, url = phone

    response = client.post(url, answers(temperature=temperature))

    page = response.content.decode()
    assert response.status_code == 200 and "打卡成功" not in page and "提交打卡" in page
    assert "请填写体温" in page or "「体温（℃）」最多5个字符" in page  # "Infinity" is past the 5 characters
    assert not Checkin.objects.exists()


@pytest.mark.parametrize("whereabouts", ["公司\u200b", "\u2800", "公\u2066司"])
def test_page_whereabouts_by_the_text_policy(phone, whereabouts):
    client, url = phone

    response = client.post(url, answers(whereabouts=whereabouts))

    assert (
        response.status_code in (200, 400)
        and "「今日去向」" in response.content.decode()
        or ("「whereabouts」" in response.content.decode())
    )
    assert not Checkin.objects.exists()


def test_page_a_finite_temperature_is_saved(phone):
    client, url = phone

    response = client.post(url, answers(temperature="３６.６"))

    assert response.status_code == 200 and "打卡成功" in response.content.decode()
    assert str(Checkin.objects.get().temperature) == "36.6"
