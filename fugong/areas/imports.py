"""Import of the area tree from xlsx: parse every row, then plan the whole tree before writing.

Parents may appear anywhere in the file (or already be in the system); the plan resolves each
row's parent, checks the tree rules (choices.CHILD_KINDS) and orders new nodes by depth so the
service can bulk-insert level by level. Nothing here touches the database.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation

from fugong.core.xlsx import Column, RowError, read_rows

from .choices import CHILD_KINDS, LEVEL, AreaKind
from .models import PATH_SEP

COLUMNS = [
    Column(
        "code",
        "区划编码",
        example="500109001",
        note="纯数字，不超过32位；同一文件中不得重复。编码较长时请把单元格设为文本格式，以免 Excel 改成科学计数法",
    ),
    Column("name", "名称", example="天生街道", note="不超过64个字"),
    Column("kind", "类型", example="街道", note="区县、街道、镇、园区、社区、村、网格 之一"),
    Column(
        "parent",
        "上级编码",
        required=False,
        example="500109",
        note="区县留空；其余必填。上级可以写在本文件的任意一行，也可以是系统中已有的区划",
    ),
]
CODE_RE = re.compile(r"^\d{1,32}$")
MAX_PATH = 255
NAME_MAX = 64


def kind_by_label() -> dict[str, str]:
    """Chinese label (the msgid, whatever language is active) or code → AreaKind value."""
    with translation.override(None):
        mapping = {str(label): value for value, label in AreaKind.choices}
    return {**mapping, **{value: value for value in AreaKind.values}}


def kind_label(kind: str) -> str:
    with translation.override(None):
        return str(AreaKind(kind).label)


@dataclass
class AreaRow:
    row: int
    code: str
    name: str
    kind: str
    parent: str


@dataclass(frozen=True)
class Existing:
    id: int
    code: str
    name: str
    kind: str
    parent_code: str
    path: str


@dataclass
class Plan:
    creates: list[tuple[AreaRow, str]] = field(default_factory=list)  # (row, path), parents first
    updates: list[tuple[Existing, AreaRow]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class AreaImportError(Exception):
    """The file has row errors; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} row errors")
        self.errors = errors


@dataclass
class Parsed:
    rows: list[AreaRow]
    errors: list[RowError]
    bad_codes: set[str]  # codes only on rows with errors: their children get no second error


def parse_rows(upload) -> Parsed:
    """Read and check each row on its own (format, kind, duplicates). Raises SheetError first."""
    kinds = kind_by_label()
    rows: list[AreaRow] = []
    errors: list[RowError] = []
    bad_codes: set[str] = set()
    first_seen: dict[str, int] = {}
    for number, data in read_rows(upload, COLUMNS):
        row_errors = []
        code = re.sub(r"\s+", "", data["code"])
        parent = re.sub(r"\s+", "", data.get("parent", ""))
        name = data["name"].strip()
        if not CODE_RE.match(code):
            row_errors.append(RowError(number, "区划编码", f"应为不超过32位的数字，当前为“{code or '空'}”"))
        elif code in first_seen:
            row_errors.append(RowError(number, "区划编码", f"{code} 与第 {first_seen[code]} 行重复"))
        if not name:
            row_errors.append(RowError(number, "名称", "不能为空"))
        elif len(name) > NAME_MAX:
            row_errors.append(RowError(number, "名称", f"不能超过{NAME_MAX}个字"))
        kind = kinds.get(data["kind"].strip())
        if kind is None:
            allowed = "、".join(kind_label(k) for k in AreaKind.values)
            row_errors.append(RowError(number, "类型", f"“{data['kind'] or '空'}”无效，应为：{allowed}"))
        if parent and not CODE_RE.match(parent):
            row_errors.append(RowError(number, "上级编码", f"应为不超过32位的数字，当前为“{parent}”"))
        elif parent and parent == code:
            row_errors.append(RowError(number, "上级编码", "不能是本区划自己"))
        if CODE_RE.match(code):
            first_seen.setdefault(code, number)
        if row_errors:
            errors.extend(row_errors)
            bad_codes.add(code)
        else:
            rows.append(AreaRow(number, code, name, kind, parent))
    return Parsed(rows, errors, bad_codes - {r.code for r in rows})


def codes_to_look_up(rows: list[AreaRow]) -> set[str]:
    return {r.code for r in rows} | {r.parent for r in rows if r.parent}


class _Planner:
    def __init__(
        self,
        rows: list[AreaRow],
        existing: dict[str, Existing],
        child_kinds: dict[str, set[str]],
        bad_codes: set[str],
    ):
        self.rows = {r.code: r for r in rows}
        self.existing = existing
        self.child_kinds = child_kinds  # kinds of the children already stored under each existing code
        self.bad_codes = bad_codes  # codes of rows that failed parsing: no cascade of errors below them
        self.paths: dict[str, str | None] = {}
        self.plan = Plan()

    def error(self, row: AreaRow, column: str, message: str) -> None:
        self.plan.errors.append(RowError(row.row, column, message))

    def kind_of(self, code: str) -> str | None:
        if code in self.rows:
            return self.rows[code].kind
        return self.existing[code].kind if code in self.existing else None

    def path_of(self, code: str, trail: tuple[str, ...] = ()) -> str | None:
        """The materialized path the node will have, or None when its chain is broken."""
        if code in self.paths:
            return self.paths[code]
        if code in self.existing:
            return self.existing[code].path
        row = self.rows.get(code)
        if row is None or code in trail:
            return None
        if not row.parent:
            path = f"{PATH_SEP}{code}{PATH_SEP}"
        else:
            parent_path = self.path_of(row.parent, (*trail, code))
            path = f"{parent_path}{code}{PATH_SEP}" if parent_path else None
        self.paths[code] = path
        return path

    def check_parent(self, row: AreaRow) -> bool:
        if not row.parent:
            if row.kind != AreaKind.DISTRICT:
                self.error(row, "上级编码", f"{kind_label(row.kind)}必须填写上级编码（只有区县可以留空）")
                return False
            return True
        if row.parent in self.bad_codes:
            return False
        parent_kind = self.kind_of(row.parent)
        if parent_kind is None:
            self.error(row, "上级编码", f"上级 {row.parent} 不存在（本文件和系统中都没有）")
            return False
        if row.kind not in CHILD_KINDS[parent_kind]:
            self.error(row, "类型", f"{kind_label(parent_kind)}下不能设置{kind_label(row.kind)}")
            return False
        return True

    def check_existing(self, row: AreaRow, old: Existing) -> bool:
        if row.parent != old.parent_code:
            self.error(row, "上级编码", f"不允许修改已有区划的上级（系统中为“{old.parent_code or '无'}”）")
            return False
        if row.kind != old.kind:
            if LEVEL[row.kind] != LEVEL[old.kind]:
                self.error(row, "类型", f"不允许改变已有区划的层级（系统中为{kind_label(old.kind)}）")
                return False
            stuck = self.child_kinds.get(old.code, set()) - CHILD_KINDS[row.kind]
            if stuck:
                names = "、".join(kind_label(k) for k in sorted(stuck))
                self.error(row, "类型", f"其下已有{names}，不能改为{kind_label(row.kind)}")
                return False
        return True

    def run(self) -> Plan:
        new_rows = []
        for row in self.rows.values():
            old = self.existing.get(row.code)
            if not self.check_parent(row) or (old and not self.check_existing(row, old)):
                continue
            if old is None:
                new_rows.append(row)
            elif (row.name, row.kind) != (old.name, old.kind):
                self.plan.updates.append((old, row))
            else:
                self.plan.unchanged += 1
        for row in new_rows:
            path = self.path_of(row.code)
            if path is None:
                if row.parent not in self.bad_codes:
                    self.error(row, "上级编码", "上级关系形成循环或上级所在行有误")
            elif len(path) > MAX_PATH:
                self.error(row, "区划编码", f"层级过深，路径超过{MAX_PATH}个字符")
            else:
                self.plan.creates.append((row, path))
        self.plan.creates.sort(key=lambda item: (item[1].count(PATH_SEP), item[0].row))
        self.plan.errors.sort(key=lambda e: e.row)
        return self.plan


def plan_import(
    rows: list[AreaRow],
    *,
    existing: dict[str, Existing],
    child_kinds: dict[str, set[str]],
    bad_codes: set[str] = frozenset(),
) -> Plan:
    """Resolve parents, check the tree rules and order the new nodes parents first."""
    return _Planner(rows, existing, child_kinds, set(bad_codes)).run()
