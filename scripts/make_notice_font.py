"""Make the font the release notices (解除隔离通知书) are printed with.

A subset of Noto Sans CJK SC Regular (SIL OFL 1.1) from Debian's fonts-noto-cjk, so a notice renders
on a machine with no fonts installed. Kept: ASCII and Latin-1 punctuation, general punctuation,
℃ and № and the like, CJK symbols and punctuation, full-width forms, and the whole CJK Unified
Ideographs block U+4E00–U+9FFF (people's names use rare characters). Dropped: hinting, vertical
metrics and the OpenType layout tables, none of which a printed horizontal notice needs.

Run once after ``apt-get install fonts-noto-cjk``; the output is committed:

    .venv/bin/python scripts/make_notice_font.py
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
TARGET = Path(__file__).resolve().parent.parent / "fugong" / "quarantine" / "fonts" / "NotoSansSC-Notice.otf"

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, ÷, °
    (0x2010, 0x2027),  # dashes, quotes, ellipsis, •
    (0x2030, 0x203B),  # ‰, ※
    (0x2103, 0x2103),  # ℃
    (0x2116, 0x2116),  # №
    (0x2160, 0x216B),  # Ⅰ–Ⅻ
    (0x2460, 0x2473),  # ①–⑳
    (0x25A0, 0x25CF),  # □ ■ ○ ●
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉《》「」【】〔〕
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFF00, 0xFFEF),  # full-width forms: （）：，；！？
]


def face(collection: TTCollection):
    for font in collection.fonts:
        if font["name"].getDebugName(4) == FACE:
            return font
    sys.exit(f"{FACE} not found in {SOURCE}")


def main() -> None:
    font = face(TTCollection(SOURCE))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx", "DSIG"]
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs")


if __name__ == "__main__":
    main()
