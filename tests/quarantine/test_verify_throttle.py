"""Release-notice verification is public: a client that fails too often is refused (429, in Chinese)
before its number and code are checked, on the page and through the API; other clients go on."""

import re

import pytest
from django.test import Client, override_settings

from .notice_helpers import released

THROTTLED = re.compile(r"尝试次数过多，请 (\d+) 分钟后再试")
SURFACES = {
    "page": lambda number, code: f"/quarantine/verify/{number}/{code}/",
    "api": lambda number, code: f"/api/v1/quarantine/verify/{number}/{code}",
}


@pytest.fixture(params=sorted(SURFACES))
def path(request):
    return SURFACES[request.param]


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["detail"]
    return response.content.decode()


@override_settings(FUGONG_THROTTLE_VERIFY_CLIENT="3/10m")
@pytest.mark.parametrize("ip", ["203.0.113.9", "2001:db8::5"])
def test_a_client_that_failed_too_often_is_refused_even_for_a_genuine_notice(world, path, ip):
    notice = released(world).notice
    guesser = Client(REMOTE_ADDR=ip)
    for code in ["AAAAAAAAAA", "BBBBBBBBBB", notice.code[:-1] + "Z"]:
        assert guesser.get(path(notice.number, code)).status_code == 404

    refused = guesser.get(path(notice.number, notice.code))

    assert refused.status_code == 429 and THROTTLED.search(text_of(refused))
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "真实有效" not in text_of(refused) and "genuine" not in text_of(refused)  # the code is not judged
    # Positive control: another client verifies the same notice
    assert Client(REMOTE_ADDR="198.51.100.7").get(path(notice.number, notice.code)).status_code == 200


@override_settings(FUGONG_THROTTLE_VERIFY_CLIENT="3/10m")
def test_genuine_verifications_are_not_counted(world, path):
    notice = released(world).notice
    checkpoint = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(6):
        assert checkpoint.get(path(notice.number, notice.code)).status_code == 200
