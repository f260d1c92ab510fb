"""Hostile xlsx files built in memory, byte by byte: a real workbook whose one part is swapped for
a deflate stream that inflates far beyond the upload (written without ever holding the inflated
bytes), a part that lies about its size, encrypted or oddly compressed parts, entity expansion."""

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

GB = 1024**3
MB = 1024**2
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@dataclass
class Part:
    name: str
    data: bytes  # as stored (raw deflate for method 8)
    crc: int
    size: int  # the uncompressed size declared in both headers
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name: str, content: bytes) -> Part:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, c.compress(content) + c.flush(), zlib.crc32(content), len(content))


@functools.lru_cache(maxsize=8)
def inflating(name: str, head: bytes, tail: bytes, size: int) -> Part:
    """``head`` + ``size`` bytes of "x" + ``tail``, deflated: after a full flush the compressor starts
    afresh, so every further block of x compresses to the same bytes, repeated without compressing."""
    block = b"x" * (8 * MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    same = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    blocks = size // len(block)
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, first + same * blocks + last, crc, len(head) + blocks * len(block) + len(tail))


def sheet_bomb(size: int = GB) -> Part:
    head = (
        b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>'
    )
    return inflating(SHEET, head, b"</t></is></c></row></sheetData></worksheet>", size)


def strings_bomb(size: int = GB) -> Part:
    head = b'<?xml version="1.0"?><sst ' + NS + b' count="1" uniqueCount="1"><si><t>'
    return inflating(STRINGS, head, b"</t></si></sst>", size)


def workbook_parts(header: list[str], rows: list[list] | None = None) -> list[Part]:
    """The parts of a real workbook (header and rows as shared strings), recompressed."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows or []:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return [deflated(info.filename, archive.read(info)) for info in archive.infolist()]


STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_strings(parts: list[Part], strings: Part) -> list[Part]:
    """``parts`` with a shared-strings part added (openpyxl writes inline strings, so declare it)."""
    types = next(p for p in parts if p.name == "[Content_Types].xml")
    content = zlib.decompress(types.data, -15).replace(
        b"</Types>",
        b'<Override PartName="/' + STRINGS.encode() + b'" ContentType="' + STRINGS_TYPE + b'"/></Types>',
    )
    return replaced(parts, deflated(types.name, content), strings)


def replaced(parts: list[Part], *new: Part) -> list[Part]:
    names = {p.name for p in new}
    return [p for p in parts if p.name not in names] + list(new)


def archive(parts: list[Part]) -> bytes:
    """A zip of ``parts`` exactly as declared (sizes, flags, method), no zip64."""
    out, central = io.BytesIO(), io.BytesIO()
    for part in parts:
        name, offset = part.name.encode(), out.tell()
        fixed = (20, part.flags, part.method, 0, 0x21, part.crc, len(part.data), part.size, len(name), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fixed) + name + part.data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fixed, 0, 0, 0, 0, offset) + name)
    directory = central.getvalue()
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), out.tell(), 0)
    return out.getvalue() + directory + end


def upload(content: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def laughs_sheet() -> Part:
    body = (
        b"<worksheet "
        + NS
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    )
    return deflated(SHEET, LAUGHS + body + b"</sheetData></worksheet>")


def laughs_strings() -> Part:
    return deflated(
        STRINGS, LAUGHS + b"<sst " + NS + b' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
