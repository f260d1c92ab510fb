"""Shapes of the enterprise API: what goes in (codes and usernames, never database ids of
areas or people) and what comes out (personal phones masked)."""

from datetime import datetime

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from fugong.core.api import In
from fugong.core.masking import mask_phone

from .models import Enterprise

# API field → form field, where the API speaks in codes.
API_TO_FORM = {"area_code": "area"}
FORM_TO_API = {v: k for k, v in API_TO_FORM.items()}
USER_FIELDS = ("commissioner", "paired_leader", "medic")


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    legal_rep_name: str
    legal_rep_phone: str = Field(description="已脱敏，如 138****5678")
    contact_name: str
    contact_phone: str = Field(description="已脱敏")
    area_code: str
    area_name: str
    address: str
    category: str
    category_label: str
    industry: str
    industry_label: str
    headcount: int
    local_headcount: int
    is_emergency_supply: bool
    is_key_industry: bool
    commissioner: str | None = Field(description="驻企服务专员的用户名")
    paired_leader: str | None = Field(description="联系区领导的用户名")
    medic: str | None = Field(description="包企医护人员的用户名")
    working_group: int | None = Field(description="工作组编号")
    updated_at: datetime


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int = Field(description="符合筛选条件的企业总数（不受分页影响）")


class EnterpriseIn(In):
    credit_code: str = Field(description="18位统一社会信用代码")
    name: str
    legal_rep_name: str
    legal_rep_phone: str = Field(description="11位手机号码")
    contact_name: str = ""
    contact_phone: str = ""
    area_code: str = Field(description="所在社区或村的区划编码，须在您的管辖范围内")
    address: str
    category: str = Field(
        description="企业类别：above_scale / below_scale / commerce / construction / "
        "finance / individual / small_venue"
    )
    industry: str = Field(description="国民经济行业门类 A–R")
    headcount: int
    local_headcount: int
    is_emergency_supply: bool = False
    is_key_industry: bool = False
    commissioner: str | None = Field(None, description="驻企服务专员的用户名（需有分配权限）")
    paired_leader: str | None = Field(None, description="联系区领导的用户名（需有分配权限）")
    medic: str | None = Field(None, description="包企医护人员的用户名（需有分配权限）")
    working_group: int | None = Field(None, description="工作组编号（需有分配权限）")


class EnterprisePatch(In):
    """Only the fields sent are changed; the rest keep their current values."""

    credit_code: str | None = None
    name: str | None = None
    legal_rep_name: str | None = None
    legal_rep_phone: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    area_code: str | None = None
    address: str | None = None
    category: str | None = None
    industry: str | None = None
    headcount: int | None = None
    local_headcount: int | None = None
    is_emergency_supply: bool | None = None
    is_key_industry: bool | None = None
    commissioner: str | None = None
    paired_leader: str | None = None
    medic: str | None = None
    working_group: int | None = None


class ListQuery(In):
    q: str | None = Field(None, description="按名称、信用代码（前缀）或法定代表人搜索")
    area: str | None = Field(None, description="区划编码：该区划及其全部下级")
    category: str | None = Field(None, description="企业类别编码")
    industry: str | None = Field(None, description="行业门类 A–R")
    emergency: str | None = Field(None, description="应急保供企业：1 是，0 否")
    key_industry: str | None = Field(None, description="重点产业企业：1 是，0 否")
    unassigned: str | None = Field(None, description="未配驻企服务专员：1 是，0 否")
    sort: str | None = Field(
        None, description="排序：name、credit_code、headcount、local_headcount、area、created，前加 - 为倒序"
    )
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(50, ge=1, le=200, description="每页条数，默认 50，最多 200")


class HistoryQuery(In):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class HistoryOut(Schema):
    at: datetime
    action: str
    action_label: str
    actor: str | None = Field(description="操作人用户名")
    actor_name: str | None
    request_id: str
    changes: dict[str, list] = Field(description="字段 → [修改前, 修改后]；个人信息已脱敏")


class HistoryPage(Schema):
    items: list[HistoryOut]
    count: int


def _username(user) -> str | None:
    return user.username if user is not None else None


def enterprise_item(e: Enterprise) -> dict:
    """One enterprise as the API shows it; expects area and the assigned users joined in."""
    return {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name": e.name,
        "legal_rep_name": e.legal_rep_name,
        "legal_rep_phone": mask_phone(e.legal_rep_phone),
        "contact_name": e.contact_name,
        "contact_phone": mask_phone(e.contact_phone),
        "area_code": e.area.code,
        "area_name": e.area.name,
        "address": e.address,
        "category": e.category,
        "category_label": str(e.get_category_display()),
        "industry": e.industry,
        "industry_label": str(e.get_industry_display()),
        "headcount": e.headcount,
        "local_headcount": e.local_headcount,
        "is_emergency_supply": e.is_emergency_supply,
        "is_key_industry": e.is_key_industry,
        "commissioner": _username(e.commissioner),
        "paired_leader": _username(e.paired_leader),
        "medic": _username(e.medic),
        "working_group": e.working_group_id,
        "updated_at": timezone.localtime(e.updated_at),
    }


def history_item(entry) -> dict:
    return {
        "at": timezone.localtime(entry.at),
        "action": entry.action,
        "action_label": str(entry.get_action_display()),
        "actor": _username(entry.actor),
        "actor_name": entry.actor.full_name if entry.actor else None,
        "request_id": entry.request_id,
        "changes": entry.changes,
    }


class ExportQuery(ListQuery):
    full: bool = Field(False, description="1 表示导出完整电话号码（仅限有权查看的角色，留痕）")


class PhonesOut(Schema):
    legal_rep_phone: str
    contact_phone: str


class RowErrorOut(Schema):
    row: int = Field(description="Excel 中的行号")
    column: str
    message: str


class ImportOut(Schema):
    detail: str
    saved: bool
    total: int
    created: int
    updated: int
    unchanged: int
    error_rows: int
    errors: list[RowErrorOut]


def import_result(result) -> dict:
    if result.saved:
        detail = f"导入完成：新增 {result.created} 家，更新 {result.updated} 家，未变 {result.unchanged} 家"
        if result.errors:
            detail += f"；有误的 {result.error_rows} 行未导入"
    else:
        detail = f"有 {result.error_rows} 行数据有误，未导入任何数据；改正后重新上传，或选择只导入无误的行"
    return {
        "detail": detail,
        "saved": result.saved,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "error_rows": result.error_rows,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
    }
