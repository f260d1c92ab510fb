"""The people export writes every text as data: formula-like names and addresses come out as
quote-prefixed text cells with their value intact; a control character in a name never fails it
and never reaches the log."""

from fugong.health.models import Person
from tests.xlsx_safety import (
    CONTROL_NAME,
    CONTROL_NAME_WRITTEN,
    FORMULA_TEXTS,
    assert_data_only,
    body,
    values,
)

from .helpers import person


def test_formula_texts_come_out_as_text_cells(world, client_for):
    for seq, text in enumerate(FORMULA_TEXTS, start=40):
        p = person(world, "A1", seq)
        Person.objects.filter(pk=p.pk).update(name=text, address=text[::-1])
    client = client_for("community_A")
    for params in ({}, {"full": "1"}):
        content = body(client.get("/people/export/", params))
        assert_data_only(content, texts=FORMULA_TEXTS)


def test_a_control_character_in_a_name_does_not_break_the_export(world, client_for, caplog):
    odd = person(world, "A1", 60)
    Person.objects.filter(pk=odd.pk).update(name=CONTROL_NAME, address="嘉陵\x07路")
    plain = person(world, "A1", 61)
    content = body(client_for("community_A").get("/people/export/"))
    written = values(content)
    assert CONTROL_NAME_WRITTEN in written and "嘉陵\ufffd路" in written
    assert plain.name in written
    assert CONTROL_NAME not in caplog.text


def test_the_export_headers_follow_the_chosen_language(world, client_for):
    person(world, "A1", 61)
    client = client_for("community_A")
    chinese = values(body(client.get("/people/export/")))
    assert {"姓名", "身份证号", "居住社区"} <= set(chinese)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    english = values(body(client.get("/people/export/")))
    assert not {"姓名", "身份证号", "居住社区"} & set(english)
    assert {"Name", "ID number"} & set(english), sorted(v for v in english if isinstance(v, str))[:20]
