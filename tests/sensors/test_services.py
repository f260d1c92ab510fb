"""Devices, bindings, device events and alerts through the services: idempotency, every refusal,
binding rules, and who may handle an alert."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fugong.core import audit
from fugong.quarantine import services as quarantine
from fugong.sensors import services
from fugong.sensors.models import Alert, Binding, Device, Event, RefusedEvent
from fugong.sensors.services import EventRefused, hash_secret

from .factories import alarm, bound_device, device, home_order


def record(dev, secret, event_id="e-1", kind="door_open", occurred_at=None, **kw):
    return services.event_record(
        device_id=dev.device_id if isinstance(dev, Device) else dev,
        secret=secret,
        event_id=event_id,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        **kw,
    )


# Devices -----------------------------------------------------------------------------------------


def test_register_returns_the_secret_once_and_stores_only_its_hash(world):
    dev, secret = services.device_register(
        actor=world.users["community_A"], device_id="MC-0001", kind="infrared"
    )
    dev.refresh_from_db()
    assert len(secret) >= 32
    assert dev.secret_hash == hash_secret(secret) and secret not in dev.secret_hash
    assert (dev.kind, dev.area, dev.registered_by) == (
        "infrared",
        world.areas["A1"],
        world.users["community_A"],
    )
    assert dev.area_path == world.areas["A1"].path
    entry = audit.history(dev).get(action="create")
    assert secret not in str(entry.changes) and entry.changes["device_id"] == [None, "MC-0001"]


def test_register_refuses_a_duplicate_id_a_bad_id_and_an_area_out_of_scope(world):
    device(world, device_id="MC-DUP")
    with pytest.raises(ValidationError) as exc:
        services.device_register(actor=world.users["street_A"], device_id="MC-DUP")
    assert exc.value.message_dict["device_id"] == ["该设备编号已登记"]
    with pytest.raises(ValidationError) as exc:
        services.device_register(actor=world.users["community_A"], device_id="门 磁")
    assert "设备编号应为" in exc.value.message_dict["device_id"][0]
    with pytest.raises(ValidationError) as exc:
        services.device_register(
            actor=world.users["community_A"], device_id="MC-X", area_id=world.areas["B1"].pk
        )
    assert exc.value.message_dict["area"] == ["请选择管辖范围内的区域"]
    with pytest.raises(PermissionDenied):
        services.device_register(actor=world.users["ent_admin_A"], device_id="MC-Y")
    assert list(Device.objects.values_list("device_id", flat=True)) == ["MC-DUP"]


def test_rotating_the_secret_stops_the_old_one(world):
    dev, old, _order = bound_device(world)
    _dev, new = services.device_secret_rotate(actor=world.users["community_A"], device_pk=dev.pk)
    assert new != old
    with pytest.raises(EventRefused) as exc:
        record(dev, old, "e-old")
    assert exc.value.status == 401
    assert record(dev, new, "e-new").created


# Bindings ----------------------------------------------------------------------------------------


def test_only_an_active_home_quarantine_in_scope_may_be_bound(world):
    worker = world.users["community_A"]
    dev, _secret = device(world)
    from tests.quarantine.factories import order_for

    centralized = order_for(world)  # from a high-risk area: centralized
    with pytest.raises(ValidationError) as exc:
        services.device_bind(actor=worker, device_pk=dev.pk, order_id=centralized.pk)
    assert exc.value.message_dict["order"] == ["只能绑定正在执行的居家隔离"]
    other_street = home_order(world, "B")
    with pytest.raises(ValidationError) as exc:
        services.device_bind(actor=worker, device_pk=dev.pk, order_id=other_street.pk)
    assert exc.value.message_dict["order"] == ["请选择管辖范围内正在执行的居家隔离"]
    released = home_order(world, name="王五")
    quarantine.order_release(actor=worker, order_id=released.pk, reason="测试提前解除")
    with pytest.raises(ValidationError):
        services.device_bind(actor=worker, device_pk=dev.pk, order_id=released.pk)
    assert not Binding.objects.exists()
    home = home_order(world, name="赵六")
    binding = services.device_bind(actor=worker, device_pk=dev.pk, order_id=home.pk)
    assert (binding.order, binding.bound_by, binding.area_path) == (home, worker, home.area_path)
    assert audit.history(binding).filter(action="create").exists()


def test_a_device_has_one_open_binding_and_the_database_enforces_it(world):
    dev, _secret, order = bound_device(world)
    second = home_order(world, name="孙七")
    with pytest.raises(ValidationError) as exc:
        services.device_bind(actor=world.users["community_A"], device_pk=dev.pk, order_id=second.pk)
    assert exc.value.message_dict["device"] == ["该设备已绑定其他隔离户，请先解绑"]
    # Even a writer that skips the service cannot open a second binding.
    with pytest.raises(IntegrityError), transaction.atomic():
        Binding.objects.create(device=dev, order=second, area_path=second.area_path)
    with pytest.raises(IntegrityError), transaction.atomic():
        Binding.objects.create(device=dev, order=order, area_path=order.area_path)
    services.device_unbind(actor=world.users["community_A"], device_pk=dev.pk)
    services.device_bind(actor=world.users["community_A"], device_pk=dev.pk, order_id=second.pk)
    assert list(
        Binding.objects.filter(device=dev, unbound_at__isnull=True).values_list("order", flat=True)
    ) == [second.pk]


def test_a_street_device_cannot_be_reached_by_another_street(world):
    dev, _secret, _order = bound_device(world)
    with pytest.raises(PermissionDenied):
        services.device_unbind(actor=world.users["community_B"], device_pk=dev.pk)
    with pytest.raises(PermissionDenied):
        services.device_secret_rotate(actor=world.users["street_B"], device_pk=dev.pk)
    assert Binding.objects.get(device=dev).unbound_at is None


# Events ------------------------------------------------------------------------------------------


def test_an_alarm_event_makes_one_alert_for_the_order_and_the_device_is_seen(world):
    dev, secret, order = bound_device(world)
    result = record(dev, secret, "e-1", "person_left")
    assert result.created
    event = Event.objects.get()
    assert (event.event_id, event.kind, event.order, event.area_path) == (
        "e-1",
        "person_left",
        order,
        order.area_path,
    )
    alert = Alert.objects.get()
    assert (alert.event, alert.order, alert.status, alert.area_path) == (
        event,
        order,
        "open",
        order.area_path,
    )
    dev.refresh_from_db()
    assert dev.last_seen_at == event.received_at


def test_low_battery_is_recorded_without_an_alert(world):
    dev, secret, _order = bound_device(world)
    result = record(dev, secret, "b-1", "low_battery")
    assert result.created and result.alert is None
    assert Event.objects.count() == 1 and not Alert.objects.exists()


def test_a_replay_returns_the_first_result_even_with_a_different_body(world):
    dev, secret, _order = bound_device(world)
    first = record(dev, secret, "e-7", "door_open")
    later = timezone.now() + dt.timedelta(seconds=30)
    again = record(dev, secret, "e-7", "person_left", occurred_at=later)
    assert not again.created
    assert (again.event.pk, again.alert.pk) == (first.event.pk, first.alert.pk)
    assert (again.event.kind, again.event.occurred_at) == ("door_open", first.event.occurred_at)
    assert Event.objects.count() == 1 and Alert.objects.count() == 1
    # A replay is answered even after the quarantine ended: nothing new is written either way.
    quarantine.order_release(actor=world.users["community_A"], order_id=_order.pk, reason="测试")
    assert record(dev, secret, "e-7").event.pk == first.event.pk
    assert Binding.objects.get(device=dev).unbound_at is None and not RefusedEvent.objects.exists()


def test_a_replay_that_loses_the_race_reads_the_winner(world, monkeypatch):
    """Two copies at once: both miss the replay check; the unique index lets one through."""
    dev, secret, _order = bound_device(world)
    first = record(dev, secret, "race-1")
    monkeypatch.setattr(services, "_replay", _miss_once(services._replay))
    again = record(dev, secret, "race-1")
    assert not again.created and again.event.pk == first.event.pk
    assert Event.objects.count() == 1 and Alert.objects.count() == 1


def _miss_once(real):
    calls = {"n": 0}

    def replay(device, event_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(device, event_id)

    return replay


def _refused(world, reason, call):
    before = (Event.objects.count(), Alert.objects.count())
    with pytest.raises(EventRefused) as exc:
        call()
    assert exc.value.reason == reason
    assert (Event.objects.count(), Alert.objects.count()) == before
    row = RefusedEvent.objects.order_by("-id").first()
    assert row.reason == reason
    return exc.value, row


def test_unknown_device_and_wrong_secret_are_refused_alike_and_logged(world, caplog):
    dev, secret, _order = bound_device(world)
    caplog.set_level(logging.WARNING, logger="fugong.sensors.security")
    unknown, row = _refused(
        world, "unknown_device", lambda: record("MC-NOBODY", secret, remote_ip="10.1.2.3")
    )
    assert (row.device_id, row.remote_ip) == ("MC-NOBODY", "10.1.2.3")
    wrong, row = _refused(world, "wrong_secret", lambda: record(dev, secret + "x", remote_ip="bogus"))
    assert (row.device_id, row.remote_ip) == (dev.device_id, None)
    assert (unknown.status, unknown.message) == (wrong.status, wrong.message) == (401, "设备编号或密钥错误")
    assert "wrong_secret" in caplog.text and secret not in caplog.text and "李四" not in caplog.text
    _refused(world, "wrong_secret", lambda: record(dev, ""))
    long_id = "X" * 300
    _, row = _refused(world, "unknown_device", lambda: record(long_id, "s"))
    assert row.device_id == "X" * 64


def test_stopped_and_unbound_devices_are_refused(world):
    dev, secret, _order = bound_device(world)
    services.device_set_active(actor=world.users["community_A"], device_pk=dev.pk, active=False)
    exc, _row = _refused(world, "inactive", lambda: record(dev, secret, "s-1"))
    assert exc.status == 409
    free, free_secret = device(world)
    exc, _row = _refused(world, "unbound", lambda: record(free, free_secret, "u-1"))
    assert (exc.status, exc.message) == (409, "设备未绑定居家隔离，事件未记录")


def test_stopping_a_device_frees_the_household_for_another(world):
    dev, _secret, order = bound_device(world)
    worker = world.users["community_A"]
    services.device_set_active(actor=worker, device_pk=dev.pk, active=False)
    binding = Binding.objects.get(device=dev)
    assert binding.unbound_at is not None and binding.unbind_reason == "设备停用，自动解绑"
    assert binding.unbound_by == worker
    replacement, _ = device(world)
    services.device_bind(actor=worker, device_pk=replacement.pk, order_id=order.pk)
    services.device_set_active(actor=worker, device_pk=dev.pk, active=True)  # resumed, but not re-bound
    assert not Binding.objects.filter(device=dev, unbound_at__isnull=True).exists()
    assert Binding.objects.filter(device=replacement, order=order, unbound_at__isnull=True).exists()


@pytest.mark.parametrize("end", ["release", "transfer"])
def test_a_device_of_an_ended_quarantine_is_refused_and_unbound(world, end):
    dev, secret, order = bound_device(world)
    worker = world.users["community_A"]
    if end == "release":
        quarantine.order_release(actor=worker, order_id=order.pk, reason="测试提前解除")
    else:
        quarantine.order_transfer(actor=worker, order_id=order.pk, hospital="区人民医院")
    exc, _row = _refused(world, "order_ended", lambda: record(dev, secret, "late-1"))
    assert exc.status == 409
    binding = Binding.objects.get(device=dev)
    assert binding.unbound_at is not None and binding.unbind_reason == "隔离已结束，自动解绑"
    assert audit.history(binding).filter(action="update", actor=None).exists()
    # Next time it is simply unbound.
    _refused(world, "unbound", lambda: record(dev, secret, "late-2"))


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "smoke"}, "kind", "事件类型应为"),
        ({"event_id": ""}, "event_id", "事件编号应为"),
        ({"event_id": "has space"}, "event_id", "事件编号应为"),
        ({"event_id": "x" * 65}, "event_id", "事件编号应为"),
        ({"occurred_at": "future"}, "occurred_at", "晚于服务器时间"),
        ({"occurred_at": "old"}, "occurred_at", "7天以前"),
        ({"occurred_at": "before_binding"}, "occurred_at", "绑定本隔离户之前"),
    ],
)
def test_bad_events_are_refused_in_chinese_and_nothing_is_saved(world, body, field, message):
    dev, secret, _order = bound_device(world)
    now = timezone.now()
    times = {
        "future": now + dt.timedelta(minutes=10),
        "old": now - dt.timedelta(days=8),
        "before_binding": now - dt.timedelta(hours=1),
    }
    args = {"event_id": "ok-1", "kind": "door_open", "occurred_at": now, **body}
    args["occurred_at"] = times.get(args["occurred_at"], args["occurred_at"])
    with pytest.raises(ValidationError) as exc:
        services.event_record(device_id=dev.device_id, secret=secret, **args)
    assert message in exc.value.message_dict[field][0]
    assert not Event.objects.exists() and not Alert.objects.exists() and not RefusedEvent.objects.exists()


def test_a_small_clock_skew_is_accepted(world):
    dev, secret, _order = bound_device(world)
    assert record(dev, secret, "skew", occurred_at=timezone.now() + dt.timedelta(minutes=2)).created


def test_a_naive_time_is_read_in_the_district_clock(world):
    dev, secret, _order = bound_device(world)
    naive = timezone.localtime().replace(tzinfo=None)
    event = record(dev, secret, "naive", occurred_at=naive).event
    assert abs((event.occurred_at - timezone.now()).total_seconds()) < 5


# Alerts ------------------------------------------------------------------------------------------


def test_acknowledge_then_close_with_an_outcome(world):
    alert, *_ = alarm(world)
    worker = world.users["community_A"]
    services.alert_acknowledge(actor=worker, alert_id=alert.pk)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", worker)
    services.alert_close(actor=worker, alert_id=alert.pk, outcome="turned_back", note="已电话劝返")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome, alert.outcome_note, alert.closed_by) == (
        "closed",
        "turned_back",
        "已电话劝返",
        worker,
    )
    changes = [e.changes for e in audit.history(alert).order_by("at", "id")]
    assert changes[0]["status"] == ["待处置", "处置中"]
    assert changes[1]["outcome"] == ["", "外出已劝返"]


def test_a_second_person_is_told_who_acknowledged(world):
    alert, *_ = alarm(world)
    services.alert_acknowledge(actor=world.users["community_A"], alert_id=alert.pk)
    with pytest.raises(ValidationError) as exc:
        services.alert_acknowledge(actor=world.users["street_A"], alert_id=alert.pk)
    assert exc.value.messages[0].startswith("该告警已由community_A于")
    assert "确认，正在处置" in exc.value.messages[0]
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.users["community_A"]


def test_closing_an_open_alert_acknowledges_it_and_a_closed_one_stays_closed(world):
    alert, *_ = alarm(world)
    services.alert_close(actor=world.users["street_A"], alert_id=alert.pk, outcome="false_alarm")
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.users["street_A"] and alert.acknowledged_at == alert.closed_at
    with pytest.raises(ValidationError) as exc:
        services.alert_close(actor=world.users["community_A"], alert_id=alert.pk, outcome="at_home")
    assert "办结" in exc.value.messages[0] and "street_A" in exc.value.messages[0]
    alert.refresh_from_db()
    assert alert.outcome == "false_alarm"


def test_close_needs_a_known_outcome_and_a_note_when_unreachable(world):
    alert, *_ = alarm(world)
    worker = world.users["community_A"]
    with pytest.raises(ValidationError) as exc:
        services.alert_close(actor=worker, alert_id=alert.pk, outcome="gone")
    assert exc.value.message_dict == {"outcome": ["请选择处置结果"]}
    with pytest.raises(ValidationError) as exc:
        services.alert_close(actor=worker, alert_id=alert.pk, outcome="unreachable")
    assert exc.value.message_dict == {"note": ["联系不上的，请写明已上报给谁"]}
    alert.refresh_from_db()
    assert alert.status == "open"


def test_alerts_are_scoped_the_doctor_reads_but_another_street_does_not(world):
    alert, *_ = alarm(world)
    assert Alert.objects.visible_to(world.users["community_B"]).count() == 0
    assert Alert.objects.visible_to(world.users["street_B"]).count() == 0
    assert Alert.objects.visible_to(world.users["ent_admin_A"]).count() == 0
    assert Alert.objects.visible_to(world.users["medic_A"]).count() == 1  # the street's medic
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=world.users["community_B"], alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.status == "open"
