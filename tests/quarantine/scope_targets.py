"""Street B's quarantine objects for the generated scope test (tests/test_scope_matrix.py).

Keys are specific to this app's routes (its namespace and API prefix), so that words such as
"followup" or "rule" do not capture other apps' routes."""

import datetime as dt

from django.utils import timezone


def b_returnee(world):
    from fugong.quarantine.models import Returnee

    from .factories import register

    existing = Returnee.objects.filter(
        destination=world.areas["B1"], created_by=world.users["community_B"]
    ).first()
    return existing or register(world, "community_B", "B1", name="朝阳返区")


def b_order(world):
    from fugong.quarantine import services
    from fugong.quarantine.models import Order

    returnee = b_returnee(world)
    order = Order.objects.filter(returnee=returnee).first()
    if order is None:
        if returnee.decision.measure == "monitoring":
            services.decision_change(
                actor=world.users["community_B"],
                returnee_id=returnee.pk,
                measure="centralized",
                days=7,
                reason="测试：集中隔离",
            )
        order = services.order_issue(
            actor=world.users["community_B"], returnee_id=returnee.pk, start_date=timezone.localdate()
        )
    return order


def b_released(world):
    """A released order of street B with its release notice (a second returnee, so that b_order
    stays active for the order routes)."""
    from fugong.quarantine import services
    from fugong.quarantine.models import Order

    from .factories import register

    order = Order.objects.filter(status="released", area_path__startswith=world.areas["B"].path).first()
    if order is None:
        returnee = register(world, "community_B", "B1", name="朝阳解除")
        if returnee.decision.measure == "monitoring":
            services.decision_change(
                actor=world.users["community_B"],
                returnee_id=returnee.pk,
                measure="home",
                days=14,
                reason="测试：居家隔离",
            )
        order = services.order_issue(
            actor=world.users["community_B"],
            returnee_id=returnee.pk,
            start_date=timezone.localdate() - dt.timedelta(days=14),
        )
        order = services.order_release(actor=world.users["community_B"], order_id=order.pk)
    return order


def b_site(world):
    from fugong.quarantine.models import Room, Site

    site, created = Site.objects.get_or_create(name="朝阳街道隔离酒店", defaults={"area": world.areas["B"]})
    if created:
        Room.objects.create(site=site, number="101")
        Room.objects.create(site=site, number="102")
    return site


def b_stay(world):
    from fugong.quarantine.models import Stay

    site, order = b_site(world), b_order(world)
    stay = Stay.objects.filter(site=site).first()
    return stay or Stay.objects.create(
        site=site,
        room=site.rooms.first(),
        order=order,
        person=order.person,
        checked_registration=True,
        checked_temperature=True,
        checked_health=True,
    )


def b_risk_area(world):
    from fugong.quarantine.models import RiskArea

    area, _ = RiskArea.objects.get_or_create(
        province="湖北省", city="武汉市", level="high", effective_from=dt.date(2020, 1, 20)
    )
    return area


# Release notices hang on their order (one per order): the routes take the order's id. Their keys
# come first so that the order keys below do not capture them.
TARGETS = {
    "quarantine:notice": b_released,
    "v1/quarantine/orders/<id>/notice": b_released,
    "quarantine:returnee": b_returnee,
    "v1/quarantine/returnees/": b_returnee,
    "quarantine:order": b_order,
    "v1/quarantine/orders/": b_order,
    "quarantine:site": b_site,
    "v1/quarantine/sites/": b_site,
    "quarantine:stay": b_stay,
    "v1/quarantine/stays/": b_stay,
    "quarantine:riskarea": b_risk_area,
    "v1/quarantine/risk-areas/": b_risk_area,
}
