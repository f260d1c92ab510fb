"""The public check-in page's identification by name + ID number is throttled per client and per
enterprise link; a throttled attempt answers 429 in Chinese without judging the guess."""

import datetime as dt
import re
import uuid

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from fugong.checkins import services
from fugong.checkins.views import COOKIE
from fugong.core import fake

from .factories import staff

THROTTLED = re.compile(r"尝试次数过多，请 (\d+) 分钟后再试")
NOT_LISTED = "本企业员工名单中没有这个姓名和身份证号"


@pytest.fixture
def a1(world):
    return world.enterprises["A1_above_scale"]


@pytest.fixture
def link(a1):
    return services.link_for(enterprise=a1)


def url(link) -> str:
    return reverse("checkins:checkin", args=[link.token])


def guess(phone: Client, link, name: str, id_number: str):
    return phone.post(url(link), {"action": "identify", "name": name, "id_number": id_number})


def wrong_number(i: int) -> str:
    """A well-formed ID number (same birth date as the staff's) that is nobody's on the list."""
    return fake.id_number(900 + i, dt.date(1985, 3, 1))


def wrong_guesses(phone: Client, link, person, count: int) -> None:
    for i in range(count):
        response = guess(phone, link, person.name, wrong_number(i))
        assert response.status_code == 200 and NOT_LISTED in response.content.decode()


@override_settings(FUGONG_THROTTLE_IDENTIFY_CLIENT="3/10m", FUGONG_THROTTLE_IDENTIFY_LINK="100/10m")
@pytest.mark.parametrize("ip", ["203.0.113.9", "2001:db8::7"])
def test_a_client_that_guessed_wrong_too_often_gets_429_even_for_the_right_guess(world, a1, link, ip):
    person = staff(a1, 11, "钱七")
    phone = Client(REMOTE_ADDR=ip)
    wrong_guesses(phone, link, person, 3)

    response = guess(phone, link, person.name, person.id_number)

    assert response.status_code == 429
    assert THROTTLED.search(response.content.decode())
    assert 0 < int(response["Retry-After"]) <= 600
    assert COOKIE not in phone.cookies  # the right guess was not judged: nothing bound
    # Positive control: another phone identifies at once
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert guess(other, link, person.name, person.id_number).status_code == 302


@override_settings(FUGONG_THROTTLE_IDENTIFY_CLIENT="3/10m", FUGONG_THROTTLE_IDENTIFY_LINK="100/10m")
def test_under_the_limit_the_right_guess_still_identifies(world, a1, link):
    person = staff(a1, 12, "孙八")
    phone = Client(REMOTE_ADDR="203.0.113.9")
    wrong_guesses(phone, link, person, 2)

    assert guess(phone, link, person.name, person.id_number).status_code == 302


@override_settings(FUGONG_THROTTLE_IDENTIFY_CLIENT="100/10m", FUGONG_THROTTLE_IDENTIFY_LINK="4/10m")
def test_many_clients_guessing_on_one_link_are_capped_per_link(world, a1, link):
    person = staff(a1, 13, "周九")
    for i in range(4):  # four addresses, one wrong guess each
        wrong_guesses(Client(REMOTE_ADDR=f"203.0.113.{i + 1}"), link, person, 1)

    fresh = Client(REMOTE_ADDR="198.51.100.50")
    assert guess(fresh, link, person.name, person.id_number).status_code == 429
    # Another enterprise's link is its own counter
    b1 = world.enterprises["B1_above_scale"]
    someone = staff(b1, 14, "吴十")
    assert guess(fresh, services.link_for(enterprise=b1), someone.name, someone.id_number).status_code == 302


@override_settings(FUGONG_THROTTLE_IDENTIFY_CLIENT="3/10m", FUGONG_THROTTLE_IDENTIFY_LINK="100/10m")
def test_successes_are_not_counted(world, a1, link):
    """A factory's staff identifying one after another from the same Wi-Fi address are not slowed."""
    wifi = "192.0.2.200"
    for i in range(6):
        person = staff(a1, 30 + i)
        assert guess(Client(REMOTE_ADDR=wifi), link, person.name, person.id_number).status_code == 302


@override_settings(FUGONG_THROTTLE_IDENTIFY_CLIENT="3/10m", FUGONG_THROTTLE_IDENTIFY_LINK="100/10m")
def test_proxy_checkin_guesses_count_against_the_same_client(world, a1, link):
    me = staff(a1, 20, "郑一")
    target = staff(a1, 21, "王二")
    phone = Client(REMOTE_ADDR="203.0.113.9")
    assert guess(phone, link, me.name, me.id_number).status_code == 302
    data = {"temperature": "36.6", "symptom": "none", "risk_contact": "0", "whereabouts": "家"}
    for i in range(3):
        wrong = {**data, "key": str(uuid.uuid4()), "name": target.name, "id_number": wrong_number(i)}
        page = phone.post(url(link) + "?proxy=1", wrong)
        assert page.status_code == 200 and NOT_LISTED in page.content.decode()

    right = {**data, "key": str(uuid.uuid4()), "name": target.name, "id_number": target.id_number}
    page = phone.post(url(link) + "?proxy=1", right)

    assert page.status_code == 429 and THROTTLED.search(page.content.decode())
