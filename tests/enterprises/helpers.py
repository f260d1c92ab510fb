"""Builders for the enterprise tests: valid field values and xlsx files made in memory."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fugong.core import fake
from fugong.enterprises.imports import COLUMNS

HEADERS = [c.label for c in COLUMNS]


def new_code(seq: int) -> str:
    """A valid credit code that the test world does not use (it uses 9000–9005)."""
    return fake.credit_code(50000 + seq)


def row(seq: int, area_code: str, **overrides) -> dict:
    """One import row keyed by column label, valid unless overridden."""
    values = {
        "统一社会信用代码": new_code(seq),
        "企业名称": f"重庆测试导入企业{seq}号有限公司",
        "法定代表人": "王伟",
        "法定代表人电话": fake.mobile(60000 + seq),
        "联系人": "李娜",
        "联系人电话": fake.mobile(70000 + seq),
        "区域编码": area_code,
        "地址": f"测试路{seq}号",
        "企业类别": "规上工业",
        "行业门类": "C",
        "职工总数": 100,
        "本地职工数": 80,
        "应急保供": "否",
        "重点产业": "是",
    }
    values.update(overrides)
    return values


def xlsx_bytes(rows: list[dict], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(rows: list[dict], headers: list[str] | None = None, name: str = "企业.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, headers),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def enterprise_post(area, seq: int = 1, **overrides) -> dict:
    """Form data for the create page, valid unless overridden."""
    data = {
        "credit_code": new_code(seq),
        "name": f"重庆测试新增企业{seq}号有限公司",
        "legal_rep_name": "张强",
        "legal_rep_phone": fake.mobile(80000 + seq),
        "contact_name": "",
        "contact_phone": "",
        "area": area.pk,
        "address": "天生路8号",
        "category": "commerce",
        "industry": "F",
        "headcount": 20,
        "local_headcount": 15,
    }
    data.update(overrides)
    return data
