"""``manage.py sensor_event`` over real HTTP against a live server, and the demo's door sensor."""

import io

import pytest
from django.core.management import CommandError, call_command

from fugong.sensors.models import Alert, Binding, Device, Event, RefusedEvent

from .factories import bound_device


def run(*args) -> str:
    out = io.StringIO()
    call_command("sensor_event", *args, stdout=out)
    return out.getvalue()


def test_the_command_posts_like_a_device_and_a_replay_records_nothing(live_server, world):
    dev, secret, order = bound_device(world)
    out = run(
        dev.device_id,
        "--secret",
        secret,
        "--kind",
        "person_left",
        "--event-id",
        "cli-1",
        "--url",
        live_server.url,
    )
    assert out.startswith("HTTP 201 ") and "已记录" in out
    event = Event.objects.get()
    assert (event.event_id, event.kind, event.order) == ("cli-1", "person_left", order)
    assert Alert.objects.get().event == event
    out = run(dev.device_id, "--secret", secret, "--event-id", "cli-1", "--url", live_server.url)
    assert out.startswith("HTTP 200 ") and "未重复记录" in out
    assert Event.objects.count() == 1
    with pytest.raises(CommandError, match="HTTP 401"):
        run(dev.device_id, "--secret", "wrong", "--url", live_server.url)
    assert RefusedEvent.objects.get().reason == "wrong_secret"


def test_the_command_says_when_the_platform_is_not_running(db):
    with pytest.raises(CommandError, match="无法连接"):
        run("MC-1", "--secret", "s", "--url", "http://127.0.0.1:9")


def test_the_demo_binds_its_device_and_has_a_released_quarantine_with_a_notice_that_verifies(db, client):
    from fugong.sensors import services
    from tests.demo.helpers import clear_database, run_demo

    clear_database()
    out = run_demo("--scale", "small", "--seed", "7")
    assert "DEMO-MC-0001（密钥 Fugong-Demo-Door-2020）" in out
    assert "sensor_event DEMO-MC-0001 --secret Fugong-Demo-Door-2020" in out
    device = Device.objects.get(device_id="DEMO-MC-0001")
    binding = Binding.objects.select_related("order__responsible").get(device=device, unbound_at__isnull=True)
    assert (binding.order.kind, binding.order.status) == ("home", "active")
    assert binding.order.responsible.username == "community"
    result = services.event_record(
        device_id="DEMO-MC-0001",
        secret="Fugong-Demo-Door-2020",
        event_id="demo-1",
        kind="door_open",
        occurred_at=binding.bound_at,
    )
    assert result.created and result.alert.order == binding.order

    # The released quarantine: its notice is listed for the community worker and its link verifies.
    from fugong.quarantine.models.notices import ReleaseNotice

    notice = ReleaseNotice.objects.select_related("order__responsible").get()
    assert notice.order.status == "released" and notice.order.responsible.username == "community"
    assert f"解除隔离通知书：{notice.number}" in out and notice.verify_url in out
    page = client.get(notice.verify_url.removeprefix("http://localhost:8000"))
    assert page.status_code == 200 and "真实有效" in page.content.decode()
