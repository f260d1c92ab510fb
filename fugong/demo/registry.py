"""Fictional enterprises for the demo district: a realistic category mix with consistent details.

The name's suffix (from ``fugong.core.fake``) decides the industry letter, so a 超市 is in 批发和零售业
and a 小旅馆 in 住宿和餐饮业; headcounts follow a log-normal per category; local ≤ total always.
"""

import math
import random
from dataclasses import dataclass

from fugong.core import fake

# Demo credit codes and phones use their own seq ranges, clear of tests and benchmarks.
CREDIT_SEQ_START = 100_000
PHONE_SEQ_START = 3_000_000


@dataclass(frozen=True)
class Profile:
    district: int  # how many at district scale
    small: int  # how many at small scale
    industries: tuple[str, ...]  # industry letter per name suffix of fake.COMPANY_SUFFIX[category]
    median: float  # median headcount
    spread: float  # sigma of the log-normal
    bounds: tuple[int, int]  # headcount clamp
    local_share: tuple[float, float]  # local / total, uniform in this range
    weights: dict[str, float]  # preference by kind of the street-level unit
    kind: str = "91"  # credit code prefix: 91 company, 92 individual business
    on_grid: bool = False  # small entities are registered by the grid they sit in


INDUSTRIAL = {"street": 1.0, "town": 2.0, "park": 10.0}
URBAN = {"street": 3.0, "town": 1.0, "park": 0.5}
EVEN = {"street": 1.0, "town": 1.0, "park": 1.0}

PROFILES: dict[str, Profile] = {
    "above_scale": Profile(
        250, 12, ("C", "C", "C", "C", "C"), 250, 0.7, (60, 3000), (0.55, 0.95), INDUSTRIAL
    ),
    "below_scale": Profile(1000, 30, ("C", "C", "C", "C"), 30, 0.6, (5, 150), (0.6, 1.0), INDUSTRIAL),
    "commerce": Profile(3000, 90, ("F", "F", "G", "H", "H"), 10, 0.8, (2, 300), (0.6, 1.0), URBAN),
    "construction": Profile(200, 6, ("E", "E", "E"), 80, 0.6, (15, 600), (0.2, 0.6), EVEN),
    "finance": Profile(100, 4, ("J", "J", "J"), 12, 0.4, (4, 60), (0.8, 1.0), URBAN),
    "individual": Profile(
        4500,
        130,
        ("F", "H", "O", "F", "F", "F"),
        2.5,
        0.5,
        (1, 8),
        (0.7, 1.0),
        URBAN,
        kind="92",
        on_grid=True,
    ),
    "small_venue": Profile(
        950, 28, ("H", "R", "Q", "H", "H"), 4, 0.5, (1, 20), (0.7, 1.0), URBAN, on_grid=True
    ),
}


@dataclass
class Spec:
    """One enterprise to create: everything but the users and groups it is assigned to."""

    seq: int
    category: str
    industry: str
    name: str
    street: object  # geography.Street
    area: object  # Area (community, village or grid)
    address: str
    headcount: int
    local_headcount: int
    legal_rep_name: str
    contact_name: str
    is_emergency_supply: bool
    is_key_industry: bool

    @property
    def credit_code(self) -> str:
        return fake.credit_code(self.seq, kind=PROFILES[self.category].kind)

    @property
    def legal_rep_phone(self) -> str:
        return fake.mobile(PHONE_SEQ_START + 2 * self.seq)

    @property
    def contact_phone(self) -> str:
        return fake.mobile(PHONE_SEQ_START + 2 * self.seq + 1)


def headcounts(rng: random.Random, profile: Profile) -> tuple[int, int]:
    low, high = profile.bounds
    total = int(round(rng.lognormvariate(math.log(profile.median), profile.spread)))
    total = min(high, max(low, total))
    share = rng.uniform(*profile.local_share)
    return total, min(total, max(0, round(total * share)))


def flags(rng: random.Random, category: str, suffix: int) -> tuple[bool, bool]:
    """(应急保供, 重点产业): supermarkets, logistics, food and pharmacies keep supplies going;
    auto parts, electronics and new materials are the district's key industries."""
    emergency = {
        ("above_scale", 0): 0.05,
        ("above_scale", 2): 0.1,
        ("below_scale", 1): 0.2,
        ("commerce", 1): 0.08,
        ("commerce", 2): 0.08,
        ("individual", 5): 0.04,
    }.get((category, suffix), 0.0)
    key = {("above_scale", 1): 0.6, ("above_scale", 2): 0.6, ("above_scale", 3): 0.6}.get(
        (category, suffix), 0.0
    )
    if category == "below_scale":
        key = 0.02
    return rng.random() < emergency, rng.random() < key


class NameBook:
    """Company names that stay unique across the district (retry the words, then add the place)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, category: str, seq: int, place: str) -> str:
        for _ in range(8):
            name = fake.company_name(self.rng, category, seq)
            if name not in self.used:
                break
        else:
            name = (
                f"{name[:-2]}{place}{name[-2:]}"
                if category in {"individual", "small_venue"}
                else (name.replace("重庆", f"重庆{place}", 1))
            )
        self.used.add(name)
        return name


def address(rng: random.Random, street, community) -> str:
    if community.kind == "village":
        return f"北碚区{street.name}{community.name}{rng.randint(1, 12)}社{rng.randint(1, 80)}号"
    return f"北碚区{street.name}{rng.choice(street.roads)}{rng.randint(1, 399)}号"
