"""Reading and writing xlsx the way officials use it: one sheet, a header row, clear errors.

Imports read in openpyxl's read-only mode and check size, type, headers and row count before any
row is parsed. Exports write in write-only mode to a temporary file, so memory stays flat as rows
grow, and carry a watermark of who exported when.
"""

import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetError(Exception):
    """The file as a whole cannot be read (wrong type, headers, size); nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = True
    example: str = ""
    note: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"「{self.column}」" if self.column else ""
        return f"第 {self.row} 行 {where}：{self.message}"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_rows(upload, columns: list[Column], *, max_rows: int | None = None) -> Iterator[tuple[int, dict]]:
    """Yield ``(row_number, {key: text})`` for each non-empty data row; raise SheetError first if
    the file is not a readable xlsx, lacks required headers or holds more than ``max_rows`` rows."""
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    if upload is None:
        raise SheetError("请选择要导入的 xlsx 文件")
    if getattr(upload, "size", 0) > settings.IMPORT_MAX_BYTES:
        raise SheetError(
            f"文件过大（上限 {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB），请拆分后分批导入"
        )
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise SheetError("文件格式不正确：请上传 Excel 的 .xlsx 文件（可先下载导入模板）")
    try:
        upload.seek(0)
        if not zipfile.is_zipfile(upload):
            raise SheetError(
                "文件内容不是有效的 xlsx（可能是改了扩展名的其他文件），请用 Excel 另存为 .xlsx 后再导入"
            )
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except SheetError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError("无法读取该 xlsx 文件，请用 Excel 另存为 .xlsx 后再导入") from exc
    try:
        sheet = workbook.worksheets[0]
        if sheet.max_row and sheet.max_row - 1 > max_rows:
            raise SheetError(
                f"文件共有约 {sheet.max_row - 1} 行数据，超过单次导入上限 {max_rows} 行，请拆分后分批导入"
            )
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        positions = _header_positions(header, columns)
        count = 0
        for number, values in enumerate(rows, start=2):
            texts = [_cell_text(v) for v in values]
            if not any(texts):
                continue
            count += 1
            if count > max_rows:
                raise SheetError(f"数据超过单次导入上限 {max_rows} 行，请拆分后分批导入")
            yield number, {key: (texts[pos] if pos < len(texts) else "") for key, pos in positions.items()}
    finally:
        workbook.close()


def _header_positions(header, columns: list[Column]) -> dict[str, int]:
    if not header:
        raise SheetError("文件是空的：第 1 行应为表头")
    labels = [_cell_text(h).rstrip("*＊ ") for h in header]
    positions, missing = {}, []
    for column in columns:
        if column.label in labels:
            positions[column.key] = labels.index(column.label)
        elif column.required:
            missing.append(column.label)
    if missing:
        raise SheetError("表头不正确，缺少列：" + "、".join(missing) + "。请使用导入模板")
    return positions


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDECEA")


def template_response(columns: list[Column], *, filename: str, title: str) -> FileResponse:
    """An import template: the header row (required columns marked *), one example row, notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([f"{c.label}{'*' if c.required else ''}" for c in columns])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(column.label) * 2 + 4)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    for column in columns:
        notes.append([column.label, "必填" if column.required else "选填", column.note])
    return _file_response(workbook, filename)


def export_response(
    headers: list[str], rows: Iterable[Iterable], *, filename: str, title: str, watermark: str
) -> FileResponse:
    """Stream ``rows`` into a write-only workbook on disk and send it; memory stays flat."""
    return _send(export_file(headers, rows, title=title, watermark=watermark), filename)


def export_file(headers: list[str], rows: Iterable[Iterable], *, title: str, watermark: str):
    """The export workbook written to a temporary file (open, at its start): the same file whether
    it is sent at once or kept as a background job's result."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = watermark[:255]
    workbook.properties.title = title
    sheet = workbook.create_sheet(title[:31])
    sheet.append([watermark])
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the caller (or the response)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _file_response(workbook: Workbook, filename: str) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed (and deleted) by the response
    workbook.save(handle)
    handle.seek(0)
    return _send(handle, filename)


def _send(handle, filename: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def export_watermark(user) -> str:
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return f"导出人：{user.full_name or user.username}（{user.username}）  导出时间：{now}  仅限工作使用，严禁外传"
