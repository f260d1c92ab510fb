"""The read list's export writes the enterprises' names as data, never as a formula; odd characters
in a name never fail it."""

from fugong.enterprises.models import Enterprise
from tests.xlsx_safety import (
    CONTROL_NAME,
    CONTROL_NAME_WRITTEN,
    FORMULA_TEXTS,
    assert_data_only,
    body,
    values,
)

KEYS = ("A1_above_scale", "A1_commerce", "A2_individual")


def test_formula_names_come_out_as_text_cells(world, publish, client_for):
    for start in range(0, len(FORMULA_TEXTS), len(KEYS)):
        texts = FORMULA_TEXTS[start : start + len(KEYS)]
        for key, text in zip(KEYS, texts, strict=False):
            Enterprise.objects.filter(pk=world.enterprises[key].pk).update(name=text)
        notice = publish("street_A", area="A", title=f"关于复工的通知{start}")
        content = body(client_for("street_A").get(f"/notices/{notice.pk}/read-list.xlsx"))
        assert_data_only(content, texts=texts)


def test_a_control_character_in_a_name_does_not_break_the_export(world, publish, client_for, caplog):
    Enterprise.objects.filter(pk=world.enterprises["A1_commerce"].pk).update(name=CONTROL_NAME)
    notice = publish("street_A", area="A")
    written = values(body(client_for("street_A").get(f"/notices/{notice.pk}/read-list.xlsx")))
    assert CONTROL_NAME_WRITTEN in written and world.enterprises["A1_above_scale"].name in written
    assert CONTROL_NAME not in caplog.text
