"""The quarantine models, one module per part; every module is imported here so Django registers it."""

from .notices import DeliveryMethod, ReleaseNotice
from .orders import ContactMethod, ContactStatus, FollowUp, Order, OrderChange, OrderStatus
from .returnees import (
    Condition,
    Decision,
    Handover,
    Measure,
    Returnee,
    RiskArea,
    RiskLevel,
    Rule,
    RuleSet,
    Transport,
)
from .sites import Room, Site, SiteStaff, Stay

__all__ = [
    "Condition",
    "ContactMethod",
    "ContactStatus",
    "Decision",
    "DeliveryMethod",
    "FollowUp",
    "Handover",
    "Measure",
    "Order",
    "OrderChange",
    "OrderStatus",
    "Returnee",
    "ReleaseNotice",
    "RiskArea",
    "RiskLevel",
    "Room",
    "Rule",
    "RuleSet",
    "Site",
    "SiteStaff",
    "Stay",
    "Transport",
]
