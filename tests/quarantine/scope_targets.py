"""Returnees, quarantine orders, release notices and sites for the scope matrix
(tests/test_scope_matrix.py, tests/scope.py).

A returnee and its order belong to the destination community and its street; a site to the street
it stands in (its managers read it) and to its own staff, who read their guests' orders."""

import datetime as dt

from django.utils import timezone

from fugong.quarantine import services
from fugong.quarantine.models import Order, Returnee, RiskArea, Room, Site, SiteStaff, Stay
from tests.scope import COMMUNITY, SITE, STREET, Listing, Target, grant

from .factories import register

# key → (name, street, staff user)
SITES = {
    "A": ("天生街道隔离酒店", "A", "site_A"),
    "A2": ("天生街道第二隔离点", "A", "site_A2"),
    "B": ("朝阳街道隔离酒店", "B", "site_B"),
}


def _returnee(world, side, name: str, *, by: str | None = None) -> Returnee:
    existing = Returnee.objects.filter(person__name=name).first()
    return existing or register(world, by or side.worker, side.area, name=name)


def returnee(world, side) -> Returnee:
    """A returnee registered by the side's community worker for the side's community."""
    return _returnee(world, side, f"{world.areas[side.area].name}返区者")


def handed_over(world, side) -> Returnee:
    """A returnee registered by the other street's officer for the side's community: waiting to be
    accepted (the sending street still sees it; its communities do not)."""
    other = "street_A" if side.street == "B" else "street_B"
    return _returnee(world, side, f"{world.areas[side.area].name}移交者", by=other)


def handed_over_in_street(world, side) -> Returnee:
    """The same, handed over by the other community of the street (street A's A2, street B's none)."""
    other = "community_A2" if side.worker == "community_A" else "community_A"
    return _returnee(world, side, f"{world.areas[side.area].name}街内移交者", by=other)


def _order_of(world, side, returnee: Returnee, *, measure="centralized", days=7, start=None) -> Order:
    order = Order.objects.filter(returnee=returnee).first()
    if order is None:
        if returnee.decision.measure != measure:
            services.decision_change(
                actor=world.users[side.worker],
                returnee_id=returnee.pk,
                measure=measure,
                days=days,
                reason="测试：调整管控措施",
            )
        order = services.order_issue(
            actor=world.users[side.worker],
            returnee_id=returnee.pk,
            start_date=start or timezone.localdate(),
        )
    return order


def order(world, side) -> Order:
    """An active centralized quarantine of the side's returnee."""
    return _order_of(world, side, returnee(world, side))


def released(world, side) -> Order:
    """A released home quarantine of the side's community, with its release notice."""
    person = f"{world.areas[side.area].name}解除者"
    existing = Order.objects.filter(person__name=person, status="released").first()
    if existing:
        return existing
    start = timezone.localdate() - dt.timedelta(days=14)
    issued = _order_of(world, side, _returnee(world, side, person), measure="home", days=14, start=start)
    return services.order_release(actor=world.users[side.worker], order_id=issued.pk)


def site(world, side) -> Site:
    """The side's centralized site (two rooms, its staff user bound to it); the other sites are
    made with it, so that every site-staff user of the world stands at their own."""
    for name, street, staff in SITES.values():
        made, created = Site.objects.get_or_create(name=name, defaults={"area": world.areas[street]})
        if created:
            Room.objects.create(site=made, number="101")
            Room.objects.create(site=made, number="102")
            SiteStaff.objects.update_or_create(user=world.users[staff], defaults={"site": made})
    return Site.objects.get(name=SITES[side.site][0])


def stay(world, side) -> Stay:
    """A guest of the side's site (a returnee of the side's community, under a centralized order)."""
    at = site(world, side)
    found = Stay.objects.filter(site=at).first()
    if found:
        return found
    guest = _order_of(world, side, _returnee(world, side, f"{at.name}隔离者"))
    return Stay.objects.create(
        site=at,
        room=at.rooms.first(),
        order=guest,
        person=guest.person,
        checked_registration=True,
        checked_temperature=True,
        checked_health=True,
    )


def guest_order(world, side) -> Order:
    return stay(world, side).order


def risk_area(world, side) -> RiskArea:
    return RiskArea.objects.get_or_create(
        province="湖北省", city="武汉市", level="high", effective_from=dt.date(2020, 1, 20)
    )[0]


def person_name(row) -> str:
    return row.person.name


def body(values: dict):
    """A valid body, the same for every object of the route."""
    return lambda made: dict(values)


def later_end(order) -> dict:
    return {"new_end": str(order.planned_end + dt.timedelta(days=3)), "reason": "密接者核酸复检"}


MANAGED = (STREET, COMMUNITY)  # the destination's street and community (and the medic, not tested here)
FOLLOWUP = body({"method": "phone", "status": "reached", "temperature": "36.6", "note": "无不适"})
RELEASE = body({"reason": "核酸检测阴性，提前解除"})
DISTRICT = grant("sysadmin", "street_A", "leader")  # risk areas and sites are the district's settings

TARGETS = {
    "quarantine:returnee_detail": Target(returnee, *MANAGED),
    "api-1.0.0:get_returnee": Target(returnee, *MANAGED),
    "quarantine:returnee_decide": Target(returnee, *MANAGED),
    "api-1.0.0:change_decision": Target(
        returnee, *MANAGED, data=body({"measure": "home", "days": 14, "reason": "人工调整"})
    ),
    "quarantine:returnee_order": Target(returnee, *MANAGED),
    "api-1.0.0:issue_order": Target(returnee, *MANAGED),
    # A handover is accepted or returned by the receiving side; the sending side still sees it,
    # so each boundary gets a returnee sent from beyond its outsiders.
    "quarantine:returnee_accept": (Target(handed_over, COMMUNITY), Target(handed_over_in_street, STREET)),
    "quarantine:returnee_return": (Target(handed_over, COMMUNITY), Target(handed_over_in_street, STREET)),
    "api-1.0.0:accept_returnee": (Target(handed_over, COMMUNITY), Target(handed_over_in_street, STREET)),
    "api-1.0.0:return_returnee": (Target(handed_over, COMMUNITY), Target(handed_over_in_street, STREET)),
    "quarantine:order_detail": (Target(order, *MANAGED), Target(guest_order, SITE)),
    "api-1.0.0:get_order": (Target(order, *MANAGED), Target(guest_order, SITE)),
    "quarantine:order_followup": Target(order, *MANAGED),
    "api-1.0.0:add_followup": Target(order, *MANAGED, data=FOLLOWUP),
    "quarantine:order_change": Target(order, *MANAGED),
    "api-1.0.0:change_order": Target(order, *MANAGED, data=later_end),
    "quarantine:order_transfer": Target(order, *MANAGED),
    "api-1.0.0:transfer_order": Target(order, *MANAGED, data=body({"hospital": "区人民医院"})),
    "quarantine:order_release": Target(order, *MANAGED),
    "api-1.0.0:release_order": Target(order, *MANAGED, data=RELEASE),
    # Release notices hang on their order (one per order): the routes take the order's id.
    "quarantine:notice_pdf": Target(released, *MANAGED),
    "quarantine:notice_deliver": Target(released, *MANAGED),
    "quarantine:notice_revoke": Target(released, *MANAGED),
    "api-1.0.0:get_notice": Target(released, *MANAGED),
    "api-1.0.0:get_notice_pdf": Target(released, *MANAGED),
    "api-1.0.0:deliver_notice": Target(released, *MANAGED, data=body({"method": "home"})),
    "api-1.0.0:revoke_notice": Target(released, *MANAGED, data=body({"reason": "误签发"})),
    "quarantine:site_detail": Target(site, STREET, SITE),
    "api-1.0.0:get_site": Target(site, STREET, SITE),
    "quarantine:site_check_in": Target(site, SITE),
    "api-1.0.0:check_in": Target(site, SITE),
    "quarantine:stay_check_out": Target(stay, SITE),
    "api-1.0.0:check_out": Target(stay, SITE),
    "quarantine:site_setup": Target(site, DISTRICT),
    "api-1.0.0:add_room": Target(site, DISTRICT, data=body({"number": "301"})),
    "api-1.0.0:bind_staff": Target(site, DISTRICT, data=body({"username": "site_A"})),
    "quarantine:riskarea_end": Target(risk_area, DISTRICT),
    "api-1.0.0:end_risk_area": Target(risk_area, DISTRICT),
}
LISTS = {
    "quarantine:returnee_list": Listing(returnee, person_name, *MANAGED),
    "api-1.0.0:list_returnees": Listing(returnee, person_name, *MANAGED),
    "quarantine:handovers": Listing(handed_over, person_name, COMMUNITY),
    "api-1.0.0:list_handovers": Listing(handed_over, person_name, COMMUNITY),
    "quarantine:followups_due": Listing(order, person_name, *MANAGED),
    "api-1.0.0:orders_due": Listing(order, person_name, *MANAGED),
    "quarantine:notice_list": Listing(released, person_name, *MANAGED),
    "quarantine:site_list": Listing(site, lambda s: s.name, STREET, SITE),
    "api-1.0.0:list_sites": Listing(site, lambda s: s.name, STREET, SITE),
}
PAGES = {
    "quarantine:returnee_new": "community_A",
    "api-1.0.0:create_returnee": "community_A",
    "quarantine:notice_bulk_issue": "community_A",
    "quarantine:notice_bulk_print": "community_A",
    "api-1.0.0:issue_notices": "community_A",
    "api-1.0.0:print_notices": "community_A",
    "api-1.0.0:occupancy": "street_A",
    "api-1.0.0:list_rule_sets": "community_A",
    "api-1.0.0:list_risk_areas": "community_A",
    "quarantine:rules": "sysadmin",
    "api-1.0.0:add_risk_area": "sysadmin",
    "api-1.0.0:create_rule_set": "sysadmin",
    "api-1.0.0:create_site": "sysadmin",
}


def verification(world) -> dict:
    """The number and code printed in a release notice's QR link."""
    from tests.scope import A

    notice = released(world, A).notice
    return {"number": notice.number, "code": notice.code}


PUBLIC_TARGETS = {"quarantine:release_verify": verification, "api-1.0.0:release_verify": verification}
