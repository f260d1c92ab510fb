"""Centralized sites: check-in after all checks, one occupant per room (even under a race), site
staff bound to their site, occupancy now and in total."""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from fugong.quarantine import selectors, services
from fugong.quarantine.models import Returnee, Stay

from .factories import check_in, order_for, site_with_rooms


def test_check_in_only_after_all_checks(world):
    site = site_with_rooms(world)
    order = order_for(world)
    with pytest.raises(ValidationError) as exc:
        services.stay_check_in(
            actor=world.users["site_A"],
            site_id=site.pk,
            room_id=site.rooms.first().pk,
            id_number=order.person.id_number,
            checked_registration=True,
            checked_temperature=True,
            checked_health=False,
        )
    assert exc.value.messages == ["登记、体温检测、核酸/健康状况全部核验达标后方可入住"]
    assert not Stay.objects.exists()


def test_second_assignment_of_an_occupied_room_refused(world):
    site = site_with_rooms(world)
    room = site.rooms.get(number="101")
    first, second = order_for(world), order_for(world)
    check_in(world, site, room, first, "site_A")
    with pytest.raises(ValidationError) as exc:
        check_in(world, site, room, second, "site_A")
    assert exc.value.message_dict["room"] == ["该房间已有人入住"]
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).count() == 1
    # After check-out the room is free again.
    services.stay_check_out(actor=world.users["site_A"], stay_id=Stay.objects.get(room=room).pk)
    check_in(world, site, room, second, "site_A")
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).get().person == second.person


def test_a_guest_takes_one_room_at_a_time(world):
    site = site_with_rooms(world)
    order = order_for(world)
    check_in(world, site, site.rooms.get(number="101"), order, "site_A")
    with pytest.raises(ValidationError) as exc:
        check_in(world, site, site.rooms.get(number="102"), order, "site_A")
    assert exc.value.messages == ["该人员已入住"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_assignments_of_one_room_one_wins(world, monkeypatch):
    site = site_with_rooms(world)
    room = site.rooms.get(number="101")
    orders = [order_for(world), order_for(world)]
    both_checked = threading.Barrier(2, timeout=10)
    original_save = Stay.save

    def save(self, *args, **kwargs):
        if self.pk is None:
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait()
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Stay, "save", save)
    won, lost, other = [], [], []

    def assign(order) -> None:
        try:
            won.append(check_in(world, site, room, order, "site_A"))
        except ValidationError as exc:
            lost.append(exc)
        except Exception as exc:  # noqa: BLE001 — reported below
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert not both_checked.broken  # both really raced
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].message_dict["room"] == ["该房间已有人入住"]
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).count() == 1


def test_site_staff_see_only_their_site(world):
    site_a, site_b = site_with_rooms(world, "A"), site_with_rooms(world, "B")
    order_a, order_b = order_for(world, "A"), order_for(world, "B")
    check_in(world, site_a, site_a.rooms.first(), order_a, "site_A")
    check_in(world, site_b, site_b.rooms.first(), order_b, "site_B")
    b = world.users["site_B"]
    assert list(selectors.sites(user=b)) == [site_b]
    assert set(Returnee.objects.visible_to(b)) == {order_b.returnee}
    assert list(Stay.objects.visible_to(b)) == [Stay.objects.get(site=site_b)]
    assert not selectors.person_quarantines(user=b, person=order_a.person).exists()
    # …and cannot check anyone into site A.
    with pytest.raises(PermissionDenied):
        check_in(world, site_a, site_a.rooms.last(), order_for(world, "A"), "site_B")


def test_occupancy_counts(world):
    """入住酒店人员共N人，现入住M人 — counted by hand: 3 guests in A's hotel (one left), 1 in B's."""
    site_a, site_b = site_with_rooms(world, "A", rooms=("101", "102", "103")), site_with_rooms(world, "B")
    orders = [order_for(world, "A") for _ in range(3)]
    stays = [
        check_in(world, site_a, site_a.rooms.get(number=n), o, "site_A")
        for n, o in zip(("101", "102", "103"), orders, strict=True)
    ]
    services.stay_check_out(actor=world.users["site_A"], stay_id=stays[0].pk)
    # The room left by the first guest takes a fourth.
    check_in(world, site_a, site_a.rooms.get(number="101"), order_for(world, "A"), "site_A")
    check_in(world, site_b, site_b.rooms.first(), order_for(world, "B"), "site_B")

    assert selectors.occupancy(user=world.users["site_A"]) == {"total": 4, "now": 3, "sites": 1}
    assert selectors.occupancy(user=world.users["sysadmin"]) == {"total": 5, "now": 4, "sites": 2}
    assert selectors.occupancy(user=world.users["street_B"]) == {"total": 1, "now": 1, "sites": 1}
    rows = {s.name: (s.now, s.total, s.room_count) for s in selectors.sites(user=world.users["sysadmin"])}
    assert rows == {site_a.name: (3, 4, 3), site_b.name: (1, 1, 2)}
    grid = selectors.rooms_grid(site=site_a)
    assert [(g["room"].number, g["stay"] is not None) for g in grid] == [
        ("101", True),
        ("102", True),
        ("103", True),
    ]


def test_release_checks_the_guest_out(world):
    site = site_with_rooms(world)
    order = order_for(world)
    stay = check_in(world, site, site.rooms.first(), order, "site_A")
    services.order_release(actor=world.users["community_A"], order_id=order.pk, reason="经评估提前解除")
    stay.refresh_from_db()
    assert stay.checked_out_at is not None
