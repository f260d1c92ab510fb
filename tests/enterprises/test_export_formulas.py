"""The enterprise export writes every text as data: formula-like names, addresses and contact names
come out as quote-prefixed text cells with their value intact; a control character never fails it."""

from fugong.enterprises.models import Enterprise
from tests.xlsx_safety import (
    CONTROL_NAME,
    CONTROL_NAME_WRITTEN,
    FORMULA_TEXTS,
    assert_data_only,
    body,
    values,
)

URL = "/enterprises/export.xlsx"
FIELDS = ("name", "address", "legal_rep_name", "contact_name")
KEYS = ("A1_above_scale", "A1_commerce", "A2_individual")


def _plant(world) -> list[str]:
    """The formula texts spread over street A's enterprises' text fields (saved as old data was)."""
    planted, texts = {}, iter(FORMULA_TEXTS)
    for key in KEYS:
        for field in FIELDS:
            text = next(texts, None)
            if text is not None:
                planted.setdefault(key, {})[field] = text
    for key, changes in planted.items():
        Enterprise.objects.filter(pk=world.enterprises[key].pk).update(**changes)
    return [t for changes in planted.values() for t in changes.values()]


def test_formula_texts_come_out_as_text_cells(world, client_for):
    texts = _plant(world)
    assert sorted(texts) == sorted(FORMULA_TEXTS)
    content = body(client_for("street_A").get(URL))
    assert_data_only(content, texts=texts)


def test_the_api_export_is_the_same_writer(world, api_for):
    texts = _plant(world)
    content = body(api_for("street_A").get("/api/v1/enterprises/export.xlsx"))
    assert_data_only(content, texts=texts)


def test_a_control_character_in_a_name_does_not_break_the_export(world, client_for, caplog):
    Enterprise.objects.filter(pk=world.enterprises["A1_commerce"].pk).update(
        name=CONTROL_NAME, address="地址\x01\x0b末尾"
    )
    content = body(client_for("street_A").get(URL))
    written = values(content)
    assert CONTROL_NAME_WRITTEN in written and "地址\ufffd\ufffd末尾" in written
    assert world.enterprises["A1_above_scale"].name in written  # the other rows are all there
    assert CONTROL_NAME not in caplog.text


def test_plain_values_are_unchanged(world, client_for):
    # Positive control: ordinary text stays plain text (no quote prefix), numbers stay numbers.
    content = body(client_for("street_A").get(URL))
    from tests.xlsx_safety import cells

    by_value = {c.value: c for c in cells(content)}
    name = by_value[world.enterprises["A1_above_scale"].name]
    assert (name.data_type, name.quotePrefix) == ("s", False)
    assert by_value[100].data_type == "n"
