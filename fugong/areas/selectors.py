"""Scoped reads of the area tree, departments and working groups."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from fugong.core.access import GROUP_MANAGE
from fugong.core.choices import Category
from fugong.core.registry import AreaCounter, contributions, reader
from fugong.core.scoping import CHANGE, VIEW, get_visible_or_404

from .models import PATH_SEP, Area, Department, WorkingGroup, WorkingGroupMember

TREE_FIELDS = ("id", "code", "name", "kind", "parent_id", "path", "depth")


@dataclass
class TreeNode:
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    path: str
    depth: int
    children: list["TreeNode"] = field(default_factory=list)
    enterprises: int = 0
    match: bool = False

    @property
    def has_children(self) -> bool:
        return bool(self.children)


@dataclass(frozen=True)
class TreeRow:
    """One line of the flattened tree: the template opens a nested list when ``has_children`` and
    closes ``closes`` levels after it, so ~1,000 nodes render in one loop without recursion."""

    node: TreeNode
    level: int
    open: bool
    closes: range


def area_queryset(*, user, action: str = VIEW) -> QuerySet[Area]:
    return Area.objects.visible_to(user, action)


def area_get(*, user, code: str) -> Area:
    return get_visible_or_404(Area, user, VIEW, code=code)


def _counter() -> AreaCounter | None:
    """The count the tree shows (the registry's enterprises, contributed by that app)."""
    counters = contributions("area_counters")
    return counters[0] if counters else None


def _enterprise_counts(user) -> dict[int, int]:
    counter = _counter()
    return reader(counter.per_area)(user=user) if counter else {}


def area_tree(*, user, q: str = "", with_counts: bool = True) -> tuple[list[TreeRow], int]:
    """The user's visible subtree as flattened rows, and the number of nodes shown.

    One query loads every visible node; the tree is assembled in Python. With ``q``, only
    matching nodes and their ancestors are kept (all expanded).
    """
    kind_labels = dict(Area._meta.get_field("kind").choices)
    nodes = {
        row["id"]: TreeNode(kind_label=str(kind_labels.get(row["kind"], row["kind"])), **row)
        for row in area_queryset(user=user).order_by("path").values(*TREE_FIELDS)
    }
    if with_counts and nodes:
        counts = _enterprise_counts(user)
        for node in sorted(nodes.values(), key=lambda n: -n.depth):
            node.enterprises += counts.get(node.id, 0)
            if node.parent_id in nodes:
                nodes[node.parent_id].enterprises += node.enterprises
    q = q.strip()
    if q:
        nodes = _matching_with_ancestors(nodes, q)
    roots = []
    for node in nodes.values():  # ordered by path: parents come before children
        parent = nodes.get(node.parent_id)
        (parent.children if parent else roots).append(node)
    return _flatten(roots, expand_all=bool(q)), len(nodes)


def _matching_with_ancestors(nodes: dict[int, TreeNode], q: str) -> dict[int, TreeNode]:
    by_code = {n.code: n for n in nodes.values()}
    keep: set[int] = set()
    for node in nodes.values():
        if q in node.name or node.code.startswith(q):
            node.match = True
            for code in node.path.strip(PATH_SEP).split(PATH_SEP):
                if code in by_code:
                    keep.add(by_code[code].id)
    return {pk: n for pk, n in nodes.items() if pk in keep}


def _flatten(roots: list[TreeNode], *, expand_all: bool) -> list[TreeRow]:
    rows: list[TreeRow] = []

    def walk(node: TreeNode, level: int, trailing: int) -> None:
        opened = expand_all or level < 1
        if not node.children:
            rows.append(TreeRow(node, level, opened, range(trailing)))
            return
        rows.append(TreeRow(node, level, opened, range(0)))
        last = len(node.children) - 1
        for index, child in enumerate(node.children):
            walk(child, level + 1, trailing + 1 if index == last else 0)

    for root in roots:
        walk(root, 0, 0)
    return rows


def area_enterprise_count(*, user, area: Area) -> int:
    """Enterprises the user may see in the area's subtree: one indexed prefix count."""
    counter = _counter()
    return reader(counter.in_subtree)(user=user, area=area) if counter else 0


def area_ancestors(*, area: Area) -> list[Area]:
    return list(area.ancestors().exclude(pk=area.pk))


def area_children(*, user, area: Area) -> QuerySet[Area]:
    return area_queryset(user=user).filter(parent=area).order_by("sort_order", "code")


def area_groups(*, user, area: Area) -> QuerySet[WorkingGroup]:
    return group_queryset(user=user).filter(area=area)


def department_queryset(*, user) -> QuerySet[Department]:
    return Department.objects.visible_to(user)


def department_list(*, user) -> list[Department]:
    """Departments with their sector labels and the number of groups they lead that the user sees
    (counted over the user's groups only, so no count reveals another street's groups)."""
    labels = dict(Category.choices)
    led = dict(
        group_queryset(user=user)
        .exclude(department=None)
        .order_by()
        .values_list("department_id")
        .annotate(n=Count("id"))
    )
    departments = list(department_queryset(user=user).select_related("area"))
    for department in departments:
        department.sector_labels = [str(labels.get(c, c)) for c in department.sector_categories or []]
        department.group_count = led.get(department.pk, 0)
    return departments


def group_queryset(*, user, action: str = VIEW) -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.visible_to(user, action).select_related("area", "department")


def group_search(*, user, q: str = "", kind: str = "") -> QuerySet[WorkingGroup]:
    groups = (
        group_queryset(user=user)
        .annotate(member_count=Count("memberships"))
        .order_by("area_path", "name", "pk")
    )
    q = q.strip()
    if q:
        groups = groups.filter(Q(name__icontains=q) | Q(area__name__icontains=q) | Q(note__icontains=q))
    if kind:
        groups = groups.filter(kind=kind)
    return groups


def group_get(*, user, pk, action: str = VIEW) -> WorkingGroup:
    return get_visible_or_404(WorkingGroup, user, action, pk=pk)


def group_can_change(*, user, group: WorkingGroup) -> bool:
    return user.can(GROUP_MANAGE) and group_queryset(user=user, action=CHANGE).filter(pk=group.pk).exists()


def group_members(*, group: WorkingGroup) -> list[WorkingGroupMember]:
    duty_order = {"leader": 0, "deputy": 1, "member": 2}
    members = group.memberships.select_related("user", "user__scope_area", "user__scope_enterprise")
    return sorted(members, key=lambda m: (duty_order.get(m.duty, 9), m.user.full_name))
