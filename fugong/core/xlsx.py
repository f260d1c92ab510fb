"""Reading and writing xlsx the way officials use it: one sheet, a header row, clear errors.

Imports read in openpyxl's read-only mode and check size, type, headers and row count before any
row is parsed. Exports write in write-only mode to a temporary file, so memory stays flat as rows
grow, and carry a watermark of who exported when.
"""

import datetime as dt
import io
import logging
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.xml.constants import SHEET_MAIN_NS

logger = logging.getLogger(__name__)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
VALUE_PATH = f"{{{SHEET_MAIN_NS}}}c/{{{SHEET_MAIN_NS}}}v"
INLINE_PATH = f"{{{SHEET_MAIN_NS}}}c/{{{SHEET_MAIN_NS}}}is"


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
    the file is not a readable xlsx, lacks required headers or holds more than ``max_rows`` rows.

    Nothing is parsed before the archive passes ``check_archive`` (declared sizes, ratio, members),
    and no row is yielded before the sheet's non-empty rows are counted (a streaming count that stops
    at the cap). Any failure inside openpyxl is a SheetError whose message carries no cell's value.
    """
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    _check_upload(upload)
    check_archive(upload)
    try:
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception as exc:  # openpyxl can fail anywhere on a damaged file; defusedxml refuses DTDs
        raise SheetError(str(UNREADABLE)) from _quiet(exc)
    try:
        sheet = workbook.worksheets[0]
        count_rows(sheet, max_rows=max_rows)
        yield from _rows(sheet, columns, max_rows)
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(str(UNREADABLE)) from _quiet(exc)
    finally:
        workbook.close()


UNREADABLE = gettext_lazy("无法读取该 xlsx 文件（文件可能已损坏），请用 Excel 另存为 .xlsx 后再导入")


def _quiet(exc: Exception) -> None:
    """Log the failure's kind only and drop it as a cause: openpyxl's messages quote cell values."""
    logger.info("xlsx refused: %s", type(exc).__name__)


def _check_upload(upload) -> None:
    if upload is None:
        raise SheetError(_("请选择要导入的 xlsx 文件"))
    if getattr(upload, "size", 0) > settings.IMPORT_MAX_BYTES:
        raise SheetError(
            _("文件过大（上限 %(mb)d MB），请拆分后分批导入") % {"mb": settings.IMPORT_MAX_BYTES // MB}
        )
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise SheetError(_("文件格式不正确：请上传 Excel 的 .xlsx 文件（可先下载导入模板）"))


def _rows(sheet, columns: list[Column], max_rows: int) -> Iterator[tuple[int, dict]]:
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    positions = _header_positions(header, columns)
    count = 0
    for number, values in enumerate(rows, start=2):
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        count += 1
        if count > max_rows:  # the count above makes this unreachable unless the file changed
            raise SheetError(_("数据超过单次导入上限 %(max)d 行，请拆分后分批导入") % {"max": max_rows})
        yield number, {key: (texts[pos] if pos < len(texts) else "") for key, pos in positions.items()}


# --- bounds checked before anything is parsed -----------------------------------------------------

MB = 1024 * 1024
NOT_XLSX = gettext_lazy(
    "文件内容不是有效的 xlsx（可能是改了扩展名的其他文件），请用 Excel 另存为 .xlsx 后再导入"
)
RATIO_FLOOR = MB  # members smaller than this may compress as well as they like (styles, empty sheets)


def check_archive(upload) -> None:
    """Refuse an xlsx whose parts would inflate past the limits, before openpyxl opens it.

    Reads only the zip's central directory. The declared sizes are binding: Python's zipfile stops
    inflating a member at its declared size (and then fails its CRC), so a member that lies about its
    size cannot grow past it either.
    """
    upload.seek(0)
    try:
        if not zipfile.is_zipfile(upload):
            raise SheetError(str(NOT_XLSX))
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except SheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetError(str(NOT_XLSX)) from _quiet(exc)
    finally:
        upload.seek(0)
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        raise SheetError(str(NOT_XLSX))
    total = 0
    for member in members:
        _check_member(member)
        total += member.file_size
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise SheetError(_too_big())


def _check_member(member: zipfile.ZipInfo) -> None:
    if member.flag_bits & 0x1:
        raise SheetError(_("文件已加密或设置了密码，请在 Excel 中取消密码后另存为 .xlsx 再导入"))
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise SheetError(str(NOT_XLSX))
    name = member.filename
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise SheetError(str(NOT_XLSX))
    size = member.file_size
    if size > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise SheetError(_too_big())
    ratio = size / max(member.compress_size, 1)
    if size > RATIO_FLOOR and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO:
        raise SheetError(_too_big())


def _too_big() -> str:
    return _("文件解压后过大（上限 %(mb)d MB），请删除多余的工作表、格式或图片，或拆分后分批导入") % {
        "mb": settings.IMPORT_MAX_UNCOMPRESSED_BYTES // MB
    }


def count_rows(sheet, *, max_rows: int) -> int:
    """The sheet's data rows (non-empty rows after the header), counted by streaming its XML without
    building rows or resolving shared strings; SheetError as soon as the count passes ``max_rows``.
    A sheet carrying a DTD (entity expansion, "billion laughs") is refused."""
    count = 0
    with sheet._get_source() as source:  # openpyxl's own path to the first sheet's XML
        parser = etree.iterparse(
            source,
            events=("end",),
            tag=ROW_TAG,
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
        )
        for _event, row in parser:
            if count == 0 and parser.root is not None and parser.root.getroottree().docinfo.doctype:
                raise SheetError(str(UNREADABLE))
            if row.find(VALUE_PATH) is not None or row.find(INLINE_PATH) is not None:
                count += 1
                if count - 1 > max_rows:  # the first non-empty row is the header
                    raise SheetError(
                        _("数据超过单次导入上限 %(max)d 行，请拆分后分批导入") % {"max": max_rows}
                    )
            row.clear(keep_tail=False)
            while row.getprevious() is not None:
                del row.getparent()[0]
    return max(count - 1, 0)


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


# --- writing: every cell is data, never a formula ---------------------------------------------------

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), with the full-width
# forms an input method types; such a text is written as a text cell with Excel's quote prefix (the
# leading apostrophe's equivalent, which keeps it text when edited) and its value unchanged.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
EXCEL_MAX_TEXT = 32767  # Excel's limit for one cell; longer text is cut, never refused
REPLACEMENT = "\ufffd"
PLAIN_TYPES = (int, float, Decimal, bool, dt.date, dt.time, dt.timedelta)


def cell_text(value: str) -> str:
    """``value`` as text a worksheet accepts: characters XML cannot carry become U+FFFD."""
    text = ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    return text if len(text) <= EXCEL_MAX_TEXT else text[: EXCEL_MAX_TEXT - 1] + "…"


def safe_cell(sheet, value):
    """One cell's value as written: numbers and dates as they are, everything else as text, and
    a text that could start a formula as a text cell (never a formula)."""
    if value is None or (isinstance(value, PLAIN_TYPES) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    text = cell_text(value if isinstance(value, str) else str(value))
    if not text or text[0] not in FORMULA_STARTS:
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    cell.quotePrefix = True
    return cell


def safe_row(sheet, values: Iterable) -> list:
    return [safe_cell(sheet, value) for value in values]


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FDECEA")


def template_response(columns: list[Column], *, filename: str, title: str) -> FileResponse:
    """An import template: the header row (required columns marked *), one example row, notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = cell_text(title)[:31]
    sheet.append(safe_row(sheet, [f"{c.label}{'*' if c.required else ''}" for c in columns]))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sheet.append(safe_row(sheet, [c.example for c in columns]))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(column.label) * 2 + 4)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "说明"])
    for column in columns:
        notes.append(safe_row(notes, [column.label, "必填" if column.required else "选填", column.note]))
    return _file_response(workbook, filename)


def export_response(
    headers: list[str], rows: Iterable[Iterable], *, filename: str, title: str, watermark: str
) -> FileResponse:
    """Stream ``rows`` into a write-only workbook on disk and send it; memory stays flat."""
    return _send(export_file(headers, rows, title=title, watermark=watermark), filename)


def export_file(headers: list[str], rows: Iterable[Iterable], *, title: str, watermark: str):
    """The export workbook written to a temporary file (open, at its start): the same file whether
    it is sent at once or kept as a background job's result. Every cell passes ``safe_cell``, so no
    value becomes a formula and no character of a record can make the export fail."""
    headers = [str(h) for h in headers]  # translated here: apps may declare them with gettext_lazy
    title, watermark = str(title), str(watermark)
    workbook = Workbook(write_only=True)
    workbook.properties.creator = cell_text(watermark)[:255]
    workbook.properties.title = cell_text(title)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.append(safe_row(sheet, [watermark]))
    sheet.append(safe_row(sheet, headers))
    for row in rows:
        sheet.append(safe_row(sheet, row))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the caller (or the response)
    workbook.save(handle)
    handle.seek(0)
    return handle


def sheet_bytes(rows: Iterable[Iterable], *, title: str) -> bytes:
    """A small one-sheet workbook as bytes (an attachment made by code), written like every export."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    for row in rows:
        sheet.append(safe_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses these in a sheet's name; the title may carry a user's or a notice's words.
    return re.sub(r"[\\/?*\[\]:]", "_", cell_text(title))[:31] or "Sheet1"


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
