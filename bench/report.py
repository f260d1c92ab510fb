"""Printing the figures against the targets, and recording them in bench/README.md."""

import re
from pathlib import Path

README = Path(__file__).with_name("README.md")
START, END = "<!-- results:start -->", "<!-- results:end -->"


def width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def table(rows: list[list[str]]) -> str:
    """A Markdown table whose columns also line up in a terminal with CJK text."""
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(row):
        return "| " + " | ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(row)) + " |"

    return "\n".join(
        [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows[1:])]
    )


def verdict(ok: bool) -> str:
    return "达标" if ok else "未达标"


def record(markdown: str) -> None:
    text = README.read_text(encoding="utf-8")
    block = f"{START}\n{markdown.strip()}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")
