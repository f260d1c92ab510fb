"""Build the demo district: the 北碚区 tree, departments, working groups, enterprises and accounts.

Everything is written with ``bulk_create`` in one transaction; the materialized paths that
``Area.save``, ``Enterprise.save`` and ``User.save`` would compute are computed here the same way,
and the one demo password is hashed once. Deterministic for a given seed.
"""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from fugong.accounts.models import User
from fugong.areas.models import PATH_SEP, Area, Department, WorkingGroup, WorkingGroupMember
from fugong.core import fake
from fugong.core.access import Role
from fugong.enterprises import signals
from fugong.enterprises.models import Enterprise

from . import geography as geo
from . import registry
from .catalog import DEMO_ACCOUNTS, DEMO_PASSWORD, DEPARTMENTS, GROUP_OF_CATEGORY, SECTOR_GROUPS, DemoAccount

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoBuilder", "build_demo"]

DEFAULT_SEED = 2020
BATCH = 2000


@dataclass(frozen=True)
class Scale:
    streets: tuple[str, ...]
    communities: tuple[int, int]
    grids: tuple[int, int]
    leaders: int
    district: bool  # enterprise counts: Profile.district or Profile.small


SCALES = {
    "small": Scale(geo.SMALL_STREETS, (4, 4), (3, 3), leaders=3, district=False),
    "district": Scale(tuple(s.suffix for s in geo.STREETS), (8, 12), (4, 6), leaders=12, district=True),
}


@dataclass
class Summary:
    areas: Counter = field(default_factory=Counter)
    enterprises: Counter = field(default_factory=Counter)
    users: Counter = field(default_factory=Counter)
    groups: int = 0
    departments: int = 0
    seconds: float = 0.0
    accounts: list[tuple[DemoAccount, str]] = field(default_factory=list)  # (account, actual scope)


def area_row(code: str, name: str, kind: str, parent: Area | None, order: int) -> Area:
    """An unsaved Area with ``path`` and ``depth`` exactly as ``Area.save`` computes them."""
    path = f"{parent.path if parent else PATH_SEP}{code}{PATH_SEP}"
    return Area(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=path,
        depth=path.count(PATH_SEP) - 2,
        sort_order=order,
    )


class DemoBuilder:
    def __init__(
        self, scale: str = "small", seed: int = DEFAULT_SEED, log: Callable[[str], None] | None = None
    ):
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.summary = Summary()
        self.streets = [s for s in geo.STREETS if s.suffix in self.scale.streets]
        self.by_code: dict[str, Area] = {}
        self.children: dict[str, list[Area]] = defaultdict(list)  # parent code → children
        self.users: dict[str, User] = {}
        self.pending: list[User] = []
        self.groups: dict[tuple[str, str], WorkingGroup] = {}  # (street suffix, kind) → group
        self.members: list[WorkingGroupMember] = []
        self.phone_seq = 5_000_000

    def build(self) -> Summary:
        started = time.perf_counter()
        self.password = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            self.build_tree()
            self.build_departments()
            self.build_officials()
            self.build_groups()
            specs = self.plan_enterprises()
            enterprises = self.build_enterprises(specs)
            self.build_enterprise_users(enterprises)
        self.summary.seconds = time.perf_counter() - started
        self.summary.accounts = [(a, self.scope_label(self.users[a.username])) for a in DEMO_ACCOUNTS]
        return self.summary

    # --- the tree ------------------------------------------------------------------------------

    def build_tree(self) -> None:
        district = area_row(geo.DISTRICT_CODE, geo.DISTRICT_NAME, "district", None, 0)
        self.save_areas([district])
        streets = [area_row(s.code, s.name, s.kind, district, i) for i, s in enumerate(self.streets)]
        self.save_areas(streets)
        low, high = self.scale.communities
        counts = [self.rng.randint(low, high) if s.kind != "park" else 4 for s in self.streets]
        names = iter(geo.community_names(self.rng, sum(counts)))
        communities = []
        for street, count in zip(self.streets, counts, strict=True):
            parent = self.by_code[street.code]
            for i, kind in enumerate(geo.child_kinds(street, count, self.rng)):
                label = next(names) + ("社区" if kind == "community" else "村")
                communities.append(area_row(f"{street.code}{i + 1:03d}", label, kind, parent, i))
        self.save_areas(communities)
        grids = []
        for community in communities:
            for i in range(self.rng.randint(*self.scale.grids)):
                grids.append(
                    area_row(
                        f"{community.code}{i + 1:03d}", f"{community.name}第{i + 1}网格", "grid", community, i
                    )
                )
        self.save_areas(grids)
        self.log(
            f"区划：{len(self.by_code)} 个（街镇园区 {len(streets)}，社区/村 {len(communities)}，网格 {len(grids)}）"
        )

    def save_areas(self, rows: list[Area]) -> None:
        Area.objects.bulk_create(rows, batch_size=BATCH)
        for area in rows:
            self.by_code[area.code] = area
            if area.parent is not None:
                self.children[area.parent.code].append(area)
            self.summary.areas[area.kind] += 1

    def street_area(self, suffix: str) -> Area:
        return self.by_code[geo.DISTRICT_CODE + suffix]

    # --- departments, officials and groups ----------------------------------------------------

    def build_departments(self) -> None:
        district = self.by_code[geo.DISTRICT_CODE]
        rows = [Department(code=c, name=n, area=district, sector_categories=s) for c, n, s in DEPARTMENTS]
        Department.objects.bulk_create(rows)
        self.departments = {d.code: d for d in rows}
        self.summary.departments = len(rows)

    def user(
        self,
        username: str,
        role: str,
        *,
        area: Area | None = None,
        enterprise: Enterprise | None = None,
        department: Department | None = None,
    ) -> User:
        """An unsaved user with ``scope_path`` as ``User.compute_scope_path`` gives it."""
        self.phone_seq += 1
        scope_path = area.path if area else (enterprise.area_path if enterprise else "")
        is_admin = role == Role.SYSADMIN
        user = User(
            username=username,
            full_name=fake.person_name(self.rng),
            phone=fake.mobile(self.phone_seq),
            role=role,
            scope_area=area,
            scope_enterprise=enterprise,
            department=department,
            scope_path=scope_path,
            password=self.password,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        self.users[username] = user
        self.pending.append(user)
        return user

    def flush_users(self) -> None:
        User.objects.bulk_create(self.pending, batch_size=BATCH)
        self.summary.users.update(u.role for u in self.pending)
        self.pending = []

    def build_officials(self) -> None:
        district = self.by_code[geo.DISTRICT_CODE]
        self.user("sysadmin", Role.SYSADMIN)
        for i in range(self.scale.leaders):
            self.user("leader" if i == 0 else f"leader{i + 1}", Role.DISTRICT_LEADER, area=district)
        for code, department in self.departments.items():
            self.user(code.lower(), Role.DEPARTMENT_OFFICER, area=district, department=department)
        for street in self.streets:
            self.user(street.slug, Role.STREET_OFFICER, area=self.street_area(street.suffix))
            for community in self.children[street.code]:
                self.user(
                    f"sq{community.code[len(geo.DISTRICT_CODE) :]}", Role.COMMUNITY_WORKER, area=community
                )
        home = self.children[geo.STREETS[0].code][0]  # 天生街道's first community
        self.users["community"] = self.users.pop(f"sq{home.code[len(geo.DISTRICT_CODE) :]}")
        self.users["community"].username = "community"
        self.user("grid", Role.COMMUNITY_WORKER, area=self.children[home.code][0])
        self.user("site", Role.SITE_STAFF, area=self.street_area("001"))
        self.user("guard", Role.CHECKPOINT_GUARD, area=home)
        self.user("resident", Role.RESIDENT, area=home)
        self.flush_users()

    def build_groups(self) -> None:
        district = self.by_code[geo.DISTRICT_CODE]
        d = self.departments
        rows = [
            WorkingGroup(
                name="区复工复产专项指导组",
                kind="guidance",
                area=district,
                area_path=district.path,
                department=d["FGW"],
                note="分行业指导企业复工复产，协调解决企业诉求",
            ),
            WorkingGroup(
                name="区疫情防控督查组",
                kind="inspection",
                area=district,
                area_path=district.path,
                department=d["WJW"],
                note="督查企业防控措施落实，发现问题限期整改",
            ),
        ]
        for street in self.streets:
            area = self.street_area(street.suffix)
            for kind, label, dept in SECTOR_GROUPS:
                group = WorkingGroup(
                    name=f"{street.name}{label}",
                    kind=kind,
                    area=area,
                    area_path=area.path,
                    department=d[dept],
                    note="点、线、面结合，包联辖区同类企业",
                )
                self.groups[(street.suffix, kind)] = group
                rows.append(group)
        WorkingGroup.objects.bulk_create(rows)
        self.summary.groups = len(rows)
        u = self.users
        leader2 = u.get("leader2", u["leader"])
        self.members += [WorkingGroupMember(group=rows[0], user=u["leader"], duty="leader")]
        self.members += [
            WorkingGroupMember(group=rows[0], user=u[c], duty="member") for c in ("fgw", "jxw", "sww", "rsj")
        ]
        self.members += [WorkingGroupMember(group=rows[1], user=leader2, duty="leader")]
        self.members += [
            WorkingGroupMember(group=rows[1], user=u[c], duty="member")
            for c in ("wjw", "yjj", "scjgj", "gaj")
        ]
        for street in self.streets:
            officer = u[street.slug]
            workers = [
                w
                for w in self.users.values()
                if w.role == Role.COMMUNITY_WORKER
                and w.scope_area.parent_id == self.street_area(street.suffix).pk
            ][:2]
            for kind, _label, _dept in SECTOR_GROUPS:
                group = self.groups[(street.suffix, kind)]
                self.members.append(WorkingGroupMember(group=group, user=officer, duty="leader"))
                self.members += [WorkingGroupMember(group=group, user=w, duty="member") for w in workers]

    # --- enterprises --------------------------------------------------------------------------

    def plan_enterprises(self) -> list[registry.Spec]:
        names = registry.NameBook(self.rng)
        specs: list[registry.Spec] = []
        seq = registry.CREDIT_SEQ_START
        for category, profile in registry.PROFILES.items():
            weights = [profile.weights[s.kind] for s in self.streets]
            count = profile.district if self.scale.district else profile.small
            for i in range(count):
                seq += 1
                # The first 规上 enterprise sits in 天生街道: it is ent_admin's.
                street = (
                    self.streets[0]
                    if (category == "above_scale" and i == 0)
                    else (self.rng.choices(self.streets, weights)[0])
                )
                specs.append(self.plan_one(seq, category, profile, street, names))
        return specs

    def plan_one(
        self, seq: int, category: str, profile: registry.Profile, street: geo.Street, names: registry.NameBook
    ) -> registry.Spec:
        rng = self.rng
        community = rng.choice(self.children[street.code])
        area = rng.choice(self.children[community.code]) if profile.on_grid else community
        suffix = seq % len(profile.industries)
        total, local = registry.headcounts(rng, profile)
        emergency, key = registry.flags(rng, category, suffix)
        return registry.Spec(
            seq=seq,
            category=category,
            industry=profile.industries[suffix],
            name=names.make(category, seq, street.name[:2]),
            street=street,
            area=area,
            address=registry.address(rng, street, community),
            headcount=total,
            local_headcount=local,
            legal_rep_name=fake.person_name(rng),
            contact_name=fake.person_name(rng),
            is_emergency_supply=emergency,
            is_key_industry=key,
        )

    def build_enterprises(self, specs: list[registry.Spec]) -> list[Enterprise]:
        sysadmin = self.users["sysadmin"]
        rows = []
        for s in specs:
            rows.append(
                Enterprise(
                    credit_code=s.credit_code,
                    name=s.name,
                    legal_rep_name=s.legal_rep_name,
                    legal_rep_phone=s.legal_rep_phone,
                    contact_name=s.contact_name,
                    contact_phone=s.contact_phone,
                    area=s.area,
                    area_path=s.area.path,
                    address=s.address,
                    category=s.category,
                    industry=s.industry,
                    headcount=s.headcount,
                    local_headcount=s.local_headcount,
                    is_emergency_supply=s.is_emergency_supply,
                    is_key_industry=s.is_key_industry,
                    working_group=self.groups.get((s.street.suffix, GROUP_OF_CATEGORY.get(s.category, ""))),
                    created_by=sysadmin,
                    updated_by=sysadmin,
                )
            )
        self.assign(specs, rows)
        self.served = self.served_labels(rows)
        Enterprise.objects.bulk_create(rows, batch_size=BATCH)
        # bulk_create sends no model signals: announce the new enterprises as the registry's own
        # import does, so aggregates kept from registry events (the rate tallies) include them.
        signals.send_changes([(e.pk, None, signals.rate_key(e)) for e in rows])
        WorkingGroupMember.objects.bulk_create(self.members, batch_size=BATCH)
        self.summary.enterprises.update(e.category for e in rows)
        self.log(f"企业：{len(rows)} 家")
        return rows

    def assign(self, specs: list[registry.Spec], rows: list[Enterprise]) -> None:
        """Commissioners (about one per five 规上), medics for 规上 and key-supply enterprises,
        and district leaders paired with two or three key enterprises each."""
        above = [(s, e) for s, e in zip(specs, rows, strict=True) if s.category == "above_scale"]
        cared = above + [
            (s, e)
            for s, e in zip(specs, rows, strict=True)
            if s.category != "above_scale" and (s.is_emergency_supply or s.is_key_industry)
        ]
        self.assign_chunks(above, "commissioner", Role.COMMISSIONER)
        self.assign_chunks(cared, "medic", Role.MEDIC)
        self.flush_users()
        key = [e for s, e in above if s.is_key_industry or s.is_emergency_supply]
        key = [above[0][1]] + [e for e in sorted(key, key=lambda e: -e.headcount) if e is not above[0][1]]
        leaders = [u for u in self.users.values() if u.role == Role.DISTRICT_LEADER]
        for leader in leaders:
            for _ in range(self.rng.choice([2, 3])):
                if key:
                    key.pop(0).paired_leader = leader

    def assign_chunks(self, pairs: list, prefix: str, role: str) -> None:
        by_street: dict[str, list] = defaultdict(list)
        for spec, enterprise in pairs:
            by_street[spec.street.suffix].append(enterprise)
        n = 0
        for street in self.streets:
            group = self.groups[(street.suffix, "industry")]
            enterprises = by_street[street.suffix]
            for start in range(0, len(enterprises), 5):
                n += 1
                user = self.user(
                    prefix if n == 1 else f"{prefix}{n}", role, area=self.street_area(street.suffix)
                )
                for enterprise in enterprises[start : start + 5]:
                    setattr(enterprise, prefix, user)
                if role == Role.COMMISSIONER:
                    self.members.append(WorkingGroupMember(group=group, user=user, duty="member"))

    @staticmethod
    def served_labels(rows: list[Enterprise]) -> dict[str, str]:
        counts: Counter = Counter()
        for e in rows:
            for attr, label in (("commissioner", "驻企服务"), ("medic", "包企"), ("paired_leader", "联系")):
                user = getattr(e, attr)
                if user is not None:
                    counts[(user.username, label)] += 1
        return {name: f"{label} {n} 家企业" for (name, label), n in counts.items()}

    def build_enterprise_users(self, enterprises: list[Enterprise]) -> None:
        above = [e for e in enterprises if e.category == "above_scale"]
        self.user("ent_admin", Role.ENTERPRISE_ADMIN, enterprise=above[0])
        self.user("employee", Role.EMPLOYEE, enterprise=above[0])
        for i, enterprise in enumerate(above[1:], start=2):
            self.user(f"qy{i:04d}", Role.ENTERPRISE_ADMIN, enterprise=enterprise)
        self.flush_users()
        self.log(f"账号：{sum(self.summary.users.values())} 个")

    def scope_label(self, user: User) -> str:
        if user.scope_enterprise is not None:
            return f"{user.scope_enterprise.name}（{user.scope_enterprise.get_category_display()}）"
        if user.scope_area is None:
            return "全区（系统管理）"
        codes = [c for c in user.scope_area.path.split(PATH_SEP) if c]
        label = " · ".join(self.by_code[c].name for c in codes)
        if user.department is not None:
            return f"{label} · {user.department.name}"
        served = self.served.get(user.username)
        return f"{label}（{served}）" if served else label


def build_demo(
    *, scale: str = "small", seed: int = DEFAULT_SEED, log: Callable[[str], None] | None = None
) -> Summary:
    return DemoBuilder(scale, seed, log).build()
