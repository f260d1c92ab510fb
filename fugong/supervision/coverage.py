"""Who covers each enterprise, the seeds' way ("点、线、面"): key enterprises one-to-one by a
commissioner (点), sectors by a group (线: the enterprise's working group, or its street's sector
group for its category), smaller firms by a grid sub-group of their area (面), individual
businesses and 九小场所 by their community (a community worker of the area).

Computed in a constant number of queries: the visible enterprises' few columns, all groups and
all community workers, then sets of paths in Python.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from fugong.accounts.models import User
from fugong.areas.models import PATH_SEP, WorkingGroup
from fugong.core.access import Role
from fugong.enterprises.models import Enterprise

from .choices import COMMUNITY_CATEGORIES, KEY_CATEGORIES, SECTOR_GROUP, Coverage, Tier

COLUMNS = (
    "pk",
    "area_path",
    "category",
    "is_emergency_supply",
    "is_key_industry",
    "commissioner_id",
    "working_group_id",
)


@dataclass
class CoverageResult:
    total: int = 0
    by_type: dict = field(default_factory=lambda: {c.value: 0 for c in Coverage})
    by_tier: dict = field(default_factory=lambda: {t.value: {"total": 0, "covered": 0} for t in Tier})
    unassigned: list[int] = field(default_factory=list)  # enterprise pks with no one at all
    gaps: list[int] = field(default_factory=list)  # pks lacking the coverage their tier calls for

    @property
    def covered(self) -> int:
        return self.total - len(self.unassigned)


def tier_of(category: str, emergency: bool, key_industry: bool) -> str:
    if category in KEY_CATEGORIES or emergency or key_industry:
        return Tier.KEY
    if category in COMMUNITY_CATEGORIES:
        return Tier.SMALL
    return Tier.SECTOR


# The coverage each tier calls for: key enterprises one-to-one, the rest by group, grid or community.
EXPECTED = {
    Tier.KEY: {Coverage.POINT},
    Tier.SECTOR: {Coverage.LINE, Coverage.FACE},
    Tier.SMALL: {Coverage.COMMUNITY, Coverage.FACE},
}


def _street(path: str) -> str:
    codes = [c for c in path.split(PATH_SEP) if c]
    return PATH_SEP + PATH_SEP.join(codes[:2]) + PATH_SEP


def _under(path: str, roots: set[str]) -> bool:
    """``path`` lies in the subtree of one of ``roots``: walk its ancestors, no scan of the set."""
    prefix = PATH_SEP
    for code in [c for c in path.split(PATH_SEP) if c]:
        prefix += code + PATH_SEP
        if prefix in roots:
            return True
    return False


def _context() -> dict:
    sector = {
        (kind, path)
        for kind, path in WorkingGroup.objects.filter(kind__in=set(SECTOR_GROUP.values())).values_list(
            "kind", "area_path"
        )
    }
    grids = set(WorkingGroup.objects.filter(kind="grid").values_list("area_path", flat=True))
    workers = set(
        User.objects.filter(role=Role.COMMUNITY_WORKER, is_active=True)
        .exclude(Q(scope_path="") | Q(scope_path__isnull=True))
        .values_list("scope_path", flat=True)
    )
    return {"sector": sector, "grids": grids, "workers": workers}


def coverage_of(row: dict, ctx: dict) -> set[str]:
    """The kinds of coverage an enterprise (a ``COLUMNS`` row) has."""
    kinds = set()
    if row["commissioner_id"]:
        kinds.add(Coverage.POINT)
    sector_kind = SECTOR_GROUP.get(row["category"])
    if row["working_group_id"] or (sector_kind and (sector_kind, _street(row["area_path"])) in ctx["sector"]):
        kinds.add(Coverage.LINE)
    if _under(row["area_path"], ctx["grids"]):
        kinds.add(Coverage.FACE)
    if row["category"] in COMMUNITY_CATEGORIES and _under(row["area_path"], ctx["workers"]):
        kinds.add(Coverage.COMMUNITY)
    return kinds


def coverage(queryset) -> CoverageResult:
    """Counts per coverage type and per tier, and the enterprises no one covers, for ``queryset``
    (already scoped to the viewer)."""
    ctx, result = _context(), CoverageResult()
    for row in queryset.order_by("area_path", "name", "pk").values(*COLUMNS):
        kinds = coverage_of(row, ctx)
        tier = tier_of(row["category"], row["is_emergency_supply"], row["is_key_industry"])
        result.total += 1
        result.by_tier[tier]["total"] += 1
        for kind in kinds:
            result.by_type[kind] += 1
        if kinds & EXPECTED[tier]:
            result.by_tier[tier]["covered"] += 1
        else:
            result.gaps.append(row["pk"])
        if not kinds:
            result.unassigned.append(row["pk"])
    return result


def enterprises_in_order(pks: list[int]):
    """The enterprises of ``pks`` with what a row shows, in the order given, in batches."""
    for start in range(0, len(pks), 500):
        batch = pks[start : start + 500]
        rows = Enterprise.objects.filter(pk__in=batch).select_related("area")
        by_pk = {e.pk: e for e in rows}
        yield from (by_pk[pk] for pk in batch if pk in by_pk)
