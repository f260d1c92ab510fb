"""The release notice as an A4 PDF, drawn from its frozen content only.

fpdf2 embeds a subset of the bundled Noto Sans SC (fonts/, made by scripts/make_notice_font.py), so a
notice renders on a machine with no fonts. The QR code is drawn as vector squares from segno's matrix.
Rendering is deterministic: the same content, number, link and date give the same bytes, so the
stored SHA-256 identifies the issued file.
"""

import datetime as dt
import logging
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, TextMode, XPos, YPos

from fugong.core.masking import mask_id_number

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Notice.otf"
FAMILY = "notice"
LEFT, RIGHT, WIDTH = 25.0, 185.0, 160.0  # A4 is 210 mm wide: 25 mm margins
QR_SIZE = 34.0
INDENT = "\u3000\u3000"  # two full-width spaces open a paragraph, as in official documents
# Chinese line breaking (禁则): these never open a line (they hang in the margin instead) …
NO_LINE_START = set("，。、；：？！）》」』】〕”’·…%")
# … and these never close one.
NO_LINE_END = set("（《「『【〔“‘")

logging.getLogger("fontTools").setLevel(logging.WARNING)  # fpdf2's subsetting logs every glyph at INFO


def cn_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def body_text(content: dict) -> str:
    """The notice's main paragraph in the official style, from the frozen content."""
    start, end, released = (
        dt.date.fromisoformat(content[k]) for k in ("start_date", "planned_end", "released_on")
    )
    head = f"{INDENT}你于{cn_date(content['start_date'])}起在{content['place']}{content['kind_label']}，"
    basis = f"依据{content['legal_basis']}" if content["legal_basis"] else ""
    if released >= end:
        last_day = end - dt.timedelta(days=1)
        middle = f"至{last_day.year}年{last_day.month}月{last_day.day}日隔离期满，经医学观察无异常，"
    else:  # released early, with the reason on record
        middle = f"因{content['reason']}，经医学观察无异常，"
    tail = f"{basis}，" if basis else ""
    return f"{head}{middle}{tail}自{cn_date(content['released_on'])}起解除隔离。"


class NoticeDocument(FPDF):
    """An A4 document of one or more notices, one per page."""

    def __init__(self, *, created: dt.datetime):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(LEFT, 20, 210 - RIGHT)
        self.add_font(FAMILY, fname=str(FONT))
        self.set_creation_date(created)
        self.set_creator("fugong")
        self.set_producer("fugong")
        self.set_lang("zh-CN")
        self.set_title("解除隔离通知书")

    def add_notice(self, *, content: dict, number: str, url: str) -> None:
        self.add_page()
        self._heading(number)
        self._body(content)
        self._issuer(content)
        self._signatures()
        self._qr(url)

    def _heading(self, number: str) -> None:
        self.set_font(FAMILY, size=26)
        self.text_mode, self.line_width = TextMode.FILL_STROKE, 0.35  # a heavier title with one font file
        self.set_xy(LEFT, 32)
        self.cell(WIDTH, 14, "解除隔离通知书", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.text_mode, self.line_width = TextMode.FILL, 0.2
        self.set_font(FAMILY, size=11)
        self.set_xy(LEFT, 50)
        self.cell(WIDTH, 7, f"编号：{number}", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(LEFT, 59, RIGHT, 59)

    def lines(self, text: str, width: float) -> list[str]:
        """Break ``text`` into lines of at most ``width`` (in the current font), by character, with
        closing punctuation hanging at the end of a line and opening punctuation carried over."""
        lines, line = [], ""
        for char in text:
            if line and self.get_string_width(line + char) > width and char not in NO_LINE_START:
                carried = ""
                while line and line[-1] in NO_LINE_END:
                    carried, line = line[-1] + carried, line[:-1]
                lines.append(line)
                line = carried
            line += char
        return [*lines, line] if line else lines

    def _paragraph(self, text: str, *, size: float = 14, height: float = 9.5) -> None:
        self.set_font(FAMILY, size=size)
        for line in self.lines(text, WIDTH):
            self.set_x(LEFT)
            self.cell(WIDTH, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _body(self, content: dict) -> None:
        self.set_xy(LEFT, 68)
        self._paragraph(f"{content['name']}（身份证号 {mask_id_number(content['id_number'])}）：")
        self.ln(1)
        self._paragraph(body_text(content))
        self.ln(1)
        self._paragraph(
            f"{INDENT}请凭本通知书到所在小区办理点办理业主身份卡。解除隔离后请继续做好个人防护，"
            "如出现发热、咳嗽等症状，请及时就医并告知社区。"
        )
        self._paragraph(f"{INDENT}特此通知。")

    def _issuer(self, content: dict) -> None:
        self.set_font(FAMILY, size=14)
        y = max(self.get_y() + 14, 160)
        self.set_xy(LEFT, y)
        for line in self.lines(content["issuer_unit"], WIDTH):  # a long unit name wraps, right-aligned
            self.cell(WIDTH, 9, line, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(WIDTH, 9, cn_date(content["issued_on"]), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _signatures(self) -> None:
        self.set_font(FAMILY, size=11)
        y = 226
        for label in ("送达人（社区工作人员）：", "家庭医生：", "被隔离人签收："):
            self.set_xy(LEFT, y)
            self.cell(52, 7, label)
            self.line(LEFT + 52, y + 6, LEFT + 104, y + 6)
            y += 11
        self.set_xy(LEFT, y)
        self.cell(40, 7, "送达日期：       年    月    日")

    def _qr(self, url: str) -> None:
        matrix = segno.make(url, error="m").matrix
        module = QR_SIZE / len(matrix)
        x0, y0 = RIGHT - QR_SIZE, 218.0
        self.set_fill_color(0, 0, 0)
        for row, cells in enumerate(matrix):
            col = 0
            while col < len(cells):  # one rectangle per run of dark modules keeps the page small
                if not cells[col]:
                    col += 1
                    continue
                run = col
                while run < len(cells) and cells[run]:
                    run += 1
                # a hair taller than a module, so that no white seam shows between rows on screen
                self.rect(
                    x0 + col * module, y0 + row * module, (run - col) * module, module + 0.02, style="F"
                )
                col = run
        self.set_font(FAMILY, size=10)
        self.set_xy(x0 - 6, y0 + QR_SIZE + 1)
        self.cell(QR_SIZE + 6, 6, "扫码核验真伪", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=7)
        self.set_xy(LEFT, y0 + QR_SIZE + 7)
        self.cell(WIDTH, 4, url, align=Align.R)


def render(notices: list[dict], *, created: dt.datetime) -> bytes:
    """One PDF with one page per notice; each item has ``content``, ``number`` and ``url``."""
    document = NoticeDocument(created=created)
    for notice in notices:
        document.add_notice(content=notice["content"], number=notice["number"], url=notice["url"])
    return bytes(document.output())
