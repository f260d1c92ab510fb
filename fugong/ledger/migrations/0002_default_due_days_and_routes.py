"""The default answer times per category, and district-wide routing rules to the departments of the
demo district where those departments already exist (otherwise problems stay with the street)."""

from django.db import migrations

from fugong.ledger.choices import DEFAULT_DUE_DAYS, DEFAULT_ROUTES


def forwards(apps, schema_editor):
    CategoryDueDays = apps.get_model("ledger", "CategoryDueDays")
    RoutingRule = apps.get_model("ledger", "RoutingRule")
    Department = apps.get_model("areas", "Department")
    for category, days in DEFAULT_DUE_DAYS.items():
        CategoryDueDays.objects.get_or_create(category=category, defaults={"days": days})
    departments = {d.code: d for d in Department.objects.all()}
    for category, codes in DEFAULT_ROUTES.items():
        department = next((departments[c] for c in codes if c in departments), None)
        if department is not None:
            RoutingRule.objects.get_or_create(category=category, area_path="", defaults={"department": department})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial"), ("areas", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
