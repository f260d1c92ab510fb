"""Two versions of the district's measures for returnees, to show that rules are dated data.

2020-01-24: Chongqing's first-level response — from a high-risk area 14 days centralized; from a key
area or outside the city 14 days at home; everyone else 14 days of health monitoring.
2022-06-28: the ninth edition of the national plan (第九版) — high-risk 7 days centralized, medium-risk
and key areas 7 days at home, otherwise 7 days of health monitoring.
"""

import datetime as dt

from django.db import migrations

APPEAL = ("对本措施有异议的，可向所在社区居委会或街道疫情防控指挥部提出复核申请，"
          "也可拨打区疫情防控指挥部电话 023-12345 反映；依法可申请行政复议或提起行政诉讼。"
          "复核期间，防控措施不停止执行。")

SETS = [
    {
        "name": "重庆市2020年返区人员管控措施",
        "effective_from": dt.date(2020, 1, 24),
        "legal_basis": "《中华人民共和国传染病防治法》《突发公共卫生事件应急条例》；重庆市启动重大突发公共卫生事件"
                       "一级响应（2020年1月24日）及市疫情防控工作领导小组相关通告",
        "rules": [(1, "high", "centralized", 14), (2, "key", "home", 14), (3, "outside_city", "home", 14),
                  (4, "any", "monitoring", 14)],
    },
    {
        "name": "新型冠状病毒肺炎防控方案（第九版）",
        "effective_from": dt.date(2022, 6, 28),
        "legal_basis": "《中华人民共和国传染病防治法》；国务院联防联控机制综合组《新型冠状病毒肺炎防控方案（第九版）》"
                       "（2022年6月28日）",
        "rules": [(1, "high", "centralized", 7), (2, "medium", "home", 7), (3, "key", "home", 7),
                  (4, "any", "monitoring", 7)],
    },
]


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("quarantine", "RuleSet")
    Rule = apps.get_model("quarantine", "Rule")
    for spec in SETS:
        if RuleSet.objects.filter(effective_from=spec["effective_from"]).exists():
            continue
        rule_set = RuleSet.objects.create(name=spec["name"], effective_from=spec["effective_from"],
                                          legal_basis=spec["legal_basis"], appeal=APPEAL)
        for order, condition, measure, days in spec["rules"]:
            Rule.objects.create(rule_set=rule_set, order=order, condition=condition, measure=measure, days=days)


class Migration(migrations.Migration):
    dependencies = [("quarantine", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
