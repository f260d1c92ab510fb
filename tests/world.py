"""A small named world shared by the tests: one district, two streets, users of every role.

Street A (天生街道) and street B (朝阳街道) mirror each other, so every scope test can check
that a user of A reaches A's rows and none of B's. A few users stand on the other side of a
narrower boundary, for the scope matrix (tests/scope.py): the community worker of A2 (the other
community of street A), a commissioner of street A with no enterprise assigned, the department
officer of 区商务委 (commerce) beside the one of 区经济信息委 (industry), the admin of A1's commerce
enterprise beside the admin of its 规上 one, and a second site-staff user of street A.
"""

import random
from dataclasses import dataclass, field

from fugong.accounts.models import User
from fugong.areas.models import Area, Department, WorkingGroup, WorkingGroupMember
from fugong.core import fake
from fugong.core.access import Role
from fugong.enterprises.models import Enterprise

PASSWORD = "Fugong!2020pw"
DISTRICT = "500109"


@dataclass
class World:
    areas: dict[str, Area] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    groups: dict[str, WorkingGroup] = field(default_factory=dict)

    def user(self, name: str) -> User:
        return self.users[name]


def _area(code, name, kind, parent=None) -> Area:
    return Area.objects.create(code=code, name=name, kind=kind, parent=parent)


def _user(username, role, *, area=None, enterprise=None, department=None) -> User:
    user = User(
        username=username,
        full_name=username,
        role=role,
        scope_area=area,
        scope_enterprise=enterprise,
        department=department,
        phone=fake.mobile(len(username) * 131),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    w = World()
    a = w.areas
    a["district"] = _area(DISTRICT, "北碚区", "district")
    a["A"] = _area("500109001", "天生街道", "street", a["district"])
    a["B"] = _area("500109002", "朝阳街道", "street", a["district"])
    a["A1"] = _area("500109001001", "西南大学南社区", "community", a["A"])
    a["A2"] = _area("500109001002", "天生桥社区", "community", a["A"])
    a["B1"] = _area("500109002001", "朝阳社区", "community", a["B"])
    a["A1g"] = _area("500109001001001", "西南大学南社区第一网格", "grid", a["A1"])
    a["B1g"] = _area("500109002001001", "朝阳社区第一网格", "grid", a["B1"])

    w.departments["jxw"] = Department.objects.create(
        code="JXW", name="区经济信息委", area=a["district"], sector_categories=["above_scale", "below_scale"]
    )
    w.departments["swj"] = Department.objects.create(
        code="SWJ", name="区商务委", area=a["district"], sector_categories=["commerce"]
    )

    u = w.users
    u["sysadmin"] = _user("sysadmin", Role.SYSADMIN)
    u["leader"] = _user("leader", Role.DISTRICT_LEADER, area=a["district"])
    u["dept"] = _user(
        "dept_jxw", Role.DEPARTMENT_OFFICER, area=a["district"], department=w.departments["jxw"]
    )
    u["dept_swj"] = _user(
        "dept_swj", Role.DEPARTMENT_OFFICER, area=a["district"], department=w.departments["swj"]
    )
    for s in ("A", "B"):
        u[f"street_{s}"] = _user(f"street_{s}", Role.STREET_OFFICER, area=a[s])
        u[f"community_{s}"] = _user(f"community_{s}", Role.COMMUNITY_WORKER, area=a[f"{s}1"])
        u[f"commissioner_{s}"] = _user(f"commissioner_{s}", Role.COMMISSIONER, area=a[s])
        u[f"medic_{s}"] = _user(f"medic_{s}", Role.MEDIC, area=a[s])
        u[f"site_{s}"] = _user(f"site_{s}", Role.SITE_STAFF, area=a[s])
        u[f"guard_{s}"] = _user(f"guard_{s}", Role.CHECKPOINT_GUARD, area=a[f"{s}1"])
        u[f"resident_{s}"] = _user(f"resident_{s}", Role.RESIDENT, area=a[f"{s}1"])
    u["community_A2"] = _user("community_A2", Role.COMMUNITY_WORKER, area=a["A2"])
    u["commissioner_A_idle"] = _user("commissioner_A_idle", Role.COMMISSIONER, area=a["A"])
    u["site_A2"] = _user("site_A2", Role.SITE_STAFF, area=a["A"])

    rng = random.Random(7)
    specs = [
        ("A1", "above_scale"),
        ("A1", "commerce"),
        ("A2", "individual"),
        ("B1", "above_scale"),
        ("B1", "commerce"),
        ("B1", "individual"),
    ]
    for i, (key, category) in enumerate(specs):
        street = key[0]
        e = Enterprise.objects.create(
            credit_code=fake.credit_code(9000 + i),
            name=fake.company_name(rng, category, i) + f"{i}号",
            legal_rep_name=fake.person_name(rng),
            legal_rep_phone=fake.mobile(9000 + i),
            contact_name=fake.person_name(rng),
            contact_phone=fake.mobile(9100 + i),
            area=a[key],
            address=f"{a[key].name}{i + 1}号",
            category=category,
            industry="C",
            headcount=100,
            local_headcount=60,
            commissioner=u[f"commissioner_{street}"] if category == "above_scale" else None,
            medic=u[f"medic_{street}"] if category == "above_scale" else None,
        )
        w.enterprises[f"{key}_{category}"] = e
    for s in ("A", "B"):
        ent = w.enterprises[f"{s}1_above_scale"]
        u[f"ent_admin_{s}"] = _user(f"ent_admin_{s}", Role.ENTERPRISE_ADMIN, enterprise=ent)
        u[f"employee_{s}"] = _user(f"employee_{s}", Role.EMPLOYEE, enterprise=ent)
        if s == "A":
            u["ent_admin_A_commerce"] = _user(
                "ent_admin_A_commerce", Role.ENTERPRISE_ADMIN, enterprise=w.enterprises["A1_commerce"]
            )
        group = WorkingGroup.objects.create(name=f"{a[s].name}工业组", kind="industry", area=a[s])
        WorkingGroupMember.objects.create(group=group, user=u[f"street_{s}"], duty="leader")
        w.groups[s] = group
    return w


def restore_defaults() -> None:
    """Put back the rows the data migrations load (policies, conditions, checklists, rule sets, due
    days …): a live-server or transactional test flushes the database, migrations' data included.

    Every RunPython of every fugong migration runs again, in dependency order (they are written to be
    safe to repeat). First the post_migrate handlers run again: a serialized-rollback test flushes
    without them, leaving no content types while ContentType's process-wide cache still holds the old
    ids (an audit row written with one then fails its foreign key at COMMIT on PostgreSQL).
    """
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    seen, plan = set(), []
    for leaf in graph.leaf_nodes():
        for node in graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                plan.append(node)
    for app_label, name in plan:
        if not apps.get_app_config(app_label).name.startswith("fugong."):
            continue
        for operation in graph.nodes[(app_label, name)].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


def load_world() -> World:
    """The world as stored (after build_world ran in this database)."""
    w = World()
    w.areas = {k: Area.objects.get(code=c) for k, c in AREA_CODES.items()}
    w.users = {k: User.objects.get(username=n) for k, n in USERNAMES.items()}
    w.enterprises = {k: Enterprise.objects.get(credit_code=c) for k, c in ENTERPRISE_CODES.items()}
    w.departments = {k: Department.objects.get(code=c) for k, c in {"jxw": "JXW", "swj": "SWJ"}.items()}
    w.groups = {s: WorkingGroup.objects.get(name=f"{w.areas[s].name}工业组") for s in ("A", "B")}
    return w


AREA_CODES = {
    "district": DISTRICT,
    "A": "500109001",
    "B": "500109002",
    "A1": "500109001001",
    "A2": "500109001002",
    "B1": "500109002001",
    "A1g": "500109001001001",
    "B1g": "500109002001001",
}
USERNAMES = {
    "sysadmin": "sysadmin",
    "leader": "leader",
    "dept": "dept_jxw",
    "dept_swj": "dept_swj",
    "community_A2": "community_A2",
    "commissioner_A_idle": "commissioner_A_idle",
    "site_A2": "site_A2",
    "ent_admin_A_commerce": "ent_admin_A_commerce",
    **{
        f"{r}_{s}": f"{r}_{s}"
        for s in "AB"
        for r in (
            "street",
            "community",
            "commissioner",
            "medic",
            "site",
            "guard",
            "resident",
            "ent_admin",
            "employee",
        )
    },
}
ENTERPRISE_CODES = {
    f"{k}_{c}": fake.credit_code(9000 + i)
    for i, (k, c) in enumerate(
        [
            ("A1", "above_scale"),
            ("A1", "commerce"),
            ("A2", "individual"),
            ("B1", "above_scale"),
            ("B1", "commerce"),
            ("B1", "individual"),
        ]
    )
}
