"""The district's starting rules for resumption, as the seeds describe them; editable afterwards.

Filing with a signed commitment is the default (国办发明电〔2020〕6号); review stays for industry,
construction sites and financial outlets, where the seeds' streets checked each firm.
"""

import datetime as dt

from django.db import migrations

START = dt.date(2020, 2, 10)
POLICIES = {
    "above_scale": "review", "below_scale": "review", "construction": "review", "finance": "review",
    "commerce": "filing", "individual": "filing", "small_venue": "filing",
}
CONDITIONS = [
    ("plan", "制定疫情防控工作方案", "plan", None, []),
    ("masks", "口罩储备满足7天使用", "mask_days", 7, []),
    ("disinfectant", "消毒液储备满足7天使用", "disinfectant_days", 7, []),
    ("thermometers", "配备体温检测设备", "thermometers", 1, []),
    ("ventilation", "工作场所通风良好", "ventilation", None, []),
    ("isolation", "设置临时隔离观察室", "isolation_room", None, ["above_scale", "below_scale", "construction"]),
    ("canteen", "食堂错峰、分餐就餐", "canteen", None, ["above_scale", "below_scale", "construction"]),
    ("dormitory", "宿舍控制居住密度并每日消毒", "dormitory", None, []),
    ("roster", "报送返岗人员名单", "roster", None, []),
    ("healthy", "返岗人员无发热、咳嗽等症状", "roster_healthy", None, []),
    ("commitment", "法定代表人签署复工承诺书", "commitment", None, []),
]
COMMITMENT = """本企业郑重承诺：
一、严格落实疫情防控主体责任，法定代表人为第一责任人；
二、如实报送返岗人员名单及其近14天行程和健康状况，对来自市外和重点地区的人员落实隔离观察；
三、每日对员工进行体温检测，对办公、生产、食堂、宿舍等场所定时消毒、通风，落实错峰就餐；
四、储备满足生产需要的口罩、消毒液、体温计等防疫物资，设置临时隔离观察室；
五、发现发热、咳嗽等症状人员立即隔离并报告属地街镇和卫生健康部门；
六、每日报送企业日报，接受属地和行业主管部门的监督检查。
如有瞒报、漏报、虚报或防控措施不落实，本企业愿承担相应法律责任。"""


def forwards(apps, schema_editor):
    CategoryPolicy = apps.get_model("resumption", "CategoryPolicy")
    Condition = apps.get_model("resumption", "Condition")
    CommitmentText = apps.get_model("resumption", "CommitmentText")
    for category, mode in POLICIES.items():
        CategoryPolicy.objects.get_or_create(category=category, defaults={"mode": mode, "review_working_days": 2})
    for order, (code, title, rule, threshold, categories) in enumerate(CONDITIONS):
        Condition.objects.get_or_create(
            code=code, effective_from=START,
            defaults={"title": title, "rule": rule, "threshold": threshold, "categories": categories,
                      "sort_order": order, "legal_basis": "区疫情防控指挥部关于企业复工复产的工作要求"})
    CommitmentText.objects.get_or_create(version="2020-1", defaults={"text": COMMITMENT, "effective_from": START})


def backwards(apps, schema_editor):
    apps.get_model("resumption", "CommitmentText").objects.filter(version="2020-1").delete()
    apps.get_model("resumption", "Condition").objects.filter(effective_from=START).delete()
    apps.get_model("resumption", "CategoryPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("resumption", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
