"""The English interface: the language switch, and a catalog with every UI string translated.

The message ids are the Simplified Chinese UI strings. When a test here fails after you added or
changed a string, run ``make messages`` (makemessages -l en + compilemessages), translate every new
entry of fugong/locale/en/LC_MESSAGES/django.po, and commit both the .po and the .mo.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOG = ROOT / "fugong" / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")
HOW_TO_FIX = (
    "Run `make messages` (or: python manage.py makemessages -l en --ignore=.venv --ignore=tests "
    "--ignore=bench && python manage.py compilemessages -l en --ignore=.venv), translate every new "
    f"entry of {CATALOG.relative_to(ROOT)} into English (no empty msgstr, no '#, fuzzy'), "
    "and commit both the .po and the .mo."
)

NAV_ZH, NAV_EN = "企业名录", "Enterprise registry"


# --- the language switch ---------------------------------------------------------------------------


def choose(client: Client, language: str) -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


@pytest.mark.parametrize("path", ["/", "/enterprises/"])
def test_pages_are_chinese_without_a_chosen_language(client_for, path):
    html = client_for("street_A").get(path).content.decode()
    assert '<html lang="zh-hans">' in html
    assert NAV_ZH in html
    assert NAV_EN not in html


@pytest.mark.parametrize("path", ["/", "/enterprises/"])
def test_choosing_english_translates_the_navigation(client_for, path):
    client = client_for("street_A")
    choose(client, "en")
    response = client.get(path)
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert NAV_EN in html
    assert NAV_ZH not in html
    assert "Workbench" in html and "工作台" not in html


def test_switching_back_to_chinese(client_for):
    client = client_for("street_A")
    choose(client, "en")
    choose(client, "zh-hans")
    html = client.get("/enterprises/").content.decode()
    assert NAV_ZH in html and NAV_EN not in html


def test_browser_language_alone_does_not_switch_to_english(client_for):
    html = client_for("street_A").get("/", headers={"Accept-Language": "en"}).content.decode()
    assert NAV_ZH in html and NAV_EN not in html


# --- the catalog -----------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags, line.

    Obsolete entries (``#~``) are skipped; the header (empty msgid) is kept.
    """
    entries, entry, field = [], None, None

    def start(line_no):
        nonlocal entry
        if entry is None or "msgid" in entry and entry.get("msgstr"):
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": [], "flags": set(), "line": line_no}
            entries.append(entry)

    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            start(line_no)
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            text = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[field] += text
            continue
        if keyword in ("msgctxt", "msgid"):
            start(line_no)
        text = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            field = "msgstr"
            entry["msgstr"].append(text)
        else:
            field = keyword
            entry[keyword] = text
    return entries


def catalog_entries() -> list[dict]:
    return [e for e in read_po(CATALOG) if e["msgid"]]


def describe(entry: dict) -> str:
    context = f" (context {entry['msgctxt']!r})" if entry["msgctxt"] else ""
    return f"  line {entry['line']}: {entry['msgid']!r}{context}"


def test_the_catalog_exists_and_is_compiled():
    assert CATALOG.exists(), f"{CATALOG.relative_to(ROOT)} is missing. {HOW_TO_FIX}"
    assert COMPILED.exists(), f"{COMPILED.relative_to(ROOT)} is missing. {HOW_TO_FIX}"
    header = read_po(CATALOG)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0]
    assert len(catalog_entries()) > 100


def test_every_catalog_entry_is_translated():
    bad = [e for e in catalog_entries() if "fuzzy" in e["flags"] or not all(s.strip() for s in e["msgstr"])]
    assert not bad, (
        f"{len(bad)} entries of the English catalog are untranslated or fuzzy (they would show in Chinese):\n"
        + "\n".join(describe(e) for e in bad[:40])
        + f"\n{HOW_TO_FIX}"
    )


def test_translations_keep_the_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sdif]|%[sdif]")
    bad = []
    for e in catalog_entries():
        wanted = sorted(placeholder.findall(e["msgid"]))
        bad += [e for s in e["msgstr"] if s and sorted(placeholder.findall(s)) != wanted][:1]
    assert not bad, "These translations lost or changed a %(name)s placeholder:\n" + "\n".join(
        describe(e) for e in bad
    )


def test_the_compiled_catalog_matches_the_po_file():
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for e in catalog_entries():
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] else e["msgid"]
        if e["msgid_plural"]:
            found = [compiled.get((key, n)) for n in range(len(e["msgstr"]))]
        else:
            found = [compiled.get(key)]
        if found != e["msgstr"]:
            stale.append(e)
    assert not stale, (
        f"{COMPILED.relative_to(ROOT)} is out of date for {len(stale)} entries:\n"
        + "\n".join(describe(e) for e in stale[:20])
        + f"\n{HOW_TO_FIX}"
    )


# --- the source against the catalog ----------------------------------------------------------------

# The names makemessages (xgettext) extracts from Python: name -> (context arg, msgid arg, plural arg).
PY_KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
SOURCE_DIRS = ("fugong",)
SKIPPED_PARTS = {"static", "locale", "__pycache__"}
TEMPLATE_CALL = re.compile(r"\b(?:n?p?gettext|_)\(")


def calls_in_python(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in PY_KEYWORDS:
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        ctx_at, id_at, plural_at = PY_KEYWORDS[name]
        if len(args) <= id_at or args[id_at] is None:
            continue  # not a literal: makemessages cannot extract it either
        yield (args[ctx_at] if ctx_at is not None else None), args[id_at], node.lineno


def calls_in_template(source: str):
    """The strings of {% translate %}, {% blocktranslate %} and _("…"), as makemessages sees them."""
    text = templatize(source)
    for match in TEMPLATE_CALL.finditer(text):
        end = match.end()
        while True:
            end = text.find(")", end) + 1
            if end == 0:
                break
            try:
                call = ast.parse(text[match.start() : end], mode="eval").body
            except SyntaxError:
                continue
            yield from calls_in_python(call)
            break


def source_messages() -> dict[tuple[str | None, str], str]:
    found = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or SKIPPED_PARTS & set(path.parts):
                continue
            source = path.read_text(encoding="utf-8")
            name = str(path.relative_to(ROOT))
            if path.suffix == ".py":
                calls = [(c, m, f"{name}:{line}") for c, m, line in calls_in_python(ast.parse(source))]
            else:  # line numbers of templatize()'s output are not the template's
                calls = [(c, m, name) for c, m, _ in calls_in_template(source)]
            for context, msgid, where in calls:
                if msgid:
                    found.setdefault((context, msgid), where)
    return found


def test_every_ui_string_in_the_source_is_in_the_catalog():
    known = {(e["msgctxt"], e["msgid"]) for e in catalog_entries()}
    missing = {key: where for key, where in source_messages().items() if key not in known}
    assert not missing, (
        f"{len(missing)} UI strings in the source are not in the English catalog yet:\n"
        + "\n".join(f"  {where}: {msgid!r}" for (_, msgid), where in sorted(missing.items(), key=str)[:40])
        + f"\n{HOW_TO_FIX}"
    )


def test_the_source_scan_finds_the_known_strings():
    # Guards the scan itself: if it silently found nothing, the test above would always pass.
    found = {msgid for _, msgid in source_messages()}
    assert {
        NAV_ZH,
        "工作台",
        "保存",
        "共 %(n)s 家",
        "文件中有 %(n)s 处错误，全部未导入。请修改后重新上传：",
    } <= found
