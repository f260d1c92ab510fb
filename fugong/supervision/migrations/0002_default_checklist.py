"""The district's starting checklist (the seeds' inspection points) and the 90-day window."""

import datetime as dt

from django.db import migrations

CHECKLIST = [
    ("masks", "员工佩戴口罩"),
    ("gate_temperature", "门岗测温登记"),
    ("disinfection_log", "消毒记录完整"),
    ("canteen", "食堂错峰就餐"),
    ("dormitory", "宿舍人员密度符合要求"),
    ("roster", "在岗人员与复工名单一致"),
    ("isolation_room", "设有临时隔离室"),
]
START = dt.date(2020, 2, 1)


def forwards(apps, schema_editor):
    item = apps.get_model("supervision", "ChecklistItem")
    policy = apps.get_model("supervision", "EscalationPolicy")
    for order, (code, title) in enumerate(CHECKLIST):
        item.objects.get_or_create(code=code, effective_from=START, defaults={"title": title, "sort_order": order})
    if not policy.objects.exists():
        policy.objects.create(window_days=90)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
