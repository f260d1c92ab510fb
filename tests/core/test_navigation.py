from django.urls import reverse

from fugong.core.access import Role
from fugong.core.navigation import nav_for, nav_items


def test_every_navigation_entry_resolves():
    for item in nav_items():
        assert reverse(item.url_name).startswith("/"), item.url_name


def test_each_role_sees_only_the_entries_it_may_use(world):
    labels = {
        name: [str(i["label"]) for i in nav_for(world.users[name], "/")]
        for name in ("street_A", "ent_admin_A", "resident_A", "leader")
    }
    assert "备案审核" in labels["street_A"] and "复工备案" not in labels["street_A"]
    assert "复工备案" in labels["ent_admin_A"] and "备案审核" not in labels["ent_admin_A"]
    assert labels["resident_A"] == ["工作台", "我的任务", "健康打卡"]  # 我的任务: every signed-in user
    assert "指挥部驾驶舱" in labels["leader"] and "用户管理" not in labels["leader"]
    assert world.users["leader"].role == Role.DISTRICT_LEADER


def test_the_current_page_is_the_one_active_entry(world):
    items = nav_for(world.users["street_A"], "/enterprises/import/")
    assert [str(i["label"]) for i in items if i["active"]] == ["批量导入企业"]


def test_every_entry_a_medic_sees_opens(world, client_for):
    # 移交待接收 was shown to 包企医护人员 (QUARANTINE_MANAGE) but its page needs RETURNEE_REGISTER: 403.
    items = nav_for(world.users["medic_A"], "/")
    assert "移交待接收" not in [str(i["label"]) for i in items]
    assert "隔离随访" in [str(i["label"]) for i in items]
    client = client_for("medic_A")
    assert {i["url"]: client.get(i["url"]).status_code for i in items} == {i["url"]: 200 for i in items}
