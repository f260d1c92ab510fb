"""The ledger export writes a problem's title (the enterprise's own words) and the enterprise's name
as data, never as a formula; odd characters never fail it."""

from fugong.enterprises.models import Enterprise
from fugong.ledger.models import Problem
from tests.xlsx_safety import (
    CONTROL_NAME,
    CONTROL_NAME_WRITTEN,
    FORMULA_TEXTS,
    assert_data_only,
    body,
    values,
)

from .conftest import report


def test_formula_titles_come_out_as_text_cells(world, rules, client_for):
    for text in FORMULA_TEXTS:
        problem = report(world, title="口罩短缺")
        Problem.objects.filter(pk=problem.pk).update(title=text)
    content = body(client_for("street_A").get("/ledger/export.xlsx"))
    assert_data_only(content, texts=FORMULA_TEXTS)


def test_a_formula_enterprise_name_is_text_too(world, rules, client_for):
    report(world, title="缺焊工")
    Enterprise.objects.filter(pk=world.enterprises["A1_above_scale"].pk).update(name="=1+1")
    assert_data_only(body(client_for("street_A").get("/ledger/export.xlsx")), texts=["=1+1"])


def test_a_control_character_does_not_break_the_export(world, rules, client_for, caplog):
    problem = report(world, title="口罩短缺")
    Problem.objects.filter(pk=problem.pk).update(title=CONTROL_NAME)
    written = values(body(client_for("street_A").get("/ledger/export.xlsx")))
    assert CONTROL_NAME_WRITTEN in written
    assert CONTROL_NAME not in caplog.text
