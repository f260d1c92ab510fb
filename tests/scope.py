"""The vocabulary of the generated scope test (tests/test_scope_matrix.py): sides, boundaries and
what each route declares.

A *boundary* separates users who hold the same kind of grant on different objects: its insider
reaches the objects of the inside side, its outsiders (across the boundary) reach none of them.
Streets A and B are one boundary; the others are narrower: two communities of street A, the
commissioner assigned to an enterprise and one of the same street with none, the two sector
departments, two enterprises of one community, two quarantine sites of one street. A *grant*
boundary puts a user who holds the route's capability against users who do not.

A *relation* boundary crosses the streets through a relation rather than an area: the row is street
B's (a resident of B1) but linked to street A (on the staff of A1's enterprise). Its insider is the
owning side (B1's worker); its ``linked`` users are street A's side of the relation (the enterprise's
admin, commissioner, medic, community and street): on a route that reads the row they get in but
are shown none of the target's ``hidden`` strings (what the relation does not open) and change
nothing; on a route that changes it they are the outsiders. Once the relation has ended
(``LINKED_ENDED``: the employment is over) they are outsiders everywhere.

Each app's ``tests/<app>/scope_targets.py`` declares, keyed by the route's ``namespace:name``:

- ``TARGETS`` — every route with parameters: ``Target(make, *boundaries)``, or a tuple of them
  when the boundaries need different objects. ``make(world, side)`` returns the saved object of
  ``side`` (its pk fills the route's one parameter) or a dict ``{parameter: value}``.
- ``LISTS`` — list pages and list endpoints: ``Listing(make, shows, *boundaries)``; the insider's
  answer holds ``shows(row)`` of its side's row and not that of the row across the boundary; a
  boundary's linked users' answer holds it too, without any of ``hidden(row)``.
- ``PAGES`` — every other route without parameters: the user who must get in (positive control).
- ``PUBLIC_TARGETS`` — public routes with parameters (a QR link's code): ``make(world)`` returns
  ``{parameter: value}`` of a real one.

A route in none of them, and not in the matrix's PUBLIC set, fails the test with its name.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Side:
    """Where a side's objects hang: an enterprise, a community (with its worker) and a site."""

    enterprise: str  # key of world.enterprises
    area: str  # a community, key of world.areas
    worker: str  # the community worker of ``area``, key of world.users
    site: str  # a centralized quarantine site (tests/quarantine/scope_targets.py: SITES)
    ended: bool = False  # the relation that links the side's row to ``enterprise`` has ended

    @property
    def street(self) -> str:
        return self.area[0]


A = Side("A1_above_scale", "A1", "community_A", "A")
B = Side("B1_above_scale", "B1", "community_B", "B")
A2 = Side("A2_individual", "A2", "community_A2", "A")  # the other community of street A
A_COMMERCE = Side("A1_commerce", "A1", "community_A", "A")  # A1's commerce enterprise, no commissioner
A_SITE2 = Side("A1_above_scale", "A1", "community_A", "A2")  # street A's second site
# A row of street B (a resident of B1) linked to street A's enterprise (on its staff), and the same
# after the relation has ended.
LINKED = Side("A1_above_scale", "B1", "community_B", "B")
LINKED_ENDED = Side("A1_above_scale", "B1", "community_B", "B", ended=True)


@dataclass(frozen=True)
class Boundary:
    name: str
    insider: str  # key of world.users: must get in
    outsiders: tuple[str, ...]  # keys of world.users: refused, shown nothing, change nothing
    inside: Side = A
    across: Side | None = None  # the twin of the inside row that the insider must not list
    linked: tuple[str, ...] = ()  # reach the inside row through a relation: let in, shown less

    def __str__(self) -> str:
        linked = f"|linked:{','.join(self.linked)}" if self.linked else ""
        return f"{self.name}({self.insider}|{','.join(self.outsiders)}{linked})"


# The narrower boundaries also refuse the same role in street B (community_B, commissioner_B …),
# so that every route is tried across the streets whoever its insider is.
STREET = Boundary("street", "street_A", ("street_B",), A, B)
COMMUNITY = Boundary("community", "community_A", ("community_A2", "community_B"), A, A2)
# The same boundary seen from A2, whose worker changes its own individual business (A1 has none).
COMMUNITY_A2 = Boundary("community", "community_A2", ("community_A", "community_B"), A2, A)
COMMISSIONER = Boundary(
    "commissioner", "commissioner_A", ("commissioner_A_idle", "commissioner_B"), A, A_COMMERCE
)
SECTOR = Boundary("sector", "dept", ("dept_swj",), A, A_COMMERCE)  # 经信委 (industry) vs 商务委
ENTERPRISE = Boundary("enterprise", "ent_admin_A", ("ent_admin_A_commerce", "ent_admin_B"), A, A_COMMERCE)
SITE = Boundary("site", "site_A", ("site_A2", "site_B"), A, A_SITE2)


# Street A's side of an employment at A1's 规上 enterprise: its community and street, its
# commissioner, its medic, its admin.
EMPLOYER_SIDE_A = ("community_A", "street_A", "commissioner_A", "medic_A", "ent_admin_A")
# Routes that read the row: the linked users get the narrower view; others of street A get nothing.
RELATION = Boundary(
    "relation",
    "community_B",
    ("community_A2", "commissioner_A_idle", "ent_admin_A_commerce"),
    LINKED,
    linked=EMPLOYER_SIDE_A,
)
# Routes that change the row (or export it in bulk): the relation opens nothing of them.
RELATION_CHANGE = Boundary("relation", "community_B", EMPLOYER_SIDE_A, LINKED)
RELATION_ENDED = Boundary("relation ended", "community_B", EMPLOYER_SIDE_A, LINKED_ENDED)


def grant(insider: str, *outsiders: str, inside: Side = A) -> Boundary:
    """The route's capability against roles without it (the same object, no twin to compare)."""
    return Boundary("grant", insider, outsiders, inside, None)


class Target:
    """How a parametrised route is filled, and across which boundaries it is tested.

    ``data(made)``, when given, is a valid body for the route's object (``made``, as ``make``
    returned it): it is sent instead of the generic one, and the insider's write must then succeed
    (200/201/202/204/302), not merely be answered with a complaint about the input.
    ``hidden(made)``: the strings a boundary's linked users must not be shown."""

    def __init__(
        self,
        make: Callable,
        *boundaries: Boundary,
        data: Callable | None = None,
        hidden: Callable | None = None,
    ):
        assert boundaries, "a target needs at least one boundary"
        assert hidden or not any(b.linked for b in boundaries), "linked users need the hidden strings"
        self.make = make
        self.boundaries = boundaries
        self.data = data
        self.hidden = hidden

    def __repr__(self) -> str:
        return f"Target({self.make.__name__}, {', '.join(map(str, self.boundaries))})"


class Listing:
    """A list page or endpoint: ``make(world, side)`` saves a row of the side, ``shows(row)`` is the
    text by which the answer shows it (a name, a title, a credit code)."""

    def __init__(
        self, make: Callable, shows: Callable, *boundaries: Boundary, hidden: Callable | None = None
    ):
        assert boundaries, "a listing needs at least one boundary"
        assert hidden or not any(b.linked for b in boundaries), "linked users need the hidden strings"
        self.make = make
        self.shows = shows
        self.boundaries = boundaries
        self.hidden = hidden
