"""Reading and checking an enterprise registry xlsx: every row against the rules of the form.

Nothing here writes. ``read`` turns the upload into rows (or raises SheetError for the file as a
whole); ``check_rows`` validates each row with the model fields' own validators, the choices, the
headcount rule and the user's change scope, and says which rows create and which update an
enterprise. It loads what it needs in a few bulk queries — never one query per row — so ten
thousand rows check in well under a second. The write is ``services.enterprise_import``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Model, Q

from fugong.areas.models import Area
from fugong.core.validators import normalize_code, normalize_mobile
from fugong.core.xlsx import Column, RowError, SheetError, read_rows

from .choices import Category, Industry
from .models import Enterprise
from .selectors import CODE_OUT_OF_SCOPE, CODE_TAKEN_READ_ONLY

LOOKUP_BATCH = 2000
EXAMPLE_CODE = "91500109MA00000000"  # the template's example row; skipped when left in the file
EXAMPLE_NAME = "（示例，可删除本行）重庆某某机械制造有限公司"
REQUIRED = "必填，不能为空"

COLUMNS = [
    Column(
        "credit_code",
        "统一社会信用代码",
        example=EXAMPLE_CODE,
        note="18位，营业执照上的统一社会信用代码；系统中已有的代码将更新该企业",
    ),
    Column("name", "企业名称", example=EXAMPLE_NAME, note="不超过100字"),
    Column("legal_rep_name", "法定代表人", example="张三"),
    Column("legal_rep_phone", "法定代表人电话", example="13800000000", note="11位手机号码"),
    Column("contact_name", "联系人", required=False, example="李四", note="选填"),
    Column("contact_phone", "联系人电话", required=False, example="13900000000", note="选填，11位手机号码"),
    Column(
        "area_code",
        "区域编码",
        example="500109001001",
        note="企业所在社区或村的区划编码，须在您的管辖范围内（见“行政区划”页面）",
    ),
    Column("address", "地址", example="天生路1号"),
    Column(
        "category",
        "企业类别",
        example="规上工业",
        note="、".join(str(label) for _, label in Category.choices),
    ),
    Column("industry", "行业门类", example="C", note="国民经济行业门类字母（如 C）或名称（如 制造业）"),
    Column("headcount", "职工总数", example="120", note="不小于0的整数"),
    Column("local_headcount", "本地职工数", example="80", note="不小于0的整数，且不超过职工总数"),
    Column("is_emergency_supply", "应急保供", required=False, example="否", note="是 / 否，留空视为否"),
    Column("is_key_industry", "重点产业", required=False, example="否", note="是 / 否，留空视为否"),
]
LABELS = {c.key: c.label for c in COLUMNS}
TEXT_FIELDS = [
    "credit_code",
    "name",
    "legal_rep_name",
    "legal_rep_phone",
    "contact_name",
    "contact_phone",
    "address",
]
PHONE_FIELDS = {"legal_rep_phone", "contact_phone"}
# The model fields an import may write (area is written through area_code).
IMPORT_FIELDS = [
    "credit_code",
    "name",
    "legal_rep_name",
    "legal_rep_phone",
    "contact_name",
    "contact_phone",
    "area",
    "address",
    "category",
    "industry",
    "headcount",
    "local_headcount",
    "is_emergency_supply",
    "is_key_industry",
]
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "", "×"}


@dataclass
class RowPlan:
    """One valid row: the values to write and, for an update, the enterprise it changes."""

    number: int
    values: dict
    existing: Enterprise | None = None

    def changed_fields(self) -> list[str]:
        if self.existing is None:
            return list(self.values)
        current = self.existing
        return [
            name
            for name, value in self.values.items()
            if (current.area_id != value.pk if name == "area" else getattr(current, name) != value)
        ]


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def read(upload) -> list[tuple[int, dict]]:
    """All data rows of the upload, or SheetError for a file that cannot be imported at all."""
    try:
        return [(n, raw) for n, raw in read_rows(upload, COLUMNS) if not _is_example(raw)]
    except SheetError:
        raise
    except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl: never a 500
        raise SheetError("无法读取该 xlsx 文件（文件可能已损坏），请用 Excel 另存为 .xlsx 后再导入") from exc


def _is_example(raw: dict) -> bool:
    return raw.get("credit_code") == EXAMPLE_CODE and raw.get("name") == EXAMPLE_NAME


# --- scope: the would-be row against the model's own scope filter --------------------------------


class _UnknownLookup(Exception):
    pass


def q_matches(q: Q, values: dict) -> bool:
    """Evaluate a scope filter ``Q`` against an unsaved row's ``values`` in Python.

    Supports the lookups scope filters use (exact, startswith, in, isnull); anything else denies.
    The service re-checks the saved rows with the real filter, so this can only be stricter.
    """
    try:
        return _q_eval(q, values)
    except _UnknownLookup:
        return False


def _q_eval(q: Q, values: dict) -> bool:
    results = (_q_eval(c, values) if isinstance(c, Q) else _lookup(*c, values) for c in q.children)
    matched = all(results) if q.connector == Q.AND else any(results)
    return not matched if q.negated else matched


def _pk(value):
    return value.pk if isinstance(value, Model) else value


def _lookup(lookup: str, expected, values: dict) -> bool:
    name, _, op = lookup.partition("__")
    if name not in values:
        raise _UnknownLookup(lookup)
    actual = values[name]
    op = op or "exact"
    if op == "exact":
        return actual is not None and actual == _pk(expected)
    if op == "startswith":
        return actual is not None and str(actual).startswith(str(expected))
    if op == "in":
        return actual in {_pk(v) for v in expected}
    if op == "isnull":
        return (actual is None) == bool(expected)
    raise _UnknownLookup(lookup)


class ScopeRule:
    """Which areas a user may pick and which (area, category) a row they write may have."""

    def __init__(self, user):
        self.area_q = Area.scope_filter(user, "view") if user.is_active else None
        self.change_q = Enterprise.scope_filter(user, "change") if user.is_active else None

    def area_visible(self, area: Area) -> bool:
        return self.area_q is not None and q_matches(
            self.area_q, {"path": area.path, "pk": area.pk, "id": area.pk, "code": area.code}
        )

    def allows(self, *, area: Area, category: str, existing: Enterprise | None) -> bool:
        if self.change_q is None:
            return False
        values = {
            "area_path": area.path,
            "category": category,
            "area": area.pk,
            "area_id": area.pk,
            "pk": None,
            "id": None,
            "commissioner": None,
            "commissioner_id": None,
            "medic": None,
            "medic_id": None,
        }
        if existing is not None:
            values.update(
                pk=existing.pk,
                id=existing.pk,
                commissioner=existing.commissioner_id,
                commissioner_id=existing.commissioner_id,
                medic=existing.medic_id,
                medic_id=existing.medic_id,
            )
        return q_matches(self.change_q, values)

    def allowed_categories(self, area: Area) -> list[str]:
        return [
            str(label)
            for value, label in Category.choices
            if self.allows(area=area, category=value, existing=None)
        ]


# --- bulk lookups ---------------------------------------------------------------------------------


def _batches(items: list, size: int = LOOKUP_BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def areas_by_code(codes: Iterable[str]) -> dict[str, Area]:
    found = {}
    for chunk in _batches(sorted(set(codes))):
        found.update({a.code: a for a in Area.objects.filter(code__in=chunk)})
    return found


def existing_by_code(
    *, user, codes: Iterable[str], lock: bool
) -> tuple[dict[str, Enterprise], set[int], set[int]]:
    """Enterprises already registered under these codes, the ids of those ``user`` may change and
    of those ``user`` may see (the others are answered without naming them)."""
    found, changeable, visible = {}, set(), set()
    for chunk in _batches(sorted(set(codes))):
        qs = Enterprise.objects.filter(credit_code__in=chunk).select_related("area")
        if lock:
            qs = qs.select_for_update(of=("self",))
        found.update({e.credit_code: e for e in qs})
        changeable.update(
            Enterprise.objects.visible_to(user, "change")
            .filter(credit_code__in=chunk)
            .values_list("pk", flat=True)
        )
        visible.update(
            Enterprise.objects.visible_to(user, "view")
            .filter(credit_code__in=chunk)
            .values_list("pk", flat=True)
        )
    return found, changeable, visible


# --- one row --------------------------------------------------------------------------------------

CATEGORY_BY_TEXT = {
    **{str(label): value for value, label in Category.choices},
    **{value: value for value, _ in Category.choices},
}
INDUSTRY_BY_LABEL = {str(label): value for value, label in Industry.choices}
INDUSTRY_LETTERS = set(Industry.values)


def _parse_industry(text: str) -> str | None:
    text = text.strip()
    letter = text.upper()
    if letter in INDUSTRY_LETTERS:
        return letter
    if text in INDUSTRY_BY_LABEL:
        return INDUSTRY_BY_LABEL[text]
    # "C 制造业", "C-制造业", "C制造业"
    head, rest = text[:1].upper(), text[1:].strip(" -－—、.．")
    if head in INDUSTRY_LETTERS and INDUSTRY_BY_LABEL.get(rest) == head:
        return head
    return None


def _parse_count(text: str) -> int:
    cleaned = text.replace(",", "").replace("，", "").strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        raise ValidationError("应为不小于 0 的整数")
    value = int(cleaned)
    if value > 2_147_483_647:
        raise ValidationError("数值过大")
    return value


def _parse_flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValidationError("请填写“是”或“否”")


def _clean_text(name: str, text: str) -> str:
    value = normalize_code(text) if name == "credit_code" else text.strip()
    if name in PHONE_FIELDS:
        value = normalize_mobile(value)
    model_field = Enterprise._meta.get_field(name)
    if not value:
        if not model_field.blank:
            raise ValidationError(REQUIRED)
        return ""
    return model_field.clean(value, None)  # max_length and the field's validators, as the form runs them


class RowChecker:
    """Checks rows one by one against bulk-loaded areas, existing enterprises and the user's scope."""

    def __init__(
        self,
        *,
        rule: ScopeRule,
        areas: dict[str, Area],
        existing: dict[str, Enterprise],
        changeable: set[int],
        visible: set[int] = frozenset(),
    ):
        self.rule, self.areas, self.existing, self.changeable = rule, areas, existing, changeable
        self.visible = visible
        self.seen: dict[str, int] = {}

    def check(self, number: int, raw: dict) -> tuple[RowPlan | None, list[RowError]]:
        values, errors = {}, []

        def fail(key: str, message) -> None:
            errors.append(RowError(number, LABELS[key], str(message)))

        for name in TEXT_FIELDS:
            if name in raw:
                try:
                    values[name] = _clean_text(name, raw[name])
                except ValidationError as exc:
                    fail(name, "；".join(exc.messages))
        self._choices(raw, values, fail)
        self._counts(raw, values, fail)
        for name in ("is_emergency_supply", "is_key_industry"):
            if name in raw:
                try:
                    values[name] = _parse_flag(raw[name])
                except ValidationError as exc:
                    fail(name, exc.messages[0])
        area = self._area(raw.get("area_code", ""), fail)
        existing = self._existing(number, values.get("credit_code"), fail)
        if area is not None:
            values["area"] = area
            self._scope(area, values, existing, fail)
        if errors:
            return None, errors
        return RowPlan(number=number, values=values, existing=existing), []

    def _choices(self, raw, values, fail) -> None:
        category = CATEGORY_BY_TEXT.get(raw.get("category", "").strip())
        if category is None:
            fail(
                "category",
                REQUIRED
                if not raw.get("category")
                else f"「{raw['category']}」不是有效的企业类别，应为："
                + "、".join(str(c.label) for c in Category),
            )
        else:
            values["category"] = category
        industry = _parse_industry(raw.get("industry", ""))
        if industry is None:
            fail(
                "industry",
                REQUIRED
                if not raw.get("industry")
                else f"「{raw['industry']}」不是有效的行业门类，请填写门类字母（如 C）或名称（如 制造业）",
            )
        else:
            values["industry"] = industry

    def _counts(self, raw, values, fail) -> None:
        for name in ("headcount", "local_headcount"):
            try:
                values[name] = _parse_count(raw.get(name, ""))
            except ValidationError as exc:
                fail(name, REQUIRED if not raw.get(name, "").strip() else exc.messages[0])
        if values.get("local_headcount", 0) > values.get("headcount", float("inf")):
            fail("local_headcount", "本地职工数不能超过职工总数")

    def _area(self, code: str, fail) -> Area | None:
        code = code.strip()
        if not code:
            fail("area_code", REQUIRED)
            return None
        area = self.areas.get(code)
        if area is None or not self.rule.area_visible(area):
            fail("area_code", f"区域编码「{code}」不存在或不在您的管辖范围内")
            return None
        return area

    def _existing(self, number: int, code: str | None, fail) -> Enterprise | None:
        if not code:
            return None
        first = self.seen.setdefault(code, number)
        if first != number:
            fail("credit_code", f"与第 {first} 行的统一社会信用代码重复")
            return None
        existing = self.existing.get(code)
        if existing is not None and existing.pk not in self.changeable:
            # One answer for every code registered out of sight, naming no other party.
            fail("credit_code", CODE_TAKEN_READ_ONLY if existing.pk in self.visible else CODE_OUT_OF_SCOPE)
            return None
        return existing

    def _scope(self, area: Area, values: dict, existing: Enterprise | None, fail) -> None:
        category = values.get("category")
        if category is None or self.rule.allows(area=area, category=category, existing=existing):
            return
        allowed = self.rule.allowed_categories(area)
        if allowed:
            fail("category", "您只能登记或修改以下类别的企业：" + "、".join(allowed))
        else:
            fail("area_code", f"区域编码「{area.code}」不在您可登记企业的范围内")


def check_rows(*, user, rows: list[tuple[int, dict]], lock: bool = False) -> ImportPlan:
    """Validate every row; rows with an error are reported, never half-kept."""
    areas = areas_by_code(raw.get("area_code", "").strip() for _, raw in rows)
    codes = [normalize_code(raw.get("credit_code", "")) for _, raw in rows]
    existing, changeable, visible = existing_by_code(user=user, codes=[c for c in codes if c], lock=lock)
    checker = RowChecker(
        rule=ScopeRule(user), areas=areas, existing=existing, changeable=changeable, visible=visible
    )
    plan = ImportPlan(total=len(rows))
    for number, raw in rows:
        row, errors = checker.check(number, raw)
        if row is not None:
            plan.rows.append(row)
        plan.errors.extend(errors)
    return plan
